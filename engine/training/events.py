"""What a run reports: small frozen dataclasses of plain numbers and small numpy arrays.

`Trainer.run(callback)` calls `callback(event)` on its own thread; the app copies
events into a latest-wins mailbox, the CLI prints them. No event holds a live tensor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "BatchEnd", "EpochEnd", "Event", "Failed", "Finished", "RunStarted", "Snapshot", "Stopped",
]


@dataclass(frozen=True)
class RunStarted:
    device: str
    precision: str
    params: int  # trainable parameters over all networks
    networks: dict[str, int]  # name -> trainable parameters
    dataset: str
    train_size: int
    val_size: int
    steps_per_epoch: int
    epochs: int
    start_epoch: int = 0  # > 0 when resumed from a checkpoint
    notes: tuple[str, ...] = ()  # e.g. "fp16 needs CUDA: running fp32"


@dataclass(frozen=True)
class BatchEnd:
    epoch: int  # 0-based
    step: int  # global optimizer step, 1-based
    batch: int  # within the epoch, 1-based
    loss: float  # mean over the steps since the previous BatchEnd
    lr: float
    samples_per_s: float
    extra: dict[str, float] = field(default_factory=dict)  # e.g. GAN: loss_d, loss_g
    lr_changes: tuple[tuple[int, float], ...] = ()  # (first step, new base rate) of each `set_lr` since the last


@dataclass(frozen=True)
class EpochEnd:
    epoch: int  # 0-based; epochs done = epoch + 1
    train: dict[str, float]
    val: dict[str, float]
    lr: float
    seconds: float
    best: bool  # the monitored metric improved: this epoch's weights are the best so far
    confusion: np.ndarray | None = None  # classification: rows = true class, columns = predicted


@dataclass(frozen=True)
class Snapshot:
    epoch: int
    step: int
    data: dict[str, Any]  # name -> small numpy array (or text for sequence samples)


@dataclass(frozen=True)
class Finished:
    epochs: int  # epochs completed
    metrics: dict[str, float]  # the last epoch's train_* and val_* metrics
    best: dict[str, float]  # metrics of the best epoch
    seconds: float
    early_stopped: bool = False
    weights: dict[str, str] = field(default_factory=dict)  # network -> final .safetensors, when saved
    checkpoint: str | None = None


@dataclass(frozen=True)
class Stopped:
    """Cancelled by the user; the last epoch-end checkpoint (if any) is kept."""

    epoch: int
    step: int
    checkpoint: str | None = None


@dataclass(frozen=True)
class Failed:
    message: str
    step: int | None = None


Event = RunStarted | BatchEnd | EpochEnd | Snapshot | Finished | Stopped | Failed
