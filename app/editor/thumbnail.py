"""A small picture of a network: its layout as coloured boxes and lines (for the gallery)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap

from app.theme import category_color, current_theme
from engine.document import Document
from engine.layout import layered_layout

__all__ = ["render_thumbnail"]

_BOX = (120.0, 40.0)


def render_thumbnail(doc: Document, width: int = 200, height: int = 140, network: str | None = None) -> QPixmap:
    t = current_theme()
    pix = QPixmap(width, height)
    pix.fill(QColor(t.canvas))
    graph = doc.network(network)
    if not len(graph):
        return pix
    margin = 10
    best = None
    for direction in ("down", "right"):  # whichever shows the graph larger
        positions = layered_layout(graph, direction, size=lambda _n: _BOX, layer_gap=18.0, node_gap=18.0)
        right = max(x for x, _ in positions.values()) + _BOX[0]
        bottom = max(y for _, y in positions.values()) + _BOX[1]
        scale = min((width - 2 * margin) / right, (height - 2 * margin) / bottom, 0.5)
        if best is None or scale > best[0] * 1.05:
            best = (scale, direction, positions, right, bottom)
    scale, direction, positions, right, bottom = best
    ox = (width - right * scale) / 2
    oy = (height - bottom * scale) / 2
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(ox, oy)
    painter.scale(scale, scale)
    pen = QPen(QColor(t.edge), 1.2 / scale)
    painter.setPen(pen)
    for edge in graph.edges:
        (x1, y1), (x2, y2) = positions[edge.src.node], positions[edge.dst.node]
        if direction == "down":
            painter.drawLine(QPointF(x1 + _BOX[0] / 2, y1 + _BOX[1]), QPointF(x2 + _BOX[0] / 2, y2))
        else:
            painter.drawLine(QPointF(x1 + _BOX[0], y1 + _BOX[1] / 2), QPointF(x2, y2 + _BOX[1] / 2))
    painter.setPen(Qt.PenStyle.NoPen)
    for node_id, (x, y) in positions.items():
        spec = graph.spec(node_id)
        painter.setBrush(category_color(spec.category if spec else ""))
        painter.drawRoundedRect(QRectF(x, y, *_BOX), 10, 10)
    painter.end()
    return pix
