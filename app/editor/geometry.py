"""Where things are drawn on a node: its size and the position of each port.

Pure functions of the document (a node's ports, its `ui` flags and the document's
flow direction), so the scene, the edges and the auto-layout agree without ever
asking a graphics item where it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.blocks import block_of
from engine.graph import Graph

__all__ = ["GRID", "NODE_HEIGHT", "NODE_WIDTH", "NodeGeometry", "node_geometry", "snap"]

GRID = 20  # the canvas grid; positions snap to it
NODE_WIDTH = 200.0
NODE_HEIGHT = 64.0
ROW = 16.0  # one line of an expanded block's contents
MAX_ROWS = 14
PORT_RADIUS = 5.0
PORT_HIT = 11.0  # how close a press must be to pick a port


def snap(value: float, step: float = GRID) -> float:
    return round(value / step) * step


@dataclass(frozen=True)
class NodeGeometry:
    width: float
    height: float
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    flow: str  # "down": inputs on top, outputs below; "right": inputs left, outputs right
    rows: int = 0  # lines of block contents shown (expanded block)

    def _along(self, index: int, count: int, length: float) -> float:
        return length * (index + 1) / (count + 1)

    def input_pos(self, port: str) -> tuple[float, float]:
        i = self.inputs.index(port) if port in self.inputs else 0
        if self.flow == "down":
            return self._along(i, len(self.inputs), self.width), 0.0
        return 0.0, self._along(i, len(self.inputs), min(self.height, NODE_HEIGHT))

    def output_pos(self, port: str) -> tuple[float, float]:
        i = self.outputs.index(port) if port in self.outputs else 0
        if self.flow == "down":
            return self._along(i, len(self.outputs), self.width), self.height
        return self.width, self._along(i, len(self.outputs), min(self.height, NODE_HEIGHT))

    def port_at(self, x: float, y: float) -> tuple[str, str] | None:
        """("in" | "out", port) of the port nearest to the local point, if within reach."""
        best, best_d = None, PORT_HIT * PORT_HIT
        for kind, names, where in (("in", self.inputs, self.input_pos), ("out", self.outputs, self.output_pos)):
            for name in names:
                px, py = where(name)
                d = (px - x) ** 2 + (py - y) ** 2
                if d <= best_d:
                    best, best_d = (kind, name), d
        return best


def node_geometry(graph: Graph, node_id: str, flow: str) -> NodeGeometry:
    node = graph.nodes[node_id]
    inputs, outputs = graph.input_names(node_id), graph.output_names(node_id)
    rows = 0
    if node.ui.get("expanded"):
        block = block_of(graph.spec(node_id))
        if block is not None:
            inner = sum(1 for n in block.body.nodes.values() if n.op not in ("BlockInput", "BlockOutput"))
            rows = min(inner, MAX_ROWS)
    height = NODE_HEIGHT + (rows * ROW + 8 if rows else 0)
    return NodeGeometry(NODE_WIDTH, height, inputs, outputs, flow, rows)
