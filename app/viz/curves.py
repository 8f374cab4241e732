"""Loss, metric and learning-rate curves of the current run, per step and per epoch, with
smoothing, a log scale, marks where the learning rate was changed, and earlier runs overlaid."""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSlider,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.theme import current_theme
from app.training.runs import RunRecord, expected_metrics
from app.viz.plots import RUN_COLORS, SERIES, Fitter, log10, make_plot, pen, style_plot

__all__ = ["CurvesView", "smooth"]

REDRAW_SECONDS = 0.2  # the curves move at most 5 times a second
SMALL_PLOT_HEIGHT = 110  # the metric and rate plots: room for a title, three tick labels and the step axis
LOG_SPAN = 100.0  # the loss plot turns logarithmic (unless chosen by hand) when its largest value is this
                  # many times its median: one diverged validation loss flattens every other point
_PREFERRED = ("accuracy", "psnr", "miou", "elbo", "perplexity", "top5", "kl", "recon")


def smooth(values: np.ndarray, weight: float) -> np.ndarray:
    """TensorBoard's smoothing: an exponential moving average, debiased so the first points are not
    pulled towards 0. NaN values are skipped (they keep the average as it was)."""
    return _Smoothed(weight).extend([float(v) for v in values])


class _Smoothed:
    """Smoothing of one growing series, extended point by point (each redraw costs only the new points)."""

    def __init__(self, weight: float) -> None:
        self.weight, self.average, self.count = weight, 0.0, 0
        self.values: list[float] = []

    def extend(self, series: list[float]) -> np.ndarray:
        w = self.weight
        for v in series[len(self.values):]:
            if math.isfinite(v):
                self.average = w * self.average + (1 - w) * v
                self.count += 1
            self.values.append(self.average / (1 - w ** self.count) if self.count else math.nan)
        return np.asarray(self.values, np.float64)


def _finite(x: np.ndarray, y: np.ndarray, log: bool = False) -> tuple[np.ndarray, np.ndarray]:
    keep = np.isfinite(y) & (y > 0 if log else True)
    return x[keep], y[keep]


class CurvesView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runs: list[RunRecord] = []
        self.current: RunRecord | None = None
        self.overlaid: set[int] = set()
        self.weight = 0.6
        self._smoothed: dict[tuple[int, str], _Smoothed] = {}
        self._marks: list[tuple[pg.PlotWidget, pg.InfiniteLine]] = []
        self._marked = 0
        self._overlay_items: list[tuple[pg.PlotWidget, pg.PlotDataItem]] = []
        self._overlay_y: dict[str, list[np.ndarray]] = {"loss": [], "metric": [], "lr": []}
        self._overlay_x = 0.0
        self._drawn: dict[str, tuple] = {}  # what the curves show, to touch only series that changed
        self._shown: dict[str, dict] = {"loss": {}, "metric": {}, "lr": {}}  # plot -> curve -> y shown
        self._metric_title = ""
        self._log_checked: tuple[int, int] | None = None  # (run, epochs) when _auto_log last looked
        self._last_redraw = 0.0
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.timeout.connect(self.redraw)

        self.smooth_slider = QSlider(Qt.Orientation.Horizontal)
        self.smooth_slider.setRange(0, 99)
        self.smooth_slider.setValue(int(self.weight * 100))
        self.smooth_slider.setMinimumWidth(80)
        self.smooth_slider.setMaximumWidth(140)
        self.smooth_slider.valueChanged.connect(self._smoothing_changed)
        self.smooth_label = QLabel()
        self.smooth_label.setProperty("role", "muted")
        self.log_box = QCheckBox("Log scale")
        self.log_box.setToolTip("A logarithmic loss axis; it turns on by itself when the losses span orders "
                                "of magnitude, until you choose")
        self.log_box.toggled.connect(self._log_changed)
        self.log_box.clicked.connect(self._log_chosen)
        self.log_by_hand = False
        self.metric_combo = QComboBox()
        self.metric_combo.setMinimumContentsLength(10)
        self.metric_combo.currentTextChanged.connect(lambda _t: self._refit())
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 4, 8, 0)
        bar.addWidget(QLabel("Smoothing"))
        bar.addWidget(self.smooth_slider)
        bar.addWidget(self.smooth_label)
        bar.addSpacing(12)
        bar.addWidget(self.log_box)
        bar.addSpacing(12)
        bar.addWidget(QLabel("Metric"))
        bar.addWidget(self.metric_combo)
        bar.addStretch(1)
        # The legend as text: a legend item inside the plot hides the curves it names.
        self.legend = QLabel()
        self.legend.setProperty("role", "muted")
        self.legend.setToolTip("Training loss per step (faint), smoothed (line) and per epoch (dots); "
                               "validation per epoch")
        bar.addWidget(self.legend)
        self._update_legend(None)

        self.loss_plot = make_plot("loss", bottom="step")
        self.metric_plot = make_plot("metric")
        self.lr_plot = make_plot("learning rate", bottom="step")
        self.lr_plot.getPlotItem().setLogMode(y=True)  # rates span decades
        for small in (self.metric_plot, self.lr_plot):
            small.setMinimumHeight(SMALL_PLOT_HEIGHT)
        self.fitters = {name: Fitter(plot, self._refit) for name, plot in
                        (("loss", self.loss_plot), ("metric", self.metric_plot), ("lr", self.lr_plot))}
        self.c_step = self._curve(self.loss_plot, SERIES["train"], 0.3)
        self.c_smooth = self._curve(self.loss_plot, SERIES["smooth"], 1.0)
        self.c_train_epoch = self._curve(self.loss_plot, SERIES["train"], 1.0, symbol=True)
        self.c_val = self._curve(self.loss_plot, SERIES["val"], 1.0, symbol=True)
        self.c_extras: dict[str, pg.PlotDataItem] = {}
        self.m_train = self._curve(self.metric_plot, SERIES["train"], 1.0, symbol=True)
        self.m_val = self._curve(self.metric_plot, SERIES["val"], 1.0, symbol=True)
        self.c_lr = self._curve(self.lr_plot, SERIES["lr"], 1.0)
        style_plot(self.loss_plot)

        side = QSplitter(Qt.Orientation.Vertical)
        side.addWidget(self.metric_plot)
        side.addWidget(self.lr_plot)
        side.setSizes([200, 140])
        side.setChildrenCollapsible(False)
        self.run_list = QListWidget()
        self.run_list.setToolTip("Runs since the window opened; tick earlier ones to overlay their curves")
        self.run_list.itemChanged.connect(self._run_toggled)
        self.run_list.setWordWrap(True)
        self.run_list.setMinimumWidth(150)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.loss_plot)
        split.addWidget(side)
        split.addWidget(self.run_list)
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 2)
        split.setSizes([500, 300, 190])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        self._smoothing_changed(self.smooth_slider.value())

    def _curve(self, plot: pg.PlotWidget, color: str, alpha: float, symbol: bool = False) -> pg.PlotDataItem:
        kwargs = {"symbol": "o", "symbolSize": 5, "symbolPen": None, "symbolBrush": QColor(color)} if symbol else {}
        item = plot.plot([], [], pen=pen(color, alpha), **kwargs)
        item.setDownsampling(auto=True, method="peak")  # long runs: no more points than pixels
        item.setSkipFiniteCheck(True)  # NaN are filtered before setData
        return item

    # -- runs -------------------------------------------------------------------------------------
    def set_runs(self, runs: list[RunRecord], current: RunRecord | None) -> None:
        """The runs since the window opened, and the one shown in full (the latest)."""
        self.runs, self.current = runs, current
        self.run_list.blockSignals(True)
        self.run_list.clear()
        for record in reversed(runs):
            item = QListWidgetItem(self._run_text(record))
            item.setData(Qt.ItemDataRole.UserRole, record.number)
            item.setToolTip(record.label)
            if record is current:
                item.setIcon(_swatch(SERIES["smooth"]))
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            else:
                item.setIcon(_swatch(_run_color(record.number)))
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if record.number in self.overlaid
                                   else Qt.CheckState.Unchecked)
            self.run_list.addItem(item)
        self.run_list.blockSignals(False)
        self._clear_marks()
        for item in self.c_extras.values():  # a GAN's losses belong to its own run
            self.loss_plot.removeItem(item)
            self._shown["loss"].pop(item, None)
        self.c_extras = {}
        self._update_legend(current)
        self._fill_metrics()
        if not self.log_by_hand and self.log_box.isChecked():
            self.log_box.setChecked(False)  # a new run starts linear; its own losses decide
        for fitter in self.fitters.values():
            fitter.reset()
        self._drawn = {}
        self.redraw_overlays()
        self.redraw()

    def _run_text(self, record: RunRecord) -> str:
        outcome = {"running": " (running)", "finished": "", "stopped": " (stopped)",
                   "failed": " (failed)"}[record.outcome]
        summary = record.summary()
        return f"{record.name}{outcome}\n{record.recipe}" + (f"\n{summary}" if summary else "")

    def _update_legend(self, record: RunRecord | None) -> None:
        parts = [f"<span style='color:{SERIES['train']}'>━ ●</span> training",
                 f"<span style='color:{SERIES['val']}'>●</span> validation"]
        for i, name in enumerate(record.extras if record is not None else ()):
            parts.append(f"<span style='color:{RUN_COLORS[(i + 2) % len(RUN_COLORS)]}'>━</span> "
                         f"{name.replace('_', ' ')}")
        self.legend.setText(" &nbsp; ".join(parts))

    def refresh_run_labels(self) -> None:
        for i in range(self.run_list.count()):
            item = self.run_list.item(i)
            number = item.data(Qt.ItemDataRole.UserRole)
            record = next((r for r in self.runs if r.number == number), None)
            if record is not None:
                item.setText(self._run_text(record))

    def _run_toggled(self, item: QListWidgetItem) -> None:
        number = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked:
            self.overlaid.add(number)
        else:
            self.overlaid.discard(number)
        self.redraw_overlays()

    # -- drawing ------------------------------------------------------------------------------------
    def _smoothing_changed(self, value: int) -> None:
        self.weight = value / 100
        self.smooth_label.setText(f"{self.weight:.2f}")
        self._smoothed.clear()
        self.redraw_overlays()
        self.redraw()

    def _log_chosen(self, _on: bool) -> None:
        self.log_by_hand = True

    def _auto_log(self, record: RunRecord) -> bool:
        """Turn the loss axis logarithmic when the losses span orders of magnitude (True: done, and
        the curves were redrawn)."""
        if self.log_by_hand or self.log_box.isChecked():
            return False
        values = np.asarray(record.losses + [e.val.get("loss", math.nan) for e in record.epochs]
                            + [e.train.get("loss", math.nan) for e in record.epochs], np.float64)
        values = values[np.isfinite(values) & (values > 0)]
        if len(values) < 2 or values.max() < LOG_SPAN * np.median(values):
            return False
        self.log_box.setChecked(True)  # redraws, in log scale
        return True

    def _log_changed(self, on: bool) -> None:
        self.loss_plot.getPlotItem().setLogMode(y=on)
        self._refit()

    def _refit(self) -> None:
        for fitter in self.fitters.values():
            fitter.reset()
        self._drawn = {}
        self.redraw_overlays()
        self.redraw()

    def _series(self, record: RunRecord, name: str, values: list[float]) -> np.ndarray:
        key = (record.number, name)
        smoothed = self._smoothed.get(key)
        if smoothed is None or smoothed.weight != self.weight:
            smoothed = self._smoothed[key] = _Smoothed(self.weight)
        return smoothed.extend(values)

    def _metric_names(self, record: RunRecord | None) -> list[str]:
        if record is None:
            return []
        if not record.epochs:  # before the first epoch ends: what the task is known to report
            return expected_metrics(record.task)
        last = record.epochs[-1]
        names = [k for k in {**last.train, **last.val} if k != "loss"]
        return sorted(names, key=lambda k: (_PREFERRED.index(k) if k in _PREFERRED else len(_PREFERRED), k))

    def _fill_metrics(self) -> None:
        names = self._metric_names(self.current)
        have = [self.metric_combo.itemText(i) for i in range(self.metric_combo.count())]
        if names == have:
            return
        chosen = self.metric_combo.currentText()
        self.metric_combo.blockSignals(True)
        self.metric_combo.clear()
        self.metric_combo.addItems(names)
        if chosen in names:
            self.metric_combo.setCurrentText(chosen)
        self.metric_combo.blockSignals(False)

    def _epoch_x(self, record: RunRecord) -> np.ndarray:
        per = record.started.steps_per_epoch if record.started else 1
        return np.array([(e.epoch + 1) * per for e in record.epochs], np.float64)

    def refresh(self) -> None:
        """Steps or epochs arrived: redraw now, or at most every REDRAW_SECONDS (the last call always lands)."""
        wait = self._last_redraw + REDRAW_SECONDS - time.monotonic()
        if wait <= 0:
            self.redraw()
        elif not self._pending.isActive():
            self._pending.start(int(wait * 1000) + 1)

    def redraw(self, full: bool = False) -> None:
        """Put the current run's data into its curves; only series that changed are touched (`full`: all)."""
        if full:
            self._drawn = {}
        self._pending.stop()
        self._last_redraw = time.monotonic()
        record = self.current
        log = self.log_box.isChecked()
        if record is None:
            for item in (self.c_step, self.c_smooth, self.c_train_epoch, self.c_val, self.m_train, self.m_val,
                         self.c_lr, *self.c_extras.values()):
                item.setData([], [])
            self._drawn = {}
            return
        seen = (record.number, len(record.epochs))
        if seen != self._log_checked:  # an epoch's validation loss is the usual outlier: look once an epoch
            self._log_checked = seen
            if self._auto_log(record):
                return
        x = np.asarray(record.steps, np.float64)
        metric = self.metric_combo.currentText()
        keys = {
            "steps": (record.number, len(record.steps), log, self.weight),
            "epochs": (record.number, len(record.epochs), log, metric),
            # The rate's line is redrawn when the rate changes, else once a second (it only grows).
            "lr": (record.number, record.lrs[-1] if record.lrs else None, int(time.monotonic())),
        }
        changed = {name: self._drawn.get(name) != key for name, key in keys.items()}
        self._drawn = keys

        def put(item: pg.PlotDataItem, xs: np.ndarray, ys: np.ndarray, plot: str, in_log: bool = False) -> None:
            xs, ys = _finite(xs, ys, in_log)
            item.setData(xs, ys)
            self._shown[plot][item] = log10(ys) if in_log else ys

        if changed["steps"]:
            put(self.c_step, x, np.asarray(record.losses, np.float64), "loss", log)
            put(self.c_smooth, x, self._series(record, "loss", record.losses), "loss", log)
            for i, (name, values) in enumerate(record.extras.items()):
                item = self.c_extras.get(name)
                if item is None:
                    item = self.c_extras[name] = self._curve(self.loss_plot, RUN_COLORS[(i + 2) % len(RUN_COLORS)],
                                                         1.0)
                self._update_legend(record)
                padded = values + [math.nan] * (len(x) - len(values))
                put(item, x, self._series(record, name, padded), "loss", log)
        if changed["epochs"]:
            self._fill_metrics()
            metric = self.metric_combo.currentText()
            ex = self._epoch_x(record)
            put(self.c_train_epoch, ex, np.array([e.train.get("loss", math.nan) for e in record.epochs]), "loss",
                log)
            put(self.c_val, ex, np.array([e.val.get("loss", math.nan) for e in record.epochs]), "loss", log)
            title = metric.replace("_", " ") or "metric"
            if title != self._metric_title:
                self._metric_title = title
                self.metric_plot.getPlotItem().setTitle(title, size="9pt")
            put(self.m_train, ex, np.array([e.train.get(metric, math.nan) for e in record.epochs]), "metric")
            put(self.m_val, ex, np.array([e.val.get(metric, math.nan) for e in record.epochs]), "metric")
        if changed["lr"] or changed["steps"] and len(record.lr_marks) > self._marked:
            put(self.c_lr, x, np.asarray(record.lrs, np.float64), "lr", True)
        x_max = max(record.total_steps, record.step, self._overlay_x)
        for name, fitter in self.fitters.items():
            fitter.fit(x_max, list(self._shown[name].values()) + self._overlay_y[name])
        self._draw_marks(record)

    def _clear_marks(self) -> None:
        for plot, line in self._marks:
            plot.removeItem(line)
        self._marks, self._marked = [], 0

    def _draw_marks(self, record: RunRecord) -> None:
        """A dashed line where the learning rate was changed by hand, labelled with the new rate."""
        # The label sits right of its line, on the panel's colour, so neither the line nor a curve crosses it.
        fill = QColor(current_theme().panel)
        for step, lr in record.lr_marks[self._marked:]:
            for plot in (self.loss_plot, self.metric_plot, self.lr_plot):
                label = f"lr → {lr:g}" if plot is self.loss_plot else None
                line = pg.InfiniteLine(step, angle=90, pen=pen(SERIES["mark"], 0.9, dash=True), label=label,
                                       labelOpts={"position": 0.92, "color": SERIES["mark"], "fill": fill,
                                                  "anchors": [(-0.04, 0), (-0.04, 0)]})
                plot.addItem(line)
                self._marks.append((plot, line))
        self._marked = len(record.lr_marks)

    def redraw_overlays(self) -> None:
        """Earlier runs that are ticked: their smoothed training loss, validation loss, metric and rate."""
        for plot, item in self._overlay_items:
            plot.removeItem(item)
        self._overlay_items = []
        self._overlay_y = {"loss": [], "metric": [], "lr": []}
        self._overlay_x = 0.0
        log = self.log_box.isChecked()
        metric = self.metric_combo.currentText()
        for record in self.runs:
            if record is self.current or record.number not in self.overlaid or not record.steps:
                continue
            color = _run_color(record.number)
            x = np.asarray(record.steps, np.float64)
            ex = self._epoch_x(record)
            self._overlay_x = max(self._overlay_x, float(x[-1]))
            series = [
                ("loss", x, self._series(record, "loss", record.losses), log, False),
                ("loss", ex, np.array([e.val.get("loss", math.nan) for e in record.epochs]), log, True),
                ("metric", ex, np.array([e.val.get(metric, math.nan) for e in record.epochs]), False, True),
                ("lr", x, np.asarray(record.lrs, np.float64), True, False),
            ]
            plots = {"loss": self.loss_plot, "metric": self.metric_plot, "lr": self.lr_plot}
            for name, xs, ys, in_log, dots in series:
                kwargs = {"symbol": "t", "symbolSize": 6, "symbolPen": None, "symbolBrush": QColor(color)} \
                    if dots else {}
                xs, ys = _finite(xs, ys, in_log)
                item = plots[name].plot(xs, ys, pen=pen(color, 0.85), **kwargs)
                item.setZValue(-1)
                self._overlay_items.append((plots[name], item))
                self._overlay_y[name].append(log10(ys) if in_log else ys)

    def apply_theme(self) -> None:
        for plot in (self.loss_plot, self.metric_plot, self.lr_plot):
            style_plot(plot)


def _run_color(number: int) -> str:
    return RUN_COLORS[(number - 1) % len(RUN_COLORS)]


def _swatch(color: str) -> QIcon:
    pix = QPixmap(10, 10)
    pix.fill(QColor(color))
    return QIcon(pix)
