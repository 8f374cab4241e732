"""The Training panel: Train / Pause / Resume / Stop, progress of the epoch and of the run,
the live learning rate, the outcome, the trained weights, the recipe, and the LR finder."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.editor.session import EditSession
from app.training.controller import TrainingController, pause_label
from app.training.meter import Meter
from app.training.recipe_editor import RecipeEditor
from app.training.runs import RunRecord
from app.viz.plots import SERIES, make_plot, pen, style_plot
from engine.training import Failed, Finished, Stopped

__all__ = ["TrainingPanel", "format_duration"]

STATE_TEXT = {"idle": "Idle", "starting": "Starting…", "running": "Training", "paused": "Paused",
              "stopping": "Stopping…"}


def format_duration(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds):
        return "—"
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class TrainingPanel(QScrollArea):
    save_weights = Signal()

    def __init__(self, controller: TrainingController, session: EditSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.session: EditSession | None = None
        self.recipe: RecipeEditor | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        page = QWidget()
        self.page_layout = QVBoxLayout(page)
        self.page_layout.setContentsMargins(12, 8, 12, 12)
        self.page_layout.setSpacing(8)
        self._build_controls()
        self.recipe_holder = QVBoxLayout()
        self.recipe_holder.setContentsMargins(0, 0, 0, 0)
        self.page_layout.addWidget(_section("Recipe"))
        self.page_layout.addLayout(self.recipe_holder)
        self._build_lr_finder()
        self.page_layout.addStretch(1)
        self.setWidget(page)
        controller.state_changed.connect(self._state_changed)
        controller.run_started.connect(self._run_started)
        controller.progressed.connect(self.show_progress)
        controller.run_ended.connect(self._run_ended)
        controller.lr_found.connect(self._lr_found)
        controller.lr_failed.connect(self._lr_failed)
        self.set_session(session)
        self._state_changed(controller.state)

    # -- building ----------------------------------------------------------------------------------
    def _build_controls(self) -> None:
        lay = self.page_layout
        self.train_button = QPushButton("▶  Train")
        self.train_button.setDefault(True)
        self.train_button.setToolTip("Train the network with this recipe (F5)")
        self.train_button.clicked.connect(lambda: self.controller.start())
        self.pause_button = QPushButton(pause_label("idle"))
        self.pause_button.setToolTip("Pause before the next batch; Resume goes on (F6)")
        self.pause_button.clicked.connect(self._pause_or_resume)
        self.stop_button = QPushButton("■  Stop")
        self.stop_button.setToolTip("End the run before its next batch; the weights so far stay (Shift+F5)")
        self.stop_button.clicked.connect(lambda: self.controller.stop())
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        for button in (self.train_button, self.pause_button, self.stop_button):
            buttons.addWidget(button)
        self.state_label = QLabel()
        self.state_label.setProperty("role", "heading")
        heading = QHBoxLayout()
        heading.addWidget(self.state_label, 1)
        lay.addLayout(heading)
        lay.addLayout(buttons)

        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        self.epoch_label = QLabel("Epoch")
        # Wide enough for "Epoch 100 of 100": a label that grows would shift both bars sideways.
        self.epoch_label.setMinimumWidth(self.epoch_label.fontMetrics().horizontalAdvance("Epoch 000 of 000"))
        self.epoch_bar = Meter()
        self.run_label = QLabel("Run")
        self.run_bar = Meter()
        grid.addWidget(self.epoch_label, 0, 0)
        grid.addWidget(self.epoch_bar, 0, 1)
        grid.addWidget(self.run_label, 1, 0)
        grid.addWidget(self.run_bar, 1, 1)
        grid.setColumnStretch(1, 1)
        lay.addLayout(grid)
        self.rate_label = _muted("")
        # Two lines, always: the text changes length while training, and a label that went from one
        # line to two and back would move the whole form under the mouse.
        self.rate_label.setFixedHeight(2 * self.rate_label.fontMetrics().lineSpacing() + 2)
        self.rate_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        lay.addWidget(self.rate_label)

        self.lr_edit = QLineEdit()
        self.lr_edit.setPlaceholderText("e.g. 0.0003")
        self.lr_edit.setToolTip("A new learning rate for the run in progress, from its next step on")
        self.lr_edit.returnPressed.connect(self._set_lr)
        self.lr_button = QPushButton("Set")
        self.lr_button.clicked.connect(self._set_lr)
        row = QHBoxLayout()
        row.addWidget(QLabel("Learning rate now"))
        row.addWidget(self.lr_edit, 1)
        row.addWidget(self.lr_button)
        lay.addLayout(row)
        self.lr_note = _muted("")
        lay.addWidget(self.lr_note)

        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outcome.hide()
        lay.addWidget(self.outcome)
        self.trained_label = _muted("")
        self.save_button = QPushButton("Save trained weights…")
        self.save_button.clicked.connect(self.save_weights)
        lay.addWidget(self.trained_label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        lay.addLayout(row)

    def _build_lr_finder(self) -> None:
        lay = self.page_layout
        lay.addWidget(_section("Learning-rate finder"))
        lay.addWidget(_muted("Smith's range test: a short run with the rate growing from 1e-6 to 10; the best "
                             "rate is near the steepest fall of the loss."))
        self.find_button = QPushButton("Find learning rate")
        self.find_button.clicked.connect(lambda: self.controller.find_lr())
        self.use_button = QPushButton("Use it")
        self.use_button.setToolTip("Put the suggested rate into the recipe (one undo step)")
        self.use_button.clicked.connect(self._use_suggested)
        self.use_button.hide()
        self.lr_result = _muted("")
        row = QHBoxLayout()
        row.addWidget(self.find_button)
        row.addWidget(self.lr_result, 1)
        row.addWidget(self.use_button)
        lay.addLayout(row)
        self.lr_plot = make_plot(left="loss", bottom="learning rate")
        self.lr_plot.getPlotItem().setLogMode(x=True)
        self.lr_plot.setMinimumHeight(150)
        self.lr_plot.hide()
        self.lr_curve = self.lr_plot.plot([], [], pen=pen(SERIES["train"]))
        lay.addWidget(self.lr_plot)
        self.suggested: float | None = None
        self._suggested_line: pg.InfiniteLine | None = None

    def set_session(self, session: EditSession) -> None:
        """Another document: the panel starts over (the last run and the finder's result were the
        previous document's)."""
        if self.recipe is not None:
            self.recipe.close_jobs()
            self.recipe.deleteLater()
        if self.session is not None:
            self.session.trained_changed.disconnect(self._update_trained)
        self.session = session
        self.recipe = RecipeEditor(session)
        self.recipe_holder.addWidget(self.recipe)
        session.trained_changed.connect(self._update_trained)
        self._reset()

    def _reset(self) -> None:
        self.outcome.hide()
        self.lr_note.clear()
        self.rate_label.clear()
        self.epoch_label.setText("Epoch")
        self.epoch_bar.set_progress(0, 1)
        self.run_bar.set_progress(0, 1)
        self.lr_edit.clear()
        self.lr_edit.setPlaceholderText("e.g. 0.0003")
        self.lr_plot.hide()
        self.lr_curve.setData([], [])
        if self._suggested_line is not None:
            self.lr_plot.removeItem(self._suggested_line)
            self._suggested_line = None
        self.suggested = None
        self.lr_result.clear()
        self.use_button.hide()
        self._state_changed(self.controller.state)

    # -- state ----------------------------------------------------------------------------------------
    def _state_changed(self, state: str) -> None:
        c = self.controller
        active = state in ("starting", "running", "paused")
        self.train_button.setEnabled(state == "idle" and not c.finding_lr)
        self.pause_button.setEnabled(active)
        self.pause_button.setText(pause_label(state))
        self.stop_button.setEnabled(active)
        self.lr_edit.setEnabled(active)
        self.lr_button.setEnabled(active)
        self.find_button.setEnabled(state == "idle" and not c.finding_lr)
        self.find_button.setText("Finding…" if c.finding_lr else "Find learning rate")
        text = STATE_TEXT.get(state, state)
        record = c.current
        if state == "idle" and record is not None and record.final is not None:
            text = {"finished": "Finished", "stopped": "Stopped", "failed": "Failed"}[record.outcome]
        self.state_label.setText(text)
        self._update_trained()

    def _pause_or_resume(self) -> None:
        if self.controller.state == "paused":
            self.controller.resume()
        else:
            self.controller.pause()

    def _run_started(self, record: RunRecord) -> None:
        self.outcome.hide()
        self.lr_note.clear()
        self.show_progress(record)

    def show_progress(self, record: RunRecord) -> None:
        started = record.started
        if started is None:
            self.rate_label.setText("loading the data and building the network…")
            self.epoch_bar.set_progress(0, 1)
            self.run_bar.set_progress(0, 1)
            return
        per, epochs = started.steps_per_epoch, started.epochs
        done_epochs = len(record.epochs) + started.start_epoch
        in_epoch = record.batch if record.epoch >= done_epochs else 0
        if done_epochs >= epochs:  # the last epoch is complete
            in_epoch = per
        self.epoch_label.setText(f"Epoch {min(done_epochs + 1, epochs)} of {epochs}")
        self.epoch_bar.set_progress(min(in_epoch, per), per, f"{in_epoch} / {per} batches")
        self.run_bar.set_progress(min(record.step, record.total_steps), record.total_steps,
                                  f"step {record.step:,} / {record.total_steps:,}")
        eta = record.eta_seconds()
        parts = [f"{record.samples_per_s:,.0f} samples/s" if record.samples_per_s else "",
                 f"ETA {format_duration(eta)}" if record.final is None else "",
                 f"elapsed {format_duration(record.active_seconds)}",
                 f"{started.device}" + (f" ({started.precision})" if started.precision != "fp32" else "")]
        self.rate_label.setText(" · ".join(p for p in parts if p))
        if record.lrs:
            self.lr_edit.setPlaceholderText(f"now {record.lrs[-1]:.3g}")

    def _run_ended(self, record: RunRecord) -> None:
        final = record.final
        self.show_progress(record)
        self._state_changed(self.controller.state)
        if isinstance(final, Finished):
            early = " (early stopping)" if final.early_stopped else ""
            text = f"Finished {final.epochs} epochs in {format_duration(final.seconds)}{early}. {record.summary()}"
            self._show_outcome(text, "ok")
        elif isinstance(final, Stopped):
            self._show_outcome(f"Stopped at step {final.step:,}. {record.summary()}", "muted")
        elif isinstance(final, Failed):
            self._show_outcome(f"Training failed: {final.message}", "error")

    def _show_outcome(self, text: str, role: str) -> None:
        self.outcome.setText(text.strip())
        self.outcome.setProperty("role", {"ok": "muted", "muted": "muted", "error": "error"}[role])
        self.outcome.style().unpolish(self.outcome)
        self.outcome.style().polish(self.outcome)
        self.outcome.show()

    def _update_trained(self) -> None:
        """Say whose weights these are: while a run is in progress, its own (an earlier run's weights
        are not what Stop will leave); after it, the attached ones, with the button to save them."""
        trained = self.session.trained if self.session is not None else None
        record, state = self.controller.current, self.controller.state
        if state != "idle" and record is not None:
            what = {"starting": "is starting", "running": "is training", "paused": "is paused",
                    "stopping": "is stopping"}[state]
            text = (f"{record.name} {what}: when it ends, its weights stay with the document until the network "
                    "changes (Stop keeps the weights so far).")
            trained = None  # not the ones to save now
        elif trained is not None:
            text = (f"The weights of {trained.run} stay with the document until the network changes: save "
                    "them, or export the network with them.")
        else:
            text = ""
        self.trained_label.setText(text)
        self.trained_label.setToolTip(trained.summary if trained else "")
        self.trained_label.setVisible(bool(text))
        self.save_button.setEnabled(trained is not None)
        self.save_button.setVisible(trained is not None)

    # -- learning rate ----------------------------------------------------------------------------------
    def _set_lr(self) -> None:
        text = self.lr_edit.text().strip()
        try:
            lr = float(text)
        except ValueError:
            self.lr_note.setText(f"Not a number: {text!r}")
            return
        if self.controller.set_lr(lr):
            self.lr_note.setText(f"The rate becomes {lr:g} at the next step (marked on the curves).")
            self.lr_edit.clear()
        else:
            self.lr_note.setText(f"Not applied: expected a positive learning rate, got {text}")

    def _lr_found(self, result) -> None:
        self.lr_plot.show()
        lrs, losses = np.asarray(result.lrs, np.float64), np.asarray(result.losses, np.float64)
        keep = np.isfinite(losses)
        self.lr_curve.setData(lrs[keep], losses[keep])
        if self._suggested_line is not None:
            self.lr_plot.removeItem(self._suggested_line)
        self._suggested_line = pg.InfiniteLine(math.log10(result.suggested_lr), angle=90,
                                               pen=pen(SERIES["val"], dash=True))
        self.lr_plot.addItem(self._suggested_line)
        self.suggested = result.suggested_lr
        self.lr_result.setText(f"suggested {result.suggested_lr:.2g} (lowest loss at {result.min_loss_lr:.2g})")
        self.use_button.show()
        self._state_changed(self.controller.state)

    def _lr_failed(self, text: str) -> None:
        self.lr_result.setText(f"Could not run: {text}")
        self._state_changed(self.controller.state)

    def _use_suggested(self) -> None:
        if self.suggested is not None and self.recipe is not None:
            self.recipe.set_value(("optimizer", "lr"), float(f"{self.suggested:.2g}"))

    def apply_theme(self) -> None:
        style_plot(self.lr_plot)


def _muted(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "muted")
    label.setWordWrap(True)
    return label


def _section(text: str) -> QLabel:
    label = QLabel(text.upper())
    label.setProperty("role", "section")
    return label
