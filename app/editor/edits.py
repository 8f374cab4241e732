"""Gestures turned into commands: each function plans one undo step from the current
document and pushes it through the session (True when it was applied).

Changing a block's port (a BlockInput or BlockOutput of its body) also changes
every instance of the block, so those edits carry the instances' edges along.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from app.editor.commands import (
    AddNodes,
    Command,
    Connect,
    Disconnect,
    Macro,
    RemoveNodes,
    Rename,
    SetDocUi,
    SetParams,
    SetUi,
)
from app.editor.geometry import GRID, NODE_HEIGHT, NODE_WIDTH, node_geometry, snap
from app.editor.session import BLOCK_PREFIX, EditSession
from engine.graph import Edge, Endpoint

__all__ = [
    "add_node",
    "auto_layout",
    "connect",
    "delete",
    "free_spot",
    "instance_port_edges",
    "move",
    "reconnect",
    "rename",
    "set_expanded",
    "set_params",
]

PORT_OPS = ("BlockInput", "BlockOutput")


def add_node(session: EditSession, key: str, op: str, pos: tuple[float, float] | None = None,
             after: str | None = None, params: Mapping[str, Any] | None = None, exact: bool = False) -> str | None:
    """Add a node of `op` at `pos`; with `after`, below that node and fed by its first output.

    Unless `exact` (a drop puts it where the user let go), the node moves aside from
    nodes already there.
    """
    graph = session.graph(key)
    spec = graph.resolve(op)
    if spec is None:
        session.message.emit(f"unknown op '{op}'")
        return None
    if op in PORT_OPS and not graph.is_block:
        session.message.emit(f"{op} belongs inside a block")
        return None
    node_id = graph.new_id(op)
    edges: list[Edge] = []
    if after is not None and after in graph.nodes:
        prev = graph.nodes[after]
        outs = graph.output_names(after)
        ins = spec.input_names(params or {})
        step = (0.0, NODE_HEIGHT + 60.0) if session.flow == "down" else (300.0, 0.0)
        pos = (prev.ui.get("x", 0.0) + step[0], prev.ui.get("y", 0.0) + step[1])
        if outs and ins:
            edges.append(Edge(Endpoint(after, outs[0]), Endpoint(node_id, ins[0])))
    x, y = pos or (0.0, 0.0)
    if not exact:
        x, y = free_spot(session, key, x, y)
    node = {"id": node_id, "op": op, "params": dict(params or {}), "ui": {"x": snap(x), "y": snap(y)}}
    return node_id if session.push(AddNodes(session, key, [node], edges, text=f"Add {node_id}")) else None


def free_spot(session: EditSession, key: str, x: float, y: float) -> tuple[float, float]:
    """(x, y), or the nearest place beside it (across the flow) where a new node overlaps none."""
    graph = session.graph(key)
    flow = session.flow
    boxes = []
    for node_id, node in graph.nodes.items():
        geometry = node_geometry(graph, node_id, flow)
        boxes.append((node.ui.get("x", 0.0), node.ui.get("y", 0.0), geometry.width, geometry.height))
    dx, dy = (NODE_WIDTH + 2 * GRID, 0.0) if flow == "down" else (0.0, NODE_HEIGHT + 2 * GRID)
    x, y = snap(x), snap(y)
    def clashes(bx: float, by: float, bw: float, bh: float) -> bool:
        apart = GRID / 2
        across = x < bx + bw + apart and bx < x + NODE_WIDTH + apart
        return across and y < by + bh + apart and by < y + NODE_HEIGHT + apart

    for _ in range(200):
        if not any(clashes(*box) for box in boxes):
            break
        x, y = x + dx, y + dy
    return x, y


def instance_port_edges(session: EditSession, block: str, ports: Iterable[str]) -> list[tuple[str, Edge]]:
    """Edges, in every graph, at the ports `ports` of instances of `block`."""
    ports = set(ports)
    found = []
    for key in session.keys():
        if key == BLOCK_PREFIX + block:
            continue
        graph = session.graph(key)
        for edge in graph.edges:
            for end in (edge.src, edge.dst):
                if end.port in ports and graph.nodes[end.node].op == block:
                    found.append((key, edge))
                    break
    return found


def _port_cleanup(session: EditSession, key: str, ids: Iterable[str]) -> list[Command]:
    if not key.startswith(BLOCK_PREFIX):
        return []
    graph = session.graph(key)
    ports = [i for i in ids if graph.nodes[i].op in PORT_OPS]
    block = key[len(BLOCK_PREFIX):]
    return [Disconnect(session, k, e.dst) for k, e in instance_port_edges(session, block, ports)]


def delete(session: EditSession, key: str, node_ids: Sequence[str], edge_dsts: Sequence[Endpoint] = ()) -> bool:
    """Delete nodes (with their edges) and edges, as one step."""
    graph = session.graph(key)
    ids = [n for n in graph.nodes if n in set(node_ids)]
    commands: list[Command] = [
        Disconnect(session, key, dst) for dst in edge_dsts if dst.node not in ids and graph.source(dst) is not None
    ]
    commands += _port_cleanup(session, key, ids)
    if ids:
        commands.append(RemoveNodes(session, key, ids))
    if not commands:
        return False
    edges = len(commands) - bool(ids)
    if ids:
        what = ids[0] if len(ids) == 1 else f"{len(ids)} nodes"
    else:
        what = f"edge {edge_dsts[0]}" if edges == 1 else f"{edges} edges"
    return session.push(Macro(session, f"Delete {what}", commands))


def connect(session: EditSession, key: str, src: Endpoint, dst: Endpoint) -> bool:
    return session.push(Connect(session, key, src, dst))


def reconnect(session: EditSession, key: str, old_dst: Endpoint, src: Endpoint, dst: Endpoint | None) -> bool:
    """Move the end of the edge into `old_dst` to `dst` (None: drop the edge)."""
    commands: list[Command] = [Disconnect(session, key, old_dst)]
    if dst is not None:
        commands.append(Connect(session, key, src, dst))
    text = f"Reconnect {src} to {dst}" if dst is not None else f"Disconnect {old_dst}"
    return session.push(Macro(session, text, commands))


def move(session: EditSession, key: str, before: Mapping[str, dict], after: Mapping[str, dict]) -> bool:
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if not changed:
        return False
    text = f"Move {next(iter(changed))}" if len(changed) == 1 else f"Move {len(changed)} nodes"
    return session.push(SetUi(session, key, changed, {k: before[k] for k in changed}, text=text))


def set_params(session: EditSession, key: str, node_id: str, changes: Mapping[str, Any], merge: bool = False) -> bool:
    return session.push(SetParams(session, key, node_id, changes, merge=merge))


def rename(session: EditSession, key: str, old: str, new: str) -> bool:
    """Rename a node; renaming a block's port renames it on every instance too."""
    if old == new:
        return False
    graph = session.graph(key)
    if old in graph.nodes and graph.nodes[old].op in PORT_OPS and key.startswith(BLOCK_PREFIX):
        edges = instance_port_edges(session, key[len(BLOCK_PREFIX):], [old])

        def moved(end: Endpoint, k: str) -> Endpoint:
            g = session.graph(k)
            is_port = end.port == old and g.nodes[end.node].op == key[len(BLOCK_PREFIX):]
            return Endpoint(end.node, new) if is_port else end

        commands: list[Command] = [Disconnect(session, k, e.dst) for k, e in edges]
        commands.append(Rename(session, key, old, new))
        commands += [Connect(session, k, moved(e.src, k), moved(e.dst, k)) for k, e in edges]
        return session.push(Macro(session, f"Rename {old} to {new}", commands))
    return session.push(Rename(session, key, old, new))


def auto_layout(session: EditSession, key: str, flow: str | None = None) -> bool:
    flow = flow or session.flow
    graph = session.graph(key)
    after = session.layout_positions(key, flow)
    commands: list[Command] = []
    if flow != session.flow:
        commands.append(SetDocUi(session, "flow", flow))
    changed = {k: v for k, v in after.items() if graph.nodes[k].ui != v}
    if changed:
        commands.append(SetUi(session, key, changed, text="Auto-layout"))
    if not commands:
        return False
    text = "Auto-layout " + ("top to bottom" if flow == "down" else "left to right")
    return session.push(Macro(session, text, commands))


def set_expanded(session: EditSession, key: str, node_id: str, expanded: bool) -> bool:
    graph = session.graph(key)
    ui = dict(graph.node(node_id).ui)
    if expanded:
        ui["expanded"] = True
    else:
        ui.pop("expanded", None)
    text = f"{'Expand' if expanded else 'Collapse'} {node_id}"
    return session.push(SetUi(session, key, {node_id: ui}, text=text))
