"""Layered ("Sugiyama-style") layout of a graph, for the editor, templates and the importer.

Layers come from the longest path from the sources, then every non-source node
moves down to just above its first consumer, so a residual shortcut sits beside the
branch it skips rather than at the top. Nodes within a layer are ordered by the
barycentre heuristic (a few sweeps down and up) and placed near the mean position
of their neighbours without overlapping. The graph structure comes from networkx
(`Graph.to_networkx`). No Qt here: positions are plain numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from engine.graph import Graph

__all__ = ["DIRECTIONS", "layered_layout"]

DIRECTIONS = ("down", "right")  # top-to-bottom, left-to-right

SizeFn = Callable[[str], tuple[float, float]]

_SWEEPS = 4


def layered_layout(
    graph: Graph,
    direction: str = "down",
    size: SizeFn | None = None,
    layer_gap: float = 56.0,
    node_gap: float = 40.0,
) -> dict[str, tuple[float, float]]:
    """Top-left corner of every node; the drawing starts at (0, 0).

    `size(node_id)` gives (width, height); `layer_gap` separates layers (rows when
    `direction` is "down", columns when "right"), `node_gap` separates nodes in a layer.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, got {direction!r}")
    if not len(graph):
        return {}
    size = size or (lambda _id: (180.0, 60.0))
    order = graph.topological_order()
    links = graph.to_networkx()  # node-level DiGraph, cached by the graph
    preds = {n: list(links.predecessors(n)) for n in order}
    succs = {n: list(links.successors(n)) for n in order}
    layer = _layers(order, preds, succs)
    rows = _order_layers(order, layer, preds, succs)

    # Cross axis: width of nodes in a row; main axis: the layer's thickness.
    def extent(n: str) -> tuple[float, float]:
        w, h = size(n)
        return (w, h) if direction == "down" else (h, w)

    centres = _place(rows, preds, succs, extent, node_gap)
    positions: dict[str, tuple[float, float]] = {}
    main = 0.0
    for row in rows:
        thickness = max(extent(n)[1] for n in row)
        for n in row:
            cross, along = extent(n)
            a = centres[n] - cross / 2
            b = main + (thickness - along) / 2
            positions[n] = (a, b) if direction == "down" else (b, a)
        main += thickness + layer_gap
    left = min(x for x, _ in positions.values())
    top = min(y for _, y in positions.values())
    return {n: (round(x - left, 1), round(y - top, 1)) for n, (x, y) in positions.items()}


def _layers(order: Sequence[str], preds: Mapping[str, list[str]], succs: Mapping[str, list[str]]) -> dict[str, int]:
    layer: dict[str, int] = {}
    for n in order:
        layer[n] = max((layer[p] + 1 for p in preds[n]), default=0)
    # As late as possible for everything but the sources (Inputs stay at the top).
    for n in reversed(order):
        if preds[n] and succs[n]:
            layer[n] = max(layer[n], min(layer[s] for s in succs[n]) - 1)
    return layer


def _order_layers(
    order: Sequence[str], layer: Mapping[str, int], preds: Mapping[str, list[str]], succs: Mapping[str, list[str]]
) -> list[list[str]]:
    rows: list[list[str]] = [[] for _ in range(max(layer.values()) + 1)]
    for n in order:  # document order first: stable and what the author wrote
        rows[layer[n]].append(n)
    rank = {n: i for row in rows for i, n in enumerate(row)}
    for sweep in range(_SWEEPS):
        down = sweep % 2 == 0
        sequence = rows[1:] if down else rows[-2::-1]
        for row in sequence:
            links = preds if down else succs

            def barycentre(n: str, links: Mapping[str, list[str]] = links) -> float:
                linked = links[n]
                return sum(rank[m] for m in linked) / len(linked) if linked else rank[n]

            row.sort(key=lambda n: (barycentre(n), rank[n]))
            for i, n in enumerate(row):
                rank[n] = i
    return rows


def _place(
    rows: Sequence[list[str]],
    preds: Mapping[str, list[str]],
    succs: Mapping[str, list[str]],
    extent: Callable[[str], tuple[float, float]],
    gap: float,
) -> dict[str, float]:
    """Cross-axis centre of every node: near its neighbours, in row order, never overlapping."""
    centre: dict[str, float] = {}
    for row in rows:
        x = 0.0
        for n in row:
            w = extent(n)[0]
            centre[n] = x + w / 2
            x += w + gap
        shift = x / 2
        for n in row:
            centre[n] -= shift
    passes = [(rows[1:], preds), (rows[-2::-1], succs), (rows[1:], preds)]
    for sequence, links in passes:
        for row in sequence:
            wanted = [
                sum(centre[m] for m in links[n]) / len(links[n]) if links[n] else centre[n] for n in row
            ]
            for n, x in zip(row, _separate(row, wanted, extent, gap)):
                centre[n] = x
    return centre


def _separate(row: Sequence[str], wanted: Sequence[float], extent, gap: float) -> list[float]:
    """Positions close to `wanted`, keeping row order and at least `gap` between nodes.

    The mean of a left-to-right and a right-to-left push keeps the separation (it is
    linear) and does not drift the row to one side.
    """
    if not row:
        return []
    half = [extent(n)[0] / 2 for n in row]
    forward = [wanted[0]]
    for i in range(1, len(row)):
        forward.append(max(wanted[i], forward[-1] + half[i - 1] + gap + half[i]))
    backward = [wanted[-1]] * len(row)
    for i in range(len(row) - 2, -1, -1):
        backward[i] = min(wanted[i], backward[i + 1] - half[i + 1] - gap - half[i])
    return [(f + b) / 2 for f, b in zip(forward, backward)]
