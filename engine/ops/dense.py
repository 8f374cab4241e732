"""Fully connected and convolutional layers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch.nn as nn
from torch.utils.flop_counter import conv_flop_count, mm_flop

from engine.ops.init import INIT_PARAM
from engine.ops.spec import OpSpec, Port, ShapeError, TensorInfo
from engine.params import Param


def _conv_flops(module: nn.Module, ins: Sequence, outs: Sequence) -> int:
    transposed = isinstance(module, nn.ConvTranspose2d)
    return conv_flop_count(list(ins[0].shape), list(module.weight.shape), list(outs[0].shape), transposed)


def _linear_flops(module: nn.Module, ins: Sequence, outs: Sequence) -> int:
    rows = ins[0].numel() // ins[0].shape[-1]
    return mm_flop([rows, module.in_features], [module.in_features, module.out_features])


def _linear_kwargs(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> dict[str, Any]:
    return {"in_features": ins[0].shape[-1], "out_features": p["out_features"], "bias": p["bias"]}


def _groups(p: Mapping[str, Any], in_channels: int) -> int:
    return in_channels if p.get("depthwise") else p["groups"]


def _check_groups(name: str):
    def check(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> None:
        _check_divisible(name, p, ins)

    return check


def _check_divisible(name: str, p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> None:
    in_channels = ins[0].shape[0]
    groups = _groups(p, in_channels)
    if in_channels % groups:
        raise ShapeError(f"{name}: {in_channels} input channels do not divide into {groups} groups")
    if p["out_channels"] % groups:
        raise ShapeError(
            f"{name}: out_channels {p['out_channels']} is not a multiple of groups ({groups})"
        )


def _conv_kwargs(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> dict[str, Any]:
    kwargs = {k: v for k, v in p.items() if k not in ("depthwise", "init")}
    kwargs["groups"] = _groups(p, ins[0].shape[0])
    return {"in_channels": ins[0].shape[0], **kwargs}


def _conv_params(dims: int) -> tuple[Param, ...]:
    return (
        Param("out_channels", "int", 16, min=1, doc="number of filters"),
        Param("kernel_size", "size", 3, min=1, length=dims),
        Param("stride", "size", 1, min=1, length=dims),
        Param("padding", "padding", 0, min=0, length=dims, choices=("same", "valid"),
              doc="zeros added on each side, or 'same' to keep the size (stride 1)"),
        Param("dilation", "size", 1, min=1, length=dims, doc="spacing of kernel taps (atrous)"),
        Param("groups", "int", 1, min=1, doc="channel groups; ignored when depthwise"),
        Param("depthwise", "bool", False, doc="one group per input channel (MobileNet)"),
        Param("bias", "bool", True),
        Param("padding_mode", "choice", "zeros", choices=("zeros", "reflect", "replicate", "circular")),
        INIT_PARAM,
    )


OPS = [
    OpSpec(
        "Linear",
        "Dense",
        "Fully connected layer y = x W^T + b on the last dimension.",
        params=(Param("out_features", "int", 10, min=1), Param("bias", "bool", True), INIT_PARAM),
        module=nn.Linear,
        kwargs=_linear_kwargs,
        flops=_linear_flops,
        prefix="fc",
        output_overwritable=True,
    ),
    OpSpec(
        "Conv1d",
        "Convolution",
        "1-D convolution over (C, L).",
        params=_conv_params(1),
        module=nn.Conv1d,
        kwargs=_conv_kwargs,
        flops=_conv_flops,
        inputs=(Port("x", "C, L"),),
        check=_check_groups("Conv1d"),
        prefix="conv",
        output_overwritable=True,
    ),
    OpSpec(
        "Conv2d",
        "Convolution",
        "2-D convolution over (C, H, W); groups and depthwise for separable convolutions.",
        params=_conv_params(2),
        module=nn.Conv2d,
        kwargs=_conv_kwargs,
        flops=_conv_flops,
        inputs=(Port("x", "C, H, W"),),
        check=_check_groups("Conv2d"),
        prefix="conv",
        output_overwritable=True,
    ),
    OpSpec(
        "ConvTranspose2d",
        "Convolution",
        "Transposed 2-D convolution (learned up-sampling, as in DCGAN and U-Net).",
        params=(
            Param("out_channels", "int", 16, min=1),
            Param("kernel_size", "size", 4, min=1),
            Param("stride", "size", 2, min=1),
            Param("padding", "size", 1, min=0),
            Param("output_padding", "size", 0, min=0),
            Param("dilation", "size", 1, min=1),
            Param("groups", "int", 1, min=1),
            Param("bias", "bool", True),
            INIT_PARAM,
        ),
        module=nn.ConvTranspose2d,
        kwargs=_conv_kwargs,
        flops=_conv_flops,
        inputs=(Port("x", "C, H, W"),),
        check=_check_groups("ConvTranspose2d"),
        prefix="deconv",
        output_overwritable=True,
    ),
    OpSpec(
        "ZeroPad2d",
        "Convolution",
        "Pads the borders of an image with zeros: one int, or (left, right, top, bottom).",
        params=(Param("padding", "ints", (1, 1, 1, 1), min=0, length=4),),
        module=nn.ZeroPad2d,
        kwargs=lambda p, ins: {"padding": p["padding"]},
        inputs=(Port("x", "C, H, W"),),
        prefix="pad",
    ),
]
