"""A run's weights live only in the window until saved: every way of leaving the document asks,
as unsaved edits do (Save Trained Weights / Discard / Cancel), and a run in progress too."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from training_docs import DIGITS, tiny_cnn, wait_idle

from engine.templates import load_template

Save, Discard, Cancel = (QMessageBox.StandardButton.Save, QMessageBox.StandardButton.Discard,
                         QMessageBox.StandardButton.Cancel)


def trained_window(make_window, qtbot):
    win = make_window(tiny_cnn({**DIGITS, "epochs": 1}))
    assert win.train()
    wait_idle(qtbot, win)
    assert win.session.trained is not None and win.unsaved_weights()
    assert not win.session.dirty  # only the weights are unsaved
    return win


def _other_file(tmp_path):
    path = tmp_path / "other.json"
    load_template("perceptron").save(path)
    return path


LEAVING = {
    "open another document": lambda win, tmp_path: win.open_file(str(_other_file(tmp_path))),
    "new": lambda win, tmp_path: win.new_file(),
    "open a template": lambda win, tmp_path: win.open_template("perceptron"),
}


@pytest.mark.parametrize("how", LEAVING)
def test_leaving_the_document_asks_about_its_trained_weights_and_cancel_keeps_them(make_window, qtbot, tmp_path,
                                                                                   how):
    win = trained_window(make_window, qtbot)
    trained, doc = win.session.trained, win.session.doc
    win.dialogs["answers"].append(Cancel)
    LEAVING[how](win, tmp_path)
    asked = win.dialogs["question"]
    assert [q[0] for q in asked] == ["Unsaved trained weights"]
    assert "The trained weights of Run 1 are not saved" in asked[0][1]
    assert win.session.doc is doc and win.session.trained is trained  # nothing lost
    win.dialogs["answers"].append(Discard)
    LEAVING[how](win, tmp_path)
    assert len(asked) == 2 and win.session.doc is not doc and win.session.trained is None


def test_quitting_asks_and_save_writes_the_weights_before_the_window_closes(make_window, qtbot, tmp_path,
                                                                            monkeypatch):
    from safetensors.torch import load_file

    win = trained_window(make_window, qtbot)
    weights = {k: v.clone() for k, v in win.session.trained.models["model"].state_dict().items()}
    win.dialogs["answers"].append(Cancel)
    assert not win.close() and win.isVisible()
    out = tmp_path / "run1.safetensors"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    win.dialogs["answers"].append(Save)
    assert win.close()
    saved = load_file(str(out))
    assert saved.keys() == weights.keys() and all((saved[k] == v).all() for k, v in weights.items())


def test_cancelling_the_save_dialog_keeps_the_document(make_window, qtbot, monkeypatch):
    win = trained_window(make_window, qtbot)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    win.dialogs["answers"].append(Save)
    assert not win.open_template("perceptron")
    assert win.session.trained is not None and win.session.doc.title != "Perceptron"


def test_saved_or_exported_weights_do_not_ask_again(make_window, qtbot, tmp_path, monkeypatch):
    from app import export_actions

    win = trained_window(make_window, qtbot)
    out = tmp_path / "w.safetensors"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    assert win.save_trained_weights() and not win.unsaved_weights()
    assert win.train()  # a new run: its weights are unsaved again
    wait_idle(qtbot, win)
    assert win.unsaved_weights()
    py = tmp_path / "tiny.py"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(py), "")))
    assert win.export(export_actions.format_by_key("python"))  # writes tiny.safetensors beside it
    assert not win.unsaved_weights()
    assert win.open_template("perceptron") and win.dialogs["question"] == []


def test_edits_and_weights_are_both_asked_about_in_turn(make_window, qtbot):
    win = trained_window(make_window, qtbot)
    win.scene.select_ids([])
    win.training_panel.recipe.set_value(("epochs",), 3)  # an edit of the recipe keeps the weights
    assert win.session.dirty and win.unsaved_weights()
    win.dialogs["answers"].extend([Discard, Cancel])
    assert not win.open_template("perceptron")
    assert [q[0] for q in win.dialogs["question"]] == ["Unsaved changes", "Unsaved trained weights"]


def test_a_run_in_progress_is_asked_about_and_save_stops_it_and_saves_its_weights(make_window, qtbot, tmp_path,
                                                                                    monkeypatch):
    from safetensors.torch import load_file

    win = make_window(tiny_cnn({**DIGITS, "epochs": 50}))
    assert win.train(pause_after=3)
    qtbot.waitUntil(lambda: win.controller.state == "paused", timeout=30000)
    win.dialogs["answers"].append(Cancel)
    assert not win.open_template("perceptron")
    assert "Run 1 is still training" in win.dialogs["question"][-1][1]
    assert win.controller.state == "paused"  # Cancel leaves the run as it was
    out = tmp_path / "so_far.safetensors"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    win.dialogs["answers"].append(Save)
    assert win.open_template("perceptron")
    assert win.session.doc.title == "Perceptron" and not win.controller.busy
    assert "conv1.weight" in load_file(str(out))
