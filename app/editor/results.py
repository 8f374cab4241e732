"""Analysis results as one displayed graph sees them: a network, or a block's body.

A block body has no shapes of its own; it shows those of its first instance in
the analysed network (``layer1.conv1`` or, repeated, ``layer1.0.conv1``).
"""

from __future__ import annotations

from engine.analysis import Analysis, NodeResult
from engine.blocks import Block
from engine.graph import Endpoint, Graph
from engine.ops.spec import TensorInfo

__all__ = ["GraphResults"]


class GraphResults:
    """`node(id)` and `value(output endpoint)` for the nodes of one displayed graph."""

    def __init__(self, analysis: Analysis | None) -> None:
        self.analysis = analysis
        self._network: Graph | None = None
        self._body: Graph | None = None
        self._instance = ""
        self._prefix = ""

    @classmethod
    def for_block(cls, analysis: Analysis | None, network: Graph, block: Block) -> GraphResults:
        """Values of the first instance of `block` in `network` (none when it has no instance)."""
        for node in network.nodes.values():
            if node.op == block.name and analysis is not None:
                results = cls(analysis)
                results._network, results._body, results._instance = network, block.body, node.id
                repeated = any(k.startswith(f"{node.id}.0.") for k in analysis.flat.nodes)
                results._prefix = f"{node.id}.0." if repeated else f"{node.id}."
                return results
        return cls(None)

    def node(self, node_id: str) -> NodeResult | None:
        if self.analysis is None:
            return None
        if self._body is None:
            return self.analysis.nodes.get(node_id)
        op = self._body.nodes[node_id].op if node_id in self._body.nodes else None
        if op in ("BlockInput", "BlockOutput"):
            src = Endpoint(node_id, "out") if op == "BlockInput" else self._body.source(Endpoint(node_id, "x"))
            value = None if src is None else self.value(src)
            return NodeResult("ok", (value,)) if value is not None else None
        return self.analysis.nodes.get(self._prefix + node_id)

    def value(self, src: Endpoint) -> TensorInfo | None:
        """The tensor that leaves output port `src` of the displayed graph."""
        if self.analysis is None:
            return None
        if self._body is None:
            return self.analysis.value(src)
        if src.node in self._network.input_names(self._instance):  # a BlockInput: what feeds the instance
            feed = self._network.source(Endpoint(self._instance, src.node))
            return None if feed is None else self.analysis.value(feed)
        return self.analysis.value(Endpoint(self._prefix + src.node, src.port))
