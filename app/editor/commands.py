"""Undoable changes: each is one `QUndoCommand` that changes the document through the engine API.

A command's `apply` may refuse (GraphError, ParamError) before changing anything;
`EditSession.push` applies it once, and only a command that succeeded reaches the
undo stack (whose first `redo` is then skipped). `revert` restores the document
exactly, positions and node order included, from what the engine API returned.
Composite edits (delete with its edges, paste, group into a block) are a `Macro`
of these, planned in `app/editor/edits.py` and `app/editor/grouping.py`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from engine.graph import Edge, Endpoint, Graph, Node

if TYPE_CHECKING:
    from app.editor.session import EditSession

__all__ = [
    "AddBlock",
    "AddNodes",
    "Command",
    "Connect",
    "Disconnect",
    "Macro",
    "NodeData",
    "RemoveNodes",
    "Rename",
    "SetDocUi",
    "SetParams",
    "SetTraining",
    "SetUi",
]

NodeData = Mapping[str, Any]  # {"id", "op", "params", "ui"} as in a document file

_MISSING = object()
_SET_PARAMS_ID = 1
_SET_TRAINING_ID = 2


class Command(QUndoCommand):
    """Base: `apply`/`revert` instead of Qt's redo/undo, so `push` can try `apply` first."""

    allowed_read_only = False  # True: allowed while a network trains (it changes no network and no recipe)

    def __init__(self, session: EditSession, key: str, text: str) -> None:
        super().__init__(text)
        self.session = session
        self.key = key
        self.skip_next_redo = False

    @property
    def graph(self) -> Graph:
        return self.session.graph(self.key)

    def redo(self) -> None:
        if self.skip_next_redo:
            self.skip_next_redo = False
            return
        self.apply()

    def undo(self) -> None:
        self.revert()

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError


class Macro(Command):
    """Several commands as one undo step; a refusal part-way reverts the ones already applied."""

    def __init__(self, session: EditSession, text: str, commands: Sequence[Command]) -> None:
        super().__init__(session, commands[0].key if commands else "", text)
        self.commands = list(commands)
        self.allowed_read_only = all(c.allowed_read_only for c in self.commands)

    def apply(self) -> None:
        done: list[Command] = []
        try:
            for command in self.commands:
                command.apply()
                done.append(command)
        except Exception:
            for command in reversed(done):
                command.revert()
            raise

    def revert(self) -> None:
        for command in reversed(self.commands):
            command.revert()


class AddNodes(Command):
    """Add nodes (with their ids, params and positions) and edges that touch them."""

    def __init__(self, session: EditSession, key: str, nodes: Sequence[NodeData],
                 edges: Iterable[Edge] = (), text: str = "") -> None:
        label = text or (f"Add {nodes[0]['id']}" if len(nodes) == 1 else f"Add {len(nodes)} nodes")
        super().__init__(session, key, label)
        self.nodes = [copy.deepcopy(dict(n)) for n in nodes]
        self.edges = [Edge(Endpoint(*e.src), Endpoint(*e.dst)) for e in edges]

    def apply(self) -> None:
        graph = self.graph
        added: list[str] = []
        connected: list[Edge] = []
        try:
            for n in self.nodes:
                graph.add_node(n["op"], n.get("params") or {}, id=n["id"], ui=n.get("ui") or {}, index=n.get("index"))
                added.append(n["id"])
            for edge in self.edges:
                graph.connect(edge.src, edge.dst)
                connected.append(edge)
        except Exception:
            self._undo(connected, added)
            raise

    def revert(self) -> None:
        self._undo(self.edges, [n["id"] for n in self.nodes])

    def _undo(self, edges: Sequence[Edge], ids: Sequence[str]) -> None:
        graph = self.graph
        for edge in reversed(edges):
            if graph.source(edge.dst) == edge.src:
                graph.disconnect(edge.dst)
        for node_id in reversed(ids):
            graph.remove_node(node_id)


class RemoveNodes(Command):
    """Remove nodes with their edges; undo puts each back at its place in the document."""

    def __init__(self, session: EditSession, key: str, ids: Sequence[str], text: str = "") -> None:
        super().__init__(session, key, text or (f"Delete {ids[0]}" if len(ids) == 1 else f"Delete {len(ids)} nodes"))
        self.ids = list(ids)
        self.removed: list[tuple[Node, int, list[Edge]]] = []

    def apply(self) -> None:
        graph = self.graph
        self.removed = []
        try:
            for node_id in self.ids:
                self.removed.append(graph.remove_node(node_id))
        except Exception:
            self.revert()
            raise

    def revert(self) -> None:
        graph = self.graph
        for node, index, _edges in reversed(self.removed):
            graph.add_node(node.op, node.params, id=node.id, ui=node.ui, index=index)
        for _node, _index, edges in self.removed:
            for edge in edges:
                graph.connect(edge.src, edge.dst)
        self.removed = []


class Connect(Command):
    def __init__(self, session: EditSession, key: str, src: Endpoint, dst: Endpoint) -> None:
        super().__init__(session, key, f"Connect {src} to {dst}")
        self.src, self.dst = Endpoint(*src), Endpoint(*dst)

    def apply(self) -> None:
        self.graph.connect(self.src, self.dst)

    def revert(self) -> None:
        self.graph.disconnect(self.dst)


class Disconnect(Command):
    def __init__(self, session: EditSession, key: str, dst: Endpoint) -> None:
        super().__init__(session, key, f"Disconnect {dst}")
        self.dst = Endpoint(*dst)
        self.src: Endpoint | None = None

    def apply(self) -> None:
        self.src = self.graph.disconnect(self.dst).src

    def revert(self) -> None:
        self.graph.connect(self.src, self.dst)


class SetUi(Command):
    """New `ui` (position, expanded) for some nodes: a move, a layout, collapse/expand.

    `before` is given when the document already shows the new positions (a drag
    previews them live), so undo still knows where the nodes were.
    """

    allowed_read_only = True

    def __init__(self, session: EditSession, key: str, after: Mapping[str, dict],
                 before: Mapping[str, dict] | None = None, text: str = "Move") -> None:
        super().__init__(session, key, text)
        self.after = {k: copy.deepcopy(v) for k, v in after.items()}
        self.before = None if before is None else {k: copy.deepcopy(v) for k, v in before.items()}

    def apply(self) -> None:
        graph = self.graph
        for node_id in self.after:
            graph.node(node_id)  # refuse before changing anything
        old = {node_id: graph.set_ui(node_id, ui) for node_id, ui in self.after.items()}
        if self.before is None:
            self.before = old

    def revert(self) -> None:
        graph = self.graph
        for node_id, ui in self.before.items():
            graph.set_ui(node_id, ui)


class SetParams(Command):
    """Change some parameters of one node (None resets one to its default).

    Consecutive changes of the same parameters of the same node (spin-box arrows)
    merge into one undo step.
    """

    def __init__(self, session: EditSession, key: str, node_id: str, changes: Mapping[str, Any],
                 merge: bool = False) -> None:
        names = ", ".join(changes)
        super().__init__(session, key, f"Set {node_id}.{names}")
        self.node_id = node_id
        self.changes = dict(changes)
        self.merge = merge
        self.old: dict[str, Any] = {}
        self.removed: list[Edge] = []

    def id(self) -> int:  # noqa: A003 - Qt's name
        return _SET_PARAMS_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt override
        if not (isinstance(other, SetParams) and self.merge and other.merge):
            return False
        if (other.key, other.node_id, set(other.changes)) != (self.key, self.node_id, set(self.changes)):
            return False
        self.changes.update(other.changes)
        self.removed += other.removed
        return True

    def apply(self) -> None:
        old, removed = self.graph.set_params(self.node_id, self.changes)
        self.old, self.removed = old, removed

    def revert(self) -> None:
        graph = self.graph
        graph.replace_params(self.node_id, self.old)
        for edge in self.removed:
            graph.connect(edge.src, edge.dst)


class Rename(Command):
    def __init__(self, session: EditSession, key: str, old: str, new: str) -> None:
        super().__init__(session, key, f"Rename {old} to {new}")
        self.old, self.new = old, new

    def apply(self) -> None:
        self.graph.rename(self.old, self.new)

    def revert(self) -> None:
        self.graph.rename(self.new, self.old)


class SetDocUi(Command):
    """A document-wide view setting kept in `doc.ui` (e.g. the flow direction)."""

    allowed_read_only = True

    def __init__(self, session: EditSession, name: str, value: Any, text: str = "") -> None:
        super().__init__(session, session.current_key, text or f"Set {name}")
        self.name, self.value = name, value
        self.old: Any = _MISSING

    def apply(self) -> None:
        old = self.session.doc.ui.get(self.name, _MISSING)
        self.old = old if old is _MISSING else copy.deepcopy(old)
        self.session.set_doc_ui(self.name, self.value)

    def revert(self) -> None:
        self.session.set_doc_ui(self.name, None if self.old is _MISSING else self.old)


class AddBlock(Command):
    """Add a block definition (its JSON form, checked like a file) to the document."""

    def __init__(self, session: EditSession, name: str, data: Mapping[str, Any]) -> None:
        super().__init__(session, session.current_key, f"Add block {name}")
        self.name = name
        self.data = copy.deepcopy(dict(data))

    def apply(self) -> None:
        self.session.add_block(self.session.doc.block_from_dict(self.name, self.data))

    def revert(self) -> None:
        self.session.remove_block(self.name)


class SetTraining(Command):
    """A new training recipe (already validated). Consecutive changes of the same value
    (spin-box arrows) merge into one undo step."""

    def __init__(self, session: EditSession, before: Mapping[str, Any], after: Mapping[str, Any],
                 what: str = "recipe", merge: bool = False) -> None:
        super().__init__(session, session.current_key, f"Set {what}")
        self.before = copy.deepcopy(dict(before))
        self.after = copy.deepcopy(dict(after))
        self.what = what
        self.merge = merge

    def id(self) -> int:  # noqa: A003 - Qt's name
        return _SET_TRAINING_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt override
        if not (isinstance(other, SetTraining) and self.merge and other.merge and other.what == self.what):
            return False
        self.after = other.after
        return True

    def apply(self) -> None:
        self.session.set_training(self.after)

    def revert(self) -> None:
        self.session.set_training(self.before)
