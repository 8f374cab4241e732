"""CSV files: numeric feature columns and one target column."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch

from engine.data.bundle import DataBundle, DataError, DatasetSpec, LoadContext, split_tensors
from engine.params import Param

__all__ = ["SPECS", "read_csv"]


def read_csv(path: Path, target: str) -> tuple[list[str], list[list[float]], list[str]]:
    """Feature names, feature rows and target strings; every non-target column must be numeric."""
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
    except OSError as exc:
        raise DataError(f"csv: cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise DataError(f"csv: {path} is not UTF-8 text") from None
    if len(rows) < 2:
        raise DataError(f"csv: {path} needs a header row and at least one data row")
    header = [h.strip() for h in rows[0]]
    if target not in header:
        raise DataError(f"csv: {path.name} has no column '{target}' (columns: {', '.join(header)})")
    t = header.index(target)
    names = [h for i, h in enumerate(header) if i != t]
    features, targets = [], []
    for line, row in enumerate(rows[1:], start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise DataError(f"csv: {path.name} line {line} has {len(row)} fields, the header has {len(header)}")
        values = []
        for i, cell in enumerate(row):
            if i == t:
                continue
            try:
                values.append(float(cell))
            except ValueError:
                raise DataError(
                    f"csv: {path.name} line {line}, column '{header[i]}': {cell!r} is not a number"
                ) from None
        features.append(values)
        targets.append(row[t].strip())
    return names, features, targets


def _load_csv(options: Mapping[str, Any], ctx: LoadContext) -> DataBundle:
    path = Path(options["path"]).expanduser()
    names, rows, targets = read_csv(path, options["target"])
    x = torch.tensor(rows, dtype=torch.float32)
    if ctx.task == "regression":
        try:
            y = torch.tensor([[float(v)] for v in targets])
        except ValueError:
            raise DataError(f"csv: column '{options['target']}' must be numeric for regression") from None
        classes: tuple[str, ...] = ()
    else:
        classes = tuple(sorted(set(targets), key=lambda v: (_number(v) is None, _number(v) or 0.0, v)))
        index = {c: i for i, c in enumerate(classes)}
        y = torch.tensor([index[v] for v in targets], dtype=torch.int64)
    train, val = split_tensors((x, y), ctx.validation_split, ctx.seed)
    if options["standardize"]:
        # Statistics of the training rows only, so validation stays unseen.
        mean, std = train.tensors[0].mean(0), train.tensors[0].std(0).clamp(min=1e-8)
        train = type(train)((train.tensors[0] - mean) / std, train.tensors[1])
        if val is not None:
            val = type(val)((val.tensors[0] - mean) / std, val.tensors[1])
    return DataBundle(
        path.name, train, val, (x.shape[1],),
        target="value" if ctx.task == "regression" else "class",
        num_classes=len(classes) or None, class_names=classes, extras={"features": names},
    )


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


SPECS = (
    DatasetSpec(
        "csv",
        "A CSV file with a header: numeric feature columns and a target column (classes or values).",
        (
            Param("path", "str", ""),
            Param("target", "str", "label", doc="name of the target column"),
            Param("standardize", "bool", True, doc="scale features to zero mean, unit variance"),
        ),
        _load_csv,
        targets="class|value",
    ),
)
