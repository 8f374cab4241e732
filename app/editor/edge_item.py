"""An edge on the canvas: a curve from an output port to an input port, labelled with the
shape of the tensor it carries. The label is its own small cached item, placed
near the source (where the value is made), so fan-out edges share one label spot.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from app.editor.geometry import PORT_RADIUS
from app.theme import current_theme
from engine.graph import Edge

__all__ = ["EdgeItem", "EdgeLabel", "curve"]

LABEL_DISTANCE = 30.0  # label centre from the source port, along the edge


def curve(p1: QPointF, p2: QPointF, flow: str) -> QPainterPath:
    """A cubic from p1 leaving along the flow, into p2 arriving along the flow."""
    path = QPainterPath(p1)
    if flow == "down":
        bend = max(40.0, abs(p2.y() - p1.y()) * 0.5)
        path.cubicTo(QPointF(p1.x(), p1.y() + bend), QPointF(p2.x(), p2.y() - bend), p2)
    else:
        bend = max(50.0, abs(p2.x() - p1.x()) * 0.5)
        path.cubicTo(QPointF(p1.x() + bend, p1.y()), QPointF(p2.x() - bend, p2.y()), p2)
    return path


class EdgeLabel(QGraphicsItem):
    _font: QFont | None = None

    def __init__(self, parent: QGraphicsItem) -> None:
        super().__init__(parent)
        if EdgeLabel._font is None:
            EdgeLabel._font = QFont("DejaVu Sans Mono")
            EdgeLabel._font.setStyleHint(QFont.StyleHint.Monospace)
            EdgeLabel._font.setPointSizeF(7.6)
        self.text = ""
        self.zoom_shown = True  # hidden when zoomed too far out to read
        self._rect = QRectF()
        self._bounds = QRectF()
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setZValue(3)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def set_text(self, text: str) -> None:
        if text == self.text:
            return
        self.prepareGeometryChange()
        self.text = text
        if text:
            width = QFontMetricsF(EdgeLabel._font).horizontalAdvance(text) + 12
            self._rect = QRectF(-width / 2, -8.5, width, 17)
        else:
            self._rect = QRectF()
        self._bounds = self._rect.adjusted(-1, -1, 1, 1)
        self.setVisible(bool(text) and self.zoom_shown)
        self.update()

    def set_zoom_shown(self, shown: bool) -> None:
        self.zoom_shown = shown
        self.setVisible(bool(self.text) and shown)

    @property
    def rect(self) -> QRectF:
        """The pill around the text, in the label's coordinates (centred on its position)."""
        return self._rect

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if option.levelOfDetailFromTransform(painter.worldTransform()) < 0.35:
            return
        t = current_theme()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(t.color("node_border"), 1))
        painter.setBrush(t.color("label"))
        painter.drawRoundedRect(self._rect, 8.5, 8.5)
        painter.setPen(t.color("label_text"))
        painter.setFont(EdgeLabel._font)
        painter.drawText(self._rect, Qt.AlignmentFlag.AlignCenter, self.text)


class EdgeItem(QGraphicsItem):
    """Holds its edge (which ports it joins); its ends come from the scene, never from node items."""

    def __init__(self, edge: Edge) -> None:
        super().__init__()
        self.edge = edge
        self.path = QPainterPath()
        self._ends: tuple[QPointF, QPointF, str] | None = None
        self._shape: QPainterPath | None = None
        self._bounds = QRectF()
        self.label = EdgeLabel(self)
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(0)

    def set_ends(self, p1: QPointF, p2: QPointF, flow: str) -> None:
        self.prepareGeometryChange()
        self.path = curve(p1, p2, flow)
        self._ends = (p1, p2, flow)
        self._shape = None
        self._bounds = self.path.boundingRect().adjusted(-3, -3, 3, 3)
        self._place_label()

    def set_label(self, text: str) -> None:
        if text == self.label.text:
            return  # every analysis sets every label: placing 600 unchanged ones cost 20 ms an edit
        self.label.set_text(text)
        self._place_label()

    def port_rects(self) -> tuple[QRectF, QRectF]:
        """The discs of the two ports this edge joins, as drawn when lit (their largest)."""
        p1, p2, _flow = self._ends
        r = PORT_RADIUS + 1.5
        return QRectF(p1.x() - r, p1.y() - r, 2 * r, 2 * r), QRectF(p2.x() - r, p2.y() - r, 2 * r, 2 * r)

    def _place_label(self) -> None:
        """Near the source, else midway; when the ports are too close for either, beside the edge."""
        if self._ends is None:
            return
        p1, p2, flow = self._ends
        rect = self.label.rect
        ports = self.port_rects()

        def clear(at: QPointF) -> bool:
            placed = rect.translated(at)
            return not any(placed.intersects(port) for port in ports)

        length = self.path.length()
        near = self.path.pointAtPercent(self.path.percentAtLength(LABEL_DISTANCE)) if length >= 2.5 * LABEL_DISTANCE \
            else None
        middle = self.path.pointAtPercent(0.5)
        at = next((p for p in (near, middle) if p is not None and clear(p)), None)
        if at is None:  # short edge: the label sits to the side, clear of both dots
            gap = PORT_RADIUS + 1.5 + 3
            if flow == "down":
                at = QPointF(max(p1.x(), p2.x()) + gap + rect.width() / 2, middle.y())
            else:
                at = QPointF(middle.x(), max(p1.y(), p2.y()) + gap + rect.height() / 2)
        self.label.setPos(at)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self._bounds

    def shape(self) -> QPainterPath:
        if self._shape is None:  # only hit tests need it
            stroker = QPainterPathStroker()
            stroker.setWidth(10)
            self._shape = stroker.createStroke(self.path)
        return self._shape

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        t = current_theme()
        selected = self.isSelected()
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, lod >= 0.4)
        pen = QPen(t.color("accent") if selected else t.color("edge"), 2.4 if selected else 1.6)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path)
