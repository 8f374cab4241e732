"""TensorFlow Playground's 2-D datasets, and the truth tables of the perceptron.

The generators follow Playground's `src/dataset.ts` (Smilkov & Carter 2016): points
lie in [-6, 6]^2, circle has radius 5 (positives within 2.5, negatives between 3.5
and 5), xor pads points 0.3 away from the axes, spiral makes two arms of 1.75 turns,
and `noise` (0 to 0.5, the slider's 0-50 %) perturbs the point used for the label
(circle, xor, plane, multi-gauss), the point itself (spiral), or the spread (gauss).
Playground's labels are +1 / -1; here class 1 is its +1 and class 0 its -1.
It draws 500 points for classification and 1,200 for regression, shuffles them and
keeps the first `train_ratio` for training, the rest for testing (our validation).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
from torch.utils.data import TensorDataset

from engine.data.bundle import DataBundle, DatasetSpec, LoadContext
from engine.params import Param

__all__ = ["CLASSIFY_POINTS", "EXTENT", "GENERATORS", "REGRESS_POINTS", "SPECS", "playground_points"]

CLASSIFY_POINTS = 500
REGRESS_POINTS = 1200
EXTENT = (-6.0, 6.0, -6.0, 6.0)
CLASSIFICATION_KINDS = ("circle", "xor", "gauss", "spiral")
REGRESSION_KINDS = ("plane", "multi_gauss")


# Each generator needs only math and numpy: the training-script exporter copies them verbatim,
# so an exported train.py draws the very points Netsmith trains on.


def _circle(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Class 1 within radius 2.5 of the centre, class 0 between 3.5 and 5."""
    radius = 5.0
    half = n // 2
    r = np.concatenate([rng.uniform(0, radius * 0.5, half), rng.uniform(radius * 0.7, radius, n - half)])
    angle = rng.uniform(0, 2 * math.pi, n)
    x, y = r * np.sin(angle), r * np.cos(angle)
    nx, ny = rng.uniform(-radius, radius, n) * noise, rng.uniform(-radius, radius, n) * noise
    label = (np.hypot(x + nx, y + ny) < radius * 0.5).astype(np.int64)
    return np.stack([x, y], 1), label


def _xor(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Class 1 where x and y have the same sign; points keep 0.3 away from the axes."""
    x, y = rng.uniform(-5, 5, n), rng.uniform(-5, 5, n)
    x = x + np.where(x > 0, 0.3, -0.3)
    y = y + np.where(y > 0, 0.3, -0.3)
    nx, ny = rng.uniform(-5, 5, n) * noise, rng.uniform(-5, 5, n) * noise
    label = ((x + nx) * (y + ny) >= 0).astype(np.int64)
    return np.stack([x, y], 1), label


def _gauss(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian clouds around (2, 2) (class 1) and (-2, -2) (class 0)."""
    variance = 0.5 + noise * 7.0  # d3 linear scale [0, 0.5] -> [0.5, 4]
    half = n // 2
    pos = rng.normal(2.0, math.sqrt(variance), (half, 2))
    neg = rng.normal(-2.0, math.sqrt(variance), (n - half, 2))
    label = np.concatenate([np.ones(half, np.int64), np.zeros(n - half, np.int64)])
    return np.concatenate([pos, neg]), label


def _spiral(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spiral arms of 1.75 turns."""
    half = n // 2
    points, labels = [], []
    for delta, label in ((0.0, 1), (math.pi, 0)):
        i = np.arange(half)
        r = i / half * 5
        t = 1.75 * i / half * 2 * math.pi + delta
        x = r * np.sin(t) + rng.uniform(-1, 1, half) * noise
        y = r * np.cos(t) + rng.uniform(-1, 1, half) * noise
        points.append(np.stack([x, y], 1))
        labels.append(np.full(half, label, np.int64))
    return np.concatenate(points), np.concatenate(labels)


def _plane(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The value (x + y) / 10 of a tilted plane."""
    x, y = rng.uniform(-6, 6, n), rng.uniform(-6, 6, n)
    nx, ny = rng.uniform(-6, 6, n) * noise, rng.uniform(-6, 6, n) * noise
    label = (x + nx + y + ny) / 10.0  # d3 linear scale [-10, 10] -> [-1, 1], unclamped
    return np.stack([x, y], 1), label


def _multi_gauss(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Six Gaussian bumps of value +1 or -1, each reaching 0 at distance 2."""
    x, y = rng.uniform(-6, 6, n), rng.uniform(-6, 6, n)
    nx, ny = rng.uniform(-6, 6, n) * noise, rng.uniform(-6, 6, n) * noise
    px, py = x + nx, y + ny
    label = np.zeros(n)
    for cx, cy, sign in ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)):
        # d3 linear scale [0, 2] -> [1, 0], clamped: 1 at the centre, 0 from distance 2 on.
        value = sign * np.clip(1.0 - np.hypot(px - cx, py - cy) / 2.0, 0.0, 1.0)
        label = np.where(np.abs(value) > np.abs(label), value, label)
    return np.stack([x, y], 1), label


GENERATORS = {
    "circle": _circle, "xor": _xor, "gauss": _gauss, "spiral": _spiral,
    "plane": _plane, "multi_gauss": _multi_gauss,
}


def playground_points(
    kind: str, noise: float = 0.0, points: int | None = None, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """All points of a Playground dataset in Playground's shuffled order: (N, 2) and labels."""
    regression = kind in REGRESSION_KINDS
    n = points or (REGRESS_POINTS if regression else CLASSIFY_POINTS)
    rng = np.random.default_rng(seed)
    xy, label = GENERATORS[kind](n, noise, rng)
    order = rng.permutation(len(xy))
    return xy[order].astype(np.float32), label[order].astype(np.float32 if regression else np.int64)


def _load_playground(options: Mapping[str, Any], ctx: LoadContext) -> DataBundle:
    kind = options["kind"]
    xy, label = playground_points(kind, options["noise"], options["points"], ctx.seed)
    split = int(math.floor(len(xy) * options["train_ratio"]))
    x = torch.from_numpy(xy)
    regression = kind in REGRESSION_KINDS
    y = torch.from_numpy(label).unsqueeze(1) if regression else torch.from_numpy(label)
    train = TensorDataset(x[:split], y[:split])
    val = TensorDataset(x[split:], y[split:]) if split < len(x) else None
    return DataBundle(
        f"playground {kind}", train, val, (2,),
        target="value" if regression else "class",
        num_classes=None if regression else 2,
        class_names=() if regression else ("negative", "positive"),
        extent=EXTENT,
    )


_TRUTH = {"and": (0, 0, 0, 1), "or": (0, 1, 1, 1), "xor": (0, 1, 1, 0), "nand": (1, 1, 1, 0), "nor": (1, 0, 0, 0)}


def _load_logic(options: Mapping[str, Any], ctx: LoadContext) -> DataBundle:
    x = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = torch.tensor(_TRUTH[options["function"]], dtype=torch.int64)
    table = TensorDataset(x, y)
    # A truth table has nothing to hold out: validation is the table itself.
    return DataBundle(f"logic {options['function']}", table, table, (2,), num_classes=2,
                      class_names=("false", "true"), extent=(-0.5, 1.5, -0.5, 1.5))


SPECS = (
    DatasetSpec(
        "playground",
        "TensorFlow Playground's 2-D points: circle, xor, gauss, spiral (classes) or plane, multi_gauss (values).",
        (
            Param("kind", "choice", "circle", choices=CLASSIFICATION_KINDS + REGRESSION_KINDS),
            Param("noise", "float", 0.0, min=0.0, max=0.5, doc="Playground's noise slider, 0 to 50 %"),
            Param("train_ratio", "float", 0.5, min=0.1, max=0.9, doc="share of points for training"),
            Param("points", "int", None, min=4, optional=True, doc="default 500 (classes) or 1,200 (values)"),
        ),
        _load_playground,
        targets="class|value",
    ),
    DatasetSpec(
        "logic",
        "The truth table of a logic function of two inputs, for Rosenblatt's perceptron.",
        (Param("function", "choice", "and", choices=tuple(_TRUTH)),),
        _load_logic,
    ),
)
