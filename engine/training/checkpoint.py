"""Checkpoints: weights as safetensors (engine.weights), the rest (optimizer, schedule,
RNG, history) as a tensor-and-number file that `torch.load(..., weights_only=True)`
reads without unpickling code.

A checkpoint folder holds `<network>.safetensors` per network and `training_state.pt`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import torch

__all__ = ["STATE_FILE", "load_state", "save_state"]

STATE_FILE = "training_state.pt"


def _atomic(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_state(state: dict[str, Any], folder: str | os.PathLike[str]) -> Path:
    path = Path(folder) / STATE_FILE
    _atomic(path, lambda tmp: torch.save(state, tmp))
    return path


def load_state(folder: str | os.PathLike[str]) -> dict[str, Any]:
    path = Path(folder) / STATE_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{folder} is not a checkpoint (no {STATE_FILE})")
    return torch.load(path, map_location="cpu", weights_only=True)
