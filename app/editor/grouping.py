"""Group a selection into a new block, and ungroup a block instance back into its nodes.

Grouping adds a block whose body holds the selected nodes, a BlockInput for every
value that flows in and a BlockOutput for every value that flows out, then replaces
the selection with one instance wired like it was. Ungrouping puts the body back
(parameters that referred to the block's parameters take the instance's values).
Each is one undo step made of the primitive commands.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.editor.commands import AddBlock, AddNodes, Macro, RemoveNodes
from app.editor.edits import PORT_OPS
from app.editor.geometry import GRID, NODE_HEIGHT, NODE_WIDTH, snap
from app.editor.session import EditSession
from engine.blocks import block_of
from engine.graph import Edge, Endpoint
from engine.names import Namespace
from engine.ops import CATALOG
from engine.params import is_reference

__all__ = ["group", "suggest_block_name", "ungroup"]


def suggest_block_name(session: EditSession) -> str:
    taken = set(session.doc.blocks) | set(CATALOG)
    return Namespace(taken).create("Block")


def group(session: EditSession, key: str, ids: Sequence[str], name: str) -> str | None:
    """Replace the nodes `ids` of graph `key` by an instance of a new block `name`; returns its id."""
    graph = session.graph(key)
    selected = [n for n in graph.nodes if n in set(ids)]
    if not selected:
        return _refuse(session, "select the nodes to group first")
    outside = [n for n in selected if graph.nodes[n].op in ("Input", "Output", *PORT_OPS)]
    if outside:
        return _refuse(session, f"{', '.join(outside)}: Input and Output nodes stay outside a block")
    if name in session.doc.blocks:
        return _refuse(session, f"there is already a block called {name}")
    chosen = set(selected)
    names = Namespace(set(selected))
    inputs: dict[Endpoint, str] = {}  # outside value -> BlockInput id
    outputs: dict[Endpoint, str] = {}  # inside value -> BlockOutput id
    consumers: dict[Endpoint, list[Endpoint]] = {}  # inside value -> outside ports it feeds
    body_edges: list[Edge] = []
    for node_id in selected:
        for port, src in graph.inputs_of(node_id).items():
            if src is None:
                continue
            dst = Endpoint(node_id, port)
            if src.node in chosen:
                body_edges.append(Edge(src, dst))
                continue
            if src not in inputs:
                inputs[src] = names.create("x", numbered=False)
            body_edges.append(Edge(Endpoint(inputs[src], "out"), dst))
    for edge in graph.edges:
        if edge.src.node in chosen and edge.dst.node not in chosen:
            if edge.src not in outputs:
                outputs[edge.src] = names.create("out", numbered=False)
                body_edges.append(Edge(edge.src, Endpoint(outputs[edge.src], "x")))
            consumers.setdefault(edge.src, []).append(edge.dst)

    xs = [graph.nodes[n].ui.get("x", 0.0) for n in selected]
    ys = [graph.nodes[n].ui.get("y", 0.0) for n in selected]
    left, top, bottom = min(xs), min(ys), max(ys) + NODE_HEIGHT
    down = session.flow == "down"

    def port_ui(i: int, count: int, before: bool) -> dict[str, float]:
        span = max(xs) - left + NODE_WIDTH if down else bottom - top
        along = left + span * (i + 0.5) / count - (NODE_WIDTH / 2 if down else NODE_HEIGHT / 2)
        if down:
            return {"x": snap(along), "y": snap(top - 2 * NODE_HEIGHT if before else bottom + NODE_HEIGHT)}
        return {"x": snap(left - 1.5 * NODE_WIDTH if before else max(xs) + 1.5 * NODE_WIDTH), "y": snap(along)}

    nodes: list[dict[str, Any]] = [
        {"id": port, "op": "BlockInput", "ui": port_ui(i, len(inputs), True)} for i, port in enumerate(inputs.values())
    ]
    for node_id in selected:
        node = graph.nodes[node_id]
        entry: dict[str, Any] = {"id": node_id, "op": node.op}
        if node.params:
            entry["params"] = {k: list(v) if isinstance(v, tuple) else v for k, v in node.params.items()}
        entry["ui"] = {k: v for k, v in node.ui.items()}
        nodes.append(entry)
    nodes += [
        {"id": port, "op": "BlockOutput", "ui": port_ui(i, len(outputs), False)}
        for i, port in enumerate(outputs.values())
    ]
    data = {
        "doc": f"Grouped from {', '.join(selected)}",
        "params": {},
        "nodes": nodes,
        "edges": [{"src": str(e.src), "dst": str(e.dst)} for e in body_edges],
    }
    instance = Namespace(set(graph.nodes)).create(name.lower())
    wiring = [Edge(src, Endpoint(instance, port)) for src, port in inputs.items()]
    wiring += [Edge(Endpoint(instance, port), dst) for src, port in outputs.items() for dst in consumers[src]]
    index = min(graph.index(n) for n in selected)
    instance_node = {"id": instance, "op": name, "ui": {"x": snap(left), "y": snap(top)}, "index": index}
    commands = [
        AddBlock(session, name, data),
        RemoveNodes(session, key, selected),
        AddNodes(session, key, [instance_node], wiring),
    ]
    ok = session.push(Macro(session, f"Group {len(selected)} nodes into {name}", commands))
    return instance if ok else None


def ungroup(session: EditSession, key: str, node_id: str) -> list[str] | None:
    """Replace block instance `node_id` by the nodes of its body; returns their ids."""
    graph = session.graph(key)
    if node_id not in graph.nodes:
        return _refuse(session, f"there is no node '{node_id}'")
    node = graph.nodes[node_id]
    block = block_of(graph.spec(node_id))
    if block is None:
        return _refuse(session, f"{node_id} is a {node.op}, not a block")
    if node.params.get("repeat", 1) != 1:
        return _refuse(session, f"{node_id} repeats its block {node.params['repeat']} times; set repeat to 1 first")
    env = block.instance_params(node.params)
    body = block.body
    inner = [n for n in body.nodes.values() if n.op not in PORT_OPS]
    taken = set(graph.nodes) - {node_id}
    kept = {n.id for n in inner if n.id not in taken}
    names = Namespace(taken | kept)
    new_id = {n.id: (n.id if n.id in kept else names.create(n.id)) for n in inner}
    xs = [n.ui.get("x", 0.0) for n in inner] or [0.0]
    ys = [n.ui.get("y", 0.0) for n in inner] or [0.0]
    dx = node.ui.get("x", 0.0) - min(xs)
    dy = node.ui.get("y", 0.0) - min(ys)
    index = graph.index(node_id)
    nodes = []
    for i, n in enumerate(inner):
        params = {k: (env[v[1:]] if is_reference(v) else v) for k, v in n.params.items()}
        ui = {**n.ui, "x": snap(n.ui.get("x", 0.0) + dx, GRID), "y": snap(n.ui.get("y", 0.0) + dy, GRID)}
        nodes.append({"id": new_id[n.id], "op": n.op, "params": params, "ui": ui, "index": index + i})

    def outside_consumers(port: str) -> list[Endpoint]:
        return graph.consumers(Endpoint(node_id, port))

    edges: list[Edge] = []
    for edge in body.edges:
        src_op, dst_op = body.nodes[edge.src.node].op, body.nodes[edge.dst.node].op
        if src_op == "BlockInput":
            src = graph.source(Endpoint(node_id, edge.src.node))
            if src is None:
                continue
        else:
            src = Endpoint(new_id[edge.src.node], edge.src.port)
        if dst_op == "BlockOutput":
            edges += [Edge(src, dst) for dst in outside_consumers(edge.dst.node)]
        else:
            edges.append(Edge(src, Endpoint(new_id[edge.dst.node], edge.dst.port)))
    commands = [RemoveNodes(session, key, [node_id]), AddNodes(session, key, nodes, edges)]
    ok = session.push(Macro(session, f"Ungroup {node_id}", commands))
    return [n["id"] for n in nodes] if ok else None


def _refuse(session: EditSession, message: str) -> None:
    session.message.emit(message)
    return None
