"""The Playground window with TensorFlow Playground links, a classroom that hides controls, Regenerate
that keeps training, and its look inside the editor's theme (glyphs on the round buttons, whole menus)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog

from app.playground.documents import document_of, open_session
from engine.playground_link import CONTROLS, format_link, parse_link
from tests.engine.test_playground_link import ISSUE_LINK

CLASS_LINK = ISSUE_LINK.replace("activation=tanh", "activation=relu").replace("networkShape=4,2", "networkShape=3") \
    + "&noise_hide=true&playButton_hide=true&numHiddenLayers_hide=true&dataset_hide=true"


def test_open_link_takes_every_setting_and_hides_what_the_link_hides(window):
    assert window.open_link(CLASS_LINK)
    assert window.settings.activation == "relu" and window.settings.layers == (3,)
    assert window.session.module.fc1.weight.shape == (3, 2)
    assert window.top.activation_combo.currentData() == "relu"
    hidden = window.controls()
    for name in ("noise", "playButton", "numHiddenLayers", "dataset"):
        assert all(not w.isVisible() for w in hidden[name]), name
        assert window.hide_actions[name].isChecked()
    assert window.top.step_button.isVisible() and window.data_panel.batch_slider.isVisible()
    assert window.dialogs["information"] == []  # a link Netsmith reads fully needs no message
    assert parse_link(window.copy_link()) == parse_link(CLASS_LINK)
    assert QGuiApplication.clipboard().text() == window.link()


def test_what_a_link_does_differently_is_one_message_and_the_link_still_opens(window):
    assert window.open_link(ISSUE_LINK + "&cosX=true&foo=1&bar=2")
    assert len(window.dialogs["information"]) == 1
    title, text = window.dialogs["information"][0]
    assert "cosX" in text and "ignored 2 unknown keys: foo, bar" in text
    assert window.settings.regularization == "l2"


def test_a_bad_link_is_refused_and_the_window_keeps_its_network(window):
    window.change(layers=(5,))
    assert not window.open_link("https://example.org/")
    assert window.dialogs["warning"] and window.settings.layers == (5,)


def test_the_classroom_menu_hides_a_control_and_the_document_keeps_it(window, qtbot):
    window.hide_actions["learningRate"].trigger()
    window.hide_actions["showTestData"].trigger()
    assert not window.top.lr_combo.isVisible() and not window.show_test_box.isVisible()
    assert window.view.hidden == ("showTestData", "learningRate")
    assert "learningRate_hide=true" in window.copy_link()
    doc = document_of(window.session, view=window.view)
    from app.playground.window import PlaygroundWindow

    again = PlaygroundWindow(document=doc, device="cpu")
    qtbot.addWidget(again)
    again.show()
    assert again.view.hidden == ("showTestData", "learningRate") and not again.top.lr_combo.isVisible()
    assert open_session(doc, device="cpu")[1] == window.view
    window.hide_actions["learningRate"].trigger()  # shown again
    assert window.top.lr_combo.isVisible() and window.view.hidden == ("showTestData",)
    again.close()


def test_the_view_checkboxes_travel_in_the_link(window):
    window.show_test_box.setChecked(True)
    window.discretize_box.setChecked(True)
    _, view, _ = parse_link(window.link())
    assert view.show_test_data and view.discretize


def test_regenerate_draws_new_points_and_keeps_the_network_training(window):
    for _ in range(3):
        window.step()
    weights = window.session.state_dict()
    points = window.session.points.copy()
    window.play()
    window.data_panel.regenerate_button.click()
    assert window.playing  # as Playground: the run goes on
    window.pause()
    assert not np.array_equal(points, window.session.points)
    assert window.session.epoch >= 3  # not back to epoch 0
    window.step()
    after = window.session.state_dict()
    assert after["fc1.weight"].shape == weights["fc1.weight"].shape
    assert window.session.history.marks[-1].text == "new data"
    paused = window.session.state_dict()
    window.regenerate()
    assert all(torch.equal(paused[k], v) for k, v in window.session.state_dict().items())  # same weights


def test_the_export_dialog_starts_where_the_editors_does(window, monkeypatch, tmp_path):
    from app.settings import Settings

    asked = []

    def save_name(parent, title, start, *args, **kwargs):
        asked.append(start)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    window.export_python()
    assert Path(asked[-1]) == Path.home() / "playground_mlp.py"  # nothing recent: home, as in the editor
    recent = tmp_path / "work" / "net.json"
    recent.parent.mkdir()
    recent.write_text("{}")
    Settings().add_recent(recent)
    window.export_python()
    assert Path(asked[-1]) == recent.parent / "playground_mlp.py"
    assert Settings().dialog_dir(None) == str(recent.parent)


@pytest.fixture
def editor_theme():
    """The application styled as the editor styles it (style, palette, font, style sheet); restored after."""
    from app.theme import LIGHT, apply_theme

    app = QApplication.instance()
    saved = (app.style().name(), app.palette(), app.font(), app.styleSheet())
    apply_theme(app, LIGHT)
    yield
    style, palette, font, sheet = saved
    app.setStyleSheet(sheet)
    app.setStyle(style)
    app.setPalette(palette)
    app.setFont(font)


def _dark_pixels_in_the_middle(widget) -> int:
    image = widget.grab().toImage()
    w, h = image.width(), image.height()
    return sum(image.pixelColor(x, y).lightness() < 140
               for x in range(w // 4, 3 * w // 4) for y in range(h // 4, 3 * h // 4))


def test_the_round_buttons_show_plus_and_minus_when_opened_from_the_editor(qtbot, editor_theme, dialogs):
    from engine.templates import load_template
    from tests.app.windows import show_window

    editor = show_window(qtbot, dialogs, load_template("lenet5"))
    editor.act_playground.trigger()  # Train > Playground (Ctrl+Shift+P)
    playground = editor._playgrounds[-1]
    qtbot.waitExposed(playground)
    view = playground.network_view
    buttons = [view.add_layer_button, view.remove_layer_button, *[b for pair in view.neuron_buttons for b in pair]]
    assert len(buttons) == 6
    for button in buttons:
        assert _dark_pixels_in_the_middle(button) >= 6, button.toolTip()  # the glyph, not a blank circle
    playground.close()
    editor.session.undo_stack.setClean()
    editor.close()


def test_every_menu_item_shows_whole_in_the_editors_theme(editor_theme, window):  # themed first, as in the app
    for combo in (window.top.lr_combo, window.top.activation_combo, window.top.regularization_combo,
                  window.top.rate_combo, window.top.problem_combo):
        combo.showPopup()
        QApplication.processEvents()
        view = combo.view()
        widest = max(view.fontMetrics().horizontalAdvance(combo.itemText(i)) for i in range(combo.count()))
        last = view.visualRect(view.model().index(combo.count() - 1, 0))
        assert last.bottom() < view.viewport().height(), combo.itemText(combo.count() - 1)  # "L2", "10": whole
        assert view.viewport().width() >= widest + 8
        assert not view.verticalScrollBar().isVisible()
        combo.hidePopup()


def test_every_hidable_control_of_playground_has_widgets(window):
    assert set(window.controls()) == set(CONTROLS)
    assert all(window.controls().values())
    assert format_link(window.settings, window.view).startswith("https://playground.tensorflow.org/#activation=")


def test_file_menu_open_link_and_copy_link(window, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    asked = []

    def get_text(parent, title, label, *args, **kwargs):
        asked.append((title, kwargs.get("text", "")))
        return CLASS_LINK, True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    actions = {a.text().replace("&", ""): a for a in window.menuBar().actions()[0].menu().actions()}
    QGuiApplication.clipboard().setText(ISSUE_LINK)
    actions["Open Link…"].trigger()
    assert asked == [("Open Link", ISSUE_LINK)]  # a link on the clipboard is offered
    assert window.settings.layers == (3,) and "noise" in window.view.hidden
    QGuiApplication.clipboard().clear()
    actions["Copy Link"].trigger()
    assert parse_link(QGuiApplication.clipboard().text()) == parse_link(CLASS_LINK)
