"""A node on the canvas: a card with its name, op, key parameters, output shape and
parameter count, typed ports, and a red badge when its analysis failed.

The item draws what the scene hands it (`NodeLook`, derived from the document and
the analysis); it keeps no state of its own, and its position comes from `node.ui`.
Painting is cached per device pixel; zoomed far out, the card shows only its name, large.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QStaticText
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from app.editor.geometry import NODE_HEIGHT, PORT_RADIUS, ROW, NodeGeometry
from app.theme import category_color, current_theme

__all__ = ["NodeItem", "NodeLook"]

RADIUS = 8.0
PAD = 12.0
BADGE = 9.0
MARGIN = BADGE + 3
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
FAR_NAME_PX = 12.0  # the name's on-screen size when zoomed out
FAR_NAME_MIN_PX = 6.0  # below this on screen no name is drawn (a coloured card is all one sees)
FAR_NAME_FILL = 0.55  # the far name's largest size, as a share of the card's height


@dataclass(frozen=True)
class NodeLook:
    """Everything a node shows; equal looks skip a repaint."""

    title: str
    op: str
    category: str
    params: str = ""
    shape: str = ""
    count: str = ""
    params_terse: str = ""  # the parameters line when `params` does not fit
    shape_compact: str = ""  # the shape line when `shape` does not fit beside the count
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


def _first_fitting(fm: QFontMetricsF, width: float, *forms: str) -> str:
    """The first of `forms` (longest first) that fits in `width`, else the last non-empty one."""
    forms = tuple(f for f in forms if f)
    return next((f for f in forms if fm.horizontalAdvance(f) <= width), forms[-1] if forms else "")


def _number(count: str) -> str:
    """'9.41k params' -> '9.41k' (the inspector and the summary say what it counts)."""
    return count.removesuffix(" params")


def _wrap_first(fm: QFontMetricsF, text: str, width: float) -> tuple[str, str]:
    """`text` split at a space into a first line that fits `width` and the rest."""
    if fm.horizontalAdvance(text) <= width:
        return text, ""
    words = text.split(" ")
    for i in range(len(words) - 1, 0, -1):
        first = " ".join(words[:i])
        if fm.horizontalAdvance(first) <= width:
            return first, " ".join(words[i:])
    return text, ""


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
        if look.params:  # in full, whatever the card had room for
            lines.append(look.params)
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
            self._paint_far_name(painter, t, lod)
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

    def far_name_size(self, lod: float) -> float | None:
        """Pixel size (in scene units) of the name drawn far out, or None when too small to read.

        Zoomed out, the card's small texts are unreadable, but the name is what finds a
        node: it is drawn bold at about FAR_NAME_PX on screen, as large as the card allows.
        """
        size = min(FAR_NAME_PX / max(lod, 1e-3), min(self.geometry.height, NODE_HEIGHT) * FAR_NAME_FILL)
        return size if size * lod >= FAR_NAME_MIN_PX else None

    def _paint_far_name(self, painter: QPainter, t, lod: float) -> None:
        size = self.far_name_size(lod)
        if size is None:
            return
        font = QFont(_Fonts.title)
        font.setPixelSize(max(1, round(size)))
        font.setWeight(QFont.Weight.Bold)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.setFont(font)
        painter.setPen(t.color("text"))
        left = min(6 / max(lod, 0.05), self.geometry.width / 3) + size * 0.3
        row = min(self.geometry.height, NODE_HEIGHT)  # an expanded block's name stays in its first row
        box = QRectF(left, 0, self.geometry.width - left - size * 0.2, row)
        name = QFontMetricsF(font).elidedText(self.look.title, Qt.TextElideMode.ElideRight, int(box.width()))
        painter.drawText(box, _LEFT, name)

    def _text_runs(self) -> list[tuple[str, str, QPointF, QStaticText]]:
        """(font, colour, top-left, text) of every line, laid out once per look."""
        if self._runs is not None:
            return self._runs
        look, w, h = self.look, self.geometry.width, self.geometry.height
        left = PAD + 2
        inner = w - left - PAD
        small, mono = _Fonts.metrics("small"), _Fonts.metrics("mono")
        runs: list[tuple[str, str, QPointF, QStaticText]] = []

        def add(font: str, color: str, x: float, y: float, text: str, width: float, right: bool = False) -> None:
            fm = _Fonts.metrics(font)
            shown = fm.elidedText(text, Qt.TextElideMode.ElideRight, int(width))
            if right:
                x -= fm.horizontalAdvance(shown)
            runs.append((font, color, QPointF(x, y), _static(shown)))

        # The op takes what the title leaves (a short name beside AdaptiveAvgPool2d), at least 55 %.
        title_need = _Fonts.metrics("title").horizontalAdvance(look.title)
        op_width = min(small.horizontalAdvance(look.op) + 3, max(inner * 0.55, inner - title_need - 6))
        add("small", "muted", w - PAD, 10, look.op, op_width, right=True)
        add("title", "text", left, 8, look.title, inner - op_width - 6)
        y = 44.0
        if look.status == "error":  # the error matters more than the parameters: two lines for it
            first, rest = _wrap_first(small, look.error, inner)
            add("small", "error", left, 27, first, inner)
            if rest:
                add("small", "error", left, y, rest, inner)
        else:
            if look.params:
                add("small", "muted", left, 27, _first_fitting(small, inner, look.params, look.params_terse), inner)
            # Shape and count share the last line: shorten the count to its number, then the
            # shape to its compact form, before anything is elided.
            for count, shape in ((look.count, look.shape), (_number(look.count), look.shape),
                                 (_number(look.count), look.shape_compact or look.shape)):
                if mono.horizontalAdvance(shape) + small.horizontalAdvance(count) + 8 <= inner:
                    break
            count_width = small.horizontalAdvance(count) if count else 0
            if count:
                add("small", "muted", w - PAD, y, count, count_width + 2, right=True)
            if shape:
                add("mono", "text", left, y + 0.5, shape, inner - count_width - 8)
        top = h - len(look.rows) * ROW - 6
        for i, (name, shape) in enumerate(look.rows):
            add("small", "muted", left + 4, top + i * ROW, name, inner * 0.5)
            add("mono", "muted", w - PAD, top + i * ROW + 0.5, shape, inner * 0.48, right=True)
        self._runs = runs
        return runs

    def shown_texts(self) -> list[str]:
        """The lines as drawn on the card, after any shortening (what a user reads)."""
        return [text.text() for _font, _color, _pos, text in self._text_runs()]

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
