"""Ops that rearrange values without learning anything."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import torch.nn as nn

from engine.ops.modules import Crop, Permute, Reshape
from engine.ops.spec import OpSpec, Port, ShapeError, TensorInfo, format_shape
from engine.params import Param


def _check_reshape(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> None:
    shape = p["shape"]
    if list(shape).count(-1) > 1:
        raise ShapeError("Reshape: at most one dimension can be -1")
    total = math.prod(ins[0].shape)
    known = math.prod(d for d in shape if d != -1)
    fits = total % known == 0 if -1 in shape else total == known
    if not fits:
        raise ShapeError(
            f"Reshape: cannot reshape {ins[0]} ({total} values) into {format_shape(shape)}"
        )


def _check_permute(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> None:
    dims = tuple(p["dims"])
    rank = ins[0].rank + 1
    if sorted(dims) != list(range(rank)):
        raise ShapeError(
            f"Permute: dims {list(dims)} must be a permutation of 0..{rank - 1} "
            f"for input {ins[0]} plus the batch dimension"
        )
    if dims[0] != 0:
        raise ShapeError("Permute: the batch dimension (0) must stay first")


def _upsample(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"mode": p["mode"]}
    if p["size"] is not None:
        kwargs["size"] = p["size"]
    else:
        kwargs["scale_factor"] = p["scale_factor"]
    if p["mode"] in ("bilinear", "bicubic"):
        kwargs["align_corners"] = p["align_corners"]
    return kwargs


def _check_pixel_shuffle(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> None:
    r2 = p["upscale_factor"] ** 2
    if ins[0].shape[0] % r2:
        raise ShapeError(
            f"PixelShuffle: {ins[0].shape[0]} channels are not a multiple of "
            f"upscale_factor² = {r2}"
        )


def _crop_ports(p: Mapping[str, Any]) -> tuple[Port, ...]:
    if p["size"] is None:
        return (Port("x", "C, H, W"), Port("like", "C, H, W", "crop to this input's height and width"))
    return (Port("x", "C, H, W"),)


def _check_crop(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> None:
    size = p["size"]
    if size is None:
        target, source = ins[1].shape[1:], f"input 'like' {ins[1]}"
    else:
        target = (size, size) if isinstance(size, int) else tuple(size)
        source = f"size {list(target)}"
    if target[0] > ins[0].shape[1] or target[1] > ins[0].shape[2]:
        raise ShapeError(f"Crop: cannot crop {ins[0]} to the height and width of {source}")


OPS = [
    OpSpec(
        "Flatten",
        "Shape",
        "Flattens dimensions start_dim..end_dim into one (dim 1 is the first after batch).",
        params=(Param("start_dim", "int", 1, min=1), Param("end_dim", "int", -1)),
        module=nn.Flatten,
        prefix="flatten",
        numbered=False,
    ),
    OpSpec(
        "Reshape",
        "Shape",
        "Reshapes each sample (batch kept); one dimension may be -1.",
        params=(Param("shape", "ints", (-1,), min=-1),),
        module=Reshape,
        check=_check_reshape,
        prefix="reshape",
    ),
    OpSpec(
        "Permute",
        "Shape",
        "Reorders dimensions, batch included: (0, 2, 1) swaps the two after batch.",
        params=(Param("dims", "ints", (0, 2, 1), min=0),),
        module=Permute,
        check=_check_permute,
        prefix="permute",
    ),
    OpSpec(
        "Upsample",
        "Shape",
        "Resizes an image by scale_factor, or to size, by nearest or bilinear interpolation.",
        params=(
            Param("scale_factor", "float", 2.0, min=0.0),
            Param("size", "size", None, min=1, optional=True, doc="overrides scale_factor"),
            Param("mode", "choice", "nearest", choices=("nearest", "bilinear", "bicubic")),
            Param("align_corners", "bool", False),
        ),
        module=nn.Upsample,
        kwargs=_upsample,
        inputs=(Port("x", "C, H, W"),),
        prefix="up",
    ),
    OpSpec(
        "PixelShuffle",
        "Shape",
        "Sub-pixel convolution's rearrangement (C·r², H, W) -> (C, H·r, W·r) (Shi et al. 2016).",
        params=(Param("upscale_factor", "int", 2, min=1),),
        module=nn.PixelShuffle,
        check=_check_pixel_shuffle,
        inputs=(Port("x", "C, H, W"),),
        prefix="pixel_shuffle",
    ),
    OpSpec(
        "Crop",
        "Shape",
        "Crops the centre of an image to the height and width of input 'like', or to `size` "
        "(U-Net's skip connections with valid convolutions).",
        params=(Param("size", "size", None, min=1, optional=True,
                      doc="crop to this size; when unset, to the size of input 'like'"),),
        module=Crop,
        kwargs=lambda p, ins: {"size": p["size"]},
        inputs=_crop_ports,
        check=_check_crop,
        prefix="crop",
        paper="https://arxiv.org/abs/1505.04597",
    ),
    OpSpec(
        "Identity",
        "Shape",
        "Passes its input through unchanged.",
        module=nn.Identity,
        preserves_shape=True,
        prefix="identity",
    ),
]
