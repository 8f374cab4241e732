"""Training in the window: runs end as they should, the window stays usable, the views show the
engine's own numbers."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from training_docs import DIGITS, tiny_cnn, tiny_mlp, wait_idle

from app.editor import edits
from engine.inspect import activation_maps, filter_grid
from engine.training import Failed, Finished, Stopped


def test_train_reaches_finished_and_the_curve_holds_a_point_per_step(make_window, qtbot, tmp_path, monkeypatch):
    win = make_window(tiny_cnn())
    assert win.train()
    assert win.session.read_only
    wait_idle(qtbot, win)
    record = win.controller.current
    assert isinstance(record.final, Finished) and record.outcome == "finished"
    steps = record.started.steps_per_epoch * record.started.epochs
    assert steps == 90  # 1,438 training digits in batches of 32, twice
    x, y = win.curves.c_step.getData()
    assert len(x) == steps and list(x) == list(range(1, steps + 1))
    assert np.allclose(y, record.losses) and y[-1] < y[0]  # it learned
    epochs_x, _ = win.curves.c_val.getData()
    assert list(epochs_x) == [45, 90]
    assert win.training_panel.run_bar.value() == steps and win.training_panel.state_label.text() == "Finished"
    assert not win.session.read_only and win.session.trained is not None
    assert win.inside.confusion.matrix.sum() == 359  # the validation digits (20 % of 1,797) of the last epoch

    # The trained weights can be saved, and they are the ones of the run.
    from PySide6.QtWidgets import QFileDialog
    from safetensors.torch import load_file

    out = tmp_path / "tiny.safetensors"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    assert win.save_trained_weights()
    saved = load_file(str(out))
    for key, value in win.session.trained.models["model"].state_dict().items():
        assert torch.equal(saved[key], value.cpu())

    # Changing the network drops them: they were weights of another network.
    win.scene.select_ids(["fc1"])
    assert edits.set_params(win.session, "model", "fc1", {"out_features": 24})
    assert win.session.trained is None and not win.act_save_weights.isEnabled()


def test_stop_ends_within_one_batch_and_joins_the_thread(make_window, qtbot):
    win = make_window(tiny_cnn({**DIGITS, "epochs": 200}))
    assert win.train()
    qtbot.waitUntil(lambda: win.controller.current.step >= 5, timeout=30000)
    worker, trainer = win.controller.worker, win.controller.trainer
    at_stop = trainer.step
    win.act_stop.trigger()
    assert win.controller.state == "stopping"
    wait_idle(qtbot, win)
    final = win.controller.current.final
    assert isinstance(final, Stopped) and final.step <= at_stop + 1
    assert worker.isFinished() and win.controller.worker is None
    assert win.training_panel.state_label.text() == "Stopped"
    assert win.session.trained is not None  # the weights so far stay attached


def test_a_diverging_recipe_ends_with_its_message_shown_and_nothing_lost(make_window, qtbot):
    recipe = {"task": "regression", "dataset": {"name": "playground", "kind": "plane"}, "batch_size": 32,
              "epochs": 2, "optimizer": {"name": "sgd", "lr": 1e4}}
    win = make_window(tiny_mlp(recipe))
    before = win.session.doc.to_dict()
    assert win.train()
    wait_idle(qtbot, win)
    final = win.controller.current.final
    assert isinstance(final, Failed) and "training diverged" in final.message
    shown = win.training_panel.outcome
    assert shown.isVisible() and shown.text() == f"Training failed: {final.message}"
    assert win.problems.item(0).text() == f"●  Training failed: {final.message}"
    assert win.bottom_tabs.currentWidget() is win.problems
    assert win.session.doc.to_dict() == before and win.session.trained is None
    assert edits.add_node(win.session, "model", "ReLU", (0, 400)) is not None  # the window is usable


def test_a_run_time_shape_error_and_a_missing_dataset_fail_with_their_reason(make_window, qtbot, tmp_path):
    win = make_window(tiny_cnn({**DIGITS, "dataset": {"name": "digits", "size": 16}}))
    assert win.train()
    wait_idle(qtbot, win)
    assert "digits gives samples of shape (1, 16, 16)" in win.controller.current.final.message
    win2 = make_window(tiny_cnn({**DIGITS, "dataset": {"name": "image_folder", "path": str(tmp_path / "none"),
                                                       "size": 8, "channels": 1}}))
    assert win2.train()
    wait_idle(qtbot, win2)
    assert isinstance(win2.controller.current.final, Failed)
    assert str(tmp_path / "none") in win2.training_panel.outcome.text()


def test_edits_while_training_are_refused_with_a_message(make_window, qtbot):
    win = make_window(tiny_cnn({**DIGITS, "epochs": 50}))
    messages = []
    win.session.message.connect(messages.append)
    assert win.train(pause_after=2)
    qtbot.waitUntil(lambda: win.controller.state == "paused", timeout=30000)
    before = win.session.doc.to_dict()
    assert edits.add_node(win.session, "model", "ReLU", (0, 400)) is None
    assert not edits.set_params(win.session, "model", "fc1", {"out_features": 3})
    win.scene.select_ids(["fc1"])
    win.delete()
    assert not win.session.undo()
    field = win.training_panel.recipe.fields["optimizer.lr"]
    assert not win.training_panel.recipe.set_value(("optimizer", "lr"), 0.5)
    assert "read-only until it stops" in field.error.text()
    assert messages and all("read-only until it stops" in m for m in messages)
    assert win.session.doc.training["optimizer"]["lr"] == 0.003
    # Positions are not the network: moving a node still works.
    fc1 = win.session.doc.network().nodes["fc1"]
    assert edits.move(win.session, "model", {"fc1": dict(fc1.ui)}, {"fc1": {**fc1.ui, "x": 300}})
    after = win.session.doc.to_dict()
    assert fc1.ui["x"] == 300
    assert [n["id"] for n in after["networks"]["model"]["nodes"]] == \
        [n["id"] for n in before["networks"]["model"]["nodes"]]
    win.act_stop.trigger()
    wait_idle(qtbot, win)
    assert edits.add_node(win.session, "model", "ReLU", (0, 400)) is not None  # editable again


def test_activations_and_filters_show_the_engines_introspection_of_the_same_weights(make_window, qtbot):
    win = make_window(tiny_cnn())
    view, filters = win.inside.activations, win.inside.filters
    win.scene.select_ids(["conv1"])
    view.sample_spin.setValue(2)
    qtbot.waitUntil(lambda: view.maps is not None and filters.grid is not None, timeout=30000)
    probe = win.controller.inspection_trainer()  # freshly initialised weights, before any run
    model = probe.models["model"]
    x = torch.stack([probe.data.val[i][0] for i in range(3)])
    np.testing.assert_array_equal(view.maps, activation_maps(model, x, ["conv1"], sample=2)["conv1"])
    np.testing.assert_array_equal(filters.grid, filter_grid(model, "conv1"))

    assert win.train()
    wait_idle(qtbot, win)
    trained = win.session.trained.models["model"]
    expected_maps = activation_maps(trained, x, ["conv1"], sample=2)["conv1"]
    qtbot.waitUntil(lambda: np.array_equal(view.maps, expected_maps), timeout=30000)
    np.testing.assert_array_equal(filters.grid, filter_grid(trained, "conv1"))
    assert filters.shown == "conv1"
    assert not np.array_equal(filters.grid, filter_grid(model, "conv1"))  # training changed them
    # One tile per channel, and the tile clicked is the channel asked about.
    assert view.view.layout_.count == 8
    view.view.tile_clicked.emit(5)
    assert view.channel_spin.value() == 5

    # A node that is no convolution: its activations, and the first convolution's filters.
    win.scene.select_ids(["fc1"])
    qtbot.waitUntil(lambda: view.node_id == "fc1" and view.maps is not None and view.maps.shape == (32,),
                    timeout=30000)
    np.testing.assert_array_equal(view.maps, activation_maps(trained, x, ["fc1"], sample=2)["fc1"])
    assert filters.shown == "conv1" and "first convolution" in filters.header.text()


def test_what_a_channel_sees_runs_in_the_background(make_window, qtbot):
    win = make_window(tiny_cnn())
    view = win.inside.activations
    win.scene.select_ids(["conv1"])
    qtbot.waitUntil(lambda: view.maps is not None, timeout=30000)
    view.channel_spin.setValue(3)
    with qtbot.waitSignal(win.controller.maximized, timeout=60000) as blocker:
        view.see_button.click()
    node, channel, image, value = blocker.args[0]
    assert (node, channel, image.shape) == ("conv1", 3, (1, 8, 8)) and np.isfinite(value)
    assert view.seen_view.array is not None and "Channel 3" in view.seen_label.text()


def test_a_learning_rate_change_while_running_is_marked_on_the_curves(make_window, qtbot):
    win = make_window(tiny_cnn({**DIGITS, "epochs": 3}))
    assert win.train(pause_after=10)
    qtbot.waitUntil(lambda: win.controller.state == "paused", timeout=30000)
    panel = win.training_panel
    panel.lr_edit.setText("0.0005")
    panel.lr_button.click()
    assert "next step" in panel.lr_note.text()
    panel.pause_button.click()  # Resume
    wait_idle(qtbot, win)
    record = win.controller.current
    assert record.lr_marks == [(11, 0.0005)]
    assert record.lrs[9:11] == [0.003, 0.0005]
    marks = [line for plot, line in win.curves._marks if plot is win.curves.loss_plot]
    assert [line.value() for line in marks] == [11]


def test_recipe_edits_are_undoable_and_invalid_values_are_refused_with_the_reason(make_window):
    win = make_window(tiny_cnn())
    editor = win.training_panel.recipe
    field = editor.fields["optimizer.lr"]
    field.editor.setText("-1")
    field.editor.editingFinished.emit()
    assert field.error.text() == "Not applied: expected a positive number, got -1.0"
    assert win.session.doc.training["optimizer"]["lr"] == 0.003
    field.editor.setText("0.01")
    field.editor.editingFinished.emit()
    assert win.session.doc.training["optimizer"]["lr"] == 0.01 and win.session.dirty
    assert win.session.undo_stack.undoText() == "Set training.optimizer.lr"
    win.session.undo()
    assert win.session.doc.training["optimizer"]["lr"] == 0.003 and field.editor.text() == "0.003"
    # A change the validator refuses as a whole (not the field alone) also says why.
    editor.set_value(("optimizer", "name"), "sgd")
    assert not editor.set_value(("optimizer", "nesterov"), True)
    assert "Nesterov momentum needs a momentum above 0" in editor.fields["optimizer.nesterov"].error.text()
    # A new task rebuilds the form with the datasets that fit it.
    assert editor.set_value(("task",), "vae")
    assert set(editor.fields["dataset.name"].param.choices) >= {"digits", "shapes"}


def test_the_lr_finder_plots_its_range_test_and_its_suggestion_can_be_used(make_window, qtbot):
    win = make_window(tiny_cnn())
    panel = win.training_panel
    with qtbot.waitSignal(win.controller.lr_found, timeout=60000) as blocker:
        panel.find_button.click()
        assert not panel.train_button.isEnabled()  # one thing at a time
    result = blocker.args[0]
    x, _ = panel.lr_curve.getData()
    assert len(x) == len(result.lrs) and panel.use_button.isVisible()
    panel.use_button.click()
    assert win.session.doc.training["optimizer"]["lr"] == pytest.approx(result.suggested_lr, rel=0.05)
    assert panel.train_button.isEnabled()


def test_earlier_runs_stay_listed_and_can_be_overlaid(make_window, qtbot):
    win = make_window(tiny_cnn({**DIGITS, "epochs": 1}))
    assert win.train()
    wait_idle(qtbot, win)
    win.training_panel.recipe.set_value(("optimizer", "lr"), 0.01)
    assert win.train()
    wait_idle(qtbot, win)
    curves = win.curves
    assert curves.run_list.count() == 2 and "Run 2" in curves.run_list.item(0).text()
    earlier = curves.run_list.item(1)
    assert "adam lr 0.003" in earlier.text()
    from PySide6.QtCore import Qt

    earlier.setCheckState(Qt.CheckState.Checked)
    overlaid = [item for plot, item in curves._overlay_items if plot is curves.loss_plot]
    assert len(overlaid) == 2  # its smoothed training loss and its validation loss
    assert len(overlaid[0].getData()[0]) == 45


def test_netsmith_open_trains_steps_and_saves_the_window(qapp, tmp_path):
    from PySide6.QtGui import QImage

    from app.cli import main

    doc = tiny_cnn()
    doc.save(tmp_path / "tiny.json")
    out = tmp_path / "training.png"
    assert main(["open", str(tmp_path / "tiny.json"), "--train-steps", "12", "--screenshot", str(out),
                 "--size", "1000x700", "--select", "conv1"]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1000, 700)
    assert main(["open", str(tmp_path / "tiny.json"), "--train-steps", "12"]) == 2


def test_export_gets_the_trained_weights(make_window, qtbot, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog
    from safetensors.torch import load_file

    from app import export_actions

    win = make_window(tiny_cnn({**DIGITS, "epochs": 1}))
    assert win.train()
    wait_idle(qtbot, win)
    trained = win.session.trained.models["model"].state_dict()
    for key, name in (("safetensors", "tiny.safetensors"), ("python", "tiny.py")):
        out = tmp_path / name
        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, o=out, **k: (str(o), "")))
        assert win.export(export_actions.format_by_key(key))
        saved = load_file(str(tmp_path / "tiny.safetensors"))  # the Python export writes them beside itself
        assert saved.keys() == trained.keys()
        assert all(torch.equal(saved[k], v) for k, v in trained.items())


def test_a_document_without_a_recipe_is_offered_one_that_fits_its_input(make_window):
    from app.main_window import new_document

    win = make_window(new_document())  # Input (1, 28, 28) -> Output
    assert not win.train()
    assert win.controller.why_not_train().startswith("This document has no training recipe")
    editor = win.training_panel.recipe
    assert not editor.fields
    editor.add_recipe()
    assert win.session.doc.training["dataset"] == {"name": "digits", "size": 28, "channels": 1}
    assert "dataset.size" in editor.fields and editor.fields["dataset.size"].editor.value() == 28
    win.session.undo()
    assert win.session.doc.training == {} and not editor.fields
