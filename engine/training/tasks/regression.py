"""Regression of values (Playground's plane and multi-gauss, CSV columns)."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from engine.inspect.boundary import decision_boundary
from engine.training.losses import build_loss
from engine.training.metrics import Average
from engine.training.tasks.base import Task, TrainingError, first_output

__all__ = ["Regression"]


class Regression(Task):
    name = "regression"
    targets = ("value",)

    def setup(self) -> None:
        self.loss_fn = build_loss(self.config.loss_name, self.config.loss)

    def check(self) -> None:
        super().check()
        x, y = next(iter(self.batches("train")))
        self.train_mode(False)
        with torch.no_grad():
            out = first_output(self.models["model"](x[:2]))
        if out.shape[1:] != y.shape[1:]:
            raise TrainingError(f"targets have shape {tuple(y.shape[1:])} per sample, but the network returns "
                                f"{tuple(out.shape[1:])}: end with Linear(out_features={y.shape[-1]})")

    def batch_loss(self, batch: tuple[torch.Tensor, ...]) -> torch.Tensor:
        x, y = batch
        return self.loss_fn(first_output(self.models["model"](x)).float(), y)

    @torch.no_grad()
    def evaluate(self) -> tuple[dict[str, float], np.ndarray | None]:
        avg = Average()
        for x, y in self.batches("val"):
            with self.autocast():
                out = first_output(self.models["model"](x)).float()
            n = len(y)
            avg.add("loss", self.loss_fn(out, y), n)
            avg.add("mse", F.mse_loss(out, y), n)
            avg.add("mae", F.l1_loss(out, y), n)
        return avg.result(), None

    def snapshot(self) -> dict[str, Any]:
        if self.data.input_shape != (2,) or self.data.extent is None:
            return {}
        grid = decision_boundary(self.models["model"], self.data.extent, 100,
                                 output=lambda out: first_output(out)[:, 0], device=self.rt.device)
        return {"boundary": grid.values, "boundary_extent": np.array(self.data.extent, np.float32)}
