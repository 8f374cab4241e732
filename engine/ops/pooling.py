"""Pooling layers."""

from __future__ import annotations

import torch.nn as nn

from engine.ops.modules import GlobalAvgPool
from engine.ops.spec import OpSpec, Port
from engine.params import Param


def _pool_params(dims: int, average: bool) -> tuple[Param, ...]:
    params = [
        Param("kernel_size", "size", 2, min=1, length=dims),
        Param("stride", "size", None, min=1, length=dims, optional=True, doc="defaults to kernel_size"),
        Param("padding", "size", 0, min=0, length=dims),
        Param("ceil_mode", "bool", False, doc="round the output size up (GoogLeNet)"),
    ]
    if average:
        params.append(Param("count_include_pad", "bool", True))
    else:
        params.insert(3, Param("dilation", "size", 1, min=1, length=dims))
    return tuple(params)


_LAYOUT = {1: "C, L", 2: "C, H, W"}

OPS = [
    OpSpec(
        f"{kind}Pool{dims}d",
        "Pooling",
        f"{'Maximum' if kind == 'Max' else 'Average'} over {dims}-D windows.",
        params=_pool_params(dims, kind == "Avg"),
        module=getattr(nn, f"{kind}Pool{dims}d"),
        inputs=(Port("x", _LAYOUT[dims]),),
        prefix="pool",
    )
    for dims in (1, 2)
    for kind in ("Max", "Avg")
] + [
    OpSpec(
        f"Adaptive{kind}Pool2d",
        "Pooling",
        f"{'Maximum' if kind == 'Max' else 'Average'} pooling to a fixed output size.",
        params=(Param("output_size", "size", 1, min=1),),
        module=getattr(nn, f"Adaptive{kind}Pool2d"),
        inputs=(Port("x", "C, H, W"),),
        prefix="pool",
    )
    for kind in ("Avg", "Max")
] + [
    OpSpec(
        "GlobalAvgPool",
        "Pooling",
        "Average over all spatial positions: (C, ...) -> (C,) (Network in Network).",
        module=GlobalAvgPool,
        prefix="gap",
        numbered=False,
    ),
]
