"""What an op is: `OpSpec`, its `Port`s, and the `TensorInfo` that flows between them.

An op names the `nn.Module` class that implements it and a function that turns the
user's parameters plus the input shapes into that class's constructor arguments.
That one function serves the compiler (which calls the class) and the Python
exporter (which prints the call), so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn as nn

from engine.ops.init import INIT_PARAM, apply_init
from engine.params import Param, ParamError

__all__ = ["OpSpec", "Port", "ShapeError", "TensorInfo", "format_shape"]


class ShapeError(ValueError):
    """An op cannot accept the shapes it is given; the message quotes them."""


@dataclass(frozen=True)
class TensorInfo:
    """Shape (without the batch dimension) and dtype of a value on an edge."""

    shape: tuple[int, ...]
    dtype: torch.dtype = torch.float32

    def __str__(self) -> str:
        text = format_shape(self.shape)
        return text if self.dtype.is_floating_point else f"{text} {str(self.dtype).removeprefix('torch.')}"

    @property
    def rank(self) -> int:
        return len(self.shape)


def format_shape(shape: Sequence[int]) -> str:
    return "(" + ", ".join(str(int(d)) for d in shape) + ("," if len(shape) == 1 else "") + ")"


@dataclass(frozen=True)
class Port:
    """A named input. `dims` is the expected layout without batch, e.g. "C, H, W"."""

    name: str
    dims: str | None = None
    doc: str = ""

    @property
    def rank(self) -> int | None:
        return None if self.dims is None else len(self.dims.split(","))


PortsFn = Callable[[Mapping[str, Any]], tuple[Port, ...]]
NamesFn = Callable[[Mapping[str, Any]], tuple[str, ...]]
KwargsFn = Callable[[Mapping[str, Any], Sequence[TensorInfo]], dict[str, Any]]
CheckFn = Callable[[Mapping[str, Any], Sequence[TensorInfo]], None]
FlopsFn = Callable[[nn.Module, Sequence[torch.Tensor], Sequence[torch.Tensor]], int]


def _params_as_kwargs(params: Mapping[str, Any], inputs: Sequence[TensorInfo]) -> dict[str, Any]:
    return dict(params)


@dataclass(frozen=True, eq=False)
class OpSpec:
    """One entry of the layer catalog.

    `module` is called with `kwargs(params, input_infos)`; its forward takes the
    inputs positionally in port order and returns one tensor, or a tuple with one
    tensor per output port.
    """

    name: str
    category: str
    doc: str
    params: tuple[Param, ...] = ()
    module: type[nn.Module] | None = None
    kwargs: KwargsFn = _params_as_kwargs
    inputs: tuple[Port, ...] | PortsFn = (Port("x"),)
    outputs: tuple[str, ...] | NamesFn = ("out",)
    check: CheckFn | None = None
    # FLOPs of one forward from the module and its (meta) inputs and outputs, using
    # torch.utils.flop_counter's formulas. Without it, analysis runs FlopCounterMode,
    # which costs about 0.4 ms a node; the hot ops (conv, linear) declare a formula.
    flops: FlopsFn | None = None
    # Pointwise ops: output shape is the input's by definition. Analysis skips their
    # meta forward, because meta kernels of pointwise ops run Python decompositions
    # that cost about a millisecond each.
    preserves_shape: bool = False
    # The module's constructor takes `inplace`; lowering sets it where that is safe.
    inplace: bool = False
    # An in-place op may overwrite this op's output (autograd does not need it).
    output_overwritable: bool = False
    prefix: str = ""
    numbered: bool = True  # ids are prefix1, prefix2...; False: prefix, prefix2...
    paper: str = ""
    hidden: bool = False  # not offered in the palette (e.g. block ports)
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.prefix:
            object.__setattr__(self, "prefix", self.name.lower())

    # -- parameters ----------------------------------------------------------------
    @property
    def param_map(self) -> dict[str, Param]:
        return {p.name: p for p in self.params}

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def resolve(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Defaults overlaid with `params`, in declaration order."""
        out = self.defaults()
        out.update({k: v for k, v in params.items() if k in out})
        return out

    def validate_param(self, name: str, value: Any) -> Any:
        param = self.param_map.get(name)
        if param is None:
            raise ParamError(f"{self.name} has no parameter '{name}'")
        return param.validate(value)

    # -- ports -----------------------------------------------------------------------
    def input_ports(self, params: Mapping[str, Any]) -> tuple[Port, ...]:
        return self.inputs(self.resolve(params)) if callable(self.inputs) else self.inputs

    def input_names(self, params: Mapping[str, Any]) -> tuple[str, ...]:
        if not callable(self.inputs):
            return self._static_input_names
        return tuple(p.name for p in self.input_ports(params))

    @property
    def _static_input_names(self) -> tuple[str, ...]:
        # Most ops have fixed ports; graph code asks for them thousands of times.
        names = self.__dict__.get("_input_names")
        if names is None:
            names = tuple(p.name for p in self.inputs)  # type: ignore[union-attr]
            object.__setattr__(self, "_input_names", names)
        return names

    @property
    def returns_tuple(self) -> bool:
        """Whether the module returns a tuple (even of one tensor, like a one-piece Split).

        Ops whose number of outputs depends on a parameter always do; so does any op
        declaring several outputs.
        """
        return callable(self.outputs) or len(self.outputs) > 1

    def output_names(self, params: Mapping[str, Any]) -> tuple[str, ...]:
        return self.outputs(self.resolve(params)) if callable(self.outputs) else self.outputs

    # -- building ----------------------------------------------------------------------
    def check_inputs(self, params: Mapping[str, Any], inputs: Sequence[TensorInfo]) -> None:
        """Raise `ShapeError` with a readable message when the inputs cannot work."""
        for port, info in zip(self.input_ports(params), inputs):
            if port.rank is not None and info.rank != port.rank:
                where = f" input '{port.name}'" if len(self.input_ports(params)) > 1 else ""
                raise ShapeError(
                    f"{self.name}{where} expects shape ({port.dims}), received {info}"
                )
        if self.check is not None:
            self.check(params, inputs)

    def constructor(self, params: Mapping[str, Any], inputs: Sequence[TensorInfo]) -> dict[str, Any]:
        """The keyword arguments of `module`, with inferred values filled in."""
        return self.kwargs(self.resolve(params), inputs)

    def initialize(self, module: nn.Module, params: Mapping[str, Any]) -> None:
        """Apply the weight initialisation chosen by the op's `INIT_PARAM` to a freshly built module."""
        if INIT_PARAM not in self.params:  # (PReLU's own "init" is its starting slope)
            return
        scheme = self.resolve(params)[INIT_PARAM.name]
        if scheme != "default":
            apply_init(module, scheme)

    def build(self, params: Mapping[str, Any], inputs: Sequence[TensorInfo]) -> nn.Module:
        if self.module is None:
            raise TypeError(f"{self.name} is not a module op")
        module = self.module(**self.constructor(params, inputs))
        self.initialize(module, params)
        return module
