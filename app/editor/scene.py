"""The canvas of one graph (a network or a block's body).

Items follow the document: the scene listens to the session's graph events and
analysis results and updates only the items concerned. Gestures (connecting ports,
dragging nodes) become commands through `app.editor.edits`; nothing is read back
from an item. A drag previews positions in the document itself and the drop
leaves one undo step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsScene, QGraphicsSceneMouseEvent

from app.editor import edits
from app.editor.edge_item import EdgeItem, curve
from app.editor.geometry import MAX_ROWS, NodeGeometry, node_geometry, snap
from app.editor.labels import compact_shape, count_text, data_size_text, param_summary
from app.editor.node_item import NodeItem, NodeLook
from app.editor.results import GraphResults
from app.editor.session import EditSession
from app.theme import current_theme
from engine.blocks import block_of
from engine.graph import Edge, Endpoint, Graph, GraphEvent

__all__ = ["GraphScene"]

_EXTENT = 100_000.0
DRAG_START = 3.0  # pixels of mouse travel before a press becomes a drag


@dataclass
class _Connecting:
    fixed: Endpoint
    kind: str  # "out": dragging from an output towards inputs; "in": the reverse
    picked: Endpoint | None  # input port whose edge was picked up, if any
    line: QGraphicsPathItem
    lit: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass
class _Moving:
    start: QPointF
    before: dict[str, dict]
    started: bool = False


class GraphScene(QGraphicsScene):
    node_double_clicked = Signal(str)

    def __init__(self, session: EditSession, key: str, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.key = key
        self.snap_to_grid = True
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[Endpoint, EdgeItem] = {}  # keyed by the input port it feeds
        self._touching: dict[str, set[Endpoint]] = {}  # node -> edges at it (by dst)
        self._results = session.results(key)
        self._shown_results: dict[str, object] = {}  # the result each node's look was made from
        self._gesture: _Connecting | _Moving | None = None
        self._labels_shown = True
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self.setSceneRect(-_EXTENT, -_EXTENT, 2 * _EXTENT, 2 * _EXTENT)
        session.graph_changed.connect(self._on_graph_changed)
        session.analysis_ready.connect(self._on_analysis)
        session.flow_changed.connect(self.rebuild)
        session.blocks_changed.connect(self.refresh_all)
        self._attached = True
        self.rebuild()

    def detach(self) -> None:
        """Stop following the session (the canvas shows another graph now)."""
        if not self._attached:
            return
        self._attached = False
        for signal, slot in ((self.session.graph_changed, self._on_graph_changed),
                             (self.session.analysis_ready, self._on_analysis),
                             (self.session.flow_changed, self.rebuild),
                             (self.session.blocks_changed, self.refresh_all)):
            signal.disconnect(slot)

    @property
    def graph(self) -> Graph:
        return self.session.graph(self.key)

    # -- building items -------------------------------------------------------------------------
    def rebuild(self) -> None:
        self._cancel_gesture()
        self.clear()
        self.nodes.clear()
        self.edges.clear()
        self._touching.clear()
        self._shown_results.clear()
        graph = self.graph
        for node_id in graph.nodes:
            self._add_node(node_id)
        for edge in graph.edges:
            self._add_edge(edge)

    def refresh_all(self) -> None:
        if not self.session.has_graph(self.key):
            return
        for node_id in list(self.nodes):
            self._refresh_node(node_id)

    def _geometry(self, node_id: str) -> NodeGeometry:
        return node_geometry(self.graph, node_id, self.session.flow)

    def _add_node(self, node_id: str) -> None:
        item = NodeItem(node_id, self._geometry(node_id), self._look(node_id))
        ui = self.graph.nodes[node_id].ui
        item.setPos(ui.get("x", 0.0), ui.get("y", 0.0))
        self.addItem(item)
        self.nodes[node_id] = item
        self._shown_results[node_id] = self._results.node(node_id)
        self._touching.setdefault(node_id, set())

    def _add_edge(self, edge: Edge) -> None:
        item = EdgeItem(edge)
        self.edges[edge.dst] = item
        self._touching.setdefault(edge.src.node, set()).add(edge.dst)
        self._touching.setdefault(edge.dst.node, set()).add(edge.dst)
        self.addItem(item)
        self._place_edge(item)
        value = self._results.value(edge.src)
        item.set_label("" if value is None else str(value))

    def set_labels_shown(self, shown: bool) -> None:
        if shown == self._labels_shown:
            return
        self._labels_shown = shown
        for item in self.edges.values():
            item.label.set_zoom_shown(shown)

    def _remove_edge(self, dst: Endpoint) -> None:
        item = self.edges.pop(dst, None)
        if item is None:
            return
        for node in (item.edge.src.node, item.edge.dst.node):
            self._touching.get(node, set()).discard(dst)
        self.removeItem(item)

    def port_pos(self, end: Endpoint, kind: str) -> QPointF:
        item = self.nodes[end.node]
        ui = self.graph.nodes[end.node].ui
        local = item.port_pos(kind, end.port)
        return QPointF(ui.get("x", 0.0) + local.x(), ui.get("y", 0.0) + local.y())

    def _place_edge(self, item: EdgeItem) -> None:
        item.set_ends(self.port_pos(item.edge.src, "out"), self.port_pos(item.edge.dst, "in"), self.session.flow)

    # -- looks ----------------------------------------------------------------------------------
    def _look(self, node_id: str) -> NodeLook:
        graph = self.graph
        node = graph.nodes[node_id]
        spec = graph.spec(node_id)
        block = block_of(spec)
        op = node.op
        if block is not None and node.params.get("repeat", 1) > 1:
            op = f"{node.op} ×{node.params['repeat']}"
        result = self._results.node(node_id)
        status, error, shape, compact, count = "ok", "", "", "", ""
        if result is not None:
            status = result.status
            error = result.error or ""
            if result.ok:
                shape = result.shape_text
                compact = compact_shape([info.shape for info in result.outputs])
            if result.params:
                count = count_text(result.params) + " params"
        elif self._results.analysis is None and not graph.is_block:
            status = "pending"
        rows: tuple[tuple[str, str], ...] = ()
        if block is not None and node.ui.get("expanded"):
            rows = self._block_rows(node_id, block)
        connected = frozenset(port for port, src in graph.inputs_of(node_id).items() if src is not None)
        shown = {k: v for k, v in node.params.items() if k != "repeat"}
        params, terse = param_summary(spec, shown), param_summary(spec, shown, terse=True)
        size = self.session.data_size
        if size is not None and size.input_id == node_id and self.key == self.session.analysed_network():
            params, terse = data_size_text(size), data_size_text(size, terse=True)
        return NodeLook(
            title=node_id, op=op, category=spec.category if spec else "", params=params,
            params_terse=terse, shape=shape, shape_compact=compact,
            count=count, status=status, error=error, doc=spec.doc if spec else f"unknown op {node.op}",
            rows=rows, connected=connected, is_block=block is not None,
        )

    def port_tooltip(self, node_id: str, kind: str, port: str) -> str:
        """What a port takes or gives: its layout and the shape on it now."""
        graph = self.graph
        if node_id not in graph.nodes:
            return ""
        if kind == "out":
            value = self._results.value(Endpoint(node_id, port))
            return f"<b>{node_id}.{port}</b> output" + (f": {value}" if value is not None else "")
        spec = graph.spec(node_id)
        dims = next((p.dims for p in spec.input_ports(graph.nodes[node_id].params) if p.name == port), None) \
            if spec is not None else None
        text = f"<b>{node_id}.{port}</b> input" + (f", expects ({dims})" if dims else "")
        src = graph.source(Endpoint(node_id, port))
        if src is None:
            return text + "<br><i>not connected: drag from an output here</i>"
        value = self._results.value(src)
        return text + f"<br>receives {value if value is not None else '—'} from {src}"

    def _port_rank(self, node_id: str, port: str) -> int | None:
        spec = self.graph.spec(node_id)
        if spec is None:
            return None
        ports = spec.input_ports(self.graph.nodes[node_id].params)
        return next((p.rank for p in ports if p.name == port), None)

    def _block_rows(self, node_id: str, block) -> tuple[tuple[str, str], ...]:
        inner = [n.id for n in block.body.nodes.values() if n.op not in ("BlockInput", "BlockOutput")]
        analysis = self._results.analysis
        rows = []
        for inner_id in inner[:MAX_ROWS]:
            shape = ""
            if analysis is not None and not self.graph.is_block:
                for flat_id in (f"{node_id}.{inner_id}", f"{node_id}.0.{inner_id}"):
                    result = analysis.nodes.get(flat_id)
                    if result is not None:
                        shape = result.shape_text if result.ok else "—"
                        break
            rows.append((inner_id, shape))
        if len(inner) > MAX_ROWS:
            rows[-1] = (f"… {len(inner) - MAX_ROWS + 1} more", "")
        return tuple(rows)

    def _refresh_node(self, node_id: str) -> None:
        item = self.nodes.get(node_id)
        if item is None:
            return
        item.set_geometry(self._geometry(node_id))
        item.set_look(self._look(node_id))
        self._shown_results[node_id] = self._results.node(node_id)

    def _refresh_edges_of(self, node_id: str) -> None:
        for dst in self._touching.get(node_id, ()):
            self._place_edge(self.edges[dst])

    # -- document events --------------------------------------------------------------------------
    def _on_graph_changed(self, key: str, event: GraphEvent) -> None:
        if key != self.key:
            if event.kind != "ui_changed" and self.session.has_graph(self.key):
                # A block body changed: its instances here may have new ports or contents.
                if any(n.op == key.removeprefix("block:") for n in self.graph.nodes.values()):
                    self.refresh_all()
                    for item in list(self.edges.values()):
                        self._place_edge(item)
            return
        kind = event.kind
        if kind == "node_added":
            self._add_node(event.node)
        elif kind == "node_removed":
            for dst in list(self._touching.pop(event.node, ())):
                self._remove_edge(dst)
            item = self.nodes.pop(event.node, None)
            self._shown_results.pop(event.node, None)
            if item is not None:
                self.removeItem(item)
        elif kind == "node_renamed":
            self._renamed(event.old, event.node)
        elif kind in ("params_changed", "ui_changed"):
            item = self.nodes[event.node]
            if kind == "ui_changed":
                ui = self.graph.nodes[event.node].ui
                item.setPos(ui.get("x", 0.0), ui.get("y", 0.0))
            self._refresh_node(event.node)
            self._refresh_edges_of(event.node)
        elif kind == "edge_added":
            self._add_edge(event.edge)
            self._refresh_node(event.edge.dst.node)
        elif kind == "edge_removed":
            self._remove_edge(event.edge.dst)
            if event.edge.dst.node in self.nodes:
                self._refresh_node(event.edge.dst.node)

    def _renamed(self, old: str, new: str) -> None:
        item = self.nodes.pop(old)
        self._shown_results.pop(old, None)
        item.node_id = new
        self.nodes[new] = item
        self._touching[new] = set()
        for dst in list(self._touching.pop(old, ())):
            edge_item = self.edges.pop(dst)
            moved = Edge(*(Endpoint(new, e.port) if e.node == old else e for e in edge_item.edge))
            edge_item.edge = moved
            self.edges[moved.dst] = edge_item
            for node in (moved.src.node, moved.dst.node):
                touching = self._touching.setdefault(node, set())
                touching.discard(dst)
                touching.add(moved.dst)
        self._refresh_node(new)

    def _on_analysis(self, analysis) -> None:
        if not self.session.has_graph(self.key):
            return
        results = self._results = self.session.results(self.key)
        # Only nodes whose result changed need a new look (an edit touches a few).
        shown = self._shown_results
        for node_id, item in self.nodes.items():
            result = results.node(node_id)
            if node_id in shown and shown[node_id] == result and not item.look.rows and item.look.status != "pending":
                continue
            shown[node_id] = result
            item.set_look(self._look(node_id))
        values: dict[Endpoint, str] = {}
        for item in self.edges.values():
            src = item.edge.src
            text = values.get(src)
            if text is None:
                value = results.value(src)
                text = values[src] = "" if value is None else str(value)
            item.set_label(text)

    @property
    def results(self) -> GraphResults:
        return self._results

    # -- selection --------------------------------------------------------------------------------
    def selected_ids(self) -> list[str]:
        chosen = {i.node_id for i in self.selectedItems() if isinstance(i, NodeItem)}
        return [n for n in self.graph.nodes if n in chosen]

    def selected_edges(self) -> list[Endpoint]:
        return [i.edge.dst for i in self.selectedItems() if isinstance(i, EdgeItem)]

    def select_ids(self, ids) -> None:
        self.clearSelection()
        for node_id in ids:
            item = self.nodes.get(node_id)
            if item is not None:
                item.setSelected(True)

    def deselect_edges(self) -> None:
        for item in self.selectedItems():
            if isinstance(item, EdgeItem):
                item.setSelected(False)

    # -- gestures ---------------------------------------------------------------------------------
    def node_at(self, pos: QPointF) -> tuple[NodeItem | None, tuple[str, str] | None]:
        """The node under `pos` and the port there, if any (ports reach past the card's edge)."""
        probe = QRectF(pos.x() - 12, pos.y() - 12, 24, 24)
        body = None
        for item in self.items(probe, Qt.ItemSelectionMode.IntersectsItemBoundingRect):
            if isinstance(item, NodeItem):
                local = item.mapFromScene(pos)
                port = item.port_at(local)
                if port is not None:
                    return item, port
                if body is None and item.shape().contains(local):
                    body = item
        return body, None

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            item, port = self.node_at(event.scenePos())
            if port is not None:
                self._start_connect(item.node_id, port, event.scenePos())
                event.accept()
                return
            super().mousePressEvent(event)
            if item is not None and item.isSelected():
                ids = self.selected_ids()
                graph = self.graph
                self._gesture = _Moving(event.scenePos(), {n: dict(graph.nodes[n].ui) for n in ids})
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802 - Qt override
        gesture = self._gesture
        if isinstance(gesture, _Connecting):
            self._drag_line(event.scenePos())
            event.accept()
            return
        if isinstance(gesture, _Moving):
            delta = event.scenePos() - gesture.start
            if not gesture.started and delta.manhattanLength() < DRAG_START:
                return
            gesture.started = True
            self.session.preview_ui(self.key, self._moved(gesture, delta))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802 - Qt override
        gesture, self._gesture = self._gesture, None
        if isinstance(gesture, _Connecting):
            self._finish_connect(gesture, event.scenePos())
            event.accept()
            return
        if isinstance(gesture, _Moving) and gesture.started:
            graph = self.graph
            after = {n: dict(graph.nodes[n].ui) for n in gesture.before if n in graph.nodes}
            edits.move(self.session, self.key, gesture.before, after)
            super().mouseReleaseEvent(event)
            # Qt drops the rest of a selection on a release it takes for a click; a drag keeps it.
            self.select_ids([n for n in gesture.before if n in self.nodes])
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802 - Qt override
        item, _port = self.node_at(event.scenePos())
        if item is not None:
            self.node_double_clicked.emit(item.node_id)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def _moved(self, gesture: _Moving, delta: QPointF) -> dict[str, dict]:
        out = {}
        for node_id, ui in gesture.before.items():
            x, y = ui.get("x", 0.0) + delta.x(), ui.get("y", 0.0) + delta.y()
            if self.snap_to_grid:
                x, y = snap(x), snap(y)
            out[node_id] = {**ui, "x": x, "y": y}
        return out

    # connecting ports -----------------------------------------------------------------------------
    def _start_connect(self, node_id: str, port: tuple[str, str], pos: QPointF) -> None:
        graph = self.graph
        kind, name = port
        picked = None
        fixed = Endpoint(node_id, name)
        if kind == "in":
            src = graph.source(fixed)
            if src is not None:  # pick up the edge's end and carry it elsewhere
                picked, fixed, kind = fixed, src, "out"
                self.edges[picked].setVisible(False)
        line = QGraphicsPathItem()
        pen = QPen(current_theme().color("accent"), 2.0, Qt.PenStyle.DashLine)
        line.setPen(pen)
        line.setZValue(5)
        self.addItem(line)
        gesture = _Connecting(fixed, kind, picked, line)
        self._gesture = gesture
        self._light_candidates(gesture)
        self._drag_line(pos)

    def _light_candidates(self, gesture: _Connecting) -> None:
        """Highlight the ports a drop could connect to (no cycle, input still free)."""
        graph = self.graph
        nxg = graph.to_networkx()
        if gesture.kind == "out":
            blocked = nx.ancestors(nxg, gesture.fixed.node) | {gesture.fixed.node}
            value = self._results.value(gesture.fixed)

            def fits(node_id: str, port: str) -> bool:  # typed ports: the layout's rank must match
                rank = self._port_rank(node_id, port)
                return value is None or rank is None or rank == value.rank

            for node_id in self.nodes:
                if node_id in blocked:
                    continue
                free = frozenset(
                    f"in:{port}" for port, src in graph.inputs_of(node_id).items()
                    if (src is None or Endpoint(node_id, port) == gesture.picked) and fits(node_id, port)
                )
                if free:
                    gesture.lit[node_id] = free
        else:
            blocked = nx.descendants(nxg, gesture.fixed.node) | {gesture.fixed.node}
            for node_id in self.nodes:
                if node_id not in blocked:
                    outs = frozenset(f"out:{port}" for port in graph.output_names(node_id))
                    if outs:
                        gesture.lit[node_id] = outs
        for node_id, ports in gesture.lit.items():
            self.nodes[node_id].set_highlight(ports)

    def _drag_line(self, pos: QPointF) -> None:
        gesture = self._gesture
        start = self.port_pos(gesture.fixed, gesture.kind)
        item, port = self.node_at(pos)
        end = pos
        if item is not None and port is not None and f"{port[0]}:{port[1]}" in gesture.lit.get(item.node_id, ()):
            end = self.port_pos(Endpoint(item.node_id, port[1]), port[0])
        p1, p2 = (start, end) if gesture.kind == "out" else (end, start)
        gesture.line.setPath(curve(p1, p2, self.session.flow))

    def _finish_connect(self, gesture: _Connecting, pos: QPointF) -> None:
        self._end_connect_visuals(gesture)
        item, port = self.node_at(pos)
        target = None
        if item is not None and port is not None:
            wanted = "in" if gesture.kind == "out" else "out"
            if port[0] == wanted:
                target = Endpoint(item.node_id, port[1])
            else:
                self.session.message.emit(
                    f"connect an output to an input: {item.node_id}.{port[1]} is an {port[0]}put too")
                return
        if gesture.kind == "out":
            src, dst = gesture.fixed, target
        else:
            src, dst = target, gesture.fixed
        if gesture.picked is not None:
            if dst != gesture.picked:
                edits.reconnect(self.session, self.key, gesture.picked, src, dst)
        elif src is not None and dst is not None:
            edits.connect(self.session, self.key, src, dst)

    def _end_connect_visuals(self, gesture: _Connecting) -> None:
        if gesture.line.scene() is self:
            self.removeItem(gesture.line)
        for node_id in gesture.lit:
            if node_id in self.nodes:
                self.nodes[node_id].set_highlight(frozenset())
        if gesture.picked is not None and gesture.picked in self.edges:
            self.edges[gesture.picked].setVisible(True)

    def _cancel_gesture(self) -> None:
        gesture, self._gesture = self._gesture, None
        if isinstance(gesture, _Connecting):
            self._end_connect_visuals(gesture)

    def cancel_gesture(self) -> None:
        """Escape: drop a connection being dragged, or put dragged nodes back."""
        gesture = self._gesture
        self._cancel_gesture()
        if isinstance(gesture, _Moving) and gesture.started:
            self.session.preview_ui(self.key, gesture.before)
