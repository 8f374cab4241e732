"""Ops that come from particular papers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.ops.modules import GraphConv, PlaygroundFeatures, Reparameterize, SpatialTransformer
from engine.ops.spec import OpSpec, Port, ShapeError, TensorInfo
from engine.params import Param


def _check_features(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> None:
    if ins[0].shape != (2,):
        raise ShapeError(f"PlaygroundFeatures expects 2-D points (2,), received {ins[0]}")
    if not any(p[name] for name in PlaygroundFeatures.names):
        raise ShapeError("PlaygroundFeatures: switch on at least one feature")


def _check_reparameterize(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> None:
    if ins[0].shape != ins[1].shape:
        raise ShapeError(f"Reparameterize: mu has shape {ins[0]}, logvar has {ins[1]}")


def _check_theta(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> None:
    if ins[1].shape not in ((6,), (2, 3)):
        raise ShapeError(
            f"SpatialTransformer: theta must hold 6 affine parameters (6,) or (2, 3), received {ins[1]}"
        )


def _check_graph(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> None:
    n = ins[0].shape[0]
    if ins[1].shape != (n, n):
        raise ShapeError(f"GraphConv: features {ins[0]} have {n} nodes, adjacency is {ins[1]}")


OPS = [
    OpSpec(
        "PlaygroundFeatures",
        "Special",
        "TensorFlow Playground's features of a point (x1, x2): each can be switched on.",
        params=tuple(
            Param(name, "bool", name in ("x1", "x2")) for name in PlaygroundFeatures.names
        ),
        module=PlaygroundFeatures,
        inputs=(Port("x", "2"),),
        check=_check_features,
        prefix="features",
        numbered=False,
    ),
    OpSpec(
        "Reparameterize",
        "Special",
        "VAE sampling z = mu + exp(logvar / 2) * eps (Kingma & Welling 2013).",
        module=Reparameterize,
        inputs=(Port("mu"), Port("logvar")),
        outputs=("z",),
        check=_check_reparameterize,
        prefix="reparameterize",
        numbered=False,
        paper="https://arxiv.org/abs/1312.6114",
    ),
    OpSpec(
        "SpatialTransformer",
        "Special",
        "Warps an image by an affine transform predicted by a localisation net (Jaderberg et al. 2015).",
        module=SpatialTransformer,
        inputs=(Port("x", "C, H, W"), Port("theta")),
        check=_check_theta,
        prefix="transformer",
        paper="https://arxiv.org/abs/1506.02025",
    ),
    OpSpec(
        "GraphConv",
        "Special",
        "Graph convolution with the normalised adjacency (Kipf & Welling 2016).",
        params=(Param("out_features", "int", 16, min=1), Param("bias", "bool", True)),
        module=GraphConv,
        kwargs=lambda p, ins: {"in_features": ins[0].shape[-1], **p},
        inputs=(Port("x", "N, F"), Port("adj", "N, N")),
        check=_check_graph,
        prefix="gc",
        paper="https://arxiv.org/abs/1609.02907",
    ),
]
