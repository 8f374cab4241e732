"""Can a Qt window open here? Checked before anything imports Qt, which would abort with a dump.

Three things stop PySide6's window on Linux: no display at all, a local DISPLAY no X server
listens on, and system libraries that Qt's xcb platform plugin links against but the machine
lacks (a fresh Debian has no libxcb-cursor0, libxcb-icccm4 or libxcb-keysyms1). Those are
read from `ldd` on the installed plugin (`PySide6/Qt/plugins/platforms/libqxcb.so`) and on `libQt6XcbQpa`, through
which the xcb libraries come, so the list is what this PySide6 needs, not a guess.
`make run` calls `python -m app.display_check --install`, which installs the missing
packages with apt-get when it may (as root, or with a sudo that needs no password) and
otherwise names the one command to run; `netsmith open` and `netsmith playground` only
report (a command line tool does not install system packages by itself).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

__all__ = ["SONAME_PACKAGES", "display_problem", "install_command", "missing_libraries", "no_display_message",
           "xcb_libraries"]

# Debian and Ubuntu packages of the libraries Qt's xcb plugin links against (soname -> package).
SONAME_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libSM.so.6": "libsm6",
    "libICE.so.6": "libice6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
}
# Platforms that need no display (Qt's offscreen rendering, a VNC server, nothing at all).
HEADLESS_PLATFORMS = ("offscreen", "minimal", "vnc")
Ldd = Callable[[Path], str]


def no_display_message(command: str = "netsmith open") -> str:
    return ("There is no display to open a window on (DISPLAY and WAYLAND_DISPLAY are not set). "
            f"Run it in a desktop session, or get a screenshot instead: `{command} --screenshot out.png`.")


def _unix_sockets() -> str | None:
    """/proc/net/unix: every listening Unix socket, abstract ones (an X server's usual) included."""
    try:
        return Path("/proc/net/unix").read_text(errors="replace")
    except OSError:
        return None


def no_x_server(display: str, sockets: str | None) -> str | None:
    """A message when `display` is local (":N") and no X server listens on its socket; None otherwise
    (a remote or forwarded display, or nothing to tell by)."""
    match = re.fullmatch(r"(?:unix)?:(\d+)(?:\.\d+)?", display.strip())
    if match is None or sockets is None:
        return None
    if any(line.endswith(f"/tmp/.X11-unix/X{match[1]}") for line in sockets.splitlines()):
        return None
    return (f"DISPLAY is {display}, but no X server is listening there. Start one (e.g. `Xvfb {display} &`), "
            "or get a screenshot instead: `netsmith open --screenshot out.png`.")


def _run_ldd(path: Path) -> str:
    done = subprocess.run(["ldd", str(path)], capture_output=True, text=True, timeout=30, check=False)
    return done.stdout + done.stderr


def xcb_libraries() -> list[Path]:
    """The installed PySide6's xcb platform plugin and the Qt library it loads xcb through (those
    that exist). Found without importing PySide6, which must not load before the check."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return []
    root = Path(next(iter(spec.submodule_search_locations))) / "Qt"
    candidates = [root / "plugins" / "platforms" / "libqxcb.so", *sorted((root / "lib").glob("libQt6XcbQpa.so*"))]
    seen: set[Path] = set()
    found = []
    for path in candidates:
        if path.exists() and path.resolve() not in seen:
            seen.add(path.resolve())
            found.append(path)
    return found


def missing_libraries(paths: list[Path], ldd: Ldd = _run_ldd) -> list[str]:
    """Sonames that `ldd` reports "not found" for any of `paths`, each once, in the order met."""
    missing: list[str] = []
    for path in paths:
        for line in ldd(path).splitlines():
            match = re.match(r"\s*(\S+)\s+=>\s+not found", line)
            if match and match[1] not in missing:
                missing.append(match[1])
    return missing


def _packages(missing: list[str]) -> tuple[list[str], list[str]]:
    """Debian packages for the sonames we know, and the sonames we do not."""
    known = [SONAME_PACKAGES[s] for s in missing if s in SONAME_PACKAGES]
    return list(dict.fromkeys(known)), [s for s in missing if s not in SONAME_PACKAGES]


def _may_install() -> bool:
    if shutil.which("apt-get") is None:
        return False
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return True
    if shutil.which("sudo") is None:
        return False
    done = subprocess.run(["sudo", "-n", "true"], capture_output=True, timeout=30, check=False)
    return done.returncode == 0


def install_command(packages: list[str], root: bool | None = None) -> str:
    """The command line that installs `packages` with apt-get (with sudo unless root)."""
    if root is None:
        root = hasattr(os, "geteuid") and os.geteuid() == 0
    sudo = "" if root else "sudo "
    return f"{sudo}apt-get update && {sudo}apt-get install -y --no-install-recommends {' '.join(packages)}"


def _missing_message(missing: list[str], packages: list[str], unknown: list[str]) -> str:
    parts = [f"Qt's xcb platform plugin needs {', '.join(missing)}, which this machine lacks."]
    if packages:
        parts.append(f"Install {'it' if len(packages) == 1 else 'them'} with: {install_command(packages)}")
    if unknown:
        parts.append(f"Install what provides {', '.join(unknown)} with your system's package manager.")
    return " ".join(parts)


def display_problem(environ: Mapping[str, str] | None = None, ldd: Ldd = _run_ldd,
                    paths: list[Path] | None = None, command: str = "netsmith open",
                    sockets: Callable[[], str | None] = _unix_sockets) -> str | None:
    """Why a window cannot open here, in one message, or None when it can (as far as can be told
    without starting Qt)."""
    env = os.environ if environ is None else environ
    platform = env.get("QT_QPA_PLATFORM", "").split(":")[0]
    if platform in HEADLESS_PLATFORMS or not sys.platform.startswith("linux"):
        return None
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return no_display_message(command)
    if platform not in ("", "xcb") or not env.get("DISPLAY"):
        return None  # Wayland (or a platform chosen on purpose): the xcb plugin is not used
    if shutil.which("ldd") is None and ldd is _run_ldd:
        return None
    missing = missing_libraries(xcb_libraries() if paths is None else paths, ldd)
    if missing:
        return _missing_message(missing, *_packages(missing))
    server = no_x_server(env["DISPLAY"], sockets())
    return server.replace("netsmith open", command) if server else None


def ensure_display(install: bool = False, environ: Mapping[str, str] | None = None, ldd: Ldd = _run_ldd,
                   paths: list[Path] | None = None, may_install: Callable[[], bool] = _may_install,
                   run: Callable[[str], int] | None = None,
                   sockets: Callable[[], str | None] = _unix_sockets) -> tuple[bool, str | None]:
    """(whether a window can open, what to tell the user). With `install`, missing packages are
    installed with apt-get when this process may, and the check runs again."""
    problem = display_problem(environ, ldd, paths, sockets=sockets)
    if problem is None or not install or not problem.startswith("Qt's xcb"):
        return problem is None, problem
    missing = missing_libraries(xcb_libraries() if paths is None else paths, ldd)
    packages, unknown = _packages(missing)
    if unknown or not packages or not may_install():
        return False, problem
    command = install_command(packages)
    print(f"netsmith: installing what Qt's xcb plugin needs: {' '.join(packages)}", file=sys.stderr)
    status = (run or (lambda line: subprocess.run(line, shell=True, check=False).returncode))(command)
    after = display_problem(environ, ldd, paths, sockets=sockets)
    if status != 0 or after is not None:
        return False, f"Installing with `{command}` did not work (exit {status}). {after or ''}".strip()
    return True, None


def main(argv: list[str] | None = None) -> int:
    """`python -m app.display_check [--install]`: exit 0 when a window can open, 1 with a message otherwise."""
    args = sys.argv[1:] if argv is None else argv
    ok, message = ensure_display(install="--install" in args)
    if message:
        print(f"netsmith: {message}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
