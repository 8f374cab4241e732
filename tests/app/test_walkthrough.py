"""A newcomer's first hour, scripted: the real main window driven by mouse and keyboard events.

Each journey is what a student does in the first hour (build a network from the palette,
wire it, edit a parameter, break and read a shape, undo and redo, open a paper from the
gallery, train, pause and stop, play in the Playground, export Python and run it), and
each asserts what the student would see on the screen. Positions come from the scene's
items; every change comes from the window's own handling of the events.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QToolBar

from tests.app.drive import (
    CTRL,
    SHIFT,
    click,
    click_menu_item,
    connect_ports,
    drop_from_palette,
    key,
    node_point,
    open_menu,
    select_field,
    type_text,
)
from tests.app.windows import show_window
from tests.helpers import torch_threads

LAYERS = ("Input", "Conv2d", "ReLU", "Flatten", "Linear", "Output")


@pytest.fixture(autouse=True)
def one_thread():
    with torch_threads(1):  # the training thread and the Playground run tiny models best on one
        yield


@pytest.fixture
def window(qtbot, dialogs):
    """The window a first start shows: a new document, focused and ready for keys."""
    win = show_window(qtbot, dialogs, None)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=2000)
    yield win
    for playground in list(win._playgrounds):
        playground.pause()
        playground.close()
    win.session.undo_stack.setClean()  # closing must not ask
    win.close()
    assert win.controller.worker is None  # a run's thread was joined


def canvas(win):
    return win.view.viewport()


def shapes_settled(qtbot, win) -> None:
    """Wait for the debounced analysis to catch up with the document, as the screen does."""
    qtbot.waitUntil(lambda: win.session.analysis is not None and not win.session._timer.isActive(), timeout=5000)


def build_network(win, qtbot) -> dict[str, str]:
    """File > New, clear it, drag the six layers onto the canvas and wire them port to port.

    Returns op -> node id of what was dropped.
    """
    key(canvas(win), Qt.Key.Key_N, CTRL)
    key(canvas(win), Qt.Key.Key_A, CTRL)
    key(canvas(win), Qt.Key.Key_Delete)
    assert len(win.graph) == 0, "Select All + Delete leaves the canvas empty"
    key(canvas(win), Qt.Key.Key_1, CTRL)  # actual size: the cards at their own size
    assert win.zoom_label.text() == "100%"
    # Two rows of three cards, left to right then right to left, as one lays out a chain.
    area = canvas(win).rect()
    xs = [area.width() * f for f in (0.17, 0.5, 0.83)]
    spots = [QPoint(round(x), round(area.height() * 0.2)) for x in xs]
    spots += [QPoint(round(x), round(area.height() * 0.75)) for x in reversed(xs)]
    ids = {}
    for op, at in zip(LAYERS, spots):
        ids[op] = drop_from_palette(win, op, at)
        assert win.graph.nodes[ids[op]].op == op
        assert win.scene.selected_ids() == [ids[op]], "a dropped layer is selected"
    for src, dst in zip(LAYERS, LAYERS[1:]):
        connect_ports(win, ids[src], ids[dst])
    shapes_settled(qtbot, win)
    return ids


def look(win, node: str):
    return win.scene.nodes[node].look


def shown_texts(win, node: str) -> list[str]:
    """Every line of text drawn on a node's card, as drawn (elided where it does not fit)."""
    return [text.text() for _font, _color, _pos, text in win.scene.nodes[node]._text_runs()]


def inspector_field(win, name: str):
    return win.inspector.fields[name].editor


def set_in_inspector(win, qtbot, node: str, param: str, text: str) -> None:
    """Click the node on the canvas, then type `text` over the parameter's field and press Enter."""
    click(canvas(win), node_point(win, node))
    assert win.scene.selected_ids() == [node]
    assert win.inspector_dock.isVisible() and win.inspector.node_id == node
    field = inspector_field(win, param)
    select_field(field)
    type_text(field, text)
    key(field, Qt.Key.Key_Return)
    shapes_settled(qtbot, win)


# -- building ---------------------------------------------------------------------------------------
def test_build_wire_and_edit_a_network_from_the_palette(window, qtbot):
    ids = build_network(window, qtbot)
    graph = window.graph
    chain = [(e.src.node, e.dst.node) for e in graph.edges]
    assert sorted(chain) == sorted(zip((ids[o] for o in LAYERS), (ids[o] for o in LAYERS[1:])))
    assert len(window.scene.edges) == 5
    # The shapes follow the data through the chain, on the edges and on the cards.
    assert window.scene.edges[_in(ids["Conv2d"])].label.text == "(1, 28, 28)"
    conv_shape = look(window, ids["Conv2d"]).shape
    assert conv_shape.startswith("(") and look(window, ids["Conv2d"]).status == "ok"
    assert window.scene.edges[_in(ids["Flatten"])].label.text == conv_shape

    # Three classes instead of the default ten: typed over the field, Enter applies it.
    set_in_inspector(window, qtbot, ids["Linear"], "out_features", "3")
    assert graph.nodes[ids["Linear"]].params["out_features"] == 3
    assert look(window, ids["Linear"]).shape == "(3,)" and look(window, ids["Output"]).shape == "(3,)"
    assert look(window, ids["Linear"]).params == "3 out"
    set_in_inspector(window, qtbot, ids["Conv2d"], "out_channels", "8")
    assert look(window, ids["Conv2d"]).shape == "(8, 26, 26)"
    assert window.scene.edges[_in(ids["Linear"])].label.text == "(5408,)"  # 8 × 26 × 26, flattened
    assert look(window, ids["Linear"]).count == "16.2k params"  # 5408 × 3 + 3
    assert all(look(window, n).status == "ok" for n in graph.nodes)
    assert "✓ no errors" in window.stats_label.text() and "6 nodes" in window.stats_label.text()
    assert window.bottom_tabs.tabText(1) == "Problems"
    # The card still says which kernel the convolution has, now that out_channels is set (issue 11, 2.13).
    assert look(window, ids["Conv2d"]).params == "8 ch · 3×3"


def _in(node: str, port: str = "x"):
    from engine.graph import Endpoint

    return Endpoint(node, port)
