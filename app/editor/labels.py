"""Short texts about nodes: the key parameters line, counts and FLOPs as people read them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.analysis import describe_count
from engine.blocks import block_of
from engine.ops.spec import OpSpec

__all__ = ["count_text", "flops_text", "param_summary", "value_text"]

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


def _size(value: Any, op: str) -> str:
    if isinstance(value, int) and op.endswith("2d"):
        return f"{value}×{value}"
    return value_text(value)


# Shown from the defaults when a node sets nothing explicitly (a pool is "2×2", not blank).
_KEY_DEFAULTS = ("out_channels", "out_features", "kernel_size", "hidden_size", "p", "scale_factor")


def param_summary(spec: OpSpec | None, params: Mapping[str, Any]) -> str:
    """`6 ch · 5×5` for Conv2d(out_channels=6, kernel_size=5): the explicit parameters, briefly.

    A node with no explicit parameters shows its key defaults instead.
    """
    if spec is None:
        return ""
    if not params and spec.name != "Input" and block_of(spec) is None:
        defaults = spec.defaults()
        params = {k: defaults[k] for k in _KEY_DEFAULTS if defaults.get(k) is not None}
    if spec.name == "Input":
        kind = params.get("kind", "image")
        shape = params.get("shape", spec.defaults()["shape"])
        return f"{kind} {value_text(list(shape)).replace('×', ' × ')}"
    parts = []
    for name, value in params.items():
        if value is None:
            continue
        if name == "kernel_size":
            parts.append(_size(value, spec.name))
        elif name in _SHORT:
            sized = name in ("stride", "padding", "dilation", "output_size")
            shown = _size(value, spec.name) if sized else value_text(value)
            parts.append(_SHORT[name].format(shown))
        elif isinstance(value, bool):
            parts.append(name if value else f"no {name}")
        else:
            parts.append(f"{name}={value_text(value)}")
    if not parts and block_of(spec) is not None:
        return spec.doc if spec.doc and not spec.doc.startswith("Block ") else ""
    return " · ".join(parts)


def count_text(n: int) -> str:
    """Parameter count for a node: '156', '48.1k', '138M'."""
    return describe_count(n)


def flops_text(n: int) -> str:
    return f"{describe_count(n)} FLOPs"
