"""A node on the canvas: a card with its name, op, key parameters, output shape and
parameter count, typed ports, and a red badge when its analysis failed.

The item draws what the scene hands it (`NodeLook`, derived from the document and
the analysis); it keeps no state of its own, and its position comes from `node.ui`.
Painting is cached per device pixel and drops the text when zoomed far out.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QStaticText
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from app.editor.geometry import PORT_RADIUS, ROW, NodeGeometry
from app.theme import category_color, current_theme

__all__ = ["NodeItem", "NodeLook"]

RADIUS = 8.0
PAD = 12.0
BADGE = 9.0
MARGIN = BADGE + 3
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class NodeLook:
    """Everything a node shows; equal looks skip a repaint."""

    title: str
    op: str
    category: str
    params: str = ""
    shape: str = ""
    count: str = ""
    status: str = "ok"  # ok | error | unresolved | pending
    error: str = ""
    doc: str = ""
    rows: tuple[tuple[str, str], ...] = ()  # expanded block: (inner node, its shape)
    connected: frozenset[str] = frozenset()  # input ports that have an edge
    is_block: bool = False


def _static(text: str) -> QStaticText:
    static = QStaticText(text)
    static.setTextFormat(Qt.TextFormat.PlainText)
    return static


class _Fonts:
    """Fonts are made once a QGuiApplication exists."""

    title: QFont
    small: QFont
    mono: QFont
    badge: QFont
    ready = False
    _metrics: dict[str, QFontMetricsF] = {}

    @classmethod
    def metrics(cls, name: str) -> QFontMetricsF:
        fm = cls._metrics.get(name)
        if fm is None:
            fm = cls._metrics[name] = QFontMetricsF(getattr(cls, name))
        return fm

    @classmethod
    def load(cls) -> None:
        if cls.ready:
            return
        cls.title = QFont()
        cls.title.setPointSizeF(9.6)
        cls.title.setWeight(QFont.Weight.DemiBold)
        cls.small = QFont()
        cls.small.setPointSizeF(8.2)
        cls.mono = QFont("DejaVu Sans Mono")
        cls.mono.setStyleHint(QFont.StyleHint.Monospace)
        cls.mono.setPointSizeF(8.0)
        cls.badge = QFont()
        cls.badge.setPointSizeF(8.0)
        cls.badge.setBold(True)
        cls.ready = True


_stripes: dict[float, QPainterPath] = {}


def _stripe(height: float) -> QPainterPath:
    path = _stripes.get(height)
    if path is None:
        rounded = QPainterPath()
        rounded.addRoundedRect(QRectF(0.5, 0.5, 12, height - 1), RADIUS - 1, RADIUS - 1)
        clip = QPainterPath()
        clip.addRect(QRectF(0, 0, 5, height))
        path = _stripes[height] = rounded.intersected(clip)
    return path


class NodeItem(QGraphicsItem):
    def __init__(self, node_id: str, geometry: NodeGeometry, look: NodeLook) -> None:
        super().__init__()
        _Fonts.load()
        self.node_id = node_id
        self.geometry = geometry
        self.look = look
        self._runs: list | None = None
        self.highlight: frozenset[str] = frozenset()  # "in:x" / "out:out" ports a drag could use
        self.hover_port: str | None = None
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setZValue(1)
        self._apply_status()

    # -- updates from the scene ----------------------------------------------------------------
    def set_geometry(self, geometry: NodeGeometry) -> None:
        if geometry != self.geometry:
            self.prepareGeometryChange()
            self.geometry = geometry
            self._runs = None
            self.update()

    def set_look(self, look: NodeLook) -> None:
        if look != self.look:
            self.look = look
            self._runs = None
            self._apply_status()
            self.update()

    def set_highlight(self, ports: frozenset[str]) -> None:
        if ports != self.highlight:
            self.highlight = ports
            self.update()

    def _apply_status(self) -> None:
        self.setOpacity(0.45 if self.look.status == "unresolved" else 1.0)
        self.setToolTip(self._tooltip())

    def _tooltip(self) -> str:
        look = self.look
        lines = [f"<b>{look.title}</b> — {look.op}"]
        if look.doc:
            lines.append(look.doc)
        if look.status == "error":
            lines.append(f"<span style='color:{current_theme().error}'>{look.error}</span>")
        elif look.status == "unresolved" and look.error:
            lines.append(f"<i>unresolved: {look.error}</i>")
        return "<br>".join(lines)

    # -- geometry ------------------------------------------------------------------------------
    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        g = self.geometry
        return QRectF(-MARGIN, -MARGIN, g.width + 2 * MARGIN, g.height + 2 * MARGIN)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(QRectF(0, 0, self.geometry.width, self.geometry.height), RADIUS, RADIUS)
        return path

    def port_at(self, local: QPointF) -> tuple[str, str] | None:
        return self.geometry.port_at(local.x(), local.y())

    def port_pos(self, kind: str, port: str) -> QPointF:
        x, y = self.geometry.input_pos(port) if kind == "in" else self.geometry.output_pos(port)
        return QPointF(x, y)

    # -- painting ------------------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        t = current_theme()
        g, look = self.geometry, self.look
        w, h = g.width, g.height
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        accent = category_color(look.category)
        body = QRectF(0, 0, w, h)
        selected = self.isSelected()

        if lod < 0.4:  # far out: a plain card in its category colour is all one can see
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setPen(QPen(t.color("accent") if selected else accent, 0))
            painter.setBrush(t.color("node"))
            painter.drawRect(body)
            painter.fillRect(QRectF(0, 0, min(6 / max(lod, 0.05), w / 3), h), accent)
            if look.status == "error":
                painter.fillRect(QRectF(w - 40, 0, 40, 40), t.color("error"))
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 22 if t.name == "light" else 60))  # soft shadow
        painter.drawRoundedRect(body.translated(0, 2), RADIUS, RADIUS)
        painter.setBrush(t.color("node"))
        border = t.color("node_border")
        if selected:
            border = t.color("accent")
        elif look.status == "error":
            border = t.color("error")
        painter.setPen(QPen(border, 2.0 if selected else 1.0))
        painter.drawRoundedRect(body, RADIUS, RADIUS)

        # Category stripe along the left edge, clipped to the rounded card.
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(accent)
        painter.drawPath(_stripe(h))
        if look.is_block:  # a second line marks a composite node
            painter.drawRect(QRectF(7, 8, 2, h - 16))

        if lod >= 0.3:
            self._paint_text(painter, t, look, w, h)
        self._paint_ports(painter, t, accent)
        if look.status == "error":
            self._paint_badge(painter, t, w)

    def _text_runs(self) -> list[tuple[str, str, QPointF, QStaticText]]:
        """(font, colour, top-left, text) of every line, laid out once per look."""
        if self._runs is not None:
            return self._runs
        look, w, h = self.look, self.geometry.width, self.geometry.height
        left = PAD + 2
        inner = w - left - PAD
        small, title_fm, mono = _Fonts.metrics("small"), _Fonts.metrics("title"), _Fonts.metrics("mono")
        runs: list[tuple[str, str, QPointF, QStaticText]] = []

        def add(font: str, color: str, x: float, y: float, text: str, width: float, right: bool = False) -> None:
            fm = _Fonts.metrics(font)
            shown = fm.elidedText(text, Qt.TextElideMode.ElideRight, int(width))
            if right:
                x -= fm.horizontalAdvance(shown)
            runs.append((font, color, QPointF(x, y), _static(shown)))

        op_width = min(small.horizontalAdvance(look.op) + 3, inner * 0.55)
        add("small", "muted", w - PAD, 10, look.op, op_width, right=True)
        add("title", "text", left, 8, look.title, inner - op_width - 6)
        if look.params:
            add("small", "muted", left, 27, look.params, inner)
        y = 44.0
        count_width = small.horizontalAdvance(look.count) if look.count else 0
        if look.count:
            add("small", "muted", w - PAD, y, look.count, count_width + 2, right=True)
        shape_width = inner - count_width - 8
        if look.status == "error":
            add("small", "error", left, y, look.error, shape_width)
        elif look.shape:
            add("mono", "text", left, y + 0.5, look.shape, shape_width)
        top = h - len(look.rows) * ROW - 6
        for i, (name, shape) in enumerate(look.rows):
            add("small", "muted", left + 4, top + i * ROW, name, inner * 0.5)
            add("mono", "muted", w - PAD, top + i * ROW + 0.5, shape, inner * 0.48, right=True)
        del title_fm, mono
        self._runs = runs
        return runs

    def _paint_text(self, painter: QPainter, t, look: NodeLook, w: float, h: float) -> None:
        font = color = None
        for run_font, run_color, pos, text in self._text_runs():
            if run_font != font:
                painter.setFont(getattr(_Fonts, run_font))
                font = run_font
            if run_color != color:
                painter.setPen(t.color(run_color))
                color = run_color
            painter.drawStaticText(pos, text)
        if look.rows:
            painter.setPen(QPen(t.color("border"), 1))
            top = h - len(look.rows) * ROW - 10
            painter.drawLine(QPointF(PAD + 2, top), QPointF(w - PAD, top))

    def _paint_ports(self, painter: QPainter, t, accent: QColor) -> None:
        g = self.geometry
        for kind, names in (("in", g.inputs), ("out", g.outputs)):
            for port in names:
                key = f"{kind}:{port}"
                center = self.port_pos(kind, port)
                lit = key in self.highlight or key == self.hover_port
                radius = PORT_RADIUS + (1.5 if lit else 0.0)
                filled = kind == "out" or port in self.look.connected
                painter.setPen(QPen(t.color("accent") if lit else accent, 1.6))
                painter.setBrush(QBrush(t.color("accent") if lit else (accent if filled else t.color("node"))))
                painter.drawEllipse(center, radius, radius)

    def _paint_badge(self, painter: QPainter, t, w: float) -> None:
        center = QPointF(w - 2, 2)
        painter.setPen(QPen(t.color("node"), 2))
        painter.setBrush(t.color("error"))
        painter.drawEllipse(center, BADGE, BADGE)
        painter.setPen(QColor("white"))
        painter.setFont(_Fonts.badge)
        painter.drawText(QRectF(center.x() - BADGE, center.y() - BADGE, 2 * BADGE, 2 * BADGE),
                         Qt.AlignmentFlag.AlignCenter, "!")

    # -- hover: port tooltips --------------------------------------------------------------------
    def hoverMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        port = self.port_at(event.pos())
        key = f"{port[0]}:{port[1]}" if port else None
        if key != self.hover_port:
            self.hover_port = key
            if port:
                scene = self.scene()
                tip = scene.port_tooltip(self.node_id, *port) if hasattr(scene, "port_tooltip") else ""
                self.setToolTip(tip or f"{self.look.title}.{port[1]}")
            else:
                self.setToolTip(self._tooltip())
            self.update()
        super().hoverMoveEvent(event)

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.hover_port is not None:
            self.hover_port = None
            self.setToolTip(self._tooltip())
            self.update()
        super().hoverLeaveEvent(event)

    def itemChange(self, change, value):  # noqa: N802 - Qt override
        if change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self.setZValue(2 if value else 1)
        return super().itemChange(change, value)
