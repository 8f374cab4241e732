"""Recovery files: unsaved work is written aside every 30 s (configurable), and a start
after a crash or a kill offers to bring it back.

Each window writes ``<pid>-<n>.json`` (the document) and ``<pid>-<n>.meta.json``
(where it came from) into the recovery folder, atomically. A clean close removes
them; files whose process is gone are what the next start offers to restore.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer

from engine.atomic import process_alive, remove_stale_temporaries, write_atomic
from engine.document import Document, DocumentError

__all__ = ["Autosaver", "Recovery", "pending_recoveries"]

_numbers = count(1)


@dataclass(frozen=True)
class Recovery:
    path: Path  # the recovered document
    meta: dict[str, Any]

    @property
    def source(self) -> str | None:
        """The file the work belonged to (None for a new, never saved document)."""
        return self.meta.get("source")

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or "Untitled")

    @property
    def saved_at(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(self.meta.get("time", 0)))

    def load(self) -> Document:
        doc = Document.load(self.path)
        doc.path = Path(self.source) if self.source else None
        return doc

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)
        _meta_path(self.path).unlink(missing_ok=True)


def _meta_path(path: Path) -> Path:
    return path.with_name(path.stem + ".meta.json")


def pending_recoveries(directory: Path) -> list[Recovery]:
    """Recovery files left by processes that are gone, newest first."""
    found = []
    if not directory.is_dir():
        return found
    for meta_file in directory.glob("*.meta.json"):
        doc_file = meta_file.with_name(meta_file.name.removesuffix(".meta.json") + ".json")
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(meta, dict) or not doc_file.is_file():
            continue
        pid = meta.get("pid")
        if isinstance(pid, int) and process_alive(pid):
            continue
        found.append(Recovery(doc_file, meta))
    return sorted(found, key=lambda r: r.meta.get("time", 0), reverse=True)


class Autosaver(QObject):
    """Writes the session's document aside while it has unsaved changes."""

    def __init__(self, directory: Path, interval_s: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.directory = directory
        self.path = directory / f"{os.getpid()}-{next(_numbers)}.json"
        self.session = None
        # A window killed while autosaving left a temporary under a name no later save
        # reuses (the pid is in it): tidy those up now.
        remove_stale_temporaries(directory)
        self.timer = QTimer(self)
        self.timer.setInterval(max(1, interval_s) * 1000)
        self.timer.timeout.connect(self.save_now)
        self.timer.start()

    def watch(self, session) -> None:
        self.session = session

    def set_interval(self, seconds: int) -> None:
        self.timer.setInterval(max(1, seconds) * 1000)

    def save_now(self) -> bool:
        """Write the recovery file if there is unsaved work (else remove it); True when written."""
        session = self.session
        if session is None or not session.dirty:
            self.discard()
            return False
        doc = session.doc
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, doc.to_json())
            meta = {"source": str(doc.path) if doc.path else None, "title": doc.title, "time": time.time(),
                    "pid": os.getpid()}
            write_atomic(_meta_path(self.path), json.dumps(meta))
        except (OSError, ValueError, DocumentError, RecursionError):
            # Never let autosave get in the way; the next tick tries again. (RecursionError:
            # a `ui` section nested too deep for the writer, see tests/fuzz.)
            return False
        return True

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)
        _meta_path(self.path).unlink(missing_ok=True)

    def stop(self) -> None:
        self.timer.stop()
        self.discard()
