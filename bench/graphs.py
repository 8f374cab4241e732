"""Generated graphs for benchmarks: large, branching, with distinct layer sizes."""

from __future__ import annotations

from engine.graph import Graph


def branching_graph(nodes: int = 300, channels: int = 16, size: int = 32, concat_every: int = 4) -> Graph:
    """A stem, then cells until `nodes` is reached, then a classifier head.

    Each cell is a residual unit (conv-bn-relu-conv-bn, add, relu) whose width grows
    by 2 channels per cell (a 1x1 projection on the shortcut), so no two cells share
    a configuration and the analysis cache cannot skip work within one pass. Every
    `concat_every`-th cell adds a parallel 1x1 branch joined by Concat (the editor
    benchmark uses 2 to reach 600 edges on 500 nodes).
    """
    g = Graph()
    g.add_node("Input", {"shape": [3, size, size]}, id="x")

    def add(op: str, src: str, **params) -> str:
        node = g.add_node(op, params)
        g.connect((src, "out"), (node.id, g.input_names(node.id)[0]))
        return node.id

    prev = add("Conv2d", "x", out_channels=channels, padding=1)
    width = channels
    cell = 0
    while len(g) < nodes - 6:
        cell += 1
        new = width + 2
        a = add("Conv2d", prev, out_channels=new, padding=1)
        a = add("BatchNorm2d", a)
        a = add("ReLU", a)
        a = add("Conv2d", a, out_channels=new, padding=1)
        a = add("BatchNorm2d", a)
        shortcut = add("Conv2d", prev, out_channels=new, kernel_size=1)
        total = g.add_node("Add")
        g.connect((a, "out"), (total.id, "in1"))
        g.connect((shortcut, "out"), (total.id, "in2"))
        prev = add("ReLU", total.id)
        width = new
        if cell % concat_every == 0:
            branch = add("Conv2d", prev, out_channels=8, kernel_size=1)
            cat = g.add_node("Concat")
            g.connect((prev, "out"), (cat.id, "in1"))
            g.connect((branch, "out"), (cat.id, "in2"))
            prev = cat.id
            width += 8
    prev = add("GlobalAvgPool", prev)
    prev = add("Linear", prev, out_features=10)
    out = g.add_node("Output", id="logits")
    g.connect((prev, "out"), (out.id, "x"))
    return g
