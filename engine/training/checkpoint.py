"""Checkpoints: weights as safetensors (engine.weights), the rest (optimizer, schedule,
RNG, history) as a tensor-and-number file that `torch.load(..., weights_only=True)`
reads without unpickling code.

A checkpoint folder holds `<network>.safetensors` per network and `training_state.pt`.
Both are written atomically (engine.atomic), so a run killed while saving keeps the
previous checkpoint whole.
"""

from __future__ import annotations

import io
import os
import re
import warnings
from pathlib import Path
from typing import Any

import torch

from engine.atomic import write_atomic

__all__ = ["STATE_FILE", "CheckpointError", "load_state", "save_state"]

STATE_FILE = "training_state.pt"


class CheckpointError(ValueError):
    """A checkpoint's training state that cannot be read; the message names the file."""


def save_state(state: dict[str, Any], folder: str | os.PathLike[str]) -> Path:
    path = Path(folder) / STATE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    torch.save(state, buffer)
    write_atomic(path, buffer.getvalue())
    return path


def load_state(folder: str | os.PathLike[str]) -> dict[str, Any]:
    path = Path(folder) / STATE_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{folder} is not a checkpoint (no {STATE_FILE})")
    try:
        # weights_only: tensors, numbers and containers only; any other object is refused
        # before it is built, so a crafted file runs nothing.
        with warnings.catch_warnings():  # torch notes a foreign protocol version: noise for the user
            warnings.simplefilter("ignore", UserWarning)
            state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - whatever torch raises, the file cannot be read
        if "Weights only load failed" not in str(exc):
            first = (str(exc).strip().split(". ") or [type(exc).__name__])[0][:200]
            raise CheckpointError(f"{path}: not a training state ({first})") from None
        # torch's text tells how to load it unsafely; ours says what was refused.
        named = re.search(r"GLOBAL ([\w.]+)", str(exc))
        what = f" such as {named.group(1)}" if named else ""
        raise CheckpointError(f"{path}: refused to read the training state: it holds objects other than "
                              f"tensors and numbers{what}; nothing in it was run") from None
    if not isinstance(state, dict):
        raise CheckpointError(f"{path}: not a training state (it holds {type(state).__name__}, not a dict)")
    return state
