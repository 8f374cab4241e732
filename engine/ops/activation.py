"""Activation functions. All are pointwise except Softmax and LogSoftmax (which keep the shape)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch.nn as nn

from engine.ops.modules import Step
from engine.ops.spec import OpSpec, TensorInfo
from engine.params import Param


def _activation(name: str, doc: str, module: type[nn.Module], *params: Param,
                inplace: bool = False, prefix: str | None = None, **extra: Any) -> OpSpec:
    return OpSpec(
        name,
        "Activation",
        doc,
        params=params,
        module=module,
        preserves_shape=True,
        inplace=inplace,
        prefix=prefix or name.lower(),
        **extra,
    )


def _prelu(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> dict[str, Any]:
    return {"num_parameters": ins[0].shape[0] if p["per_channel"] else 1, "init": p["init"]}


_DIM = Param("dim", "int", 1, doc="dimension that sums to one (1 = classes/channels)")

OPS = [
    _activation("ReLU", "max(0, x) (Nair & Hinton 2010).", nn.ReLU, inplace=True),
    _activation("ReLU6", "min(max(0, x), 6), the bounded ReLU of MobileNetV2 (Sandler et al. 2018).", nn.ReLU6,
                inplace=True, prefix="relu6_"),
    _activation("LeakyReLU", "x for x > 0, else negative_slope * x.", nn.LeakyReLU,
                Param("negative_slope", "float", 0.01, min=0.0), inplace=True, prefix="lrelu"),
    _activation("PReLU", "Leaky ReLU with a learned slope (He et al. 2015).", nn.PReLU,
                Param("per_channel", "bool", False, doc="one slope per channel"),
                Param("init", "float", 0.25), kwargs=_prelu),
    _activation("ELU", "Exponential linear unit (Clevert et al. 2015).", nn.ELU,
                Param("alpha", "float", 1.0, min=0.0), inplace=True),
    _activation("SELU", "Scaled ELU of self-normalising networks (Klambauer et al. 2017).", nn.SELU,
                inplace=True),
    _activation("GELU", "Gaussian error linear unit (Hendrycks & Gimpel 2016).", nn.GELU,
                Param("approximate", "choice", "none", choices=("none", "tanh"))),
    _activation("SiLU", "x * sigmoid(x), a.k.a. Swish (Ramachandran et al. 2017).", nn.SiLU,
                inplace=True, prefix="swish"),
    _activation("Hardswish", "Piecewise-linear Swish of MobileNetV3.", nn.Hardswish, inplace=True),
    _activation("Sigmoid", "1 / (1 + exp(-x)).", nn.Sigmoid),
    _activation("Tanh", "Hyperbolic tangent.", nn.Tanh),
    _activation("Softmax", "Exponentials normalised to sum to one along dim.", nn.Softmax, _DIM),
    _activation("LogSoftmax", "Logarithm of Softmax, numerically stable.", nn.LogSoftmax, _DIM,
                prefix="log_softmax"),
    _activation("Step", "Heaviside unit step of Rosenblatt's perceptron (forward only).", Step),
]
