"""Dense image tasks: segmentation (per-pixel classes) and super-resolution."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from engine.training.losses import build_loss
from engine.training.metrics import Average, confusion_matrix, mean_iou, psnr
from engine.training.tasks.base import Task, TrainingError, center_crop, first_output, images_for_display

__all__ = ["Segmentation", "SuperResolution"]


class Segmentation(Task):
    """Per-pixel cross entropy; masks are centre-cropped to the output (U-Net's valid convolutions)."""

    name = "segmentation"
    monitor = "val_miou"
    targets = ("mask",)

    def setup(self) -> None:
        self.num_classes = self.data.num_classes
        self.loss_fn = build_loss(self.config.loss_name, self.config.loss, self.num_classes, self.rt.device)

    def check(self) -> None:
        super().check()
        x, mask = next(iter(self.batches("train")))
        self.train_mode(False)
        with torch.no_grad():
            out = first_output(self.models["model"](x[:2]))
        if out.dim() != 4 or out.shape[1] < self.num_classes:
            raise TrainingError(f"{self.data.name} has {self.num_classes} classes: the network must return "
                                f"({self.num_classes}, H, W) logits, not {tuple(out.shape[1:])}")
        # A network with more classes than the data (DeepLab's 21 VOC classes on 3-class
        # shapes) trains on the classes the data uses; metrics count every class it predicts.
        self.num_classes = out.shape[1]
        center_crop(mask, *out.shape[-2:])

    def _loss(self, logits: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        target = center_crop(mask, *logits.shape[-2:])
        return self.loss_fn(logits.float(), target), target

    def train_step(self, batch: tuple[torch.Tensor, ...]) -> dict[str, torch.Tensor]:
        x, mask = batch
        with self.autocast():
            logits = first_output(self.models["model"](x))
            loss, target = self._loss(logits, mask)
        self.rt.optimize("model", loss)
        n = len(x)
        self.running.add("loss", loss.detach(), n)
        self.running.add("pixel_accuracy", (logits.detach().argmax(1) == target).float().mean(), n)
        return {"loss": loss.detach()}

    @torch.no_grad()
    def evaluate(self) -> tuple[dict[str, float], np.ndarray | None]:
        avg = Average()
        confusion = np.zeros((self.num_classes, self.num_classes), np.int64)
        for x, mask in self.batches("val"):
            with self.autocast():
                logits = first_output(self.models["model"](x))
            loss, target = self._loss(logits, mask)
            avg.add("loss", loss, len(x))
            confusion += confusion_matrix(logits.argmax(1), target, self.num_classes)
        metrics = avg.result()
        metrics["pixel_accuracy"] = float(np.trace(confusion) / max(1, confusion.sum()))
        metrics["miou"] = mean_iou(confusion)
        return metrics, confusion

    def snapshot(self) -> dict[str, Any]:
        if self.data.val is None:
            return {}
        x, mask = next(iter(self.batches("val")))
        x, mask = x[:4], mask[:4]
        with torch.no_grad():
            logits = first_output(self.models["model"](x))
        return {"images": images_for_display(x), "masks": center_crop(mask, *logits.shape[-2:]).cpu().numpy(),
                "predicted_masks": logits.argmax(1).cpu().numpy()}


class SuperResolution(Task):
    """Reconstruct high-resolution images; PSNR is reported against bicubic upsampling of the same input."""

    name = "super_resolution"
    monitor = "val_psnr"
    targets = ("image",)

    def setup(self) -> None:
        self.loss_fn = build_loss(self.config.loss_name, self.config.loss)
        self.scale = self.data.extras.get("scale", 2)
        self.bicubic_input = self.data.extras.get("bicubic_input", True)

    def check(self) -> None:
        super().check()
        x, hr = next(iter(self.batches("train")))
        self.train_mode(False)
        with torch.no_grad():
            out = first_output(self.models["model"](x[:2]))
        if out.dim() != 4 or out.shape[1] != hr.shape[1]:
            raise TrainingError(f"the network returns {tuple(out.shape[1:])} per sample; super-resolution needs "
                                f"images with {hr.shape[1]} channel(s) like the targets {tuple(hr.shape[1:])}")
        center_crop(hr, *out.shape[-2:])

    def bicubic(self, x: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
        if self.bicubic_input:
            return x
        return F.interpolate(x, size=size, mode="bicubic", align_corners=False).clamp(0, 1)

    def batch_loss(self, batch: tuple[torch.Tensor, ...]) -> torch.Tensor:
        x, hr = batch
        out = first_output(self.models["model"](x))
        return self.loss_fn(out.float(), center_crop(hr, *out.shape[-2:]))

    @torch.no_grad()
    def evaluate(self) -> tuple[dict[str, float], np.ndarray | None]:
        avg = Average()
        for x, hr in self.batches("val"):
            with self.autocast():
                out = first_output(self.models["model"](x)).float()
            h, w = out.shape[-2:]
            target = center_crop(hr, h, w)
            baseline = center_crop(self.bicubic(x, hr.shape[-2:]), h, w)
            n = len(x)
            avg.add("loss", self.loss_fn(out, target), n)
            # PSNR per image, averaged, as SR papers report it.
            for name, image in (("psnr", out.clamp(0, 1)), ("bicubic_psnr", baseline)):
                mse = ((image - target) ** 2).flatten(1).mean(1)
                avg.add(name, sum(psnr(float(m)) for m in mse) / n, n)
        metrics = avg.result()
        if "psnr" in metrics:
            metrics["psnr_gain"] = metrics["psnr"] - metrics["bicubic_psnr"]
        return metrics, None

    def snapshot(self) -> dict[str, Any]:
        if self.data.val is None:
            return {}
        x, hr = next(iter(self.batches("val")))
        x, hr = x[:4], hr[:4]
        with torch.no_grad():
            out = first_output(self.models["model"](x)).float()
        h, w = out.shape[-2:]
        return {"inputs": images_for_display(x), "outputs": images_for_display(out),
                "targets": images_for_display(center_crop(hr, h, w)),
                "bicubic": images_for_display(center_crop(self.bicubic(x, hr.shape[-2:]), h, w))}
