"""The layer catalog: every op Netsmith knows, one module per family.

Ops are looked up by name only; nothing in a document can name code to run.
"""

from __future__ import annotations

from engine.ops import activation, dense, io, merge, norm, pooling, sequence, shape, special
from engine.ops.spec import OpSpec, Port, ShapeError, TensorInfo

__all__ = ["CATALOG", "OpSpec", "Port", "ShapeError", "TensorInfo", "categories", "get_op"]

_FAMILIES = (io, dense, pooling, norm, activation, shape, merge, sequence, special)

CATALOG: dict[str, OpSpec] = {}
for _family in _FAMILIES:
    for _spec in _family.OPS:
        if _spec.name in CATALOG:
            raise RuntimeError(f"op {_spec.name} is defined twice")
        CATALOG[_spec.name] = _spec


def get_op(name: str) -> OpSpec | None:
    """The catalog op called `name`, or None."""
    return CATALOG.get(name)


def categories() -> dict[str, list[OpSpec]]:
    """Visible ops grouped by category, in catalog order (for the palette)."""
    out: dict[str, list[OpSpec]] = {}
    for spec in CATALOG.values():
        if not spec.hidden:
            out.setdefault(spec.category, []).append(spec)
    return out
