"""The interface every task implements, and what the trainer lends it (`Runtime`).

A task knows its networks, how one batch trains them, how to evaluate, and what a
snapshot shows. The trainer owns the loop, devices, schedules, checkpoints and events.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import torch
import torch.nn as nn

from engine.data import DataBundle
from engine.ops.spec import format_shape
from engine.training.config import TrainConfig
from engine.training.loader import iterate
from engine.training.metrics import Average

__all__ = ["InputInfo", "Runtime", "Task", "TrainingError", "center_crop", "first_output", "images_for_display"]


class TrainingError(ValueError):
    """The recipe, the data and the network do not fit together; the message says how."""


@dataclass(frozen=True)
class InputInfo:
    """An Input node of a network: forward's argument in this position."""

    id: str
    kind: str  # image, vector, sequence, tokens, graph, adjacency, tensor
    shape: tuple[int, ...]


@dataclass
class Runtime:
    """What the trainer lends a task: device, mixed precision and the optimizers."""

    device: torch.device
    optimizers: dict[str, torch.optim.Optimizer]
    scalers: dict[str, torch.amp.GradScaler]
    autocast: Callable[[], contextlib.AbstractContextManager] = contextlib.nullcontext
    grad_clip: float | None = None
    generator: torch.Generator | None = None  # the data order
    num_workers: int = 0
    lrs: dict[str, float] = field(default_factory=dict)  # the current rate of each optimizer

    def optimize(self, name: str, loss: torch.Tensor) -> None:
        """Backward pass and one step of network `name`'s optimizer (with grad scaling and clipping)."""
        optimizer, scaler = self.optimizers[name], self.scalers[name]
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        if self.grad_clip is not None:
            scaler.unscale_(optimizer)
            params = [p for group in optimizer.param_groups for p in group["params"]]
            torch.nn.utils.clip_grad_norm_(params, self.grad_clip)
        scaler.step(optimizer)
        scaler.update()


def first_output(out: Any) -> torch.Tensor:
    """A network's first output: the one a task trains on when a network returns several
    (GoogLeNet with auxiliary heads, a VAE's reconstruction before its mean and log-variance)."""
    return out[0] if isinstance(out, (tuple, list)) else out


class Task:
    """One kind of training. Subclasses set `name` and implement `evaluate`, and either
    `batch_loss` (one network, one loss: the common case) or the whole `train_step`."""

    name: ClassVar[str] = ""
    networks: ClassVar[tuple[str, ...]] = ("model",)
    monitor: ClassVar[str | None] = "val_loss"  # what "best" means; None: the last epoch is the best
    targets: ClassVar[tuple[str, ...]] = ()  # DataBundle.target values this task accepts

    def __init__(self, config: TrainConfig, data: DataBundle, models: dict[str, nn.Module],
                 inputs: dict[str, list[InputInfo]] | None = None) -> None:
        self.config, self.data, self.models = config, data, models
        self.inputs = inputs or {}
        self.rt: Runtime | None = None

    # -- set-up --------------------------------------------------------------------------
    def bind(self, runtime: Runtime) -> None:
        self.rt = runtime
        self.running = Average()  # what train steps gather, reported and reset by train_metrics
        self.setup()

    def setup(self) -> None:
        """Build losses and fixed tensors once the device is known."""

    def check(self) -> None:
        """Raise TrainingError when data and networks do not fit (before any training)."""
        if self.targets and self.data.target not in self.targets:
            raise TrainingError(f"task {self.name} cannot use {self.data.name} (its targets are {self.data.target})")
        self._check_input_shape("model" if "model" in self.models else self.networks[0], self.data.input_shape)

    def _check_input_shape(self, network: str, shape: tuple[int, ...], kinds: tuple[str, ...] | None = None) -> None:
        infos = [i for i in self.inputs.get(network, []) if kinds is None or i.kind in kinds]
        if infos and tuple(infos[0].shape) != tuple(shape):
            raise TrainingError(
                f"{self.data.name} gives samples of shape {format_shape(shape)}, but the network's Input "
                f"'{infos[0].id}' expects {format_shape(infos[0].shape)}{self._shape_hint(infos[0].shape)}"
            )

    def _shape_hint(self, expected: tuple[int, ...]) -> str:
        if len(expected) == 3 and expected[1] == expected[2]:
            return f" (set training.dataset.size to {expected[1]} and channels to {expected[0]})"
        return ""

    # -- the loop ------------------------------------------------------------------------
    def batches(self, split: str) -> Iterator[tuple[torch.Tensor, ...]]:
        dataset = self.data.train if split == "train" else self.data.val
        if dataset is None:
            return iter(())
        rt = self.rt
        return iterate(dataset, self.config.batch_size, shuffle=split == "train",
                       generator=rt.generator if split == "train" else None, device=rt.device,
                       num_workers=rt.num_workers)

    def train_mode(self, training: bool = True) -> None:
        for model in self.models.values():
            model.train(training)

    def autocast(self) -> contextlib.AbstractContextManager:
        return self.rt.autocast()

    def batch_loss(self, batch: tuple[torch.Tensor, ...]) -> torch.Tensor:
        """The loss of the "model" network on one batch (called under autocast)."""
        raise NotImplementedError(f"{type(self).__name__} implements neither batch_loss nor train_step")

    def train_step(self, batch: tuple[torch.Tensor, ...]) -> dict[str, torch.Tensor]:
        """Train on one batch; returns detached values, "loss" first (the trainer checks they are finite).

        This one takes an optimizer step on "model" with `batch_loss`; tasks that train several
        networks or gather more than the loss override it."""
        with self.autocast():
            loss = self.batch_loss(batch)
        self.rt.optimize("model", loss)
        loss = loss.detach()
        self.running.add("loss", loss, self.batch_size_of(batch))
        return {"loss": loss}

    def batch_size_of(self, batch: tuple[torch.Tensor, ...]) -> int:
        return len(batch[0])

    def train_metrics(self) -> dict[str, float]:
        """Metrics gathered during the epoch's training steps (then reset)."""
        result, self.running = self.running.result(), Average()
        return result

    @torch.no_grad()
    def evaluate(self) -> tuple[dict[str, float], np.ndarray | None]:
        """Validation metrics (and a confusion matrix where there are classes)."""
        return {}, None

    def snapshot(self) -> dict[str, Any]:
        """Small numpy arrays showing what the model does now (samples, predictions...)."""
        return {}

    def sample_input(self, count: int = 1) -> tuple[torch.Tensor, ...] | None:
        """Validation inputs for introspection (activation maps), or None."""
        data = self.data.val or self.data.train
        if data is None or len(data) == 0:
            return None
        items = [data[i] for i in range(min(count, len(data)))]
        x = torch.stack([item[0] for item in items]).to(self.rt.device)
        return (x,)


def center_crop(t: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """The centre (height, width) of the last two dimensions (U-Net's and SRCNN's valid convolutions)."""
    h, w = t.shape[-2:]
    if (h, w) == (height, width):
        return t
    if height > h or width > w:
        raise TrainingError(f"the network's output ({height}, {width}) is larger than the target ({h}, {w})")
    top, left = (h - height) // 2, (w - width) // 2
    return t[..., top:top + height, left:left + width]


def images_for_display(x: torch.Tensor, low: float = 0.0, high: float = 1.0) -> np.ndarray:
    """(N, C, H, W) -> float32 numpy (N, H, W, C) in [0, 1]."""
    x = ((x.detach().float() - low) / (high - low)).clamp(0, 1)
    return x.permute(0, 2, 3, 1).cpu().numpy().astype(np.float32)
