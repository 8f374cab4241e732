"""Where the training thread leaves its events for the GUI, which collects them at most 30 times a second.

No Qt here, so it is tested on its own. Events that all matter (each step's loss, each
epoch's metrics) go into append-only buffers that the GUI takes wholesale; the run's
start and the latest snapshot sit in latest-value-wins slots; the final event
(finished, stopped or failed) is kept until collected and never replaced.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from engine.training import BatchEnd, EpochEnd, Event, RunStarted, Snapshot

__all__ = ["Delivery", "Mailbox"]


@dataclass(frozen=True)
class Delivery:
    """What arrived since the last `Mailbox.take`."""

    started: RunStarted | None = None
    batches: tuple[BatchEnd, ...] = ()
    epochs: tuple[EpochEnd, ...] = ()
    snapshot: Snapshot | None = None
    final: Event | None = None  # Finished, Stopped or Failed
    replaced_snapshots: int = 0  # snapshots overwritten by a newer one before the GUI looked

    def __bool__(self) -> bool:
        return bool(self.started or self.batches or self.epochs or self.snapshot or self.final)


class Mailbox:
    """Thread-safe: `put` from the training thread, `take` from the GUI thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started: RunStarted | None = None
        self._batches: list[BatchEnd] = []
        self._epochs: list[EpochEnd] = []
        self._snapshot: Snapshot | None = None
        self._final: Event | None = None
        self._replaced = 0

    def put(self, event: Event) -> None:
        """The Trainer's callback: file `event` and return at once."""
        with self._lock:
            if isinstance(event, BatchEnd):
                self._batches.append(event)
            elif isinstance(event, EpochEnd):
                self._epochs.append(event)
            elif isinstance(event, Snapshot):
                self._replaced += self._snapshot is not None
                self._snapshot = event
            elif isinstance(event, RunStarted):
                self._started = event
            elif self._final is None:  # the first final event is the run's outcome
                self._final = event

    def take(self) -> Delivery:
        """Everything since the last call; the buffers and slots are emptied."""
        with self._lock:
            delivery = Delivery(self._started, tuple(self._batches), tuple(self._epochs), self._snapshot,
                                self._final, self._replaced)
            self._started, self._snapshot, self._final = None, None, None
            self._batches, self._epochs = [], []
            self._replaced = 0
        return delivery
