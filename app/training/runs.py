"""What the window remembers of each run since it opened: every step's loss and rate, every
epoch's metrics, the learning-rate changes and the outcome. Plain data, no Qt."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from engine.training import BatchEnd, EpochEnd, Event, Failed, Finished, RunStarted, Stopped
from engine.training.tasks import TASK_CLASSES

__all__ = ["RunRecord", "describe_recipe", "expected_metrics", "format_metric"]


def describe_recipe(recipe: dict[str, Any]) -> str:
    """A short line that tells runs apart: "adam lr 0.001 · batch 64 · 10 epochs"."""
    optimizer = recipe.get("optimizer") or {}
    name = optimizer.get("name", "adam") if isinstance(optimizer, dict) else "adam"
    lr = optimizer.get("lr", 0.001) if isinstance(optimizer, dict) else 0.001
    parts = [f"{name} lr {lr:g}", f"batch {recipe.get('batch_size', 64)}", f"{recipe.get('epochs', 10)} epochs"]
    schedule = recipe.get("schedule")
    schedule = schedule.get("name") if isinstance(schedule, dict) else schedule
    if schedule and schedule != "constant":
        parts.insert(1, schedule)
    return " · ".join(parts)


@dataclass
class RunRecord:
    number: int
    title: str  # the document's title when it ran
    recipe: str  # describe_recipe of its recipe
    task: str
    started: RunStarted | None = None
    steps: list[int] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    lrs: list[float] = field(default_factory=list)
    extras: dict[str, list[float]] = field(default_factory=dict)  # e.g. GAN loss_d per step
    epochs: list[EpochEnd] = field(default_factory=list)
    lr_marks: list[tuple[int, float]] = field(default_factory=list)  # (step, new rate) set while running
    samples_per_s: float = 0.0
    epoch: int = 0  # the epoch in progress (0-based)
    batch: int = 0  # batches done in it
    final: Event | None = None
    clock_started: float = field(default_factory=time.monotonic)
    active_seconds: float = 0.0  # wall time spent running (pauses excluded), kept by the controller

    @property
    def name(self) -> str:
        return f"Run {self.number}"

    @property
    def label(self) -> str:
        params = f"{self.started.params:,} params · " if self.started else ""
        return f"{self.name} · {self.title} · {params}{self.recipe}"

    @property
    def total_steps(self) -> int:
        s = self.started
        return s.steps_per_epoch * s.epochs if s else 0

    @property
    def step(self) -> int:
        return self.steps[-1] if self.steps else 0

    def add_batches(self, batches: tuple[BatchEnd, ...]) -> None:
        for b in batches:
            self.steps.append(b.step)
            self.losses.append(b.loss)
            self.lrs.append(b.lr)
            for key, value in b.extra.items():
                series = self.extras.setdefault(key, [])
                series.extend([float("nan")] * (len(self.steps) - 1 - len(series)))
                series.append(value)
            self.lr_marks.extend(b.lr_changes)
        last = batches[-1]
        self.samples_per_s, self.epoch, self.batch = last.samples_per_s, last.epoch, last.batch

    def add_epochs(self, epochs: tuple[EpochEnd, ...]) -> None:
        self.epochs.extend(epochs)

    def eta_seconds(self) -> float | None:
        """Time left at the pace so far (validation and snapshots included), or None before the first step."""
        done = self.step - (self.started.start_epoch * self.started.steps_per_epoch if self.started else 0)
        if done <= 0 or not self.started or self.active_seconds <= 0:
            return None
        return (self.total_steps - self.step) * self.active_seconds / done

    @property
    def outcome(self) -> str:
        """"running", "finished", "stopped" or "failed"."""
        return {Finished: "finished", Stopped: "stopped", Failed: "failed"}.get(type(self.final), "running")

    def summary(self) -> str:
        """The last epoch's validation metrics in words, e.g. "val loss 0.153 · val accuracy 96.4 %"."""
        if not self.epochs:
            return ""
        last = self.epochs[-1]
        metrics = last.val or last.train
        prefix = "val" if last.val else "train"
        return " · ".join(f"{prefix} {format_metric(k, v)}" for k, v in metrics.items())


def format_metric(name: str, value: float) -> str:
    if name in ("accuracy", "top5", "miou", "iou"):
        return f"{name} {100 * value:.1f} %"
    return f"{name} {value:.4g}"


def expected_metrics(task: str) -> list[str]:
    """The metric a task is known to report before its first epoch ends: the one it monitors
    ("val_accuracy" -> "accuracy"); the full list comes with the epochs."""
    cls = TASK_CLASSES.get(task)
    monitor = cls.monitor if cls is not None else None
    name = monitor.removeprefix("val_") if monitor else None
    return [name] if name and name != "loss" else []
