"""Weight initialisation of weighted layers, chosen by their `init` parameter.

Each scheme is one `torch.nn.init` call on the weight (the bias is zeroed, or set
to a fixed vector). The table serves both the compiler, which applies it after
building a module, and the Python exporter, which prints the same calls through
`init_source`, so a compiled and an exported network start from the same weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn as nn

from engine.params import Param

__all__ = ["INITS", "INIT_PARAM", "Init", "apply_init", "init_source"]


@dataclass(frozen=True)
class Init:
    doc: str
    function: str  # the torch.nn.init function applied to the weight
    kwargs: dict[str, Any] = field(default_factory=dict)
    bias: tuple[float, ...] | None = None  # None: zeros

    def call(self, target: str) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self.kwargs.items())
        return f"nn.init.{self.function}({target}{args})"


# torch's fan_in of a weight is its size(1) times the kernel area: in_features for
# Linear, in_channels / groups * k * k for Conv (ConvTranspose: out_channels / groups).
INITS: dict[str, Init] = {
    "lecun_normal": Init("normal with std 1/sqrt(fan_in) (LeCun et al. 1998; SELU networks, Klambauer et al. 2017)",
                         "kaiming_normal_", {"nonlinearity": "linear"}),
    "kaiming_normal": Init("normal with std sqrt(2/fan_in), for ReLU (He et al. 2015)",
                           "kaiming_normal_", {"nonlinearity": "relu"}),
    "kaiming_uniform": Init("uniform with the variance of kaiming_normal (He et al. 2015)",
                            "kaiming_uniform_", {"nonlinearity": "relu"}),
    "xavier_normal": Init("normal with std sqrt(2/(fan_in+fan_out)) (Glorot & Bengio 2010)", "xavier_normal_"),
    "xavier_uniform": Init("uniform with the variance of xavier_normal (Glorot & Bengio 2010)", "xavier_uniform_"),
    "normal_0.02": Init("normal with std 0.02 (DCGAN, Radford et al. 2015)", "normal_", {"std": 0.02}),
    "zeros": Init("all zeros", "zeros_"),
    "identity_affine": Init("zero weights and the identity transform [1, 0, 0, 0, 1, 0] as bias: the regressor "
                            "of a spatial transformer starts at the identity (Jaderberg et al. 2015)",
                            "zeros_", bias=(1.0, 0.0, 0.0, 0.0, 1.0, 0.0)),
}

INIT_PARAM = Param(
    "init",
    "choice",
    "default",
    choices=("default", *INITS),
    doc="weight initialisation; 'default' keeps PyTorch's, the others also zero the bias",
)


def _check(module: nn.Module, name: str, scheme: Init) -> None:
    bias = getattr(module, "bias", None)
    if scheme.bias is not None and (bias is None or bias.numel() != len(scheme.bias)):
        size = "no bias" if bias is None else f"{bias.numel()} outputs"
        raise ValueError(f"init '{name}' needs a bias of {len(scheme.bias)} outputs, this layer has {size}")


def apply_init(module: nn.Module, name: str) -> None:
    """Initialise `module.weight` (and bias) by scheme `name`; "default" leaves them as built."""
    if name == "default":
        return
    scheme = INITS[name]
    _check(module, name, scheme)
    getattr(nn.init, scheme.function)(module.weight, **scheme.kwargs)
    bias = getattr(module, "bias", None)
    if bias is None:
        return
    if scheme.bias is None:
        nn.init.zeros_(bias)
    else:
        with torch.no_grad():
            bias.copy_(torch.tensor(scheme.bias, dtype=bias.dtype, device=bias.device))


def init_source(attr: str, name: str, bias: bool = True) -> list[str]:
    """Statements that apply scheme `name` to `self.<attr>` in an exported `__init__`."""
    if name == "default":
        return []
    scheme = INITS[name]
    lines = [scheme.call(f"self.{attr}.weight")]
    if not bias:
        return lines
    if scheme.bias is None:
        lines.append(f"nn.init.zeros_(self.{attr}.bias)")
    else:
        lines += ["with torch.no_grad():", f"    self.{attr}.bias.copy_(torch.tensor({list(scheme.bias)!r}))"]
    return lines
