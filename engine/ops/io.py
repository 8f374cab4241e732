"""Inputs and outputs of a network, and the ports of a block's body."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch

from engine.ops.spec import OpSpec, ShapeError, TensorInfo
from engine.params import Param

# kind -> (dtype, expected rank, layout shown in messages)
INPUT_KINDS: dict[str, tuple[torch.dtype, int | None, str]] = {
    "image": (torch.float32, 3, "C, H, W"),
    "vector": (torch.float32, 1, "F"),
    "sequence": (torch.float32, 2, "T, F"),
    "tokens": (torch.int64, 1, "T"),
    "graph": (torch.float32, 2, "N, F"),
    "adjacency": (torch.float32, 2, "N, N"),
    "tensor": (torch.float32, None, "any"),
}


def input_info(params: Mapping[str, Any]) -> TensorInfo:
    """The value an Input node produces; raises ShapeError when shape and kind disagree."""
    kind = params["kind"]
    dtype, rank, layout = INPUT_KINDS[kind]
    shape = tuple(params["shape"])
    if rank is not None and len(shape) != rank:
        raise ShapeError(f"Input of kind '{kind}' needs a shape ({layout}), got {list(shape)}")
    if kind == "adjacency" and shape[0] != shape[1]:
        raise ShapeError(f"an adjacency matrix is square (N, N), got {list(shape)}")
    return TensorInfo(shape, dtype)


def _no_inputs(params: Mapping[str, Any]) -> tuple:
    return ()


def _no_outputs(params: Mapping[str, Any]) -> tuple:
    return ()


def _check_output(params: Mapping[str, Any], inputs: Sequence[TensorInfo]) -> None:
    return None


OPS = [
    OpSpec(
        "Input",
        "Input / Output",
        "Where data enters the network: an image, a vector, a sequence, token ids or a graph.",
        params=(
            Param("kind", "choice", "image", choices=tuple(INPUT_KINDS), doc="what the data is"),
            Param("shape", "ints", (1, 28, 28), min=1, doc="shape of one sample, without batch"),
            Param("vocab_size", "int", None, min=2, optional=True, doc="token ids lie in [0, vocab_size)"),
        ),
        inputs=_no_inputs,
        prefix="x",
        numbered=False,
    ),
    OpSpec(
        "Output",
        "Input / Output",
        "A value the network returns; several Outputs return a tuple in document order.",
        outputs=_no_outputs,
        prefix="output",
        numbered=False,
    ),
    OpSpec(
        "BlockInput",
        "Block",
        "An input port of a block's body.",
        inputs=_no_inputs,
        prefix="x",
        numbered=False,
        hidden=True,
    ),
    OpSpec(
        "BlockOutput",
        "Block",
        "An output port of a block's body.",
        outputs=_no_outputs,
        prefix="out",
        numbered=False,
        hidden=True,
    ),
]
