"""The display check before Qt loads: ldd's "not found" lines become packages and one command, a
missing display becomes one sentence, and `netsmith open` says it instead of Qt's abort."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.display_check import (
    SONAME_PACKAGES,
    display_problem,
    ensure_display,
    install_command,
    missing_libraries,
    no_x_server,
    xcb_libraries,
)

PLUGIN, QPA = Path("/qt/plugins/platforms/libqxcb.so"), Path("/qt/lib/libQt6XcbQpa.so.6")
X11 = {"DISPLAY": ":0"}
# /proc/net/unix with an X server on display 0 (abstract socket, as Xorg and Xvfb listen).
LISTENING = """Num       RefCount Protocol Flags    Type St Inode Path
0000000000000000: 00000002 00000000 00010000 0001 01 31337 @/tmp/.X11-unix/X0
"""


def x_server():
    return LISTENING

# ldd on a fresh Debian 12 (the issue's machine): the plugin and the Qt library it links.
LDD_MISSING = {
    PLUGIN: """\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6 (0x00007f34)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f34)
""",
    QPA: """\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-util.so.1 => /lib/x86_64-linux-gnu/libxcb-util.so.1 (0x00007f34)
""",
}
LDD_COMPLETE = {path: text.replace("not found", "/lib/x86_64-linux-gnu/lib.so (0x1)") for path, text in
                LDD_MISSING.items()}


def fake_ldd(outputs):
    return lambda path: outputs[path]


def test_missing_sonames_come_from_ldd_each_once():
    assert missing_libraries([PLUGIN, QPA], fake_ldd(LDD_MISSING)) == \
        ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert missing_libraries([PLUGIN, QPA], fake_ldd(LDD_COMPLETE)) == []


def test_missing_libraries_give_one_message_with_the_exact_command():
    problem = display_problem(X11, fake_ldd(LDD_MISSING), [PLUGIN, QPA], sockets=x_server)
    assert "libxcb-cursor.so.0, libxcb-icccm.so.4, libxcb-keysyms.so.1" in problem
    assert install_command(["libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1"]) in problem
    assert display_problem(X11, fake_ldd(LDD_COMPLETE), [PLUGIN, QPA], sockets=x_server) is None


def test_the_command_uses_sudo_unless_root():
    assert install_command(["libxcb-cursor0"], root=False) == \
        "sudo apt-get update && sudo apt-get install -y --no-install-recommends libxcb-cursor0"
    assert install_command(["libxcb-cursor0"], root=True).startswith("apt-get update && apt-get install")


def test_an_unknown_soname_is_named():
    ldd = fake_ldd({PLUGIN: "\tlibfancy.so.3 => not found\n\tlibxcb-keysyms.so.1 => not found\n"})
    problem = display_problem(X11, ldd, [PLUGIN], sockets=x_server)
    assert "libfancy.so.3" in problem and "libxcb-keysyms1" in problem and "package manager" in problem


def test_no_display_is_one_sentence_with_the_screenshot_command():
    problem = display_problem({}, fake_ldd(LDD_MISSING), [PLUGIN, QPA])
    assert problem.startswith("There is no display") and "DISPLAY and WAYLAND_DISPLAY" in problem
    assert "netsmith open --screenshot out.png" in problem


@pytest.mark.parametrize("env", [{"QT_QPA_PLATFORM": "offscreen"}, {"WAYLAND_DISPLAY": "wayland-0"},
                                 {"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland"}])
def test_headless_and_wayland_platforms_skip_the_xcb_check(env):
    assert display_problem(env, fake_ldd(LDD_MISSING), [PLUGIN, QPA]) is None


def test_make_run_installs_when_it_may_and_checks_again():
    outputs = dict(LDD_MISSING)
    commands = []

    def run(line):
        commands.append(line)
        outputs.update(LDD_COMPLETE)  # apt-get did its work
        return 0

    ok, message = ensure_display(True, X11, fake_ldd(outputs), [PLUGIN, QPA], may_install=lambda: True, run=run,
                                 sockets=x_server)
    assert ok and message is None
    assert len(commands) == 1 and commands[0].endswith("libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1")


def test_make_run_stops_with_the_command_when_it_may_not_install():
    ran = []
    ok, message = ensure_display(True, X11, fake_ldd(LDD_MISSING), [PLUGIN, QPA], may_install=lambda: False,
                                 run=ran.append, sockets=x_server)
    assert not ok and ran == [] and "apt-get install -y --no-install-recommends libxcb-cursor0" in message


def test_a_failed_install_says_so():
    ok, message = ensure_display(True, X11, fake_ldd(LDD_MISSING), [PLUGIN, QPA], may_install=lambda: True,
                                 run=lambda line: 100, sockets=x_server)
    assert not ok and "did not work (exit 100)" in message


def test_a_local_display_without_an_x_server_says_so():
    problem = display_problem({"DISPLAY": ":57"}, fake_ldd(LDD_COMPLETE), [PLUGIN, QPA], sockets=x_server)
    assert problem.startswith("DISPLAY is :57, but no X server is listening there") and "Xvfb :57" in problem
    assert no_x_server(":0.0", LISTENING) is None and no_x_server("unix:0", LISTENING) is None
    assert no_x_server("localhost:10.0", LISTENING) is None  # forwarded over ssh: nothing to tell by
    assert no_x_server(":0", None) is None  # no /proc to read


def test_the_table_names_the_packages_the_issue_found():
    assert [SONAME_PACKAGES[s] for s in ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1")] == \
        ["libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt's xcb plugin exists on Linux only")
def test_the_installed_pyside6_plugin_is_found():
    names = [p.name for p in xcb_libraries()]
    assert names[0] == "libqxcb.so" and any(n.startswith("libQt6XcbQpa.so") for n in names)


def test_netsmith_open_without_a_display_says_so_instead_of_qt_aborting():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    done = subprocess.run([sys.executable, "-m", "app.cli", "open"], capture_output=True, text=True, env=env,
                          timeout=120, check=False)
    assert done.returncode == 2
    assert done.stderr.strip().startswith("netsmith open: There is no display")
    assert "qt.qpa" not in done.stderr and "Aborted" not in done.stderr


def test_the_check_itself_never_loads_qt():
    code = ("import sys, app.display_check as d; d.display_problem({'DISPLAY': ':0'}); "
            "sys.exit(any(m.startswith(('PySide6', 'shiboken6')) for m in sys.modules))")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    assert subprocess.run([sys.executable, "-c", code], env=env, timeout=60, check=False).returncode == 0
