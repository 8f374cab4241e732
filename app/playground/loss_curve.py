"""A small live loss curve, as in Playground's output column: test loss dark, training loss grey.

Changes made while training (learning rate, regularisation, batch size) are marked with
a dashed line and a short label at their epoch.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QWidget

from engine.playground import History

__all__ = ["LossCurve"]

TEST_COLOR, TRAIN_COLOR, MARK_COLOR = QColor("#202124"), QColor("#9aa0a6"), QColor("#d93025")


class LossCurve(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(160, 64)
        self.history = History()

    def set_history(self, history: History) -> None:
        self.history = history
        self.update()

    def _path(self, epochs: np.ndarray, values: np.ndarray, rect: QRectF, top: float, last: float) -> QPainterPath:
        path = QPainterPath()
        # At most one point per pixel column keeps long runs cheap to draw.
        step = max(1, len(values) // max(int(rect.width()), 1))
        started = False
        for e, v in zip(epochs[::step], values[::step]):
            if not math.isfinite(v):
                continue
            point = QPointF(rect.left() + rect.width() * (e / last if last else 0.0),
                            rect.bottom() - rect.height() * min(v / top, 1.0))
            if started:
                path.lineTo(point)
            else:
                path.moveTo(point)
                started = True
        return path

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(1, 14, self.width() - 2, self.height() - 16)
        p.setPen(QPen(QColor("#e0e3e6"), 1.0))
        p.drawLine(rect.bottomLeft(), rect.bottomRight())
        h = self.history
        if not h.epochs:
            p.end()
            return
        epochs = np.asarray(h.epochs, np.float64)
        train, test = np.asarray(h.train_loss, np.float64), np.asarray(h.test_loss, np.float64)
        finite = np.concatenate([train[np.isfinite(train)], test[np.isfinite(test)]])
        top = float(finite.max()) * 1.05 if finite.size and finite.max() > 0 else 1.0
        last = float(epochs[-1]) or 1.0
        font = QFont(self.font())
        font.setPointSizeF(7.5)
        p.setFont(font)
        for mark in h.marks:
            x = rect.left() + rect.width() * (mark.epoch / last)
            pen = QPen(MARK_COLOR, 1.0, Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
            p.drawText(QRectF(min(x + 2, rect.right() - 70), 0, 70, 13), Qt.AlignmentFlag.AlignLeft, mark.text)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(TRAIN_COLOR, 1.0))
        p.drawPath(self._path(epochs, train, rect, top, last))
        p.setPen(QPen(TEST_COLOR, 1.0))
        p.drawPath(self._path(epochs, test, rect, top, last))
        p.end()
