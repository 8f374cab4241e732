"""The Playground window: its buttons change the network, it plays, pauses, steps and resets, its
maps are the session's, and its network leaves for the editor as a document that computes the same."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent

from app.playground.colors import heatmap_images, lookup_table
from app.playground.documents import document_of, open_session, weights_of
from engine.compiler import compile_network
from engine.document import Document
from engine.inspect.boundary import grid_points
from engine.playground import PlaygroundSettings, playground_document
from tests.helpers import sequential_document


def _click(qtbot, widget, point: QPointF, button=Qt.MouseButton.LeftButton) -> None:
    qtbot.mouseClick(widget, button, pos=point.toPoint())


def _move(widget, point: QPointF) -> None:
    event = QMouseEvent(QEvent.Type.MouseMove, point, widget.mapToGlobal(point.toPoint()).toPointF(),
                        Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    widget.mouseMoveEvent(event)


def test_plus_and_minus_buttons_change_the_network(window, qtbot):
    view = window.network_view
    assert window.settings.layers == (4, 2)
    _click(qtbot, view.add_layer_button, QPointF(13, 13))
    assert window.settings.layers == (4, 2, 2)
    assert [n.op for n in window.session.document.network().nodes.values()].count("Linear") == 4
    plus, minus = view.neuron_buttons[0]
    _click(qtbot, plus, QPointF(10, 10))
    _click(qtbot, plus, QPointF(10, 10))
    assert window.settings.layers == (6, 2, 2)
    assert window.session.module.fc1.weight.shape == (6, 2)
    _click(qtbot, view.neuron_buttons[2][1], QPointF(10, 10))
    assert window.settings.layers == (6, 2, 1)
    assert not view.neuron_buttons[2][1].isEnabled()  # a layer keeps one neuron
    for _ in range(3):
        _click(qtbot, view.remove_layer_button, QPointF(13, 13))
    assert window.settings.layers == () and not view.remove_layer_button.isEnabled()
    assert window.session.module.fc1.weight.shape == (2, 2)  # features straight to the two logits
    assert len(view.neuron_buttons) == 0
    for _ in range(8):
        _click(qtbot, view.add_layer_button, QPointF(13, 13))
    assert len(window.settings.layers) == 8 and not view.add_layer_button.isEnabled()


def test_play_pause_step_and_reset(window, qtbot):
    assert window.session.epoch == 0 and window.top.epoch_label.text() == "0,000,000"[-7:]
    _click(qtbot, window.top.step_button, QPointF(19, 19))
    assert window.session.epoch == 1 and window.top.epoch_label.text() == "000,001" and not window.playing
    _click(qtbot, window.top.play_button, QPointF(29, 29))
    assert window.playing
    qtbot.waitUntil(lambda: window.session.epoch >= 4, timeout=20000)
    _click(qtbot, window.top.play_button, QPointF(29, 29))
    assert not window.playing
    epoch = window.session.epoch
    qtbot.wait(100)
    assert window.session.epoch == epoch  # paused means paused
    assert window.frame.epoch == epoch and len(window.session.history.epochs) == epoch + 1
    weights = window.session.state_dict()["fc1.weight"].clone()
    window.play()
    _click(qtbot, window.top.reset_button, QPointF(19, 19))
    assert not window.playing and window.session.epoch == 0 and window.top.epoch_label.text() == "000,000"
    assert not torch.equal(weights, window.session.state_dict()["fc1.weight"])


def test_the_views_show_the_sessions_maps(window, qtbot):
    window.step()
    frame = window.frame
    np.testing.assert_allclose(frame.output, window.session.frame(record=False).output, atol=1e-6)
    # The output image is the frame's output through Playground's colour table, y pointing up.
    image = window.output_view.image
    assert (image.width(), image.height()) == (100, 100)
    table = lookup_table()
    value = frame.output[0, 0]  # bottom-left of the square: the image's last row
    expected = int(table[int(np.clip((value + 1) * 127.5, 0, 255))]) & 0xFFFFFF
    assert image.pixel(0, 99) & 0xFFFFFF == expected
    assert [len(images) for images in window.network_view.neuron_images] == [4, 2]
    window.discretize_box.setChecked(True)
    colours = {window.output_view.image.pixel(x, y) & 0xFFFFFF for x in range(0, 100, 3) for y in range(0, 100, 3)}
    assert colours <= {int(table[0]) & 0xFFFFFF, int(table[255]) & 0xFFFFFF}


def test_hovering_a_neuron_shows_it_large(window, qtbot):
    view = window.network_view
    _move(view, view.node_rect(1, 2).center())
    assert window.output_view.preview is not None
    assert "Layer 1, neuron 3" in window.output_view.preview_caption
    expected = heatmap_images(window.frame.neurons[0][2])[0]
    assert window.output_view.preview == expected
    _move(view, view.node_rect(0, 5).center())
    assert window.output_view.preview_caption == "Feature sin(X₁)"
    _move(view, QPointF(2, view.height() - 2))
    assert window.output_view.preview is None


def test_features_switch_on_and_off_by_clicking(window, qtbot):
    view = window.network_view
    _click(qtbot, view, view.node_rect(0, 4).center())  # x1 * x2
    assert window.settings.features == ("x1", "x2", "x1_times_x2")
    assert window.session.module.fc1.weight.shape == (4, 3)
    _click(qtbot, view, view.node_rect(0, 0).center())
    assert window.settings.features == ("x2", "x1_times_x2")


def test_links_show_and_edit_their_weight(window, qtbot):
    view = window.network_view
    # A quarter of the way along the link from hidden 1, neuron 4 to hidden 2, neuron 2.
    x, y = view._samples[view._links.index((1, 1, 3)), 4]
    middle = QPointF(x, y + 1.0)
    hit = view.hit(middle)
    assert (hit.kind, hit.layer, hit.index, hit.source) == ("link", 1, 1, 3)
    assert view.value_of(hit) == pytest.approx(float(window.session.state_dict()["fc2.weight"][1, 3]))
    _click(qtbot, view, middle)
    assert view.editor.isVisible()
    view.editor.setText("-2.5")
    qtbot.keyClick(view.editor, Qt.Key.Key_Return)
    assert float(window.session.state_dict()["fc2.weight"][1, 3]) == pytest.approx(-2.5)
    assert not view.editor.isVisible()
    # A bias: the small square at a neuron's corner.
    box = view._bias_rect(view.node_rect(1, 0), view.node_size())
    hit = view.hit(box.center())
    assert (hit.kind, hit.layer, hit.index) == ("bias", 0, 0)
    view.edit(hit, box.center())
    view.editor.setText("0.75")
    qtbot.keyClick(view.editor, Qt.Key.Key_Return)
    assert float(window.session.state_dict()["fc1.bias"][0]) == pytest.approx(0.75)
    view.edit(hit, box.center())
    view.editor.setText("not a number")
    qtbot.keyClick(view.editor, Qt.Key.Key_Return)
    assert view.editor.isVisible() and float(window.session.state_dict()["fc1.bias"][0]) == pytest.approx(0.75)


def test_live_learning_rate_change_is_marked(window, qtbot):
    window.step()
    window.step()
    combo = window.top.lr_combo
    combo.setCurrentIndex(combo.findData(0.3))
    combo.activated.emit(combo.currentIndex())
    assert window.session.optimizer.param_groups[0]["lr"] == 0.3 and window.session.epoch == 2
    assert [(m.epoch, m.text) for m in window.loss_curve.history.marks] == [(2, "lr 0.3")]
    rate = window.top.rate_combo
    regularization = window.top.regularization_combo
    regularization.setCurrentIndex(regularization.findData("l1"))
    regularization.activated.emit(regularization.currentIndex())
    rate.setCurrentIndex(rate.findData(0.01))
    rate.activated.emit(rate.currentIndex())
    assert window.settings.regularization == "l1" and window.settings.regularization_rate == 0.01
    assert window.session.epoch == 2


def test_clicks_on_the_output_draw_points(window, qtbot):
    out = window.output_view
    count = window.session.train_count
    _click(qtbot, out, out.to_widget(2.0, 3.0))
    _click(qtbot, out, out.to_widget(-1.0, -4.0), Qt.MouseButton.RightButton)
    assert window.session.train_count == count + 2
    points, labels = window.session.points, window.session.labels
    np.testing.assert_allclose(points[count], [2.0, 3.0], atol=0.1)
    np.testing.assert_allclose(points[count + 1], [-1.0, -4.0], atol=0.1)
    assert (labels[count], labels[count + 1]) == (1, 0)
    assert window.settings.dataset == "custom"


def test_datasets_and_problem_type(window, qtbot):
    _click(qtbot, window.data_panel.dataset_buttons["spiral"], QPointF(30, 30))
    assert window.settings.dataset == "spiral"
    window.data_panel.noise_slider.setValue(4)
    assert window.settings.noise == pytest.approx(0.2)
    window.data_panel.ratio_slider.setValue(8)
    assert window.session.train_count == 400
    combo = window.top.problem_combo
    combo.setCurrentIndex(combo.findData("regression"))
    combo.activated.emit(combo.currentIndex())
    assert (window.settings.problem, window.settings.dataset) == ("regression", "plane")
    assert window.session.module.get_submodule(window.session.linear_ids[-1]).out_features == 1
    assert window.data_panel.dataset_buttons["multi_gauss"].isVisibleTo(window)
    assert not window.data_panel.dataset_buttons["circle"].isVisibleTo(window)
    assert "Training loss" in window.train_loss_label.text()


def test_open_in_editor_yields_a_document_that_computes_the_same(window, qtbot):
    received = []
    window.open_in_editor = received.append
    window.change(layers=(5, 3), features=("x1", "x2", "x1_squared"))
    for _ in range(3):
        window.step()
    _click(qtbot, window.top.editor_button, QPointF(20, 10))
    (doc,) = received
    assert isinstance(doc, Document)
    doc = Document.from_dict(doc.to_dict())  # as saved and opened again: plain JSON
    module = compile_network(doc.network())
    module.load_state_dict(weights_of(doc))
    _, _, grid = grid_points((-6, 6, -6, 6), 100)
    with torch.no_grad():
        logits = module(grid)
    output = torch.tanh((logits[:, 1] - logits[:, 0]) / 2).reshape(100, 100).numpy()
    np.testing.assert_allclose(output, window.frame.output, atol=1e-6)
    # ... and back: the document reopens in the Playground where it left off.
    session, _, notes = open_session(doc, device="cpu")
    assert session.settings.layers == (5, 3) and notes == []
    np.testing.assert_allclose(session.frame().output, window.frame.output, atol=1e-6)


def test_without_the_editor_open_in_editor_saves_the_document(window, qtbot, tmp_path):
    path = tmp_path / "mine.json"
    window.dialogs["files"].append(path)
    window.send_to_editor()
    assert Document.load(path).network().nodes["fc3"].params == {"out_features": 2}
    assert "netsmith open" in window.statusBar().currentMessage()


def test_export_python_says_when_the_exporter_is_missing(window, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_export(name, *args, **kwargs):
        if name == "engine.export":
            raise ImportError("not in this build")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_export)
    window.export_python()
    assert window.dialogs["information"] == [("Export Python", "Export Python is not available in this build.")]


def test_export_writes_python_and_the_weights(window, tmp_path):
    from engine.weights import load_weights

    written = []

    def fake_export(doc, fmt, path):  # the exporter's interface (engine.export.export)
        written.append((fmt, doc.network().nodes["fc1"].params))
        path.write_text("# exported\n")
        return [path]

    files = window.export_to(tmp_path / "net.py", fake_export)
    assert [p.name for p in files] == ["net.py", "net.safetensors"]
    assert written == [("python", {"out_features": 4})]
    module = compile_network(window.document().network())
    load_weights(module, tmp_path / "net.safetensors")
    assert torch.equal(module.fc1.weight, window.session.module.fc1.weight)


def test_documents_open_when_playground_shaped_and_are_refused_otherwise(window, tmp_path):
    settings = PlaygroundSettings(dataset="xor", layers=(6,), activation="relu", learning_rate=0.1)
    path = tmp_path / "net.json"
    playground_document(settings).save(path)
    assert window.load_document_file(path)
    assert window.settings == settings and window.top.activation_combo.currentData() == "relu"
    lenet = sequential_document({"kind": "image", "shape": [1, 28, 28]}, ("Conv2d", {"out_channels": 6}),
                                "Flatten", ("Linear", {"out_features": 10}))
    assert not window.load_document(lenet)
    (title, text), = window.dialogs["warning"]
    assert title == "Not a Playground network" and "is not a vector of 2" in text
    assert window.settings == settings  # nothing lost


def test_points_from_a_csv_file(window, tmp_path):
    path = tmp_path / "points.csv"
    rng = np.random.default_rng(0)
    xy = rng.uniform(-5, 5, (40, 2))
    path.write_text("\n".join(f"{x:.3f},{y:.3f},{int(x > 0)}" for x, y in xy))
    assert window.load_csv(str(path))
    assert len(window.session.points) == 40 and window.session.train_count == 20
    assert window.settings.dataset == "custom" and not window.data_panel.dataset_group.checkedButton()
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2\n")
    assert not window.load_csv(str(bad))
    assert "expected 3 columns" in window.dialogs["warning"][0][1]
    assert len(window.session.points) == 40


def test_a_document_with_l1_and_drawn_points_round_trips(window):
    window.change(regularization="l1", regularization_rate=0.003)
    window.add_point(1.0, 1.0, 1.0)
    doc = Document.from_dict(document_of(window.session).to_dict())
    session, _, _ = open_session(doc, device="cpu")
    assert session.settings.regularization == "l1" and session.settings.regularization_rate == 0.003
    assert session.settings.dataset == "custom" and len(session.points) == 501
    assert doc.training["optimizer"] == {"name": "sgd", "lr": 0.03}  # L1 has no place in the recipe


def test_key_space_plays_and_pauses(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.playing
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not window.playing


def test_big_networks_draw(qtbot, dialogs):
    from app.playground.window import PlaygroundWindow

    win = PlaygroundWindow(PlaygroundSettings(layers=(64,) * 8), device="cpu")
    qtbot.addWidget(win)
    win.show()
    win.step()
    image = win.grab().toImage()
    assert image.width() > 0
    view = win.network_view
    # Of each 64 x 64 pair only the 400 strongest links are drawn; the small pairs are drawn whole.
    assert len(view._links) == 2 * 64 + 7 * 400 + 64
    w = np.abs(view.weights[3][0])
    drawn = np.zeros_like(w, bool)
    for layer, target, source in view._links:
        if layer == 3:
            drawn[target, source] = True
    assert drawn.sum() == 400 and w[drawn].min() >= w[~drawn].max()
    assert view.node_rect(8, 63).bottom() <= view.height()
    win.close()


def test_cells_are_square_and_inside(window):
    view = window.network_view
    rect = view.node_rect(1, 0)
    assert rect.width() == rect.height() == round(view.node_size())
    assert view.rect().contains(view.node_rect(0, 6).toRect().bottomRight() - QPoint(1, 1))


def test_changes_while_playing_land_between_epochs(window, qtbot):
    window.play()
    qtbot.waitUntil(lambda: window.frames_shown >= 3, timeout=20000)
    assert window.change(learning_rate=0.3) == "live" and window.playing
    window.add_point(0.5, 0.5, 1.0)
    window._edit_weight(0, 0, 0, 1.25)
    shown = window.frames_shown
    qtbot.waitUntil(lambda: window.frames_shown >= shown + 2, timeout=20000)
    window.pause()
    session = window.session
    assert session.optimizer.param_groups[0]["lr"] == 0.3 and session.train_count == 251
    (mark,) = session.history.marks
    assert mark.text == "lr 0.3" and 1 <= mark.epoch < session.epoch
    assert session.history.epochs == list(range(session.epoch + 1))  # one point per epoch on the curve
    assert window.frame.epoch == session.epoch and window.top.epoch_label.text() == f"{session.epoch:07,d}"
    window.play()
    assert window.change(layers=(3,)) == "network"
    assert not window.playing and session.epoch == 0  # a new network waits for Play, as in Playground


def test_a_failure_while_playing_is_reported_and_pauses(window, qtbot, monkeypatch):
    def broken(epochs: int = 1) -> None:
        raise RuntimeError("out of luck")

    monkeypatch.setattr(window.session, "step", broken)
    window.play()
    qtbot.waitUntil(lambda: not window.playing and bool(window.dialogs["critical"]), timeout=20000)
    assert window.dialogs["critical"] == [("Training stopped", "RuntimeError: out of luck")]
