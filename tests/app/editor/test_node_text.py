"""What the canvas lets one read: cards that shorten instead of eliding, the name when zoomed
far out, edge labels clear of the port dots, and errors wrapped in the inspector."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QGraphicsScene

from app.editor import edits
from app.editor.geometry import NODE_HEIGHT, NODE_WIDTH, NodeGeometry
from app.editor.node_item import NodeItem, NodeLook
from engine.graph import Endpoint

ELLIPSIS = "…"


def _card(**look) -> NodeItem:
    geometry = NodeGeometry(NODE_WIDTH, NODE_HEIGHT, ("x",), ("out",), "down")
    return NodeItem("conv1", geometry, NodeLook(title="conv1", op="Conv2d", category="Convolution", **look))


def test_resnets_conv1_card_shortens_its_lines_meaningfully_instead_of_eliding(qtbot):
    card = _card(params="64 ch · 7×7 · stride 2×2 · pad 3×3 · no bias", params_terse="64 ch · 7×7 · s2 · p3 · no bias",
                 shape="(64, 112, 112)", shape_compact="64×112×112", count="9.41k params")
    texts = card.shown_texts()
    assert not any(ELLIPSIS in t for t in texts), texts
    assert "64 ch · 7×7 · s2 · p3 · no bias" in texts
    assert "(64, 112, 112)" in texts  # the tuple stays, the count gives way first
    assert "9.41k" in texts
    assert "64 ch · 7×7 · stride 2×2 · pad 3×3 · no bias" in card.toolTip()  # in full on hover


def test_a_card_with_room_keeps_the_full_forms(qtbot):
    card = _card(params="6 ch · 5×5", params_terse="6 ch · 5×5", shape="(6, 28, 28)", shape_compact="6×28×28",
                 count="156 params")
    assert card.shown_texts()[2:] == ["6 ch · 5×5", "156 params", "(6, 28, 28)"]


def test_a_shape_error_takes_two_lines_on_the_card(qtbot):
    error = "conv2: Conv2d cannot take input (6, 14, 14): kernel size can't be greater than actual input size"
    card = _card(params="16 ch · 30×30", status="error", error=error)
    texts = card.shown_texts()[2:]
    assert len(texts) == 2  # in place of the parameters and the shape
    first, second = texts
    assert error.startswith(first + " ") and not first.endswith(ELLIPSIS)  # cut at a word
    assert error.startswith(first + " " + second.removesuffix(ELLIPSIS))  # the second line goes on from there


def _render(card: NodeItem, zoom: float) -> QImage:
    scene = QGraphicsScene()
    scene.addItem(card)
    card.setCacheMode(NodeItem.CacheMode.NoCache)
    image = QImage(int(NODE_WIDTH * zoom) + 8, int(NODE_HEIGHT * zoom) + 8, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    scene.render(painter, QRectF(0, 0, image.width(), image.height()),
                 QRectF(-4 / zoom, -4 / zoom, image.width() / zoom, image.height() / zoom))
    painter.end()
    scene.removeItem(card)
    return image


def test_fit_on_lenet5_still_shows_each_nodes_name(qtbot):
    zoom = 0.31  # what Fit gives LeNet-5 in a small window
    named, blank = _card(), NodeItem("n", _card().geometry, NodeLook(title="", op="Conv2d", category="Convolution"))
    assert named.far_name_size(zoom) * zoom >= 6  # at least 6 px on screen
    assert _render(named, zoom) != _render(blank, zoom)  # something is written on the card
    assert named.far_name_size(0.05) is None  # far past reading, nothing is attempted


def test_no_card_of_resnet18_elides_its_text(resnet):
    for node_id, item in resnet.scene.nodes.items():
        assert not any(ELLIPSIS in t for t in item.shown_texts()), (node_id, item.shown_texts())


def _clear_of_ports(edge) -> bool:
    label = edge.label.rect.translated(edge.label.pos())
    return not any(label.intersects(port) for port in edge.port_rects())


def test_shape_labels_stay_clear_of_the_port_dots_when_nodes_are_close(window):
    graph = window.graph
    for item in window.scene.edges.values():  # the template's own spacing
        assert _clear_of_ports(item), item.edge
    ui = graph.nodes["tanh1"].ui
    before = {"tanh1": dict(ui)}
    close = {"tanh1": {**ui, "y": graph.nodes["conv1"].ui["y"] + NODE_HEIGHT + 20}}  # a 20 px gap
    edits.move(window.session, window.key, before, close)
    edge = window.scene.edges[Endpoint("tanh1", "x")]
    assert edge.label.text and _clear_of_ports(edge)
    far_apart = {"tanh1": {**ui, "y": graph.nodes["conv1"].ui["y"] + NODE_HEIGHT + 200}}
    edits.move(window.session, window.key, close, far_apart)
    start = window.scene.port_pos(Endpoint("conv1", "out"), "out")
    assert _clear_of_ports(edge) and abs(edge.label.pos().x() - start.x()) < 1  # on the edge, below its source


def test_a_long_shape_error_wraps_in_the_inspector(window, qtbot):
    window.session.doc.network().set_params("conv2", {"kernel_size": 30})
    window.session.analyze_now()
    window.scene.select_ids(["conv2"])
    label = window.inspector.node_error
    assert label is not None and label.wordWrap() and not label.isHidden()
    assert label.text().replace("\u200b", "") == window.session.results(window.key).node("conv2").error
    qtbot.waitUntil(lambda: label.width() > 0)
    assert label.width() <= window.inspector.viewport().width()
    assert label.heightForWidth(label.width()) > label.fontMetrics().height() * 2  # several lines


def test_errors_of_long_unspaced_tokens_get_break_chances():
    from app.editor.inspector import breakable

    text = breakable("cannot read /a/very/long/folder/name/without_any_spaces.json here")
    assert text.replace("\u200b", "") == "cannot read /a/very/long/folder/name/without_any_spaces.json here"
    assert "/\u200bvery" in text and "here" in text and "\u200b" not in "cannot read"

