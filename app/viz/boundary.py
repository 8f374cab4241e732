"""The decision boundary of a network with 2-D input: its output over the plane, with the data."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.viz.plots import make_plot, style_plot

__all__ = ["BoundaryView"]

# Playground's colours: blue for one class (or low values), orange for the other.
_LOW, _HIGH = "#2563eb", "#ea580c"


def _colormap() -> pg.ColorMap:
    return pg.ColorMap([0.0, 0.5, 1.0], [QColor(_LOW).lighter(135), QColor("#f8fafc"), QColor(_HIGH).lighter(135)])


class BoundaryView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: np.ndarray | None = None
        self.header = QLabel("For networks with a 2-D input: the output over the plane, with the validation "
                             "points.")
        self.header.setProperty("role", "muted")
        self.header.setWordWrap(True)
        self.plot = make_plot()
        self.plot.setAspectLocked(True)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(_colormap().getLookupTable(nPts=256))
        self.plot.addItem(self.image)
        self.points = pg.ScatterPlotItem(size=6, pen=pg.mkPen("#ffffff", width=1))
        self.plot.addItem(self.points)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.header)
        layout.addWidget(self.plot, 1)

    def set_data(self, data: dict[str, Any]) -> None:
        values = data.get("boundary")
        if values is None:
            return
        self.values = np.asarray(values, np.float32)
        x0, x1, y0, y1 = (float(v) for v in data["boundary_extent"])
        finite = self.values[np.isfinite(self.values)]
        probability = finite.size and finite.min() >= 0 and finite.max() <= 1
        levels = (0.0, 1.0) if probability else (float(finite.min()), float(finite.max() + 1e-9)) \
            if finite.size else (0.0, 1.0)
        self.image.setImage(np.nan_to_num(self.values), levels=levels, autoLevels=False)
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))  # row 0 is the lowest y: rows go up
        points, labels = data.get("points"), data.get("point_labels")
        if points is not None and labels is not None:
            points, labels = np.asarray(points), np.asarray(labels)
            if probability:
                brushes = [pg.mkBrush(_HIGH if v >= 0.5 else _LOW) for v in labels]
            else:
                span = max(float(labels.max() - labels.min()), 1e-9)
                brushes = [pg.mkBrush(_LOW if (v - labels.min()) / span < 0.5 else _HIGH) for v in labels]
            self.points.setData(points[:, 0], points[:, 1], brush=brushes)
        what = "P(class 1)" if probability else "the output"
        self.header.setText(f"{what} over the plane (blue low, orange high); dots are validation points coloured "
                            "by their label")

    def apply_theme(self) -> None:
        style_plot(self.plot)
