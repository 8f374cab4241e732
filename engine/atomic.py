"""Atomic file writes: a crash or a kill leaves the old file or the new one, never half of either.

Every file Netsmith saves (documents, recovery files, weights, checkpoints) goes
through `write_atomic`: the bytes go to a temporary file beside the target, are
fsynced, renamed over the target, and the folder is fsynced so the rename itself
survives a power cut.

A process killed between creating the temporary file and the rename leaves it
behind. Its name says whose it was (``.<target>.<pid>.<random>.tmp``), so the next
write of the same target removes the ones whose process is gone; a temporary file
of a live process (another window saving the same file) is left alone.

New files get the permissions of any file the user creates (0666 less the umask,
so 0644 under the usual umask 022), not tempfile's private 0600; a file that
exists keeps its mode.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

__all__ = ["process_alive", "remove_stale_temporaries", "stale_temporaries", "write_atomic"]

_SUFFIX = ".tmp"


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write `data` (text is UTF-8) to `path` through a temporary file beside it, fsync, then rename."""
    path = Path(path)
    folder = path.parent
    for stale in stale_temporaries(path):
        stale.unlink(missing_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mode = None  # a new file: 0o666 below, less the umask, as the kernel applies it
    fd, tmp = _create_temporary(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), mode)
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(folder)


def stale_temporaries(path: str | os.PathLike[str]) -> list[Path]:
    """Temporary files of `path` left by processes that are gone (killed mid-write)."""
    path = Path(path)
    return [p for p, target in _temporaries(path.parent) if target == path.name]


def remove_stale_temporaries(folder: str | os.PathLike[str]) -> int:
    """Remove every temporary file in `folder` whose process is gone; how many went.

    For folders whose file names change from run to run (recovery files carry the pid),
    where no later save of the same name would tidy up.
    """
    stale = [p for p, _ in _temporaries(Path(folder))]
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)


def _temporaries(folder: Path) -> list[tuple[Path, str]]:
    """(temporary, the name of its target) for each temporary in `folder` of a process that is gone."""
    found = []
    try:
        names = [entry.name for entry in os.scandir(folder)]
    except OSError:
        return found
    for name in names:
        # .<target>.<pid>.<8 hex digits>.tmp; the target's name may hold dots itself.
        parts = name.removesuffix(_SUFFIX).rsplit(".", 2)
        if not (name.startswith(".") and name.endswith(_SUFFIX) and len(parts) == 3 and parts[1].isdigit()):
            continue
        if not process_alive(int(parts[1])):
            found.append((folder / name, parts[0][1:]))
    return found


def process_alive(pid: int) -> bool:
    """Whether process `pid` exists (ours counts; one owned by another user too)."""
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False
    if os.name == "nt":
        return True  # os.kill(pid, 0) would terminate it there; keep the temporary instead
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _create_temporary(path: Path) -> tuple[int, Path]:
    # os.open with 0o666 (not tempfile.mkstemp's 0o600) so the umask decides, as for any new file.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}{_SUFFIX}"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # not possible on every platform; the rename is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
