"""A progress bar that paints when Qt next paints (QProgressBar repaints on the spot at every
value, which costs a few milliseconds per step while the curves also want the GUI thread)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.theme import current_theme

__all__ = ["Meter"]


class Meter(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value, self._maximum, self._text = 0, 1, ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(160, self.fontMetrics().height() + 6)

    def set_progress(self, value: int, maximum: int, text: str = "") -> None:
        value, maximum = max(0, int(value)), max(1, int(maximum))
        if (value, maximum, text) != (self._value, self._maximum, self._text):
            self._value, self._maximum, self._text = value, maximum, text
            self.update()

    def value(self) -> int:
        return self._value

    def maximum(self) -> int:
        return self._maximum

    def text(self) -> str:
        return self._text

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        t = current_theme()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QColor(t.border))
        painter.setBrush(QColor(t.window))
        painter.drawRoundedRect(box, 4, 4)
        share = min(1.0, self._value / self._maximum)
        if share > 0:
            fill = QColor(t.accent)
            fill.setAlphaF(0.85 if self.isEnabled() else 0.4)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(QRectF(box.x(), box.y(), max(8.0, box.width() * share), box.height()), 4, 4)
        if self._text:
            painter.setPen(QColor(t.text))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._text)
