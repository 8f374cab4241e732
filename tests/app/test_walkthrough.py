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
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QLabel, QToolBar, QWidget

from app.editor.geometry import PORT_RADIUS, snap
from engine.graph import Endpoint
from tests.app.drive import (
    CTRL,
    SHIFT,
    click,
    click_menu_item,
    connect_ports,
    drop_from_palette,
    key,
    mouse_drag,
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
def started_app(qapp):
    """The application as `netsmith` starts it: Fusion, the saved theme's palette, font and style sheet.

    Put back afterwards, so that other tests see the application as they made it.
    """
    import app.theme as theme
    from app.application import create_application

    before = (qapp.style().name(), qapp.palette(), qapp.font(), qapp.styleSheet(), theme._current)
    assert create_application() is qapp
    yield qapp
    style, palette, font, sheet, current = before
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setFont(font)
    theme._current = current


@pytest.fixture
def make_window(qtbot, dialogs, started_app):
    """make_window(doc) -> the main window on `doc` (None: what a first start shows), focused for keys."""
    windows = []

    def make(doc=None):
        win = show_window(qtbot, dialogs, doc)
        win.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=2000)
        windows.append(win)
        return win

    yield make
    for win in windows:
        for playground in list(win._playgrounds):
            playground.pause()
            playground.close()
        win.discard_unsaved_work()  # closing must not ask
        win.close()
        assert win.controller.worker is None  # a run's thread was joined


@pytest.fixture
def window(make_window):
    return make_window()


def canvas(win):
    return win.view.viewport()


def click_empty_canvas(win) -> None:
    """Click a spot of the canvas where nothing is drawn: it takes the keyboard and selects nothing."""
    area = canvas(win).rect()
    for spot in (QPoint(6, 6), QPoint(area.width() - 6, 6), QPoint(6, area.height() - 6),
                 QPoint(area.width() - 6, area.height() - 6)):
        if not win.view.items(spot):
            click(canvas(win), spot)
            assert win.view.hasFocus() and win.scene.selected_ids() == []
            return
    raise AssertionError("no empty spot on the canvas")


def shapes_settled(qtbot, win) -> None:
    """Wait for the debounced analysis to catch up with the document, as the screen does."""
    qtbot.waitUntil(lambda: win.session.analysis is not None and not win.session._timer.isActive(), timeout=5000)


def build_network(win, qtbot) -> dict[str, str]:
    """File > New, clear it, drag the six layers onto the canvas and wire them port to port.

    Returns op -> node id of what was dropped.
    """
    key(canvas(win), Qt.Key.Key_N, CTRL)
    click_empty_canvas(win)  # the canvas takes the keyboard
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


def _in(node: str, port: str = "x") -> Endpoint:
    """The input port an edge feeds (edges are keyed by it)."""
    return Endpoint(node, port)


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

    # Drag the ReLU card by its title to just below the convolution: the shape on the short edge
    # between them stays clear of both port dots.
    conv, relu = (window.scene.nodes[ids[op]] for op in ("Conv2d", "ReLU"))
    start = node_point(window, ids["ReLU"])
    gap = 20
    grabbed = start - window.view.mapFromScene(relu.pos())  # where on the card the mouse holds it
    target = window.view.mapFromScene(conv.pos() + QPointF(0, conv.geometry.height + gap)) + grabbed
    mouse_drag(canvas(window), start, target)
    ui = graph.nodes[ids["ReLU"]].ui
    assert (ui["x"], ui["y"]) == (conv.pos().x(), snap(conv.pos().y() + conv.geometry.height + gap))  # on the grid
    label = window.scene.edges[_in(ids["ReLU"])].label
    assert label.text == "(8, 26, 26)" and label.isVisible()
    box = label.sceneBoundingRect()
    for end, kind in ((Endpoint(ids["Conv2d"], "out"), "out"), (_in(ids["ReLU"]), "in")):
        dot = window.scene.port_pos(end, kind)
        radius = PORT_RADIUS + 1
        assert not box.intersects(QRectF(dot.x() - radius, dot.y() - radius, 2 * radius, 2 * radius)), \
            f"the shape label {label.text} covers the {kind} port dot of {end.node}"


# -- a shape error ----------------------------------------------------------------------------------
def test_a_kernel_larger_than_the_image_is_an_error_the_user_can_read_and_undo(window, qtbot):
    ids = build_network(window, qtbot)
    conv = ids["Conv2d"]
    set_in_inspector(window, qtbot, conv, "kernel_size", "29")  # the image is 28 × 28
    assert window.graph.nodes[conv].params["kernel_size"] == 29
    card = window.scene.nodes[conv]
    assert look(window, conv).status == "error"
    message = look(window, conv).error
    assert "Conv2d cannot take input (1, 28, 28)" in message
    # On the canvas: a red badge, and the whole message in the card's tooltip.
    assert message in card.toolTip()
    for below in ("ReLU", "Flatten", "Linear", "Output"):
        assert look(window, ids[below]).status == "unresolved" and window.scene.nodes[ids[below]].opacity() < 1
    assert window.scene.edges[_in(ids["Flatten"])].label.text == ""  # no shape where none is known
    assert "✕ 1 error" in window.stats_label.text()
    # In the Problems tab: one entry naming the node; clicking it selects the node.
    tabs = window.bottom_tabs
    assert tabs.tabText(1) == "Problems (1)"
    click(tabs.tabBar(), tabs.tabBar().tabRect(1).center())
    assert tabs.currentWidget() is window.problems
    problems = window.problems
    assert problems.count() == 1 and conv in problems.item(0).text() and message in problems.item(0).text()
    click_empty_canvas(window)  # empty canvas: nothing selected
    assert window.scene.selected_ids() == []
    click(problems.viewport(), problems.visualItemRect(problems.item(0)).center())
    assert window.scene.selected_ids() == [conv]
    # In the inspector: the message in full, wrapped inside the panel, not cut off at its right edge.
    inspector = window.inspector
    assert inspector.node_id == conv
    labels = [label for label in inspector.widget().findChildren(QLabel)
              if label.isVisible() and message in label.text().replace("\u200b", "")]
    assert labels, "the inspector does not show the error"
    assert all(label.wordWrap() for label in labels)
    panel_width, page_width = inspector.viewport().width(), inspector.widget().width()
    overflow = max(label.mapTo(inspector.viewport(), QPoint(label.width(), 0)).x() for label in labels) - panel_width

    # Ctrl+Z puts the kernel back, and every shape with it.
    click_empty_canvas(window)
    key(canvas(window), Qt.Key.Key_Z, CTRL)
    shapes_settled(qtbot, window)
    assert "kernel_size" not in window.graph.nodes[conv].params
    assert all(look(window, n).status == "ok" for n in window.graph.nodes)
    assert tabs.tabText(1) == "Problems" and "✓ no errors" in window.stats_label.text()
    assert overflow <= 0, (f"the error ran {overflow} px past the inspector's right edge "
                           f"(its page is {page_width} px wide in a {panel_width} px panel)")


# -- undo and redo ----------------------------------------------------------------------------------
def test_undo_and_redo_walk_the_document_back_and_forth(window, qtbot):
    ids = build_network(window, qtbot)
    doc = window.session.doc
    wired = doc.to_dict()
    click_empty_canvas(window)
    for _ in range(5):  # the five connections, last first
        key(canvas(window), Qt.Key.Key_Z, CTRL)
    shapes_settled(qtbot, window)
    assert len(window.graph.edges) == 0 and len(window.scene.edges) == 0
    assert set(window.graph.nodes) == set(ids.values())
    unwired = doc.to_dict()
    assert look(window, ids["Conv2d"]).status == "unresolved"  # no input: no shape
    key(canvas(window), Qt.Key.Key_Z, CTRL)  # the Output card's drop
    assert ids["Output"] not in window.graph.nodes and ids["Output"] not in window.scene.nodes
    assert window.act_redo.isEnabled() and window.act_redo.text() == f"&Redo Add {ids['Output']}"
    key(canvas(window), Qt.Key.Key_Z, CTRL | SHIFT)  # the README's Redo
    assert doc.to_dict() == unwired, "Ctrl+Shift+Z did not redo"
    assert ids["Output"] in window.scene.nodes
    for _ in range(5):
        key(canvas(window), Qt.Key.Key_Z, CTRL | SHIFT)
    shapes_settled(qtbot, window)
    assert doc.to_dict() == wired
    assert len(window.scene.edges) == 5 and look(window, ids["Output"]).shape == "(10,)"
    assert not window.act_redo.isEnabled()


# -- the template gallery ---------------------------------------------------------------------------
def _shown_title(gallery) -> str:
    """The title in the gallery's details pane (its heading), as the user reads it."""
    import re

    found = re.search(r"<h2[^>]*>(.*?)</h2>", gallery.details.toHtml(), re.S)
    text = re.sub(r"<[^>]+>", "", found.group(1)) if found else ""
    return text.replace("&amp;", "&").strip()


def in_modal_dialog(act) -> dict:
    """Run `act(dialog)` once the next modal dialog is up; it must close the dialog.

    The dialog is rejected if `act` fails or leaves it open, so that a broken journey
    fails its test instead of hanging in the dialog's event loop.
    """
    from PySide6.QtCore import QTimer

    seen: dict = {}

    def run():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, run)
            return
        try:
            act(dialog, seen)
        except Exception as exc:  # noqa: BLE001 - reported by the test after the dialog closed
            seen["error"] = exc
        finally:
            if dialog.isVisible():
                seen.setdefault("left_open", True)
                dialog.reject()

    QTimer.singleShot(0, run)
    return seen


def test_the_gallery_opens_the_template_its_filter_shows(window, qtbot):
    def choose(gallery, seen):
        seen["first"] = _shown_title(gallery)
        type_text(gallery.search, "ResNet-18")
        shown = [gallery.list.item(i) for i in range(gallery.list.count()) if not gallery.list.item(i).isHidden()]
        seen["visible"] = [item.text().split("\n")[0] for item in shown]
        open_button = gallery.buttons.button(QDialogButtonBox.StandardButton.Open)
        if shown and not open_button.isEnabled():  # nothing chosen yet: the user clicks the first match
            click(gallery.list.viewport(), gallery.list.visualItemRect(shown[0]).center())
        seen["shown"] = _shown_title(gallery)
        seen["open_enabled"] = open_button.isEnabled()
        click(open_button)

    seen = in_modal_dialog(choose)
    key(canvas(window), Qt.Key.Key_O, CTRL | SHIFT)  # File > Open Template…
    assert "error" not in seen, seen.get("error")
    assert seen["first"] == "Perceptron"  # the first paper by year is selected at first
    assert seen["visible"][0] == "ResNet-18" and "Perceptron" not in seen["visible"], seen["visible"]
    assert seen["shown"] == "ResNet-18", f"the details show {seen['shown']!r} after filtering for ResNet-18"
    assert seen["open_enabled"] and not seen.get("left_open")
    doc = window.session.doc
    assert doc.title == "ResNet-18", f"Open opened {doc.title!r}"

    # The shapes on the canvas are those of what the recipe trains (digits resized to 32 × 32), and the
    # Input card says so; ResNet's first convolution reads in full on its card.
    shapes_settled(qtbot, window)
    assert "trains at 32×32" in " ".join(shown_texts(window, "image"))
    assert look(window, "image").shape == "(3, 32, 32)"
    assert look(window, "conv1").shape == "(64, 16, 16)"  # 7 × 7, stride 2, padding 3
    truncated = [text for name in ("image", "conv1") for text in shown_texts(window, name) if "…" in text]
    assert not truncated, f"the cards cut off {truncated}"


# -- training ---------------------------------------------------------------------------------------
def toolbar_button(win, shortcut: str):
    """The main toolbar's button for the action with `shortcut` (its tooltip names it)."""
    bar = win.findChild(QToolBar, "main_toolbar")
    action = next(a for a in bar.actions() if a.toolTip().endswith(f"({shortcut})"))
    return bar.widgetForAction(action)


def test_train_pause_resume_and_stop_from_the_keyboard(make_window, qtbot):
    from engine.templates import load_template
    from engine.training import Stopped

    win = make_window(load_template("lenet5"))
    panel = win.training_panel
    key(canvas(win), Qt.Key.Key_F5)
    assert win.controller.state in ("starting", "running")
    assert win.training_dock.isVisible() and win.bottom_tabs.currentWidget() is win.curves
    qtbot.waitUntil(lambda: win.controller.current is not None and win.controller.current.step >= 3,
                    timeout=60000)
    key(canvas(win), Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: win.controller.state == "paused", timeout=20000)
    qtbot.wait(200)  # the last batch's numbers arrive
    step = win.controller.current.step
    qtbot.wait(300)
    assert win.controller.current.step == step  # paused means paused
    assert f"step {step}/" in win.train_label.text()
    assert panel.state_label.text() == "Paused"
    assert "Resume" in panel.pause_button.text()
    assert "paused" in win.train_label.text()
    toolbar = toolbar_button(win, "F6")
    assert "Resume" in toolbar.text(), f"the panel says Resume, the toolbar {toolbar.text()!r}"

    # The recipe cannot change under a run: its fields say so and take no edit, and Ctrl+A there
    # selects the field's text, not every node of the canvas.
    from PySide6.QtWidgets import QAbstractSpinBox, QLineEdit

    recipe = panel.recipe
    assert recipe.read_only_note.isVisible() and recipe.read_only_note.text().startswith("Training is running")
    fields = [w for w in recipe.findChildren(QWidget) if isinstance(w, (QLineEdit, QAbstractSpinBox))
              and w.isVisible() and not isinstance(w.parent(), QAbstractSpinBox)]
    assert fields, "the recipe shows no fields"
    before = win.session.doc.to_dict()["training"]
    field = fields[0]
    select_field(field)
    type_text(field, "7")
    key(field, Qt.Key.Key_Return)
    assert win.scene.selected_ids() == [], "Ctrl+A in a recipe field selected the canvas's nodes"
    assert win.session.doc.to_dict()["training"] == before

    click(toolbar)  # the toolbar's Resume goes on
    qtbot.waitUntil(lambda: win.controller.current.step > step, timeout=20000)
    assert "Pause" in panel.pause_button.text() and "Pause" in toolbar.text()
    key(canvas(win), Qt.Key.Key_F5, SHIFT)
    qtbot.waitUntil(lambda: win.controller.state == "idle", timeout=30000)
    assert isinstance(win.controller.current.final, Stopped)
    assert panel.state_label.text() == "Stopped"
    assert win.session.trained is not None and win.act_save_weights.isEnabled()
    assert win.act_train.isEnabled() and not win.act_stop.isEnabled()
    # Selecting a node after the run brings the Inspector forward, over the Training panel.
    in_front = lambda dock: not dock.visibleRegion().isEmpty()  # noqa: E731 - a tab shown on screen
    assert in_front(win.training_dock) and not in_front(win.inspector_dock)
    click(canvas(win), node_point(win, "conv1"))
    assert win.scene.selected_ids() == ["conv1"] and win.inspector.node_id == "conv1"
    assert in_front(win.inspector_dock) and not in_front(win.training_dock)
    click_empty_canvas(win)

    # File > New right after the run: the weights are unsaved work, so it asks first.
    from PySide6.QtWidgets import QMessageBox

    asked = win.dialogs["question"]
    win.dialogs["answers"].append(QMessageBox.StandardButton.Cancel)
    click_empty_canvas(win)
    key(canvas(win), Qt.Key.Key_N, CTRL)
    assert [title for title, _text in asked] == ["Unsaved trained weights"]
    assert win.session.doc.title == "LeNet-5" and win.session.trained is not None  # Cancel keeps them
    win.dialogs["answers"].append(QMessageBox.StandardButton.Discard)
    key(canvas(win), Qt.Key.Key_N, CTRL)
    assert len(asked) == 2 and win.session.doc.title != "LeNet-5"
    # The Training panel starts over with the new document: nothing of LeNet-5's run is left on it.
    assert panel.state_label.text() not in ("Stopped", "Paused"), panel.state_label.text()
    assert not panel.outcome.isVisible()
    shown = [label.text() for label in panel.findChildren(QLabel) if label.isVisible()]
    assert not [text for text in shown if "Run 1" in text or "LeNet" in text], shown


# -- the Playground ---------------------------------------------------------------------------------
def dark_pixels_in_the_middle(widget, size: int = 8) -> int:
    """How many pixels of the widget's middle `size`×`size` square are dark (a glyph drawn there)."""
    image = widget.grab().toImage()
    cx, cy = image.width() // 2, image.height() // 2
    return sum(image.pixelColor(x, y).lightness() < 110
               for x in range(cx - size // 2, cx + size // 2) for y in range(cy - size // 2, cy + size // 2))


def test_the_playground_opens_from_the_train_menu_and_plays(window, qtbot):
    menu = open_menu(window, "Train")
    click_menu_item(menu, "Playground")
    qtbot.waitUntil(lambda: len(window._playgrounds) == 1, timeout=5000)
    playground = window._playgrounds[0]
    qtbot.waitExposed(playground)
    view = playground.network_view
    assert view.neuron_buttons, "a hidden layer has its + and − buttons"
    for plus, minus in view.neuron_buttons:
        for button, glyph in ((plus, "+"), (minus, "−")):
            assert button.isVisible() and (button.text() == glyph or not button.icon().isNull())
            assert dark_pixels_in_the_middle(button) >= 3, f"the {glyph} button shows no glyph"

    top = playground.top
    click(top.play_button)
    assert playground.playing
    qtbot.waitUntil(lambda: playground.session.epoch >= 3, timeout=30000)
    click(top.play_button)
    assert not playground.playing
    epoch = playground.session.epoch
    qtbot.waitUntil(lambda: top.epoch_label.text() == f"{epoch:07,d}", timeout=5000)
    layers = playground.settings.layers
    click(view.neuron_buttons[0][0])  # one more neuron in the first hidden layer
    assert playground.settings.layers == (layers[0] + 1, *layers[1:])

    # The drop-downs open with every choice readable: no half-shown "L2", no scroll arrow.
    for combo in (top.regularization_combo, top.rate_combo, top.lr_combo):
        click(combo)
        popup = combo.view()
        qtbot.waitUntil(popup.isVisible, timeout=2000)
        area = popup.viewport().rect()
        for row in range(combo.count()):
            rect = popup.visualRect(combo.model().index(row, 0))
            assert area.contains(rect), f"{combo.itemText(row)!r} is cut off in its drop-down"
        assert not popup.verticalScrollBar().isVisible()
        key(popup, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda p=popup: not p.isVisible(), timeout=2000)


# -- export -----------------------------------------------------------------------------------------
def test_export_python_from_the_file_menu_and_run_it(window, qtbot, tmp_path, monkeypatch):
    ids = build_network(window, qtbot)
    set_in_inspector(window, qtbot, ids["Linear"], "out_features", "3")
    target = tmp_path / "my_first_net.py"
    asked = []

    def answer(parent, title, suggestion, file_filter, *args, **kwargs):
        asked.append((title, suggestion, file_filter))
        return str(target), file_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
    file_menu = open_menu(window, "File")
    export_menu = click_menu_item(file_menu, "Export")
    click_menu_item(export_menu, "Python module")
    assert len(asked) == 1 and asked[0][0] == "Export Python module" and "*.py" in asked[0][2]
    assert target.exists(), window.dialogs["critical"]
    assert window.statusBar().currentMessage() == f"Exported {target}"
    source = target.read_text()
    assert f"self.{ids['Conv2d']} = nn.Conv2d(1, 16, 3)" in source
    assert f"self.{ids['Linear']} = nn.Linear(10816, 3)" in source  # 16 × 26 × 26 inferred, 3 typed
    done = subprocess.run([sys.executable, str(target)], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == f"{ids['Output']}: (1, 3)"


# -- zoomed out -------------------------------------------------------------------------------------
def test_fit_shows_every_card_with_its_name(make_window, qtbot):
    from app.theme import current_theme
    from engine.templates import load_template

    win = make_window(load_template("lenet5"))
    click_empty_canvas(win)
    key(canvas(win), Qt.Key.Key_F)  # View > Fit to View
    qtbot.wait(250)  # the zoom settles and the cards repaint sharp
    zoom = win.view.scale_factor
    assert win.zoom_label.text() == f"{zoom * 100:.0f}%"
    image = win.view.viewport().grab().toImage()
    background = current_theme().color("node").lightness()
    for node_id, item in win.scene.nodes.items():
        rect = win.view.mapFromScene(item.sceneBoundingRect()).boundingRect()
        assert canvas(win).rect().contains(rect), f"{node_id} is not in view after Fit"
        # The card's right two thirds, inside its border: its name is drawn there, even this far out.
        left, right = rect.left() + rect.width() * 0.4, rect.right() - rect.width() * 0.1
        top, bottom = rect.top() + rect.height() * 0.2, rect.bottom() - rect.height() * 0.2
        ink = sum(abs(image.pixelColor(x, y).lightness() - background) > 80
                  for x in range(int(left), int(right)) for y in range(int(top), int(bottom)))
        assert ink >= 6, f"{node_id}'s card is blank at {zoom:.0%}"
