"""Sample predictions and the confusion matrix."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torch.nn as nn

__all__ = ["confusion_matrix", "sample_predictions"]


def _softmax(out: torch.Tensor) -> torch.Tensor:
    return torch.softmax(out.float(), 1)


@torch.no_grad()
def sample_predictions(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor | None = None,
    probabilities: Callable[[torch.Tensor], torch.Tensor] = _softmax,
) -> dict[str, Any]:
    """Inputs, predicted classes, their probabilities and (if given) the true classes, as numpy."""
    was_training = model.training
    model.eval()
    try:
        out = model(x)
    finally:
        model.train(was_training)
    out = out[0] if isinstance(out, (tuple, list)) else out
    probs = probabilities(out)
    result: dict[str, Any] = {
        "inputs": x.detach().float().cpu().numpy(),
        "predicted": probs.argmax(1).cpu().numpy(),
        "probabilities": probs.cpu().numpy().astype(np.float32),
    }
    if y is not None:
        result["targets"] = y.detach().cpu().numpy()
    return result


def confusion_matrix(predicted: np.ndarray | torch.Tensor, target: np.ndarray | torch.Tensor,
                     num_classes: int) -> np.ndarray:
    """(num_classes, num_classes) counts: rows are true classes, columns predictions.

    Pairs outside the table are left out: a network with more outputs than the data
    has classes (ImageNet's 1000-way head on digits) can predict a class the data lacks.
    """
    predicted = torch.as_tensor(predicted).reshape(-1).long()
    target = torch.as_tensor(target).reshape(-1).long()
    inside = (predicted >= 0) & (predicted < num_classes) & (target >= 0) & (target < num_classes)
    index = target[inside] * num_classes + predicted[inside]
    counts = torch.bincount(index.cpu(), minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes).numpy().astype(np.int64)
