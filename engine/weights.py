"""Weights as safetensors: saved by parameter name, loaded back by name with shape checks.

safetensors holds raw tensors and a JSON header, so loading a weights file runs no
code. The names are the `state_dict` keys, which are the node ids
(`conv1.weight`, `layer1.0.conv1.weight`), the same in the compiled module, the
exported Python class and the training script. The one module for weights files:
training checkpoints, exports and the app all read and write them here.
"""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import torch
import torch.nn as nn
from safetensors import SafetensorError
from safetensors.torch import _TYPES as DTYPES  # safetensors' own dtype names ("F32": torch.float32)
from safetensors.torch import load_file, save

from engine.atomic import write_atomic
from engine.ops.spec import format_shape

__all__ = ["WeightsError", "load_weights", "read_weights", "save_weights"]

# safetensors refuses headers over 100 MB itself; checking first lets a file that
# declares 2**40 bytes get a message in our words, and nothing is read past the limit.
MAX_HEADER_BYTES = 100_000_000


class WeightsError(ValueError):
    """A weights file that cannot be read, or weights that do not fit a network.

    `problems` names every key at fault (or the one reason a file cannot be read).
    """

    def __init__(self, path: str | os.PathLike[str], problems: list[str], headline: str | None = None) -> None:
        self.path = str(path)
        self.problems = problems
        if headline is None:
            text = f"{path}: the weights do not fit the network:\n" + "\n".join(f"  - {p}" for p in problems)
        else:
            text = f"{path}: {headline}: " + "; ".join(problems)
        super().__init__(text)


def save_weights(module: nn.Module, path: str | os.PathLike[str], metadata: dict[str, str] | None = None) -> Path:
    """Write `module`'s state_dict (parameters and buffers) to a safetensors file, atomically."""
    state = {name: tensor.detach().cpu().contiguous() for name, tensor in module.state_dict().items()}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, save(state, metadata=metadata))
    return path


def read_weights(path: str | os.PathLike[str]) -> dict[str, torch.Tensor]:
    """The tensors in a safetensors file; raises WeightsError saying why when it is not one.

    The header is checked before safetensors reads the file, so a pickle, a truncated
    file or a header of absurd size is refused by name and nothing is unpickled.
    """
    try:
        reason = _header_problem(Path(path))
    except FileNotFoundError:
        raise WeightsError(path, ["the file does not exist"], "cannot read the weights") from None
    except OSError as exc:
        raise WeightsError(path, [exc.strerror or str(exc)], "cannot read the weights") from None
    if reason is not None:
        raise WeightsError(path, [reason], "not a safetensors file")
    try:
        return load_file(str(path))
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        raise WeightsError(path, [str(exc)], "not a safetensors file") from None


def _header_problem(path: Path) -> str | None:
    """Why `path` is not a well-formed safetensors file, or None."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(8)
        if head.startswith(b"PK\x03\x04"):
            return "it is a zip archive as torch.save writes (pickled objects), which Netsmith never unpickles"
        if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
            return "it is a Python pickle, which Netsmith never unpickles"
        if len(head) < 8:
            return f"{size} bytes is too short for a safetensors header"
        (length,) = struct.unpack("<Q", head)
        if length > MAX_HEADER_BYTES:
            return f"the header declares {length:,} bytes (a safetensors header has at most {MAX_HEADER_BYTES:,})"
        if 8 + length > size:
            return f"the file is truncated: the header declares {length:,} bytes, {size - 8:,} follow"
        raw = fh.read(length)
    try:
        header = json.loads(raw)
    except ValueError:
        return "the header is not JSON"
    if not isinstance(header, dict):
        return "the header is not a JSON object"
    data_size = size - 8 - length
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if not isinstance(entry, dict):
            return f"tensor '{name}': no dtype, shape and offsets"
        dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
        if dtype not in DTYPES:
            return f"tensor '{name}': unknown dtype {json.dumps(dtype)} (known: {', '.join(DTYPES)})"
        if not (isinstance(shape, list) and all(isinstance(d, int) and d >= 0 for d in shape)):
            return f"tensor '{name}': bad shape {json.dumps(shape)}"
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(isinstance(o, int) for o in offsets)
                and 0 <= offsets[0] <= offsets[1]):
            return f"tensor '{name}': bad data offsets {json.dumps(offsets)}"
        if offsets[1] > data_size:
            return (f"the file is truncated: tensor '{name}' ends at byte {offsets[1]:,} of the data, "
                    f"which has {data_size:,}")
        count = 1
        for d in shape:
            count *= d
        needed = count * DTYPES[dtype].itemsize
        if offsets[1] - offsets[0] != needed:
            return (f"tensor '{name}': shape {format_shape(shape)} of {dtype} needs {needed:,} bytes, "
                    f"the file holds {offsets[1] - offsets[0]:,}")
    return None


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
    problems += [
        f"dtype of {key}: the network has {_dtype(t)}, the file has {_dtype(weights[key])}"
        for key, t in expected.items()
        if key in weights and _kind(weights[key]) != _kind(t)
    ]
    if problems:
        raise WeightsError(path, problems)
    module.load_state_dict(weights, strict=True)
    return module


def _shape(tensor: torch.Tensor) -> str:
    return format_shape(tensor.shape)


def _kind(tensor: torch.Tensor) -> str:
    # Values are cast to the network's dtype, which is sound within a kind (float64 into
    # float32) but not across kinds (complex into float drops half, float into an int count).
    if tensor.dtype.is_complex:
        return "complex"
    if tensor.dtype.is_floating_point:
        return "float"
    return "bool" if tensor.dtype == torch.bool else "int"


def _dtype(tensor: torch.Tensor) -> str:
    return str(tensor.dtype).removeprefix("torch.")
