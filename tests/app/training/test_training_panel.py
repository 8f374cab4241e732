"""The Training panel tells the truth about the document shown and the run in progress, keeps
still under the mouse, and a read-only recipe looks read-only and keeps the keyboard."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from training_docs import DIGITS, tiny_cnn, wait_idle

from app.training.controller import READ_ONLY
from app.training.runs import RunRecord
from engine.training import RunStarted


def paused_window(make_window, qtbot, steps: int = 2):
    win = make_window(tiny_cnn({**DIGITS, "epochs": 50}))
    assert win.train(pause_after=steps)
    qtbot.waitUntil(lambda: win.controller.state == "paused", timeout=30000)
    return win


def test_another_document_starts_the_panel_over(make_window, qtbot):
    win = make_window(tiny_cnn({**DIGITS, "epochs": 1}))
    assert win.train()
    wait_idle(qtbot, win)
    panel = win.training_panel
    assert panel.state_label.text() == "Finished" and panel.outcome.isVisible()
    win.dialogs["answers"].append(QMessageBox.StandardButton.Discard)  # the trained weights
    assert win.open_template("lenet5")
    assert panel.state_label.text() == "Idle"
    assert not panel.outcome.isVisible() and panel.rate_label.text() == ""
    assert (panel.epoch_label.text(), panel.epoch_bar.value(), panel.run_bar.value()) == ("Epoch", 0, 0)
    assert win.train_label.text() == "" and win.controller.current is None
    assert not panel.trained_label.isVisible() and not panel.save_button.isVisible()
    # The earlier run stays listed, to overlay, but it is no longer the current curve.
    assert win.curves.current is None and win.curves.run_list.count() == 1
    x, _ = win.curves.c_step.getData()
    assert x is None or len(x) == 0


def test_while_a_run_is_paused_the_panel_speaks_of_that_run(make_window, qtbot):
    win = make_window(tiny_cnn({**DIGITS, "epochs": 1}))
    assert win.train()
    wait_idle(qtbot, win)
    panel = win.training_panel
    assert "The weights of Run 1" in panel.trained_label.text()
    assert win.train(pause_after=2)
    qtbot.waitUntil(lambda: win.controller.state == "paused", timeout=30000)
    text = panel.trained_label.text()
    assert text.startswith("Run 2 is paused") and "Run 1" not in text
    assert not panel.save_button.isVisible() and not win.act_save_weights.isEnabled()  # Run 2 has none yet
    win.act_stop.trigger()
    wait_idle(qtbot, win)
    assert "The weights of Run 2" in panel.trained_label.text() and panel.save_button.isVisible()


def test_toolbar_menu_and_panel_say_pause_or_resume_alike(make_window, qtbot):
    win = paused_window(make_window, qtbot)
    panel = win.training_panel
    assert win.pause_tool.text() == panel.pause_button.text() == "▶  Resume"
    assert win.act_pause.text() == "&Resume"
    win.pause_tool.trigger()
    qtbot.waitUntil(lambda: win.controller.state in ("starting", "running"), timeout=10000)
    assert win.pause_tool.text() == panel.pause_button.text() == "❚❚  Pause"
    assert win.act_pause.text() == "&Pause"
    win.act_stop.trigger()
    wait_idle(qtbot, win)


def test_the_recipe_is_visibly_read_only_while_training_and_says_why(make_window, qtbot):
    win = paused_window(make_window, qtbot)
    editor = win.training_panel.recipe
    assert editor.read_only_note.isVisible() and editor.read_only_note.text() == READ_ONLY
    lr, epochs, task = (editor.fields[k].editor for k in ("optimizer.lr", "epochs", "task"))
    assert lr.isReadOnly() and epochs.isReadOnly() and not task.isEnabled() and not editor.device_combo.isEnabled()
    assert lr.isEnabled() and lr.focusPolicy() != Qt.FocusPolicy.NoFocus  # still takes focus, to select and copy
    QTest.keyClicks(lr, "5")
    assert lr.text() == "0.003"  # a keystroke does nothing, visibly
    win.act_stop.trigger()
    wait_idle(qtbot, win)
    assert not editor.read_only_note.isVisible()
    assert not lr.isReadOnly() and not epochs.isReadOnly() and task.isEnabled()


def _focus(qtbot, win, widget) -> None:
    win.activateWindow()
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=5000)


def test_ctrl_a_in_a_field_selects_its_text_not_the_nodes(make_window, qtbot):
    win = paused_window(make_window, qtbot)
    win.training_dock.raise_()
    lr = win.training_panel.recipe.fields["optimizer.lr"].editor
    _focus(qtbot, win, lr)
    QTest.keyClick(lr, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert lr.selectedText() == "0.003" and win.scene.selected_ids() == []
    win.act_stop.trigger()
    wait_idle(qtbot, win)
    # In a widget that is not text (a drop-down) Ctrl+A is not the canvas's either ...
    task = win.training_panel.recipe.fields["task"].editor
    _focus(qtbot, win, task)
    QTest.keyClick(task, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert win.scene.selected_ids() == []
    # ... and on the canvas it still selects every node.
    _focus(qtbot, win, win.view)
    QTest.keyClick(win.view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert sorted(win.scene.selected_ids()) == sorted(win.graph.nodes)


def test_the_progress_line_keeps_its_height_so_the_form_never_moves(make_window, qtbot):
    win = make_window(tiny_cnn())
    win.training_dock.raise_()
    panel = win.training_panel
    win.resizeDocks([win.training_dock], [300], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: panel.isVisible())
    page = panel.widget()

    def where() -> tuple[int, int]:
        page.layout().activate()
        QApplication.processEvents()
        return panel.rate_label.height(), panel.lr_edit.mapTo(page, QPoint(0, 0)).y()

    record = RunRecord(1, "tiny", "adam", "classification")
    panel.show_progress(record)  # "loading the data and building the network…"
    first = where()
    record.started = RunStarted("cuda:0 (NVIDIA H200 with a long name)", "bf16", 1000, {"model": 1000}, "digits",
                                1438, 359, 45, 10)
    record.steps, record.losses, record.lrs = [12], [1.0], [0.003]
    record.samples_per_s, record.active_seconds = 123456.0, 3725.0
    panel.show_progress(record)
    long_text = panel.rate_label.text()
    assert panel.rate_label.fontMetrics().horizontalAdvance(long_text) > panel.rate_label.width()  # it wraps
    assert where() == first
    record.started = RunStarted("cpu", "fp32", 1000, {"model": 1000}, "digits", 1438, 359, 45, 10)
    panel.show_progress(record)
    assert where() == first
