"""Batches from a dataset: tensors in memory are sliced directly, anything else goes through a DataLoader.

Slicing a shuffled index is several times faster than a DataLoader for the small
in-memory sets most recipes use (Playground points, digits), and it keeps the
trainer's overhead over a bare loop small.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset

__all__ = ["batch_count", "batch_indices", "iterate", "to_device"]


def batch_count(dataset: Dataset | None, batch_size: int) -> int:
    if dataset is None:
        return 0
    n = len(dataset)  # type: ignore[arg-type]
    count = -(-n // batch_size)
    return count - 1 if count > 1 and n % batch_size == 1 else count


def to_device(dataset: Dataset | None, device: torch.device) -> Dataset | None:
    """In-memory tensors move to the device once, so batches need no transfer."""
    if isinstance(dataset, TensorDataset) and device.type != "cpu":
        return TensorDataset(*(t.to(device) for t in dataset.tensors))
    return dataset


def batch_indices(n: int, batch_size: int, *, shuffle: bool, generator: torch.Generator | None,
                  device: torch.device | str = "cpu") -> Iterator[slice | torch.Tensor]:
    """Which samples of `n` each batch takes: slices in order, or a shuffled index per batch
    (one `randperm` an epoch, moved to `device` once). A last batch of a single sample is
    dropped when shuffling (BatchNorm cannot normalise one value)."""
    order = torch.randperm(n, generator=generator).to(device) if shuffle else None
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        if shuffle and stop - start == 1 and n > 1:
            return
        yield slice(start, stop) if order is None else order[start:stop]


def iterate(
    dataset: Dataset, batch_size: int, *, shuffle: bool, generator: torch.Generator | None,
    device: torch.device, num_workers: int = 0,
) -> Iterator[tuple[torch.Tensor, ...]]:
    """Batches of `dataset` as tuples of tensors on `device`.

    A last batch of a single sample is dropped when training (BatchNorm cannot
    normalise one value).
    """
    n = len(dataset)  # type: ignore[arg-type]
    if isinstance(dataset, TensorDataset):
        tensors = dataset.tensors
        for index in batch_indices(n, batch_size, shuffle=shuffle, generator=generator, device=tensors[0].device):
            yield tuple(t[index] for t in tensors)
        return
    cuda = device.type == "cuda"
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, generator=generator,
                        num_workers=num_workers, pin_memory=cuda, drop_last=False,
                        persistent_workers=False)
    for batch in loader:
        batch = tuple(batch) if isinstance(batch, (list, tuple)) else (batch,)
        if shuffle and len(batch[0]) == 1 and n > 1:
            return
        yield tuple(t.to(device, non_blocking=cuda) for t in batch)
