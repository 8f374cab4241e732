"""Short texts about nodes: the key parameters line, counts and FLOPs as people read them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.analysis import describe_count
from engine.blocks import block_of
from engine.ops.spec import OpSpec, format_shape
from engine.training.data_size import DataSize

__all__ = [
    "compact_shape", "count_text", "data_size_note", "data_size_text", "flops_text", "param_summary", "value_text",
]

# How the usual parameters read on a node; any other explicit parameter shows as name=value.
_SHORT = {
    "out_channels": "{} ch",
    "out_features": "{} out",
    "hidden_size": "{} hidden",
    "num_layers": "{} layers",
    "embedding_dim": "dim {}",
    "num_embeddings": "{} tokens",
    "stride": "stride {}",
    "padding": "pad {}",
    "dilation": "dil {}",
    "groups": "groups {}",
    "p": "p={}",
    "num_inputs": "{} inputs",
    "repeat": "×{}",
    "scale_factor": "×{}",
    "upscale_factor": "×{}",
    "output_size": "→ {}",
}


def value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, (list, tuple)):
        return "×".join(str(v) for v in value) if len(value) <= 4 else ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


# The terse forms a crowded node falls back to (ResNet's conv1 reads "64 ch · 7×7 · s2 · p3 · no bias").
_TERSE = {"stride": "s{}", "padding": "p{}", "dilation": "d{}"}
_SIZED = ("stride", "padding", "dilation", "output_size")


def _size(value: Any, op: str, square: bool = False) -> str:
    """A 2-D size as people write it: `5×5`; with `square`, an equal pair is one number."""
    if isinstance(value, (list, tuple)) and square and len(set(value)) == 1:
        return str(value[0])
    if isinstance(value, int) and op.endswith("2d") and not square:
        return f"{value}×{value}"
    return value_text(value)


# Shown from the defaults when a node does not set them (a pool is "2×2", a Conv2d shows its kernel).
_KEY_DEFAULTS = ("out_channels", "out_features", "kernel_size", "hidden_size", "p", "scale_factor")


def param_summary(spec: OpSpec | None, params: Mapping[str, Any], terse: bool = False) -> str:
    """`6 ch · 5×5` for Conv2d(out_channels=6, kernel_size=5): the explicit parameters, briefly,
    with the op's key parameters from their defaults where not set, in the op's own order.

    `terse` writes strides, paddings and dilations as `s2`, `p3`, `d2` (one number when square),
    for nodes too narrow for the full line.
    """
    if spec is None:
        return ""
    if spec.name == "Input":
        kind = params.get("kind", "image")
        shape = params.get("shape", spec.defaults()["shape"])
        return f"{kind} {value_text(list(shape)).replace('×', ' × ')}"
    shown = dict(params)
    if block_of(spec) is None:
        defaults = spec.defaults()
        keys = {k: defaults[k] for k in _KEY_DEFAULTS if defaults.get(k) is not None and k not in params}
        order = [p.name for p in spec.params]
        rank = {name: i for i, name in enumerate(order)}
        shown = dict(sorted({**keys, **params}.items(), key=lambda kv: rank.get(kv[0], len(order))))
    parts = []
    for name, value in shown.items():
        if value is None:
            continue
        if name == "kernel_size":
            parts.append(_size(value, spec.name))
        elif terse and name in _TERSE:
            parts.append(_TERSE[name].format(_size(value, spec.name, square=True)))
        elif name in _SHORT:
            text = _size(value, spec.name) if name in _SIZED else value_text(value)
            parts.append(_SHORT[name].format(text))
        elif isinstance(value, bool):
            parts.append(name if value else f"no {name}")
        else:
            parts.append(f"{name}={value_text(value)}")
    if not parts and block_of(spec) is not None:
        return spec.doc if spec.doc and not spec.doc.startswith("Block ") else ""
    return " · ".join(parts)


def compact_shape(shapes: Sequence[Sequence[int]]) -> str:
    """`64×112×112` for (64, 112, 112): the shape line of a node too narrow for the tuple."""
    return ", ".join("×".join(str(int(d)) for d in shape) for shape in shapes)


def data_size_text(size: DataSize, terse: bool = False) -> str:
    """The Input card's line when the recipe feeds another image size: `3×224×224 → trains at 32×32`."""
    if terse:
        return f"trains at {compact_shape([size.data])}"
    return f"{compact_shape([size.declared])} → trains at {compact_shape([size.data[1:]])}"


def data_size_note(size: DataSize) -> str:
    """What the shapes on the canvas are, when they are those of the recipe's data."""
    return (f"The recipe feeds images of {format_shape(size.data)}: the shapes shown are those of training. "
            f"Input '{size.input_id}' declares {format_shape(size.declared)} (the paper's), which exports "
            "keep. View > Shapes at the Recipe's Size switches.")


def count_text(n: int) -> str:
    """Parameter count for a node: '156', '48.1k', '138M'."""
    return describe_count(n)


def flops_text(n: int) -> str:
    return f"{describe_count(n)} FLOPs"
