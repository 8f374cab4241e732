"""Weights as safetensors: saved by parameter name, loaded back by name with shape checks.

safetensors holds raw tensors and a JSON header, so loading a weights file runs no
code. The names are the `state_dict` keys, which are the node ids
(`conv1.weight`, `layer1.0.conv1.weight`), the same in the compiled module, the
exported Python class and the training script. The one module for weights files:
training checkpoints, exports and the app all read and write them here.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import torch
import torch.nn as nn
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from engine.ops.spec import format_shape

__all__ = ["WeightsError", "load_weights", "read_weights", "save_weights"]


class WeightsError(ValueError):
    """Weights that do not fit a network; `problems` names every key at fault."""

    def __init__(self, path: str | os.PathLike[str], problems: list[str]) -> None:
        self.path = str(path)
        self.problems = problems
        super().__init__(f"{path}: the weights do not fit the network:\n" + "\n".join(f"  - {p}" for p in problems))


def save_weights(module: nn.Module, path: str | os.PathLike[str], metadata: dict[str, str] | None = None) -> Path:
    """Write `module`'s state_dict (parameters and buffers) to a safetensors file, atomically."""
    state = {name: tensor.detach().cpu().contiguous() for name, tensor in module.state_dict().items()}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        save_file(state, tmp, metadata=metadata)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_weights(path: str | os.PathLike[str]) -> dict[str, torch.Tensor]:
    """The tensors in a safetensors file; raises WeightsError when it is not one."""
    try:
        return load_file(str(path))
    except FileNotFoundError:
        raise WeightsError(path, ["the file does not exist"]) from None
    except (SafetensorError, OSError, ValueError) as exc:
        raise WeightsError(path, [f"not a safetensors file ({exc})"]) from None


def load_weights(module: nn.Module, path: str | os.PathLike[str]) -> nn.Module:
    """Load weights into `module` by name; every missing, unexpected or mis-shaped key is an error.

    Nothing is loaded unless everything fits. Values are cast to the module's dtype.
    """
    weights = read_weights(path)
    expected = module.state_dict()
    problems = [f"missing: {key} {_shape(t)}" for key, t in expected.items() if key not in weights]
    problems += [f"unexpected: {key} {_shape(t)}" for key, t in weights.items() if key not in expected]
    problems += [
        f"shape of {key}: the network has {_shape(t)}, the file has {_shape(weights[key])}"
        for key, t in expected.items()
        if key in weights and weights[key].shape != t.shape
    ]
    if problems:
        raise WeightsError(path, problems)
    module.load_state_dict(weights, strict=True)
    return module


def _shape(tensor: torch.Tensor) -> str:
    return format_shape(tensor.shape)
