"""Normalisation and regularisation layers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch.nn as nn

from engine.ops.spec import OpSpec, Port, ShapeError, TensorInfo
from engine.params import Param


def _features(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> dict[str, Any]:
    return {"num_features": ins[0].shape[0], **p}


def _check_bn1d(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> None:
    if ins[0].rank not in (1, 2):
        raise ShapeError(f"BatchNorm1d expects shape (C,) or (C, L), received {ins[0]}")


def _layer_norm(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> dict[str, Any]:
    return {
        "normalized_shape": tuple(ins[0].shape[-p["dims"]:]),
        "eps": p["eps"],
        "elementwise_affine": p["elementwise_affine"],
    }


def _check_layer_norm(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> None:
    if p["dims"] > ins[0].rank:
        raise ShapeError(f"LayerNorm: cannot normalise the last {p['dims']} dims of {ins[0]}")


def _group_norm(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> dict[str, Any]:
    return {"num_groups": p["num_groups"], "num_channels": ins[0].shape[0], "eps": p["eps"], "affine": p["affine"]}


def _check_group_norm(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> None:
    if ins[0].shape[0] % p["num_groups"]:
        raise ShapeError(f"GroupNorm: {ins[0].shape[0]} channels do not divide into {p['num_groups']} groups")


_EPS = Param("eps", "float", 1e-5, min=0.0)
_MOMENTUM = Param("momentum", "float", 0.1, min=0.0, max=1.0)
_DROP_P = Param("p", "float", 0.5, min=0.0, max=1.0, doc="probability of zeroing")

OPS = [
    OpSpec(
        "BatchNorm1d",
        "Normalization",
        "Batch normalisation of features (C,) or (C, L) (Ioffe & Szegedy 2015).",
        params=(_EPS, _MOMENTUM, Param("affine", "bool", True)),
        module=nn.BatchNorm1d,
        kwargs=_features,
        check=_check_bn1d,
        preserves_shape=True,
        output_overwritable=True,
        prefix="bn",
    ),
    OpSpec(
        "BatchNorm2d",
        "Normalization",
        "Batch normalisation of feature maps (Ioffe & Szegedy 2015).",
        params=(_EPS, _MOMENTUM, Param("affine", "bool", True)),
        module=nn.BatchNorm2d,
        kwargs=_features,
        inputs=(Port("x", "C, H, W"),),
        preserves_shape=True,
        output_overwritable=True,
        prefix="bn",
    ),
    OpSpec(
        "LayerNorm",
        "Normalization",
        "Normalises the last `dims` dimensions of each sample (Ba et al. 2016).",
        params=(Param("dims", "int", 1, min=1), _EPS, Param("elementwise_affine", "bool", True)),
        module=nn.LayerNorm,
        kwargs=_layer_norm,
        check=_check_layer_norm,
        preserves_shape=True,
        output_overwritable=True,
        prefix="ln",
    ),
    OpSpec(
        "GroupNorm",
        "Normalization",
        "Normalises groups of channels (Wu & He 2018).",
        params=(Param("num_groups", "int", 8, min=1), _EPS, Param("affine", "bool", True)),
        module=nn.GroupNorm,
        kwargs=_group_norm,
        check=_check_group_norm,
        inputs=(Port("x", "C, H, W"),),
        preserves_shape=True,
        output_overwritable=True,
        prefix="gn",
    ),
    OpSpec(
        "InstanceNorm2d",
        "Normalization",
        "Normalises each channel of each sample (Ulyanov et al. 2016).",
        params=(_EPS, _MOMENTUM, Param("affine", "bool", False), Param("track_running_stats", "bool", False)),
        module=nn.InstanceNorm2d,
        kwargs=_features,
        inputs=(Port("x", "C, H, W"),),
        preserves_shape=True,
        output_overwritable=True,
        prefix="inorm",
    ),
    OpSpec(
        "LocalResponseNorm",
        "Normalization",
        "Local response normalisation across channels (AlexNet: size 5, alpha 1e-4, beta 0.75, k 2).",
        params=(
            Param("size", "int", 5, min=1),
            Param("alpha", "float", 1e-4, min=0.0),
            Param("beta", "float", 0.75, min=0.0),
            Param("k", "float", 2.0, min=0.0),
        ),
        module=nn.LocalResponseNorm,
        inputs=(Port("x", "C, H, W"),),
        preserves_shape=True,
        prefix="lrn",
    ),
    OpSpec(
        "Dropout",
        "Regularization",
        "Zeroes random elements while training (Srivastava et al. 2014).",
        params=(_DROP_P,),
        module=nn.Dropout,
        preserves_shape=True,
        prefix="dropout",
    ),
    OpSpec(
        "Dropout2d",
        "Regularization",
        "Zeroes whole random channels while training.",
        params=(_DROP_P,),
        module=nn.Dropout2d,
        inputs=(Port("x", "C, H, W"),),
        preserves_shape=True,
        prefix="dropout",
    ),
    OpSpec(
        "AlphaDropout",
        "Regularization",
        "Dropout that keeps SELU's self-normalising mean and variance (Klambauer et al. 2017).",
        params=(Param("p", "float", 0.05, min=0.0, max=1.0),),
        module=nn.AlphaDropout,
        preserves_shape=True,
        prefix="dropout",
    ),
]
