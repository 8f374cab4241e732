"""The small plots and views stay legible: rate ticks that never pile up, change marks whose text
no line crosses, a loss axis that turns logarithmic when one loss dwarfs the rest, a metric list
before the first epoch, counts in the confusion matrix, an activation grid that keeps its place."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QFontMetrics

from app.training.runs import RunRecord
from engine.training import BatchEnd, EpochEnd, RunStarted


def _record(losses, val_losses=(), task="classification", marks=()) -> RunRecord:
    record = RunRecord(1, "t", "sgd", task)
    per = max(1, len(losses) // max(1, len(val_losses) or 1))
    record.started = RunStarted("cpu", "fp32", 10, {"model": 10}, "digits", 100, 20, per, max(1, len(val_losses)))
    def lr_at(step: int) -> float:
        return next((lr for s, lr in reversed(marks) if s <= step), 0.001)

    record.add_batches(tuple(BatchEnd(i // per, i + 1, i % per + 1, v, lr_at(i + 1), 100.0,
                                      lr_changes=tuple((s, lr) for s, lr in marks if s == i + 1))
                             for i, v in enumerate(losses)))
    record.add_epochs(tuple(EpochEnd(e, {"loss": 1.0, "accuracy": 0.6}, {"loss": v, "accuracy": 0.1}, 0.01, 1.0,
                                     True) for e, v in enumerate(val_losses)))
    return record


@pytest.fixture
def curves(qtbot):
    from app.viz.curves import CurvesView

    view = CurvesView()
    qtbot.addWidget(view)
    view.resize(1000, 240)  # the bottom dock's height on a laptop
    view.show()
    qtbot.waitExposed(view)
    return view


def _label_centres(plot) -> list[float]:
    """Pixel rows of the left axis's labelled ticks, as pyqtgraph lays them out for its height."""
    axis = plot.getPlotItem().getAxis("left")
    low, high = plot.getPlotItem().getViewBox().viewRange()[1]
    size = axis.geometry().height()
    labelled = axis.tickValues(low, high, size)[:axis.style["maxTextLevel"] + 1]
    values = [v for _spacing, level in labelled for v in level]
    return sorted((v - low) / (high - low) * size for v in values)


def test_the_rate_plot_is_tall_enough_and_its_tick_labels_never_pile_up(curves, qtbot):
    from app.viz.curves import SMALL_PLOT_HEIGHT
    from app.viz.plots import SparseAxis

    for marks in ((), ((11, 0.01),)):  # a constant rate (0.001 beside 0.0009), then a live change over a decade
        record = _record([1.0] * 20, marks=marks)
        curves.set_runs([record], record)
        curves.redraw(full=True)
        qtbot.wait(10)
        plot = curves.lr_plot
        assert plot.height() >= SMALL_PLOT_HEIGHT
        rows = _label_centres(plot)
        assert len(rows) >= 1
        line = QFontMetrics(plot.getPlotItem().getAxis("left").style["tickFont"]).height()
        assert all(b - a >= SparseAxis.LABEL_GAP * line - 1e-6 for a, b in zip(rows, rows[1:])), rows


def test_a_rate_change_mark_keeps_its_text_clear_of_its_line(curves, qtbot):
    record = _record([1.0] * 20, marks=((11, 0.01),))
    curves.set_runs([record], record)
    curves.redraw(full=True)
    qtbot.wait(10)
    line = next(line for plot, line in curves._marks if plot is curves.loss_plot)
    text = line.label.mapRectToScene(line.label.boundingRect())
    x = curves.loss_plot.getPlotItem().getViewBox().mapViewToScene(QPointF(11, 0)).x()
    assert text.left() > x  # the dashed line runs beside the text, not through it
    assert line.label.fill.style() != Qt.BrushStyle.NoBrush  # and the text sits on a fill, above the curves


def test_the_loss_axis_turns_logarithmic_when_one_loss_dwarfs_the_rest(curves, qtbot):
    diverged = _record([2.3, 1.9, 1.7, 1.6], val_losses=[1171.0])  # ResNet-18's old first epoch
    curves.set_runs([diverged], diverged)
    curves.redraw(full=True)
    assert curves.log_box.isChecked() and curves.loss_plot.getPlotItem().ctrl.logYCheck.isChecked()
    calm = _record([2.3, 1.2, 0.6, 0.3], val_losses=[0.4])
    curves.set_runs([diverged, calm], calm)
    curves.redraw(full=True)
    assert not curves.log_box.isChecked()  # each run starts linear; its own losses decide
    curves.log_box.click()  # the user's choice is kept from then on
    curves.log_box.click()
    curves.set_runs([diverged, calm, diverged], diverged)
    curves.redraw(full=True)
    assert not curves.log_box.isChecked()


def test_the_metric_list_is_filled_before_the_first_epoch(curves):
    record = _record([1.0, 0.9])
    record.epochs.clear()
    curves.set_runs([record], record)
    assert [curves.metric_combo.itemText(i) for i in range(curves.metric_combo.count())] == ["accuracy"]
    segmentation = RunRecord(2, "t", "adam", "segmentation")
    curves.set_runs([segmentation], segmentation)
    assert curves.metric_combo.currentText() == "miou"


def test_the_confusion_matrix_draws_its_counts_in_a_small_panel(qtbot):
    from app.theme import current_theme
    from app.viz.confusion import ConfusionView

    view = ConfusionView()
    qtbot.addWidget(view)
    view.resize(300, 190)  # the Inside dock of a 1066x666 window: cells about 13 px high
    m = np.diag(np.full(10, 300)) + 1 - np.eye(10, dtype=int)
    view.set_matrix(m, 0)
    view.show()
    qtbot.waitExposed(view)
    image = view.grab().toImage()
    left, top, wide, high = view.cells
    assert high < 15
    # A diagonal cell is filled with the accent colour; its count is written on it in the panel's colour.
    panel = QColor(current_theme().panel)
    cell = [image.pixelColor(int(left + 4 * wide + dx), int(top + 4 * high + dy))
            for dx in range(1, int(wide) - 1) for dy in range(1, int(high) - 1)]
    assert any(abs(c.red() - panel.red()) + abs(c.green() - panel.green()) + abs(c.blue() - panel.blue()) < 60
               for c in cell)
    assert view.cell_at(left + 4.5 * wide, top + 2.5 * high) == (2, 4)


def test_the_activation_grid_keeps_its_place_when_what_a_channel_sees_arrives(qtbot):
    from app.viz.activations import ActivationsView

    view = ActivationsView()
    qtbot.addWidget(view)
    view.resize(620, 280)
    view.show()
    qtbot.waitExposed(view)
    view.set_node("conv1", "Conv2d")
    view.set_data({"activations/conv1": np.random.default_rng(0).random((8, 6, 6), np.float32)})
    qtbot.wait(10)
    before = view.view.geometry()
    view.show_maximized("conv1", 3, np.random.default_rng(1).random((1, 8, 8), np.float32), 1.5)
    view.seen_label.setText("Channel 3 sees this most (mean activation 1.5), a line long enough to wrap twice "
                            "in the space beside the button")
    qtbot.wait(10)
    assert view.seen_view.isVisible() and view.view.geometry() == before
