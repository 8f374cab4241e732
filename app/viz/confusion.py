"""The confusion matrix of the last validation pass: rows are true classes, columns predictions."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QHelpEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from app.theme import current_theme

__all__ = ["ConfusionView", "count_font"]

SMALLEST_POINTS = 6.0  # counts are drawn down to this size; below it the cells are too small to read
WIDEST = 2.5  # a cell may be this many times wider than high: a short, wide panel still has room for "300"


def count_font(base: QFont, width: float, height: float, widest: str) -> QFont | None:
    """The largest font, at most `base`, in which `widest` fits a cell of `width` x `height` pixels
    (None: no readable size fits)."""
    font = QFont(base)
    size = base.pointSizeF() if base.pointSizeF() > 0 else 9.0
    while size >= SMALLEST_POINTS:
        font.setPointSizeF(size)
        metrics = QFontMetrics(font)
        if metrics.horizontalAdvance(widest) + 2 <= width and metrics.height() <= height:
            return font
        size -= 0.5
    return None


class ConfusionView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.matrix: np.ndarray | None = None
        self.epoch = 0
        self.setMinimumSize(QSize(160, 140))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.cells: tuple[float, float, float, float] | None = None  # (left, top, width, height) of a cell

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
        room_w, room_h = (self.width() - left - 8) / n, (self.height() - top - 6) / n
        high = max(4.0, min(room_w, room_h))
        wide = max(4.0, min(room_w, WIDEST * high))
        painter.drawText(QRectF(left, 4 + line, n * wide, line), Qt.AlignmentFlag.AlignCenter, "predicted class")
        painter.save()
        painter.translate(6, top + n * high / 2)
        painter.rotate(-90)
        painter.drawText(QRectF(-n * high / 2, 0, n * high, line), Qt.AlignmentFlag.AlignCenter, "true class")
        painter.restore()
        share = m / np.maximum(m.sum(1, keepdims=True), 1)
        accent, error = QColor(t.accent), QColor(t.error)
        text, panel, empty = QColor(t.text), QColor(t.panel), QColor(t.window)
        self.cells = (left, top, wide, high)
        # Counts in a font that fits the cells (smaller than the labels when it must): colours alone do
        # not say whether a pale cell holds 1 sample or 10.
        numbers = count_font(painter.font(), wide - 1, high - 1, str(int(m.max())))
        for k in range(n):
            painter.setPen(muted)
            painter.drawText(QRectF(left + k * wide, top - line - 2, wide, line), Qt.AlignmentFlag.AlignCenter, str(k))
            painter.drawText(QRectF(left - wide - 6, top + k * high, wide, high),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(k))
        for i in range(n):
            for j in range(n):
                cell = QRectF(left + j * wide, top + i * high, wide - 1, high - 1)
                if not m[i, j]:
                    painter.fillRect(cell, empty)
                    continue
                color = QColor(accent if i == j else error)
                color.setAlphaF(0.12 + 0.88 * float(share[i, j]))
                painter.fillRect(cell, color)
                if numbers is not None:
                    painter.setFont(numbers)
                    painter.setPen(panel if share[i, j] > 0.55 else text)
                    painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, str(int(m[i, j])))

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        """(true class, predicted class) of the cell under a point, or None."""
        if self.cells is None or self.matrix is None:
            return None
        left, top, wide, high = self.cells
        i, j = int((y - top) // high), int((x - left) // wide)
        n = len(self.matrix)
        return (i, j) if 0 <= i < n and 0 <= j < n and x >= left and y >= top else None

    def event(self, event) -> bool:
        if event.type() == event.Type.ToolTip and isinstance(event, QHelpEvent):
            cell = self.cell_at(event.pos().x(), event.pos().y())
            if cell is not None:
                i, j = cell
                QToolTip.showText(event.globalPos(), f"true {i}, predicted {j}: {int(self.matrix[i, j]):,} samples",
                                  self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)
