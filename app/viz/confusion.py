"""The confusion matrix of the last validation pass: rows are true classes, columns predictions."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.theme import current_theme

__all__ = ["ConfusionView"]


class ConfusionView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.matrix: np.ndarray | None = None
        self.epoch = 0
        self.setMinimumSize(QSize(160, 140))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_matrix(self, matrix: np.ndarray | None, epoch: int = 0) -> None:
        self.matrix = None if matrix is None else np.asarray(matrix)
        self.epoch = epoch
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        t = current_theme()
        muted = QColor(t.muted)
        if self.matrix is None or self.matrix.size == 0:
            painter.setPen(muted)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             "The confusion matrix shows after the first epoch of a classification run.")
            return
        m = self.matrix
        n = len(m)
        metrics = painter.fontMetrics()
        line = metrics.height()
        total = int(m.sum())
        accuracy = np.trace(m) / total if total else 0.0
        title = f"epoch {self.epoch + 1} · {total:,} validation samples · accuracy {100 * accuracy:.1f} %"
        painter.setPen(muted)
        painter.drawText(QRectF(8, 4, self.width() - 16, line), Qt.AlignmentFlag.AlignLeft, title)
        left = 8 + line + metrics.horizontalAdvance(str(n - 1)) + 8
        top = 8 + 3 * line
        side = max(4.0, min((self.width() - left - 8) / n, (self.height() - top - 6) / n))
        painter.drawText(QRectF(left, 4 + line, n * side, line), Qt.AlignmentFlag.AlignCenter, "predicted class")
        painter.save()
        painter.translate(6, top + n * side / 2)
        painter.rotate(-90)
        painter.drawText(QRectF(-n * side / 2, 0, n * side, line), Qt.AlignmentFlag.AlignCenter, "true class")
        painter.restore()
        share = m / np.maximum(m.sum(1, keepdims=True), 1)
        accent, error = QColor(t.accent), QColor(t.error)
        text, panel, empty = QColor(t.text), QColor(t.panel), QColor(t.window)
        show_numbers = side >= metrics.horizontalAdvance(str(int(m.max()))) + 4
        for k in range(n):
            painter.setPen(muted)
            painter.drawText(QRectF(left + k * side, top - line - 2, side, line), Qt.AlignmentFlag.AlignCenter, str(k))
            painter.drawText(QRectF(left - side - 6, top + k * side, side, side),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(k))
        for i in range(n):
            for j in range(n):
                cell = QRectF(left + j * side, top + i * side, side - 1, side - 1)
                if not m[i, j]:
                    painter.fillRect(cell, empty)
                    continue
                color = QColor(accent if i == j else error)
                color.setAlphaF(0.12 + 0.88 * float(share[i, j]))
                painter.fillRect(cell, color)
                if show_numbers:
                    painter.setPen(panel if share[i, j] > 0.55 else text)
                    painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, str(int(m[i, j])))
