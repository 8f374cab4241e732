"""Checkpoints: weights as safetensors, the rest (optimizer, schedule, RNG, history) as a
tensor-and-number file that `torch.load(..., weights_only=True)` reads without unpickling code.

A checkpoint folder holds `<network>.safetensors` per network and `training_state.pt`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import torch
import torch.nn as nn
from safetensors.torch import load_file, save_file

__all__ = ["STATE_FILE", "load_state", "load_weights", "save_state", "save_weights"]

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


def save_weights(module: nn.Module, path: str | os.PathLike[str]) -> Path:
    """The module's state_dict as safetensors (keys as in the exported code: `conv1.weight`)."""
    path = Path(path)
    tensors = {k: v.detach().to("cpu").clone().contiguous() for k, v in module.state_dict().items()}
    _atomic(path, lambda tmp: save_file(tensors, tmp))
    return path


def load_weights(module: nn.Module, path: str | os.PathLike[str], strict: bool = True) -> None:
    device = next(iter(module.state_dict().values()), torch.empty(0)).device
    module.load_state_dict(load_file(str(path), device=str(device)), strict=strict)


def save_state(state: dict[str, Any], folder: str | os.PathLike[str]) -> Path:
    path = Path(folder) / STATE_FILE
    _atomic(path, lambda tmp: torch.save(state, tmp))
    return path


def load_state(folder: str | os.PathLike[str]) -> dict[str, Any]:
    path = Path(folder) / STATE_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{folder} is not a checkpoint (no {STATE_FILE})")
    return torch.load(path, map_location="cpu", weights_only=True)
