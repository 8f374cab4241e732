"""Gestures on the canvas, through real mouse and drop events on the view."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QDropEvent, QWheelEvent
from PySide6.QtWidgets import QApplication

from app.editor.edge_item import EdgeItem
from engine.graph import Endpoint
from tests.app.conftest import drag, send_mouse


def port_scene(window, node, kind, port):
    return window.scene.port_pos(Endpoint(node, port), kind)


def test_dropping_a_layer_from_the_palette_adds_it_where_dropped(window):
    palette = window.palette
    top = next(palette.tree.topLevelItem(i) for i in range(palette.tree.topLevelItemCount())
               if palette.tree.topLevelItem(i).text(0) == "Convolution")
    item = next(top.child(j) for j in range(top.childCount()) if top.child(j).text(0) == "Conv2d")
    mime = palette.tree.mimeData([item])
    view = window.view
    target = view.viewport().rect().center()
    drop = QDropEvent(QPointF(target), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    view.dropEvent(drop)  # what Qt calls when the drag ends over the canvas
    graph = window.graph
    assert "conv3" in graph.nodes and graph.nodes["conv3"].op == "Conv2d"
    where = view.mapToScene(target)
    ui = graph.nodes["conv3"].ui
    assert abs(ui["x"] + 100 - where.x()) <= 20 and abs(ui["y"] + 32 - where.y()) <= 20
    assert "conv3" in window.scene.nodes and window.scene.selected_ids() == ["conv3"]
    window.session.undo_stack.undo()
    assert "conv3" not in graph.nodes and "conv3" not in window.scene.nodes


def test_connecting_ports_by_dragging_updates_the_shape_labels(window, qtbot):
    graph = window.graph
    fc3 = graph.nodes["fc3"].ui
    node = window.scene  # noqa: F841 - the scene must exist
    from app.editor import edits

    new = edits.add_node(window.session, "model", "Linear", (fc3["x"] + 300, fc3["y"] + 100),
                         params={"out_features": 7})
    window.session.analyze_now()
    assert window.scene.nodes[new].look.status == "unresolved"
    assert window.scene.nodes[new].opacity() < 1
    window.view.centerOn(window.scene.nodes["fc3"])
    drag(window.view, port_scene(window, "fc3", "out", "out"), port_scene(window, new, "in", "x"))
    assert graph.source(Endpoint(new, "x")) == Endpoint("fc3", "out")
    qtbot.waitUntil(lambda: window.scene.nodes[new].look.shape == "(7,)", timeout=2000)
    assert window.scene.edges[Endpoint(new, "x")].label.text == "(10,)"
    assert window.scene.nodes[new].look.count == "77 params"
    assert window.scene.nodes[new].opacity() == 1


def test_invalid_connections_are_refused_with_a_message(window):
    before = window.session.doc.to_json()
    window.view.centerOn(window.scene.nodes["conv2"])
    drag(window.view, port_scene(window, "tanh1", "out", "out"), port_scene(window, "conv2", "in", "x"))
    assert "conv2.x already has an input from pool1.out" in window.statusBar().currentMessage()
    drag(window.view, port_scene(window, "tanh1", "out", "out"), port_scene(window, "pool1", "out", "out"))
    assert "is an output too" in window.statusBar().currentMessage()
    assert window.session.doc.to_json() == before
    assert window.session.undo_stack.count() == 0


def test_picking_up_an_edge_end_and_dropping_it_on_nothing_disconnects(window):
    graph = window.graph
    window.view.centerOn(window.scene.nodes["tanh1"])
    start = port_scene(window, "tanh1", "in", "x")
    drag(window.view, start, QPointF(start.x() + 250, start.y() - 30))
    assert graph.source(Endpoint("tanh1", "x")) is None
    assert Endpoint("tanh1", "x") not in window.scene.edges
    window.session.undo_stack.undo()
    assert graph.source(Endpoint("tanh1", "x")) == Endpoint("conv1", "out")
    assert isinstance(window.scene.edges[Endpoint("tanh1", "x")], EdgeItem)


def test_dragging_a_node_moves_it_on_the_grid_as_one_undo_step(window):
    graph = window.graph
    ui = dict(graph.nodes["conv1"].ui)
    window.view.centerOn(window.scene.nodes["conv1"])
    start = QPointF(ui["x"] + 100, ui["y"] + 30)
    drag(window.view, start, QPointF(start.x() + 133, start.y() + 7), steps=6)
    moved = graph.nodes["conv1"].ui
    assert (moved["x"], moved["y"]) == (ui["x"] + 140, ui["y"])  # snapped to the 20-px grid
    assert window.scene.nodes["conv1"].pos() == QPointF(moved["x"], moved["y"])
    edge = window.scene.edges[Endpoint("conv1", "x")]
    assert edge.path.currentPosition() == port_scene(window, "conv1", "in", "x")
    assert window.session.undo_stack.count() == 1
    window.session.undo_stack.undo()
    assert graph.nodes["conv1"].ui == ui
    assert window.scene.nodes["conv1"].pos() == QPointF(ui["x"], ui["y"])


def test_a_failing_node_gets_a_badge_and_the_nodes_below_are_greyed(window):
    from app.editor import edits

    edits.set_params(window.session, "model", "conv2", {"kernel_size": 15})
    window.session.analyze_now()
    conv2 = window.scene.nodes["conv2"]
    assert conv2.look.status == "error"
    assert "Conv2d cannot take input (6, 14, 14)" in conv2.toolTip()
    for below in ("tanh2", "pool2", "fc3", "logits"):
        assert window.scene.nodes[below].look.status == "unresolved"
        assert window.scene.nodes[below].opacity() < 1
    assert window.scene.edges[Endpoint("tanh2", "x")].label.text == ""
    assert window.problems.count() == 1 and "conv2" in window.problems.item(0).text()
    window.problems.itemClicked.emit(window.problems.item(0))
    assert window.scene.selected_ids() == ["conv2"]


def test_rubber_band_selects_nodes_but_not_edges(window):
    scene = window.scene
    a, b = scene.nodes["image"].sceneBoundingRect(), scene.nodes["conv1"].sceneBoundingRect()
    window.view.centerOn(a.center())
    drag(window.view, QPointF(a.left() - 60, a.top() - 30), QPointF(b.right() + 40, b.center().y()))
    assert scene.selected_ids() == ["image", "conv1"]
    assert scene.selected_edges() == []


def test_wheel_zooms_around_the_cursor(window):
    view = window.view
    cursor = QPoint(200, 150)
    before = view.mapToScene(cursor)
    scale = view.scale_factor
    event = QWheelEvent(QPointF(cursor), QPointF(view.viewport().mapToGlobal(cursor)), QPoint(0, 0), QPoint(0, 240),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), event)
    assert view.scale_factor == scale * 1.2 ** 2
    after = view.mapToScene(cursor)
    assert abs(after.x() - before.x()) < 2 and abs(after.y() - before.y()) < 2


def test_only_ports_that_could_connect_light_up_and_escape_cancels(window):
    from app.editor import edits

    graph = window.graph
    graph.disconnect(("tanh1", "x"))  # a free input above fc3: connecting it would make a cycle
    free = edits.add_node(window.session, "model", "ReLU", (600, 600))
    start = port_scene(window, "fc3", "out", "out")
    window.view.centerOn(start)
    send_mouse(window.view, "press", start)
    send_mouse(window.view, "move", QPointF(start.x() + 80, start.y() + 80))
    lit = {n: item.highlight for n, item in window.scene.nodes.items() if item.highlight}
    assert lit == {free: frozenset({"in:x"})}
    window.view.keyPressEvent(_key(Qt.Key.Key_Escape))
    send_mouse(window.view, "release", QPointF(start.x() + 80, start.y() + 80))
    assert all(not item.highlight for item in window.scene.nodes.values())
    assert window.session.undo_stack.count() == 1  # the ReLU only
    assert graph.consumers(Endpoint("fc3", "out")) == [Endpoint("logits", "x")]


def _key(key):
    from PySide6.QtGui import QKeyEvent

    return QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier)


def test_palette_search_and_double_click_adds_after_the_selection_without_overlap(window):
    palette = window.palette
    palette.search.setText("conv")
    shown = palette.ops()
    assert {"Conv1d", "Conv2d", "ConvTranspose2d"} <= set(shown) and "Linear" not in shown
    palette.search.clear()
    window.scene.select_ids(["fc1"])
    item = palette.tree.findItems("Dropout", Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)[0]
    palette.tree.itemDoubleClicked.emit(item, 0)
    graph = window.graph
    assert graph.source(Endpoint("dropout1", "x")) == Endpoint("fc1", "out")
    new = graph.nodes["dropout1"].ui
    for node_id, node in graph.nodes.items():
        if node_id != "dropout1":
            assert abs(node.ui["x"] - new["x"]) >= 200 or abs(node.ui["y"] - new["y"]) >= 64, node_id
    assert window.scene.selected_ids() == ["dropout1"]


def test_block_ports_are_offered_only_inside_a_block(window, monkeypatch):
    from app.editor import grouping

    assert "BlockInput" not in window.palette.ops()
    grouping.group(window.session, "model", ["conv2", "tanh2"], "Pair")
    window.show_graph("block:Pair")
    assert window.palette.ops()[:2] == ["BlockInput", "BlockOutput"]
    assert window.palette.ops()[-1] == "Pair"  # the document's blocks, reusable from the palette
    window.back_to_network()
    assert "BlockInput" not in window.palette.ops()


def test_shape_labels_hide_when_zoomed_too_far_out_to_read(window):
    label = window.scene.edges[Endpoint("conv2", "x")].label
    window.view.set_zoom(0.2)
    assert not label.isVisible() and label.text == "(6, 14, 14)"
    window.view.set_zoom(1.0)
    assert label.isVisible()


def test_clicking_an_edge_selects_it_and_delete_disconnects(window):
    item = window.scene.edges[Endpoint("tanh1", "x")]
    window.view.centerOn(item.path.pointAtPercent(0.8))
    send_mouse(window.view, "press", item.path.pointAtPercent(0.8))
    send_mouse(window.view, "release", item.path.pointAtPercent(0.8))
    assert window.scene.selected_edges() == [Endpoint("tanh1", "x")] and window.scene.selected_ids() == []
    window.act_delete.trigger()
    assert window.graph.source(Endpoint("tanh1", "x")) is None
    assert window.session.undo_stack.undoText() == "Delete edge tanh1.x"


def test_typed_ports_light_only_where_the_layout_fits_and_say_what_they_take(window):
    from app.editor import edits

    conv = edits.add_node(window.session, "model", "Conv2d", (700, 100))
    dense = edits.add_node(window.session, "model", "Linear", (700, 300))
    window.session.analyze_now()
    start = port_scene(window, "pool1", "out", "out")  # a (6, 14, 14) image
    window.view.centerOn(start)
    send_mouse(window.view, "press", start)
    send_mouse(window.view, "move", QPointF(start.x() + 40, start.y() + 40))
    lit = {n for n, item in window.scene.nodes.items() if item.highlight}
    send_mouse(window.view, "release", QPointF(start.x() + 40, start.y() + 40))
    assert conv in lit and dense in lit  # Linear takes any rank (it acts on the last dim)
    start = port_scene(window, "fc1", "out", "out")  # a (120,) vector cannot feed a Conv2d
    send_mouse(window.view, "press", start)
    send_mouse(window.view, "move", QPointF(start.x() + 40, start.y() + 40))
    lit = {n for n, item in window.scene.nodes.items() if item.highlight}
    send_mouse(window.view, "release", QPointF(start.x() + 40, start.y() + 40))
    assert conv not in lit and dense in lit
    tip = window.scene.port_tooltip("conv2", "in", "x")
    assert tip == "<b>conv2.x</b> input, expects (C, H, W)<br>receives (6, 14, 14) from pool1.out"
    assert window.scene.port_tooltip("conv2", "out", "out") == "<b>conv2.out</b> output: (16, 10, 10)"


def test_dragging_a_selection_moves_all_of_it_and_keeps_it_selected(window):
    graph = window.graph
    window.scene.select_ids(["conv1", "tanh1"])
    before = {n: dict(graph.nodes[n].ui) for n in ("conv1", "tanh1")}
    ui = before["conv1"]
    window.view.centerOn(window.scene.nodes["conv1"])
    start = QPointF(ui["x"] + 100, ui["y"] + 30)
    drag(window.view, start, QPointF(start.x() - 80, start.y() + 40))
    for n in ("conv1", "tanh1"):
        assert (graph.nodes[n].ui["x"], graph.nodes[n].ui["y"]) == (before[n]["x"] - 80, before[n]["y"] + 40)
    assert window.scene.selected_ids() == ["conv1", "tanh1"]
    assert window.session.undo_stack.undoText() == "Move 2 nodes"
