"""Playing: epochs and their maps on a worker thread, one frame ahead of the display.

Playground advances one epoch per animation frame. Here the worker trains epoch k+1 and
evaluates its maps while the GUI thread turns frame k into images and paints them, so on
two cores a frame costs about the larger of the two rather than their sum, and long work
stays off the GUI thread. The mailbox holds one frame: the worker waits for the display,
so epochs still advance once per frame shown. Every change to the session from the GUI
happens under `lock`, between two epochs.
"""

from __future__ import annotations

import queue
import sys
import threading
from dataclasses import dataclass

import numpy as np

from engine.playground import History, PlaygroundFrame, PlaygroundSession

__all__ = ["FrameRunner", "Shot", "capture"]

SWITCH_INTERVAL = 0.0005  # seconds a thread may hold the GIL while the other waits (Python's default: 0.005)


@dataclass(frozen=True)
class Shot:
    """Everything one displayed frame needs, copied out of the session."""

    frame: PlaygroundFrame
    weights: list[tuple[np.ndarray, np.ndarray]]
    history: History
    points: int


def capture(session: PlaygroundSession) -> Shot:
    """The session's frame now, with copies of what the views read (the worker moves on at once)."""
    frame = session.frame()
    h = session.history
    history = History(list(h.epochs), list(h.train_loss), list(h.test_loss), list(h.marks))
    return Shot(frame, session.layer_weights(), history, len(session.points))


class FrameRunner:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._mailbox: queue.Queue[Shot] = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: str | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, session: PlaygroundSession) -> None:
        if self.running:
            return
        self.error = None
        self._stop.clear()
        # Tiny torch ops let go of the GIL for microseconds at a time; with Python's default 5 ms
        # switch interval, each of the worker's ops can then wait that long for the GUI thread.
        self._interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL)
        self._thread = threading.Thread(target=self._run, args=(session,), name="playground", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop after the current epoch and wait for it; frames not yet shown are dropped."""
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join()
        self._thread = None
        sys.setswitchinterval(self._interval)
        while not self._mailbox.empty():
            self._mailbox.get_nowait()

    def take(self) -> Shot | None:
        """The next frame to show, if one is ready."""
        try:
            return self._mailbox.get_nowait()
        except queue.Empty:
            return None

    def _run(self, session: PlaygroundSession) -> None:
        try:
            while not self._stop.is_set():
                with self.lock:
                    session.step()
                    shot = capture(session)
                while not self._stop.is_set():
                    try:
                        self._mailbox.put(shot, timeout=0.05)
                        break
                    except queue.Full:
                        continue
        except Exception as exc:  # noqa: BLE001 - reported to the window, which stays alive
            self.error = f"{type(exc).__name__}: {exc}"
