"""Copy, cut, paste and duplicate through the system clipboard, so they work between windows.

The clipboard carries JSON under its own MIME type (and as plain text): the copied
nodes and the edges among them, in the document format, plus the definitions of
the blocks they use. Pasted data is checked by the document loader, like a file.
"""

from __future__ import annotations

import atexit
import copy
import json
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication

from app.editor.commands import AddBlock, AddNodes, Command, Macro
from app.editor.edits import PORT_OPS
from app.editor.geometry import GRID, snap
from app.editor.session import EditSession
from engine.blocks import block_of
from engine.document import Document, DocumentError, block_to_dict
from engine.graph import Edge, Endpoint
from engine.names import Namespace

__all__ = ["MIME_TYPE", "copy_nodes", "paste", "paste_payload", "payload", "read_clipboard"]

MIME_TYPE = "application/x-netsmith-nodes+json"
PASTE_OFFSET = 2 * GRID


def payload(session: EditSession, key: str, ids: Sequence[str]) -> dict[str, Any]:
    """The copied nodes (in document order), the edges among them and the blocks they need."""
    graph = session.graph(key)
    chosen = [n for n in graph.nodes if n in set(ids)]
    nodes = []
    for node_id in chosen:
        node = graph.nodes[node_id]
        entry: dict[str, Any] = {"id": node.id, "op": node.op}
        if node.params:
            entry["params"] = {k: list(v) if isinstance(v, tuple) else v for k, v in node.params.items()}
        if node.ui:
            entry["ui"] = copy.deepcopy(node.ui)
        nodes.append(entry)
    edges = [{"src": str(e.src), "dst": str(e.dst)} for e in graph.edges
             if e.src.node in chosen and e.dst.node in chosen]
    blocks: dict[str, Any] = {}

    def need(op_graph, node_ids) -> None:
        for node_id in node_ids:
            block = block_of(op_graph.spec(node_id))
            if block is not None and block.name not in blocks:
                need(block.body, list(block.body.nodes))  # what it uses comes first
                blocks[block.name] = copy.deepcopy(block_to_dict(block))

    need(graph, chosen)
    return {"netsmith": "nodes", "format_version": 1, "nodes": nodes, "edges": edges, "blocks": blocks}


def copy_nodes(session: EditSession, key: str, ids: Sequence[str]) -> bool:
    if not ids:
        return False
    data = payload(session, key, ids)
    text = json.dumps(data)
    mime = QMimeData()
    mime.setData(MIME_TYPE, text.encode("utf-8"))
    mime.setText(text)
    QGuiApplication.clipboard().setMimeData(mime)
    atexit.register(_release_clipboard)  # registering twice is harmless: see below
    return True


def _release_clipboard() -> None:
    """Drop our nodes from the clipboard before Qt shuts down.

    PySide6 frees a QMimeData handed to the clipboard twice when the interpreter
    exits, which kills the process with a segfault after an otherwise clean run
    (seen with 6.11.3 offscreen). Clearing it while Python still runs avoids that.
    """
    atexit.unregister(_release_clipboard)
    clipboard = QGuiApplication.clipboard() if QGuiApplication.instance() else None
    mime = clipboard.mimeData() if clipboard is not None else None
    if mime is not None and mime.hasFormat(MIME_TYPE):
        clipboard.clear()


def read_clipboard() -> dict[str, Any] | None:
    """The clipboard's nodes, or None when it holds something else."""
    mime = QGuiApplication.clipboard().mimeData()
    if mime is None:
        return None
    if mime.hasFormat(MIME_TYPE):
        raw = bytes(mime.data(MIME_TYPE)).decode("utf-8", "replace")
    elif mime.hasText():
        raw = mime.text()
    else:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) and data.get("netsmith") == "nodes" else None


def _check(data: Mapping[str, Any]) -> Document:
    """Let the document loader vet pasted data (op names, params, edges)."""
    nodes = data.get("nodes")
    if not isinstance(nodes, list) or not nodes:
        raise DocumentError("clipboard", "no nodes to paste")
    wrapper = {
        "format_version": data.get("format_version", 1),
        "blocks": data.get("blocks", {}),
        "networks": {"clip": {"nodes": [{k: v for k, v in n.items() if k != "ui"} if isinstance(n, dict) else n
                                        for n in nodes], "edges": data.get("edges", [])}},
    }
    return Document.from_dict(wrapper)


def paste_payload(session: EditSession, key: str, data: Mapping[str, Any],
                  pos: tuple[float, float] | None = None) -> list[str]:
    """Add the payload's nodes to graph `key` (top-left at `pos`, or offset from where they were).

    Ids that are taken get the next free number; blocks the document lacks come along.
    Returns the new ids (empty when refused; the reason goes to `session.message`).
    """
    try:
        checked = _check(data)
    except DocumentError as exc:
        session.message.emit(f"cannot paste: {exc}")
        return []
    graph = session.graph(key)
    clip = checked.network("clip")
    if not graph.is_block and any(n.op in PORT_OPS for n in clip.nodes.values()):
        session.message.emit("cannot paste: BlockInput and BlockOutput belong inside a block")
        return []
    commands: list[Command] = [
        AddBlock(session, name, data["blocks"][name]) for name in checked.blocks if name not in session.doc.blocks
    ]
    names = Namespace(set(graph.nodes))
    new_id: dict[str, str] = {}
    for node_id in clip.nodes:
        new_id[node_id] = node_id if node_id not in names else names.create(node_id)
        names.reserve(new_id[node_id])
    uis = {n["id"]: n.get("ui") if isinstance(n.get("ui"), dict) else {} for n in data["nodes"]}
    xs = [float(u.get("x", 0)) for u in uis.values() if isinstance(u.get("x"), (int, float))] or [0.0]
    ys = [float(u.get("y", 0)) for u in uis.values() if isinstance(u.get("y"), (int, float))] or [0.0]
    if pos is None:
        dx, dy = PASTE_OFFSET, PASTE_OFFSET
    else:
        dx, dy = pos[0] - min(xs), pos[1] - min(ys)
    nodes = []
    for i, node in enumerate(clip.nodes.values()):
        ui = dict(uis.get(node.id) or {})
        x = ui.get("x") if isinstance(ui.get("x"), (int, float)) else min(xs) + i * GRID
        y = ui.get("y") if isinstance(ui.get("y"), (int, float)) else min(ys) + i * 4 * GRID
        ui.update({"x": snap(x + dx), "y": snap(y + dy)})
        nodes.append({"id": new_id[node.id], "op": node.op, "params": dict(node.params), "ui": ui})
    edges = [
        Edge(Endpoint(new_id[e.src.node], e.src.port), Endpoint(new_id[e.dst.node], e.dst.port)) for e in clip.edges
    ]
    commands.append(AddNodes(session, key, nodes, edges, text=f"Paste {len(nodes)} node{'s' * (len(nodes) > 1)}"))
    command = commands[0] if len(commands) == 1 else Macro(session, commands[-1].text(), commands)
    return [n["id"] for n in nodes] if session.push(command) else []


def paste(session: EditSession, key: str, pos: tuple[float, float] | None = None) -> list[str]:
    data = read_clipboard()
    if data is None:
        session.message.emit("the clipboard holds no Netsmith nodes")
        return []
    return paste_payload(session, key, data, pos)
