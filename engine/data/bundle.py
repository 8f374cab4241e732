"""What a dataset loader returns: train and validation splits plus what a task needs to know."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import torch
from torch.utils.data import Dataset, TensorDataset

from engine.params import Param

__all__ = ["DataBundle", "DataError", "DatasetSpec", "LoadContext", "split_tensors"]


class DataError(ValueError):
    """A dataset that cannot be loaded (missing file, no network, wrong column); says why."""


@dataclass(frozen=True)
class LoadContext:
    """What the recipe says beyond the dataset's own options."""

    task: str = "classification"
    seed: int = 0
    validation_split: float = 0.2


@dataclass
class DataBundle:
    """Train and validation data of one recipe.

    `train` and `val` yield tuples of tensors (a `TensorDataset` is batched in memory,
    anything else goes through a DataLoader). `target` says what the second tensor is:
    "class" (int64 labels), "value" (float targets), "mask" (per-pixel classes), "image"
    (a high-resolution image), "tokens" (next tokens), "nodes" (a whole graph), or
    "none" (images only).
    """

    name: str
    train: Dataset
    val: Dataset | None
    input_shape: tuple[int, ...]
    target: str = "class"
    num_classes: int | None = None
    class_names: tuple[str, ...] = ()
    vocab: str | None = None  # sequence data: the characters, index = token id
    extent: tuple[float, float, float, float] | None = None  # 2-D points: x_min, x_max, y_min, y_max
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def in_memory(self) -> bool:
        return isinstance(self.train, TensorDataset)

    def __len__(self) -> int:
        return len(self.train)  # type: ignore[arg-type]


@dataclass(frozen=True)
class DatasetSpec:
    """A dataset by name: its options (validated like layer parameters) and its loader."""

    name: str
    doc: str
    options: tuple[Param, ...]
    load: Callable[[Mapping[str, Any], LoadContext], DataBundle]
    targets: str = "class"  # what the loader's targets are, for checking against the task


def split_tensors(
    tensors: tuple[torch.Tensor, ...], fraction: float, seed: int
) -> tuple[TensorDataset, TensorDataset | None]:
    """A seeded random split: the last `fraction` of a permutation is validation."""
    n = len(tensors[0])
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    n_val = int(round(n * fraction))
    if n_val == 0:
        return TensorDataset(*tensors), None
    train, val = order[: n - n_val], order[n - n_val:]
    return TensorDataset(*(t[train] for t in tensors)), TensorDataset(*(t[val] for t in tensors))
