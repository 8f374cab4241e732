"""pyqtgraph plots in the app's theme: one place that sets colours, fonts and pens (width 1:
wider pens are many times slower to draw)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QGraphicsItem

from app.theme import Theme, current_theme

__all__ = ["RUN_COLORS", "SERIES", "Fitter", "SparseAxis", "log10", "make_plot", "nice_range", "pen", "style_plot"]

pg.setConfigOptions(antialias=False, useOpenGL=False)

# Series colours, the same in both themes (they read on light and dark panels).
SERIES = {"train": "#2563eb", "smooth": "#1d4ed8", "val": "#ea580c", "lr": "#16a34a", "mark": "#a16207"}
RUN_COLORS = ("#7c3aed", "#0d9488", "#db2777", "#ca8a04", "#64748b", "#0891b2")  # earlier runs, overlaid


def pen(color: str, alpha: float = 1.0, dash: bool = False) -> QColor:
    c = QColor(color)
    c.setAlphaF(alpha)
    p = pg.mkPen(c, width=1)
    if dash:
        p.setDashPattern([4, 3])
    return p


def style_plot(plot: pg.PlotWidget, theme: Theme | None = None) -> None:
    t = theme or current_theme()
    plot.setBackground(QColor(t.panel))
    item = plot.getPlotItem()
    font = QFont(plot.font())
    font.setPointSizeF(max(7.5, font.pointSizeF() - 1))
    for name in ("left", "bottom", "right"):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(QColor(t.border), width=1))
        axis.setTextPen(pg.mkPen(QColor(t.muted), width=1))
        axis.setTickFont(font)
    item.titleLabel.setAttr("color", t.muted)
    legend = item.legend
    if legend is not None:
        legend.setLabelTextColor(QColor(t.text))
        legend.setBrush(pg.mkBrush(QColor(t.panel)))
        legend.setPen(pg.mkPen(QColor(t.border), width=1))


class SparseAxis(pg.AxisItem):
    """A vertical axis whose labels stay at least LABEL_GAP text lines apart. pyqtgraph always labels
    its first tick level, however short the axis: on a plot 25 px tall "0.001" sat on "0.0009", and
    a log axis over a decade piled up five labels. Here only the first level is labelled, thinned
    to fit; the finer levels stay as unlabelled ticks."""

    LABEL_GAP = 1.6  # in text lines, between the centres of two labels

    def __init__(self, orientation: str = "left", **kwargs) -> None:
        super().__init__(orientation, **kwargs)
        self.setStyle(maxTextLevel=0)

    def tickValues(self, minVal: float, maxVal: float, size: float):  # noqa: N802, N803 - pyqtgraph override
        levels = super().tickValues(minVal, maxVal, size)
        span = abs(maxVal - minVal)
        if not levels or span <= 0 or size <= 0:
            return levels
        font = self.style["tickFont"] or self.font()
        gap = self.LABEL_GAP * QFontMetrics(font).height() * span / size  # in axis units
        spacing, values = levels[0]
        kept: list[float] = []
        for v in sorted(values, key=self._roundness) if self.logMode else values:  # round numbers first
            if all(abs(v - k) >= gap for k in kept):
                kept.append(v)
        return [(spacing, sorted(kept)), *levels[1:]]

    @staticmethod
    def _roundness(v: float) -> tuple[int, float]:
        """On a log axis pyqtgraph gives 1..9 x 10^k as one level: keep 1, then 5, then 2 x 10^k first."""
        mantissa = round(10 ** (v - math.floor(v + 1e-9)))
        return {1: 0, 10: 0, 5: 1, 2: 2}.get(mantissa, 3), v


def make_plot(title: str = "", left: str = "", bottom: str = "") -> pg.PlotWidget:
    plot = pg.PlotWidget(axisItems={"left": SparseAxis("left")})
    item = plot.getPlotItem()
    if title:
        item.setTitle(title, size="9pt")
    if left:
        item.setLabel("left", left)
    if bottom:
        item.setLabel("bottom", bottom)
    item.showGrid(x=True, y=True, alpha=0.15)
    item.setMenuEnabled(False)
    item.hideButtons()
    for name in ("left", "bottom"):
        # Axes are text, slow to draw in software; keep them as pixmaps until their ticks change.
        item.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    # A fixed width: tick labels of another width ("2.25", "0.5") would re-lay out the whole plot.
    item.getAxis("left").setWidth(46)
    plot.setMinimumHeight(80)
    style_plot(plot)
    return plot


class Fitter:
    """Keeps a live plot's range steady: x from 0 to the run's last step, set once; y widened when
    data leave it and narrowed when they fill less than a third of it. A range that moves with
    every point makes the axes lay out their ticks again each frame (the dearest part of a plot).
    Zooming or panning by hand stops the fitting until a double-click on the plot."""

    def __init__(self, plot: pg.PlotWidget, refit: Callable[[], None] = lambda: None) -> None:
        self.plot = plot
        self.box = plot.getPlotItem().getViewBox()
        self.box.disableAutoRange()
        self.by_hand = False
        self.refit = refit
        self.box.sigRangeChangedManually.connect(self._moved)
        plot.scene().sigMouseClicked.connect(self._clicked)
        self.x_max: float | None = None
        self.y: tuple[float, float] | None = None

    def _moved(self, *_args) -> None:
        self.by_hand = True

    def _clicked(self, event) -> None:
        if event.double():
            self.reset()
            self.refit()

    def reset(self) -> None:
        self.by_hand, self.x_max, self.y = False, None, None
        self.box.disableAutoRange()  # pyqtgraph turns it back on with a change of log mode

    def fit(self, x_max: float, ys: list[np.ndarray]) -> None:
        """`ys`: the y values shown (in log10 when the axis is logarithmic)."""
        if self.by_hand:
            return
        x_max = max(1.0, float(x_max))
        if self.x_max != x_max:
            self.x_max = x_max
            self.box.setXRange(0, x_max, padding=0.02)
        values = [v[np.isfinite(v)] for v in ys]
        values = [v for v in values if len(v)]
        if not values:
            return
        low = min(float(v.min()) for v in values)
        high = max(float(v.max()) for v in values)
        if self.y is not None:
            c_low, c_high = self.y
            if c_low <= low and high <= c_high and (high - low) >= (c_high - c_low) / 4:
                return
        self.y = nice_range(low, high)
        self.box.setYRange(*self.y, padding=0)


def nice_range(low: float, high: float) -> tuple[float, float]:
    """A range around [low, high] with ends on round numbers (a step of 1, 2 or 5 x 10^k, about a
    fifth of the span), from 0 when the data are positive and reach down near it; so the range,
    and with it the axis, changes seldom while a curve grows."""
    span = max(high - low, abs(high) * 0.1, abs(low) * 0.1, 1e-6)
    if 0 <= low < 0.5 * high:
        low = 0.0
    else:
        low -= 0.02 * span  # a curve is not drawn on the frame
    high += 0.02 * span
    raw = span / 5
    step = 10.0 ** math.floor(math.log10(raw))
    step *= next(m for m in (1, 2, 5, 10) if m * step >= raw * (1 - 1e-9))
    start, end = math.floor(low / step + 1e-9) * step, math.ceil(high / step - 1e-9) * step
    if end - start < step:  # a flat line: a step either side
        start, end = start - step, end + step
    return float(f"{start:.12g}"), float(f"{end:.12g}")


def log10(values: np.ndarray) -> np.ndarray:
    """What a logarithmic axis plots: log10 of the positive values (others dropped)."""
    values = np.asarray(values, np.float64)
    positive = values[np.isfinite(values) & (values > 0)]
    return np.log10(positive)
