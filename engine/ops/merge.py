"""Ops that join several values into one, or split one into several."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.ops.modules import Add, Chunk, Concat, Multiply, Split
from engine.ops.spec import OpSpec, Port, ShapeError, TensorInfo
from engine.params import Param

_NUM_INPUTS = Param("num_inputs", "int", 2, min=2, max=64, doc="how many inputs, in order")


def _numbered_inputs(p: Mapping[str, Any]) -> tuple[Port, ...]:
    return tuple(Port(f"in{i}") for i in range(1, p["num_inputs"] + 1))


def _numbered_outputs(count: int) -> tuple[str, ...]:
    return tuple(f"out{i}" for i in range(1, count + 1))


def _check_same_shapes(name: str):
    def check(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> None:
        first = ins[0]
        for i, other in enumerate(ins[1:], start=2):
            if other.shape != first.shape:
                raise ShapeError(f"{name}: input 1 has shape {first}, input {i} has {other}")

    return check


def _dim_index(dim: int, rank: int, name: str) -> int:
    """Index into a shape without batch for a torch dim (which counts batch as 0)."""
    full = dim + rank + 1 if dim < 0 else dim
    if not 1 <= full <= rank:
        raise ShapeError(f"{name}: dim {dim} is out of range for inputs of rank {rank} (+ batch)")
    return full - 1


def _check_concat(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> None:
    first = ins[0]
    axis = _dim_index(p["dim"], first.rank, "Concat")
    for i, other in enumerate(ins[1:], start=2):
        same_rank = other.rank == first.rank
        rest = lambda s: s[:axis] + s[axis + 1:]  # noqa: E731
        if not same_rank or rest(other.shape) != rest(first.shape):
            raise ShapeError(
                f"Concat along dim {p['dim']}: input 1 has shape {first}, input {i} has {other}; "
                "all dimensions but the concatenated one must match"
            )


def _check_split(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> None:
    axis = _dim_index(p["dim"], ins[0].rank, "Split")
    if sum(p["sizes"]) != ins[0].shape[axis]:
        raise ShapeError(
            f"Split: sizes {list(p['sizes'])} add up to {sum(p['sizes'])}, "
            f"but dim {p['dim']} of {ins[0]} has {ins[0].shape[axis]}"
        )


def _check_chunk(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> None:
    axis = _dim_index(p["dim"], ins[0].rank, "Chunk")
    if ins[0].shape[axis] % p["chunks"]:
        raise ShapeError(
            f"Chunk: dim {p['dim']} of {ins[0]} ({ins[0].shape[axis]}) "
            f"does not split into {p['chunks']} equal chunks"
        )


OPS = [
    OpSpec(
        "Add",
        "Merge",
        "Element-wise sum of inputs of equal shape (residual connections).",
        params=(_NUM_INPUTS,),
        module=Add,
        kwargs=lambda p, ins: {},
        inputs=_numbered_inputs,
        check=_check_same_shapes("Add"),
        output_overwritable=True,
        prefix="add",
    ),
    OpSpec(
        "Multiply",
        "Merge",
        "Element-wise product of inputs of equal shape (gates, attention masks).",
        params=(_NUM_INPUTS,),
        module=Multiply,
        kwargs=lambda p, ins: {},
        inputs=_numbered_inputs,
        check=_check_same_shapes("Multiply"),
        prefix="mul",
    ),
    OpSpec(
        "Concat",
        "Merge",
        "Concatenates inputs along dim (1 = channels), in input order (Inception, U-Net).",
        params=(_NUM_INPUTS, Param("dim", "int", 1)),
        module=Concat,
        kwargs=lambda p, ins: {"dim": p["dim"]},
        inputs=_numbered_inputs,
        check=_check_concat,
        output_overwritable=True,
        prefix="cat",
    ),
    OpSpec(
        "Split",
        "Merge",
        "Splits along dim into pieces of the given sizes, one output each.",
        params=(Param("sizes", "ints", (1, 1), min=1), Param("dim", "int", 1)),
        module=Split,
        outputs=lambda p: _numbered_outputs(len(p["sizes"])),
        check=_check_split,
        prefix="split",
    ),
    OpSpec(
        "Chunk",
        "Merge",
        "Splits along dim into equal chunks, one output each.",
        params=(Param("chunks", "int", 2, min=1, max=64), Param("dim", "int", 1)),
        module=Chunk,
        outputs=lambda p: _numbered_outputs(p["chunks"]),
        check=_check_chunk,
        prefix="chunk",
    ),
]
