"""Blocks: reusable sub-graphs (Inception module, Fire module, residual block).

A block is a body graph whose `BlockInput` and `BlockOutput` nodes are its ports,
plus typed parameters that body nodes use as "$name" references. A node whose op
is a block's name is an instance of it; `repeat` chains N copies one after another
(like an `nn.Sequential` of identical blocks, so weights are named `layer1.0.conv1`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.graph import Graph, Problem
from engine.ops.spec import OpSpec, Port
from engine.params import Param

__all__ = ["REPEAT", "Block", "block_of"]

REPEAT = Param("repeat", "int", 1, min=1, max=64, doc="chain this many copies of the block")


@dataclass(eq=False)
class Block:
    name: str
    body: Graph
    params: tuple[Param, ...] = ()
    doc: str = ""
    _spec: tuple[int, OpSpec] | None = field(default=None, repr=False)

    @property
    def port_names(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        inputs = tuple(n.id for n in self.body.nodes.values() if n.op == "BlockInput")
        outputs = tuple(n.id for n in self.body.nodes.values() if n.op == "BlockOutput")
        return inputs, outputs

    def spec(self) -> OpSpec:
        """The op that instances of this block use; rebuilt when the body changes."""
        if self._spec is not None and self._spec[0] == self.body.version:
            return self._spec[1]
        inputs, outputs = self.port_names
        spec = OpSpec(
            self.name,
            "Blocks",
            self.doc or f"Block {self.name}",
            params=(*self.params, REPEAT),
            inputs=tuple(Port(name) for name in inputs),
            outputs=outputs,
            prefix=self.name.lower(),
            extra={"block": self},
        )
        self._spec = (self.body.version, spec)
        return spec

    def problems(self) -> list[Problem]:
        found = [
            Problem(f"block {self.name}: {p.message}", None, p.severity) for p in self.body.problems()
        ]
        return found

    def instance_params(self, explicit: dict[str, Any]) -> dict[str, Any]:
        """Block parameters of an instance: declared defaults overlaid with `explicit`."""
        values = {p.name: p.default for p in self.params}
        values.update({k: v for k, v in explicit.items() if k in values})
        return values


def block_of(spec: OpSpec | None) -> Block | None:
    """The block behind an instance's op spec, or None for catalog ops."""
    return None if spec is None else spec.extra.get("block")
