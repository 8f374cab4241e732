"""The QThread that runs one training run: `Trainer.run` with the mailbox as its callback."""

from __future__ import annotations

from PySide6.QtCore import QThread

from app.training.mailbox import Mailbox
from engine.training import Failed, Trainer

__all__ = ["TrainingWorker"]


class TrainingWorker(QThread):
    """Owns nothing but the thread: the Trainer is controlled through its own thread-safe
    methods (cancel, pause, resume, set_lr, watch), and events go to the mailbox only."""

    def __init__(self, trainer: Trainer, mailbox: Mailbox) -> None:
        super().__init__()
        self.setObjectName("training")
        self.trainer = trainer
        self.mailbox = mailbox

    def run(self) -> None:
        try:
            self.trainer.run(self.mailbox.put)
        except BaseException as exc:  # noqa: BLE001 - Trainer.run reports its own errors; this is a last guard
            self.mailbox.put(Failed(f"{type(exc).__name__}: {exc}"))
