"""Metrics on tensors, returned as plain floats or numpy arrays."""

from __future__ import annotations

import math

import numpy as np
import torch

from engine.inspect.predictions import confusion_matrix

__all__ = ["Average", "confusion_matrix", "mean_iou", "psnr", "top_k_correct"]


class Average:
    """Running means of named values, weighted by sample counts; values may be tensors.

    Tensors are summed on their device and read once in `result()`, so a CUDA loop
    does not wait on the GPU every batch.
    """

    def __init__(self) -> None:
        self._sums: dict[str, torch.Tensor | float] = {}
        self._counts: dict[str, float] = {}

    def add(self, name: str, value: torch.Tensor | float, count: float = 1.0) -> None:
        value = value.detach().float() * count if isinstance(value, torch.Tensor) else float(value) * count
        self._sums[name] = self._sums.get(name, 0.0) + value
        self._counts[name] = self._counts.get(name, 0.0) + count

    def result(self) -> dict[str, float]:
        return {k: float(v) / self._counts[k] for k, v in self._sums.items() if self._counts[k]}


def top_k_correct(logits: torch.Tensor, target: torch.Tensor, k: int) -> torch.Tensor:
    """How many targets are among the k highest logits (a tensor; dim 1 holds classes)."""
    k = min(k, logits.shape[1])
    top = logits.topk(k, dim=1).indices
    return (top == target.unsqueeze(1)).any(dim=1).sum()


def mean_iou(confusion: np.ndarray) -> float:
    """Mean intersection over union of the classes that occur (in the target or prediction)."""
    tp = np.diag(confusion).astype(np.float64)
    union = confusion.sum(0) + confusion.sum(1) - tp
    present = union > 0
    return float((tp[present] / union[present]).mean()) if present.any() else float("nan")


def psnr(mse: float, peak: float = 1.0) -> float:
    """Peak signal-to-noise ratio in dB of a mean squared error, for values in [0, peak]."""
    return float("inf") if mse <= 0 else 10.0 * math.log10(peak * peak / mse)
