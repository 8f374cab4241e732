"""Optimizers and learning-rate schedules built from the recipe.

A schedule is a pure function of the step, applied before each optimizer step:
`lr = schedule.lr_at(step)` relative to a base rate that the user may change while
training runs (`set_base_lr`), and whose state is just that base and the step.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import torch

from engine.training.config import OptimizerConfig, ScheduleConfig

__all__ = ["Schedule", "build_optimizer"]


def build_optimizer(params: Iterable[torch.nn.Parameter], cfg: OptimizerConfig) -> torch.optim.Optimizer:
    params = [p for p in params if p.requires_grad]
    if not params:
        raise ValueError("the network has no trainable parameters")
    if cfg.name == "sgd":
        return torch.optim.SGD(params, lr=cfg.lr, momentum=cfg.momentum, nesterov=cfg.nesterov,
                               weight_decay=cfg.weight_decay)
    if cfg.name == "adam":
        return torch.optim.Adam(params, lr=cfg.lr, betas=cfg.betas, eps=cfg.eps, weight_decay=cfg.weight_decay)
    if cfg.name == "adamw":
        return torch.optim.AdamW(params, lr=cfg.lr, betas=cfg.betas, eps=cfg.eps, weight_decay=cfg.weight_decay)
    if cfg.name == "rmsprop":
        return torch.optim.RMSprop(params, lr=cfg.lr, alpha=cfg.alpha, eps=cfg.eps, momentum=cfg.momentum,
                                   weight_decay=cfg.weight_decay)
    raise ValueError(f"unknown optimizer {cfg.name!r}")


def _cosine(start: float, end: float, fraction: float) -> float:
    return end + (start - end) * 0.5 * (1.0 + math.cos(math.pi * min(max(fraction, 0.0), 1.0)))


class Schedule:
    """Learning rate (and, for one-cycle, momentum) of an optimizer as a function of the step.

    one_cycle follows Smith 2017 / Smith & Topin 2018 as torch's OneCycleLR does: the
    rate rises from base/div_factor to base over pct_start of the steps (cosine), then
    falls to base/(div_factor*final_div_factor), while momentum moves the other way.
    """

    MOMENTUM = (0.85, 0.95)  # one-cycle's momentum range (Smith 2018)

    def __init__(self, optimizer: torch.optim.Optimizer, cfg: ScheduleConfig, base_lr: float,
                 steps_per_epoch: int, epochs: int) -> None:
        self.optimizer, self.cfg = optimizer, cfg
        self.base_lr = base_lr
        self.steps_per_epoch = max(1, steps_per_epoch)
        self.total = max(1, self.steps_per_epoch * epochs)
        self.step = 0

    def lr_at(self, step: int) -> float:
        o, name, base = self.cfg.options, self.cfg.name, self.base_lr
        if name == "constant":
            return base
        if name == "step":
            return base * o["gamma"] ** ((step // self.steps_per_epoch) // o["step_size"])
        warm = int(round(o.get("warmup_epochs", 0.0) * self.steps_per_epoch))
        if name in ("warmup", "warmup_cosine") and step < warm:
            return base * (step + 1) / warm
        if name == "warmup":
            return base
        if name in ("cosine", "warmup_cosine"):
            span = self.total - (warm if name == "warmup_cosine" else 0)
            done = step - (warm if name == "warmup_cosine" else 0)
            return _cosine(base, min(o["min_lr"], base), done / max(1, span - 1))
        if name == "one_cycle":
            initial = base / o["div_factor"]
            rise = max(1.0, o["pct_start"] * self.total - 1)
            if step <= rise:
                return _cosine(initial, base, step / rise)
            return _cosine(base, initial / o["final_div_factor"], (step - rise) / max(1.0, self.total - 1 - rise))
        raise ValueError(f"unknown schedule {name!r}")

    def momentum_at(self, step: int) -> float | None:
        if self.cfg.name != "one_cycle" or not self.cfg.options["cycle_momentum"]:
            return None
        low, high = self.MOMENTUM
        rise = max(1.0, self.cfg.options["pct_start"] * self.total - 1)
        if step <= rise:
            return _cosine(high, low, step / rise)
        return _cosine(low, high, (step - rise) / max(1.0, self.total - 1 - rise))

    @property
    def lr(self) -> float:
        return self.lr_at(self.step)

    def apply(self) -> float:
        """Set the optimizer's rate (and momentum) for the coming step; returns the rate."""
        lr = self.lr_at(self.step)
        momentum = self.momentum_at(self.step)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
            if momentum is not None:
                if "betas" in group:
                    group["betas"] = (momentum, group["betas"][1])
                elif group.get("momentum", 0.0) > 0.0:
                    group["momentum"] = momentum
        return lr

    def advance(self) -> None:
        self.step += 1

    def set_base_lr(self, lr: float) -> None:
        self.base_lr = float(lr)

    def state_dict(self) -> dict[str, float | int]:
        return {"base_lr": self.base_lr, "step": self.step}

    def load_state_dict(self, state: dict) -> None:
        self.base_lr = float(state["base_lr"])
        self.step = int(state["step"])
