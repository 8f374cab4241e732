"""Regression of values (Playground's plane and multi-gauss, CSV columns)."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from engine.inspect.boundary import decision_boundary
from engine.training.losses import build_loss
from engine.training.metrics import Average
from engine.training.tasks.base import Task, TrainingError, first_output, images_for_display

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
        if len(self.data.input_shape) == 3:
            return self._image_snapshot()
        if self.data.input_shape != (2,) or self.data.extent is None:
            return {}
        grid = decision_boundary(self.models["model"], self.data.extent, 100,
                                 output=lambda out: first_output(out)[:, 0], device=self.rt.device)
        return {"boundary": grid.values, "boundary_extent": np.array(self.data.extent, np.float32)}

    @torch.no_grad()
    def _image_snapshot(self) -> dict[str, Any]:
        """Image-to-image regression (source separation): inputs, outputs and targets of 4 validation samples.

        A data set whose `display` extra is "spectrogram" is shown as spectrograms are: low
        frequencies at the bottom, magnitudes square-rooted so quiet partials stay visible."""
        if self.data.val is None:
            return {}
        x, y = next(iter(self.batches("val")))
        x, y = x[:4], y[:4]
        out = first_output(self.models["model"](x)).float()
        if out.shape != y.shape:
            return {}
        spectrogram = self.data.extras.get("display") == "spectrogram"
        pictures = {}
        for name, images in (("inputs", x), ("outputs", out), ("targets", y)):
            if spectrogram:
                images = images.clamp(min=0).sqrt().flip(-2)
            pictures[name] = images_for_display(images)
        return pictures
