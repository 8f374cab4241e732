"""Background work for the window that is not a training run: introspection, activation
maximisation, the learning-rate finder. One thread per runner, one job at a time; a job
submitted while another waits replaces it (the user clicked on: only the latest matters).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

__all__ = ["JobRunner"]


class _Thread(QThread):
    def __init__(self, runner: JobRunner) -> None:
        super().__init__()
        self.runner = runner

    def run(self) -> None:
        runner = self.runner
        while True:
            job = runner._next()
            if job is None:
                return
            key, fn = job
            try:
                result = fn()
            except Exception as exc:  # noqa: BLE001 - reported to the GUI, the thread goes on
                runner.failed.emit(key, _describe(exc))
            else:
                runner.done.emit(key, result)
            finally:
                runner._finished_one()


def _describe(exc: Exception) -> str:
    text = str(exc)
    return text if isinstance(exc, (ValueError, KeyError, RuntimeError)) and text else f"{type(exc).__name__}: {text}"


class JobRunner(QObject):
    """`submit(key, fn)` runs `fn()` on the runner's thread; `done(key, result)` or
    `failed(key, message)` arrives on the GUI thread (one queued signal per job run)."""

    done = Signal(str, object)
    failed = Signal(str, str)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cond = threading.Condition()
        self._pending: tuple[str, Callable[[], Any]] | None = None
        self._busy = False
        self._closed = False
        self._thread = _Thread(self)
        self._thread.setObjectName(name)
        self._thread.start()

    def submit(self, key: str, fn: Callable[[], Any]) -> None:
        with self._cond:
            if self._closed:
                return
            self._pending = (key, fn)
            self._cond.notify()

    @property
    def busy(self) -> bool:
        """A job is running or waiting."""
        with self._cond:
            return self._busy or self._pending is not None

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until no job runs or waits (tests and shutdown)."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._busy and self._pending is None, timeout)

    def close(self) -> None:
        """Drop a waiting job, let a running one end, and join the thread."""
        with self._cond:
            self._closed = True
            self._pending = None
            self._cond.notify_all()
        self._thread.wait()

    # -- the thread's side ---------------------------------------------------------------
    def _next(self) -> tuple[str, Callable[[], Any]] | None:
        with self._cond:
            self._cond.wait_for(lambda: self._pending is not None or self._closed)
            if self._closed:
                return None
            job, self._pending = self._pending, None
            self._busy = True
            return job

    def _finished_one(self) -> None:
        with self._cond:
            self._busy = False
            self._cond.notify_all()
