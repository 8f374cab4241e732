"""Training: the recipe (`TrainConfig`), tasks, the `Trainer` loop and its events."""

from __future__ import annotations

from engine.training.config import TrainConfig
from engine.training.events import BatchEnd, EpochEnd, Event, Failed, Finished, RunStarted, Snapshot, Stopped
from engine.training.lr_finder import LRRangeResult, lr_range_test
from engine.training.tasks import TrainingError
from engine.training.trainer import Trainer, resolve_device

__all__ = [
    "BatchEnd", "EpochEnd", "Event", "Failed", "Finished", "LRRangeResult", "RunStarted", "Snapshot", "Stopped",
    "TrainConfig", "Trainer", "TrainingError", "lr_range_test", "resolve_device",
]
