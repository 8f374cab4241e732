"""The document being edited: engine document, undo stack, analysis, and what changed.

Everything that changes the document goes through `push(command)`; the engine's
graph events come back out as `graph_changed(key, event)`, and a short debounce
later the analysis of the shown network as `analysis_ready`. Graphs are named by
key: a network's name (``model``), or ``block:Name`` for a block's body.

While a network trains the session is read-only (`set_read_only(reason)`): commands
that would change a network or the recipe, and undo/redo, are refused with the
reason; moving nodes still works. The weights of the last run stay attached
(`trained`) until a network or block changes.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.editor.geometry import node_geometry, snap
from app.editor.results import GraphResults
from engine.analysis import Analysis, Analyzer
from engine.blocks import Block
from engine.document import Document, DocumentError
from engine.graph import Graph, GraphError, GraphEvent
from engine.layout import layered_layout
from engine.params import ParamError
from engine.training.data_size import DataSize, at_data_size, recipe_input_shape

__all__ = ["BLOCK_PREFIX", "EditSession", "TrainedWeights", "block_key"]

BLOCK_PREFIX = "block:"
DEBOUNCE_MS = 20  # analysis waits this long after the last change (typing stays smooth)
REFUSALS = (GraphError, ParamError, DocumentError)


def block_key(name: str) -> str:
    return BLOCK_PREFIX + name


@dataclass(frozen=True)
class TrainedWeights:
    """The networks of the last training run (torch modules named by network), and where they came from."""

    models: dict[str, Any]  # network name -> torch.nn.Module
    run: str  # e.g. "Run 2"
    summary: str = ""  # e.g. "val accuracy 0.97 after 10 epochs"
    trainer: Any = None  # the engine Trainer that made them (for introspection of these weights)


class EditSession(QObject):
    graph_changed = Signal(str, object)  # key, engine.graph.GraphEvent
    analysis_ready = Signal(object)  # engine.analysis.Analysis
    blocks_changed = Signal()
    flow_changed = Signal()
    message = Signal(str)  # a refusal or a notice, for the status bar
    training_changed = Signal()  # the recipe (doc.training) changed
    trained_changed = Signal()  # trained weights were attached or dropped
    read_only_changed = Signal(bool)

    def __init__(self, doc: Document, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.undo_stack = QUndoStack(self)
        self.analyzer = Analyzer()
        self.analysis: Analysis | None = None
        # The canvas shows the shapes of the data the recipe feeds (where the network takes that
        # size with the same layers, as the Trainer does); `data_size` says when that is so.
        self.shapes_at_data_size = True
        self.data_size: DataSize | None = None
        self.current_key = self._default_key()
        self.read_only_reason: str | None = None
        self.trained: TrainedWeights | None = None
        self._listeners: dict[str, tuple[Graph, object]] = {}
        for key in self.keys():
            self._attach(key)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.analyze_now)

    # -- graphs ----------------------------------------------------------------------------
    def _default_key(self) -> str:
        return "model" if "model" in self.doc.networks else next(iter(self.doc.networks))

    def keys(self) -> list[str]:
        return list(self.doc.networks) + [block_key(name) for name in self.doc.blocks]

    def graph(self, key: str) -> Graph:
        if key.startswith(BLOCK_PREFIX):
            return self.doc.blocks[key[len(BLOCK_PREFIX):]].body
        return self.doc.networks[key]

    def has_graph(self, key: str) -> bool:
        if key.startswith(BLOCK_PREFIX):
            return key[len(BLOCK_PREFIX):] in self.doc.blocks
        return key in self.doc.networks

    @property
    def flow(self) -> str:
        flow = self.doc.ui.get("flow")
        return flow if flow in ("down", "right") else "down"

    def _attach(self, key: str) -> None:
        graph = self.graph(key)

        def forward(event: GraphEvent, key: str = key) -> None:
            self.graph_changed.emit(key, event)
            if event.kind != "ui_changed":
                self.schedule_analysis()
                self.set_trained(None)  # they were weights of another network

        graph.changed.connect(forward)
        self._listeners[key] = (graph, forward)

    def _detach(self, key: str) -> None:
        graph, forward = self._listeners.pop(key)
        graph.changed.disconnect(forward)

    def add_block(self, block: Block) -> None:
        """Put a block into the document (commands call this; undo calls `remove_block`)."""
        if block.name in self.doc.blocks:
            raise GraphError(f"there is already a block called {block.name}")
        self.doc.blocks[block.name] = block
        self._attach(block_key(block.name))
        self.blocks_changed.emit()
        self.schedule_analysis()

    def remove_block(self, name: str) -> Block:
        users = [n.id for key in self.keys() for n in self.graph(key).nodes.values() if n.op == name]
        if users:
            raise GraphError(f"block {name} is still used by {', '.join(users)}")
        self._detach(block_key(name))
        block = self.doc.blocks.pop(name)
        self.blocks_changed.emit()
        return block

    def set_doc_ui(self, name: str, value: object) -> None:
        if value is None:
            self.doc.ui.pop(name, None)
        else:
            self.doc.ui[name] = value
        if name == "flow":
            self.flow_changed.emit()

    def close(self) -> None:
        """Stop listening to the document (the window is closing or replaced it)."""
        self._timer.stop()
        for key in list(self._listeners):
            self._detach(key)

    # -- changes ---------------------------------------------------------------------------
    def push(self, command: QUndoCommand) -> bool:
        """Apply `command` and put it on the undo stack; a refusal becomes a message."""
        if self.read_only_reason is not None and not getattr(command, "allowed_read_only", False):
            self.message.emit(self.read_only_reason)
            return False
        try:
            command.apply()
        except REFUSALS as exc:
            self.message.emit(str(exc))
            return False
        command.skip_next_redo = True
        self.undo_stack.push(command)
        return True

    def undo(self) -> bool:
        if self.read_only_reason is not None:
            self.message.emit(self.read_only_reason)
            return False
        self.undo_stack.undo()
        return True

    def redo(self) -> bool:
        if self.read_only_reason is not None:
            self.message.emit(self.read_only_reason)
            return False
        self.undo_stack.redo()
        return True

    def set_read_only(self, reason: str | None) -> None:
        """Refuse changes to the networks and the recipe, saying `reason` (None: editable again)."""
        changed = (reason is None) != (self.read_only_reason is None)
        self.read_only_reason = reason
        if changed:
            self.read_only_changed.emit(reason is not None)

    @property
    def read_only(self) -> bool:
        return self.read_only_reason is not None

    @property
    def dirty(self) -> bool:
        return not self.undo_stack.isClean()

    # -- the recipe and trained weights ----------------------------------------------------
    def set_training(self, recipe: dict[str, Any]) -> None:
        """Replace the recipe (commands call this; validation happens before)."""
        self.doc.training = copy.deepcopy(recipe)
        self.training_changed.emit()
        self.schedule_analysis()  # another data size may change the shapes shown

    def set_trained(self, weights: TrainedWeights | None) -> None:
        if weights is None and self.trained is None:
            return
        self.trained = weights
        self.trained_changed.emit()

    def trained_module(self, network: str | None = None) -> Any:
        """The trained module of `network` (default: the analysed one), or None."""
        if self.trained is None:
            return None
        return self.trained.models.get(network or self.analysed_network())

    def preview_ui(self, key: str, ui: dict[str, dict]) -> None:
        """Live positions while a node is dragged; the drop pushes one command for undo."""
        graph = self.graph(key)
        for node_id, value in ui.items():
            graph.set_ui(node_id, value)

    # -- positions -------------------------------------------------------------------------
    def layout_positions(self, key: str, flow: str | None = None) -> dict[str, dict]:
        """New `ui` of every node of graph `key` after an auto-layout in `flow`."""
        graph = self.graph(key)
        flow = flow or self.flow

        def size(node_id: str) -> tuple[float, float]:
            geometry = node_geometry(graph, node_id, flow)
            return geometry.width, geometry.height

        positions = layered_layout(
            graph,
            flow,
            size=size,
            layer_gap=60.0 if flow == "down" else 100.0,
            node_gap=40.0,
        )
        return {n: {**graph.nodes[n].ui, "x": snap(x), "y": snap(y)} for n, (x, y) in positions.items()}

    def ensure_positions(self, key: str) -> None:
        """Give every node without a position one from the auto-layout.

        Templates and imported models carry no positions; these are written
        straight into the document (not an edit, so no undo step and no "unsaved" mark).
        """
        graph = self.graph(key)
        missing = [n.id for n in graph.nodes.values() if "x" not in n.ui or "y" not in n.ui]
        if not missing:
            return
        laid = self.layout_positions(key)
        for node_id in missing:
            graph.nodes[node_id].ui = laid[node_id]

    # -- analysis --------------------------------------------------------------------------
    def analysed_network(self) -> str:
        """The network whose analysis the canvas shows: the shown one, or one using the shown block."""
        if not self.current_key.startswith(BLOCK_PREFIX):
            return self.current_key
        name = self.current_key[len(BLOCK_PREFIX):]
        for net_name, graph in self.doc.networks.items():
            if any(n.op == name for n in graph.nodes.values()):
                return net_name
        return self._default_key()

    def set_shapes_at_data_size(self, on: bool) -> None:
        """Show the shapes at the recipe's data size (True) or at the declared Input shape."""
        if on != self.shapes_at_data_size:
            self.shapes_at_data_size = on
            self.analyze_now()

    def schedule_analysis(self) -> None:
        self._timer.start()

    def analyze_now(self) -> Analysis:
        self._timer.stop()
        name = self.analysed_network()
        graph, problems = self.doc.network(name), self.doc.problems(name)
        analysis = self.analyzer.analyze(graph, problems)
        self.data_size = None
        shape = recipe_input_shape(self.doc.training) if self.shapes_at_data_size else None
        if shape is not None:
            analysis, self.data_size = at_data_size(graph, analysis, self.analyzer, problems, shape)
        self.analysis = analysis
        self.analysis_ready.emit(self.analysis)
        return self.analysis

    def results(self, key: str | None = None) -> GraphResults:
        key = key or self.current_key
        if not key.startswith(BLOCK_PREFIX):
            return GraphResults(self.analysis if key == self.analysed_network() else None)
        block = self.doc.blocks.get(key[len(BLOCK_PREFIX):])
        if block is None or self.analysis is None:
            return GraphResults(None)
        return GraphResults.for_block(self.analysis, self.doc.network(self.analysed_network()), block)
