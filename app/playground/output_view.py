"""The output view: the network's output over the input square with the data drawn on it.

It also shows any neuron large while the mouse rests on it in the network view, and
takes new points: a left click adds class 1 (blue), a right click class 0 (orange);
for regression, values +1 and -1. Points are drawn once into a cached layer and only
redrawn when they change, so a frame repaints one image and one pixmap.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QMouseEvent, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.playground.colors import color

__all__ = ["OutputView"]

EXTENT = 6.0


class OutputView(QWidget):
    point_added = Signal(float, float, float)  # x1, x2, label

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(240, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("Left click: add a blue point (class 1). Right click: an orange point (class 0).")
        self.image: QImage | None = None
        self.preview: QImage | None = None
        self.preview_caption = ""
        self.show_test = False
        self.points = np.zeros((0, 2), np.float32)
        self.values = np.zeros(0, np.float32)  # each point's colour value in [-1, 1]
        self.train_count = 0
        self._layer: QPixmap | None = None
        self._frame: QPixmap | None = None  # the border, ticks and labels: drawn once per size

    # -- content ----------------------------------------------------------------------------------
    def set_image(self, image: QImage | None) -> None:
        self.image = image
        self.update()

    def set_preview(self, image: QImage | None, caption: str = "") -> None:
        """Show `image` instead of the output (a hovered neuron); None goes back to the output."""
        self.preview, self.preview_caption = image, caption
        self.update()

    def set_points(self, points: np.ndarray, labels: np.ndarray, train_count: int, problem: str) -> None:
        self.points = np.asarray(points, np.float32)
        labels = np.asarray(labels, np.float32)
        self.values = np.where(labels > 0.5, 1.0, -1.0) if problem == "classification" else labels
        self.train_count = int(train_count)
        self._layer = None
        self.update()

    def set_show_test(self, show: bool) -> None:
        self.show_test = bool(show)
        self._layer = None
        self.update()

    # -- geometry ---------------------------------------------------------------------------------
    def plot_rect(self) -> QRectF:
        """The square the input space [-6, 6]² occupies (ticks below and to the right)."""
        side = max(10.0, min(self.width() - 30.0, self.height() - 28.0))
        left = (self.width() - 26.0 - side) / 2
        return QRectF(max(left, 2.0), 8.0, side, side)

    def to_data(self, pos: QPointF) -> tuple[float, float] | None:
        rect = self.plot_rect()
        if not rect.contains(pos):
            return None
        x = -EXTENT + 2 * EXTENT * (pos.x() - rect.left()) / rect.width()
        y = EXTENT - 2 * EXTENT * (pos.y() - rect.top()) / rect.height()
        return x, y

    def to_widget(self, x: float, y: float) -> QPointF:
        rect = self.plot_rect()
        return QPointF(rect.left() + (x + EXTENT) / (2 * EXTENT) * rect.width(),
                       rect.top() + (EXTENT - y) / (2 * EXTENT) * rect.height())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._layer = self._frame = None
        super().resizeEvent(event)

    # -- painting ---------------------------------------------------------------------------------
    def _point_layer(self) -> QPixmap:
        rect = self.plot_rect()
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(int(rect.width() * ratio) + 1, int(rect.height() * ratio) + 1)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        p = QPainter(pixmap)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        radius = max(2.2, rect.width() / 300 * 3.4)
        shown = len(self.points) if self.show_test else self.train_count
        scale = rect.width() / (2 * EXTENT)
        for k in range(shown):
            x, y = self.points[k]
            test = k >= self.train_count
            p.setPen(QPen(QColor("#202124") if test else QColor("#ffffff"), 1.0))
            p.setBrush(color(float(self.values[k])))
            p.drawEllipse(QPointF((x + EXTENT) * scale, (EXTENT - y) * scale), radius, radius)
        p.end()
        return pixmap

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        rect = self.plot_rect()
        image = self.preview if self.preview is not None else self.image
        if image is not None:
            p.drawImage(rect, image)
        else:
            p.fillRect(rect, QColor("#eef0f1"))
        if self.preview is None:
            if self._layer is None:
                self._layer = self._point_layer()
            p.drawPixmap(rect.topLeft(), self._layer)
        if self._frame is None:
            self._frame = self._frame_layer(rect)
        p.drawPixmap(0, 0, self._frame)
        if self.preview is not None and self.preview_caption:
            font = QFont(self.font())
            font.setPointSizeF(9.0)
            p.setFont(font)
            box = QRectF(rect.left() + 6, rect.top() + 6, min(rect.width() - 12, 200), 20)
            p.fillRect(box, QColor(255, 255, 255, 210))
            p.setPen(QColor("#3c4043"))
            p.drawText(box.adjusted(6, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, self.preview_caption)
        p.end()

    def _frame_layer(self, rect: QRectF) -> QPixmap:
        """The plot's border and axis ticks, at the widget's size (28 text draws: 1.3 ms a frame
        while playing when painted each time)."""
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(int(self.width() * ratio), int(self.height() * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        p = QPainter(pixmap)
        p.setPen(QPen(QColor("#c8ccd0"), 1.0))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(rect)
        self._paint_ticks(p, rect)
        p.end()
        return pixmap

    def _paint_ticks(self, p: QPainter, rect: QRectF) -> None:
        font = QFont(self.font())
        font.setPointSizeF(7.5)
        p.setFont(font)
        p.setPen(QColor("#80868b"))
        for v in range(-6, 7, 2 if rect.width() < 260 else 1):
            x = rect.left() + (v + EXTENT) / (2 * EXTENT) * rect.width()
            y = rect.top() + (EXTENT - v) / (2 * EXTENT) * rect.height()
            p.drawLine(QPointF(x, rect.bottom()), QPointF(x, rect.bottom() + 3))
            p.drawText(QRectF(x - 10, rect.bottom() + 3, 20, 14), Qt.AlignmentFlag.AlignCenter, str(v))
            p.drawLine(QPointF(rect.right(), y), QPointF(rect.right() + 3, y))
            p.drawText(QRectF(rect.right() + 4, y - 7, 22, 14),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, str(v))

    # -- mouse ---------------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        where = self.to_data(event.position())
        if where is None:
            return
        if event.button() == Qt.MouseButton.LeftButton:
            self.point_added.emit(where[0], where[1], 1.0)
        elif event.button() == Qt.MouseButton.RightButton:
            self.point_added.emit(where[0], where[1], 0.0)
