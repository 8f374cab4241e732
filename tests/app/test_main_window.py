"""The window as a user meets it: files, recovery, menus, clipboard between windows, gallery."""

from __future__ import annotations

import json
import subprocess
import sys

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.autosave import pending_recoveries
from app.editor import edits
from app.editor.gallery import TemplateGallery
from app.main_window import MainWindow
from app.settings import Settings
from engine.document import Document
from engine.graph import Endpoint
from engine.templates import list_templates, load_template


def test_title_shows_the_file_and_an_unsaved_mark(window, tmp_path, monkeypatch):
    assert window.windowTitle() == "LeNet-5 (unsaved)[*] — Netsmith"
    assert not window.isWindowModified()
    edits.set_params(window.session, "model", "fc1", {"out_features": 100})
    assert window.isWindowModified()
    path = tmp_path / "lenet.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), "")))
    assert window.save()
    assert window.windowTitle() == "lenet.json[*] — Netsmith" and not window.isWindowModified()
    assert Settings().recent_files() == [str(path.resolve())]


def test_save_then_open_round_trips(window, tmp_path, monkeypatch):
    edits.rename(window.session, "model", "fc1", "hidden")
    edits.auto_layout(window.session, "model", "right")
    saved = window.session.doc.to_json()
    path = tmp_path / "net.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), "")))
    assert window.save_as()
    assert path.read_text() == saved
    window.new_file()
    assert list(window.graph.nodes) == ["x", "y"]
    assert window.open_file(str(path))
    assert window.session.doc.to_json() == saved
    assert window.session.doc.path == path
    assert "hidden" in window.scene.nodes and not window.isWindowModified()


def test_a_corrupt_file_shows_the_loaders_message_and_keeps_the_work(window, tmp_path):
    edits.set_params(window.session, "model", "fc1", {"out_features": 99})
    before = window.session.doc.to_json()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format_version": 1, "networks": {"model": {"nodes": [
        {"id": "c", "op": "Conv2d", "params": {"kernel_size": -2}}]}}}))
    assert not window.open_file(str(bad))
    title, text = window.dialogs["critical"][-1]
    assert title == "Cannot open the file"
    assert "networks.model.nodes[0].params.kernel_size: expected a positive int or a list of 2 such ints, got -2" in text
    foreign = tmp_path / "photo.json"
    foreign.write_bytes(b"\x89PNG\r\n\x1a\n")
    assert not window.open_file(str(foreign))
    assert "not UTF-8 text" in window.dialogs["critical"][-1][1]
    assert window.session.doc.to_json() == before
    assert window.isWindowModified() and window.session.undo_stack.count() == 1


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_unsaved_work_comes_back_after_a_crash(window, qtbot, private_settings):
    edits.add_node(window.session, "model", "Dropout", after="fc1")
    edits.rename(window.session, "model", "fc2", "hidden")
    work = window.session.doc.to_json()
    assert window.autosaver.save_now()
    # The process "dies": no clean close, and its pid is gone.
    window.autosaver.timer.stop()
    meta_file = window.autosaver.path.with_name(window.autosaver.path.stem + ".meta.json")
    meta = json.loads(meta_file.read_text())
    meta["pid"] = _dead_pid()
    meta_file.write_text(json.dumps(meta))
    window.autosaver.path = window.autosaver.path.with_name("gone.json")  # its cleanup must not find them

    recovered = MainWindow(load_template("lenet5"), Settings())
    qtbot.addWidget(recovered)
    window.dialogs["answers"].append(QMessageBox.StandardButton.Yes)
    assert recovered.offer_recovery()
    assert "LeNet-5" in window.dialogs["question"][-1][1]
    assert recovered.session.doc.to_json() == work
    assert recovered.isWindowModified() and recovered.session.doc.path is None
    assert pending_recoveries(Settings().recovery_dir) == []  # its own autosave now, alive
    recovered.session.undo_stack.setClean()
    recovered.close()


def test_autosave_writes_only_unsaved_work_and_a_clean_close_removes_it(window):
    assert not window.autosaver.save_now()
    assert not window.autosaver.path.exists()
    edits.set_params(window.session, "model", "fc1", {"out_features": 50})
    assert window.autosaver.save_now()
    assert Document.load(window.autosaver.path).network().nodes["fc1"].params["out_features"] == 50
    assert pending_recoveries(Settings().recovery_dir) == []  # this process is alive
    window.dialogs["answers"].append(QMessageBox.StandardButton.Discard)
    assert window.close()
    assert not window.autosaver.path.exists()


def test_closing_with_unsaved_changes_asks_and_cancel_keeps_the_window(window):
    edits.set_params(window.session, "model", "fc1", {"out_features": 50})
    window.dialogs["answers"].append(QMessageBox.StandardButton.Cancel)
    assert not window.close()
    assert window.isVisible()
    assert window.dialogs["question"][-1][0] == "Unsaved changes"


def test_copy_and_paste_between_two_windows(window, qtbot):
    other = MainWindow(load_template("lenet5"), Settings())
    qtbot.addWidget(other)
    window.scene.select_ids(["conv2", "tanh2"])
    window.act_copy.trigger()
    assert QGuiApplication.clipboard().mimeData().hasFormat("application/x-netsmith-nodes+json")
    other.act_paste.trigger()
    graph = other.graph
    assert {"conv3", "tanh5"} <= set(graph.nodes)
    assert graph.source(Endpoint("tanh5", "x")) == Endpoint("conv3", "out")
    assert graph.nodes["conv3"].params == {"out_channels": 16, "kernel_size": 5}
    assert other.scene.selected_ids() == ["conv3", "tanh5"]
    window.act_duplicate.trigger()
    assert {"conv3", "tanh5"} <= set(window.graph.nodes)
    other.session.undo_stack.setClean()
    other.close()


def test_export_writes_a_python_file_that_builds_the_network(window, tmp_path, monkeypatch):
    from app import export_actions

    target = tmp_path / "lenet.py"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    assert window.export(export_actions.format_by_key("python"))
    namespace: dict = {}
    exec(compile(target.read_text(), str(target), "exec"), namespace)  # the file we just wrote
    model = namespace["LeNet5"]()
    assert sum(p.numel() for p in model.parameters()) == 61706
    assert not (tmp_path / "lenet.safetensors").exists()  # nothing trained, no weights beside it


def test_export_refusal_lists_the_problem_and_keeps_the_work(window, tmp_path, monkeypatch):
    from app import export_actions

    before = window.session.doc.to_json()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(tmp_path / "x.onnx"), "")))
    monkeypatch.setattr(export_actions, "engine_export", lambda *a, **k: (_ for _ in ()).throw(
        ValueError("onnx cannot hold these nodes of 'model':\n  - pool2 (AvgPool2d): reason")))
    assert not window.export(export_actions.format_by_key("onnx"))
    assert window.dialogs["critical"][-1] == ("Export failed",
                                              "onnx cannot hold these nodes of 'model':\n  - pool2 (AvgPool2d): reason")
    assert window.session.doc.to_json() == before


def test_import_weights_checks_names_and_shapes_and_attaches_them(window, tmp_path, monkeypatch):
    import torch

    from engine.compiler import compile_network
    from engine.weights import save_weights

    donor = compile_network(window.session.doc.network())
    good = save_weights(donor, tmp_path / "good.safetensors")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(good), "")))
    assert window.import_weights()
    attached = window.session.trained_module("model")
    for key, value in donor.state_dict().items():
        assert torch.equal(attached.state_dict()[key], value)

    other = window.session.doc.copy()
    other.network().set_params("fc1", {"out_features": 7})
    bad = save_weights(compile_network(other.network()), tmp_path / "bad.safetensors")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(bad), "")))
    assert not window.import_weights()
    title, message = window.dialogs["critical"][-1]
    assert title == "Import failed"
    assert "shape of fc1.weight: the network has (120, 400), the file has (7, 400)" in message
    assert "shape of fc2.weight: the network has (84, 120), the file has (84, 7)" in message


def test_group_open_block_and_back(window, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Features", True)))
    window.scene.select_ids(["conv2", "tanh2", "pool2"])
    node = window.group()
    assert node == "features1" and window.scene.selected_ids() == ["features1"]
    window.session.analyze_now()
    assert window.scene.nodes[node].look.shape == "(16, 5, 5)"
    window.act_expand.trigger()
    assert [row[0] for row in window.scene.nodes[node].look.rows] == ["conv2", "tanh2", "pool2"]
    assert window.scene.nodes[node].look.rows[0][1] == "(16, 10, 10)"
    window.open_selected_block()
    assert window.key == "block:Features" and set(window.scene.nodes) == {"x", "conv2", "tanh2", "pool2", "out"}
    window.session.analyze_now()
    assert window.scene.edges[Endpoint("conv2", "x")].label.text == "(6, 14, 14)"  # from its use in the model
    window.back_to_network()
    assert window.key == "model"
    window.session.undo_stack.undo()  # expand
    window.session.undo_stack.undo()  # group: the block goes, the canvas keeps showing the network
    assert "Features" not in window.session.doc.blocks and "conv2" in window.scene.nodes


def test_gallery_lists_every_template_with_its_meta_and_a_thumbnail(qtbot):
    gallery = TemplateGallery()
    qtbot.addWidget(gallery)
    assert gallery.list.count() == len(list_templates())
    gallery.render_all()
    assert set(gallery.entries) == set(list_templates())
    item = next(gallery.list.item(i) for i in range(gallery.list.count()) if "LeNet-5" in gallery.list.item(i).text())
    assert "1998" in item.text() and "61,706" in item.text()
    assert not item.icon().isNull()
    gallery.list.setCurrentItem(item)
    html = gallery.details.toHtml()
    assert "Gradient-Based Learning Applied to Document Recognition" in html and "LeCun" in html
    gallery._open()
    assert gallery.chosen == "lenet5"


def test_theme_switch_and_new_document(window, qtbot):
    window.set_theme("dark")
    assert Settings().theme == "dark"
    assert window.scene.nodes["conv1"].look.shape == "(6, 28, 28)"
    window.set_theme("light")
    window.new_file()
    assert list(window.graph.nodes) == ["x", "y"]
    qtbot.waitUntil(lambda: window.session.analysis is not None, timeout=3000)  # right after the first paint
    assert window.session.analysis.ok and "1 nodes" not in window.stats_label.text()


def test_playground_opens_from_the_editor_and_sends_its_network_back(window, qtbot):
    import numpy as np
    import torch

    from engine.inspect.boundary import grid_points
    from engine.templates import load_template

    assert window.open_playground(load_template("lenet5")) is None  # not a Playground network: refused
    assert window.dialogs["warning"][-1][0] == "Not a Playground network"

    playground = window.open_playground(load_template("playground_mlp"))  # deletes itself on close
    for _ in range(3):
        playground.step()
    editor = window.open_from_playground(playground.document())  # what "Open in editor" calls
    qtbot.addWidget(editor)
    module = editor.session.trained_module("model")
    _, _, grid = grid_points((-6, 6, -6, 6), 50)
    with torch.no_grad():
        np.testing.assert_allclose(module(grid).numpy(), playground.session.module(grid).numpy(), atol=1e-6)
    assert editor.session.doc.network().nodes["fc1"].op == "Linear"
    playground.close()
    editor.close()


def test_redo_and_quit_answer_their_usual_keys_each_once(window):
    # A standard key used to keep only the platform's first binding: Redo got Ctrl+Y
    # twice offscreen, Qt called it ambiguous, and neither key redid anything.
    redo = [s.toString() for s in window.act_redo.shortcuts()]
    assert {"Ctrl+Shift+Z", "Ctrl+Y"} <= set(redo) and len(redo) == len(set(redo))
    assert "Ctrl+Q" in [s.toString() for s in window.act_quit.shortcuts()]
