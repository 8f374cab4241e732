"""Datasets by name, none of which needs a network except torchvision's downloads.

`DATASETS[name]` is a `DatasetSpec` (its options are typed `Param`s, validated with
the recipe); `load_dataset(name, options, ctx)` returns a `DataBundle`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.data import graphs, images, playground, spectrograms, synthetic, tabular, text
from engine.data.bundle import DataBundle, DataError, DatasetSpec, LoadContext

__all__ = ["DATASETS", "DataBundle", "DataError", "DatasetSpec", "LoadContext", "load_dataset"]

DATASETS: dict[str, DatasetSpec] = {
    spec.name: spec
    for family in (images, playground, text, graphs, synthetic, spectrograms, tabular)
    for spec in family.SPECS
}


def load_dataset(name: str, options: Mapping[str, Any] | None = None, ctx: LoadContext | None = None) -> DataBundle:
    """Load dataset `name`; options not given take their defaults (values are not re-validated)."""
    spec = DATASETS.get(name)
    if spec is None:
        raise DataError(f"unknown dataset '{name}' (known: {', '.join(DATASETS)})")
    filled = {p.name: p.default for p in spec.options}
    filled.update(options or {})
    return spec.load(filled, ctx or LoadContext())
