"""Decision boundaries and per-neuron heatmaps of models with 2-D input (Playground style)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn as nn

from engine.inspect.activations import activation_maps

__all__ = ["Boundary", "decision_boundary", "grid_points", "neuron_heatmaps"]


@dataclass(frozen=True)
class Boundary:
    """values[i, j] is the model's output at (xs[j], ys[i]): rows go up in y, columns right in x."""

    xs: np.ndarray
    ys: np.ndarray
    values: np.ndarray


def grid_points(extent: Sequence[float], resolution: int = 100) -> tuple[np.ndarray, np.ndarray, torch.Tensor]:
    """Cell centres of a resolution x resolution grid over (x_min, x_max, y_min, y_max), as (R*R, 2) points."""
    x0, x1, y0, y1 = extent
    xs = (x0 + (np.arange(resolution) + 0.5) * (x1 - x0) / resolution).astype(np.float32)
    ys = (y0 + (np.arange(resolution) + 0.5) * (y1 - y0) / resolution).astype(np.float32)
    gx, gy = np.meshgrid(xs, ys)
    points = torch.from_numpy(np.stack([gx.ravel(), gy.ravel()], 1))
    return xs, ys, points


def _default_output(out: Any) -> torch.Tensor:
    out = out[0] if isinstance(out, (tuple, list)) else out
    if out.dim() == 2 and out.shape[1] == 2:
        return torch.softmax(out.float(), 1)[:, 1]  # probability of class 1
    return out.reshape(len(out), -1)[:, 0].float()


@torch.no_grad()
def decision_boundary(
    model: nn.Module, extent: Sequence[float] = (-6, 6, -6, 6), resolution: int = 100,
    output: Callable[[Any], torch.Tensor] = _default_output, device: torch.device | str | None = None,
) -> Boundary:
    """The model's output over a grid: by default P(class 1) for two logits, else the first output."""
    xs, ys, points = grid_points(extent, resolution)
    if device is not None:
        points = points.to(device)
    was_training = model.training
    model.eval()
    try:
        values = output(model(points))
    finally:
        model.train(was_training)
    return Boundary(xs, ys, values.float().reshape(resolution, resolution).cpu().numpy())


def neuron_heatmaps(
    model: nn.Module, node_ids: Sequence[str], extent: Sequence[float] = (-6, 6, -6, 6), resolution: int = 100,
    device: torch.device | str | None = None,
) -> dict[str, np.ndarray]:
    """For each node, (units, resolution, resolution): every neuron's output over the grid (Playground's
    small heatmaps)."""
    _, _, points = grid_points(extent, resolution)
    if device is not None:
        points = points.to(device)
    maps = activation_maps(model, points, node_ids, sample=None)
    return {k: v.reshape(resolution, resolution, -1).transpose(2, 0, 1) for k, v in maps.items()}
