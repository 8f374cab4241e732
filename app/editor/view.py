"""The canvas widget: zoom to the cursor, pan, fit, rubber-band selection, the grid,
and drops from the layer palette.

Pan with the middle button, or with Space (or Alt) held and the left button; zoom
with the wheel; rubber-band select by dragging on empty canvas.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import QFrame, QGraphicsItem, QGraphicsView, QMenu, QWidget

from app.editor.geometry import GRID, NODE_HEIGHT, NODE_WIDTH
from app.editor.palette import OP_MIME
from app.theme import current_theme

__all__ = ["GraphView"]

MIN_SCALE, MAX_SCALE = 0.08, 3.0
LABELS_FROM = 0.35  # zoom below which edge labels are hidden
STEP = 1.2


class GraphView(QGraphicsView):
    zoom_changed = Signal(float)
    op_dropped = Signal(str, QPointF)  # op name, scene position of the node's top-left

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setOptimizationFlags(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setAcceptDrops(True)
        self.setMouseTracking(True)
        self.context_menu: Callable[[QPointF, str | None], QMenu | None] | None = None
        self._pan_from: QPointF | None = None
        self._space = False
        self._zooming = False
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(160)
        self._settle.timeout.connect(self._zoom_settled)
        # Edges are selected by clicking them, not by sweeping a rubber band over them.
        self.rubberBandChanged.connect(self._rubber_band)

    # -- zoom ---------------------------------------------------------------------------------
    @property
    def scale_factor(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float, anchor: QPointF | None = None, interactive: bool = False) -> None:
        """Scale to `factor`, keeping the scene point under `anchor` (view pixels) in place.

        `interactive` (wheel, keys): while the gesture lasts, items draw from pixmaps
        cached at their own size and scaled, instead of re-rendering text at every
        step; 160 ms after the last step they render sharp again at the final zoom.
        """
        factor = max(MIN_SCALE, min(MAX_SCALE, factor))
        ratio = factor / self.scale_factor
        if abs(ratio - 1) < 1e-6:
            return
        if interactive:
            if not self._zooming:
                self._zooming = True
                self._set_item_cache(QGraphicsItem.CacheMode.ItemCoordinateCache)
            self._settle.start()
        if anchor is None:
            self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
            self.scale(ratio, ratio)
        else:
            point = anchor.toPoint()
            fixed = self.mapToScene(point)
            self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
            self.scale(ratio, ratio)
            moved = self.mapFromScene(fixed) - point
            self.pan_by(moved.x(), moved.y())
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.sync_labels()
        self.zoom_changed.emit(self.scale_factor)

    def sync_labels(self) -> None:
        """Shape labels are unreadable far out; hidden there, they cost no paint calls."""
        scene = self.scene()
        if scene is not None and hasattr(scene, "set_labels_shown"):
            scene.set_labels_shown(self.scale_factor >= LABELS_FROM)

    def zoom_in(self) -> None:
        self.set_zoom(self.scale_factor * STEP, interactive=True)

    def zoom_out(self) -> None:
        self.set_zoom(self.scale_factor / STEP, interactive=True)

    def _set_item_cache(self, mode: QGraphicsItem.CacheMode) -> None:
        scene = self.scene()
        for item in getattr(scene, "nodes", {}).values():
            item.setCacheMode(mode)
        for edge in getattr(scene, "edges", {}).values():
            edge.label.setCacheMode(mode)

    def _zoom_settled(self) -> None:
        self._zooming = False
        self._set_item_cache(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def reset_zoom(self) -> None:
        self.set_zoom(1.0)

    def fit(self, max_scale: float = 1.0) -> None:
        """Show every node, no larger than `max_scale`."""
        scene = self.scene()
        if scene is None:
            return
        rect = QRectF()
        for item in getattr(scene, "nodes", {}).values():
            rect = rect.united(item.sceneBoundingRect())
        if rect.isEmpty():
            self.centerOn(NODE_WIDTH / 2, NODE_HEIGHT / 2)
            return
        rect = rect.adjusted(-40, -40, 40, 40)
        view = self.viewport().rect()
        factor = min(view.width() / rect.width(), view.height() / rect.height(), max_scale)
        self.set_zoom(factor)
        self.centerOn(rect.center())

    def show_top(self, scale: float = 0.85) -> None:
        """Readable zoom (at most 100 %), centred across the graph and starting at its top (long networks)."""
        scene = self.scene()
        rect = QRectF()
        for item in getattr(scene, "nodes", {}).values():
            rect = rect.united(item.sceneBoundingRect())
        view = self.viewport().rect()
        fit = min(view.width() / (rect.width() + 80), view.height() / (rect.height() + 80)) if not rect.isEmpty() else 1
        self.set_zoom(min(max(fit, scale), 1.0))  # a small graph is not blown up past actual size
        if rect.isEmpty():
            return
        visible_height = view.height() / self.scale_factor
        self.centerOn(rect.center().x(), rect.top() - 30 + visible_height / 2)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:  # shift+wheel pans sideways
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - event.angleDelta().y())
            return
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.set_zoom(self.scale_factor * (STEP ** steps), anchor=event.position(), interactive=True)
        event.accept()

    # -- pan ----------------------------------------------------------------------------------
    def pan_by(self, dx: float, dy: float) -> None:
        """Scroll the view by (dx, dy) screen pixels."""
        self.horizontalScrollBar().setValue(round(self.horizontalScrollBar().value() + dx))
        self.verticalScrollBar().setValue(round(self.verticalScrollBar().value() + dy))

    def _wants_pan(self, event) -> bool:
        if event.button() == Qt.MouseButton.MiddleButton:
            return True
        alt = event.modifiers() & Qt.KeyboardModifier.AltModifier
        return event.button() == Qt.MouseButton.LeftButton and (self._space or bool(alt))

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self._wants_pan(event):
            self._pan_from = event.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.pan_by(-delta.x(), -delta.y())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self._pan_from is not None:
            self._pan_from = None
            self.viewport().unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            return
        if event.key() == Qt.Key.Key_Escape and self.scene() is not None:
            self.scene().cancel_gesture()
            self.scene().clearSelection()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self.viewport().unsetCursor()
            return
        super().keyReleaseEvent(event)

    def _rubber_band(self, rect, from_scene, to_scene) -> None:
        if rect.isNull() and self.scene() is not None:
            self.scene().deselect_edges()

    def contextMenuEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.context_menu is None or self.scene() is None:
            return
        pos = self.mapToScene(event.pos())
        item, _port = self.scene().node_at(pos)
        if item is not None and not item.isSelected():
            self.scene().select_ids([item.node_id])
        menu = self.context_menu(pos, item.node_id if item else None)
        if menu is not None:
            menu.exec(event.globalPos())

    # -- drops from the palette ---------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasFormat(OP_MIME):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasFormat(OP_MIME):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasFormat(OP_MIME):
            op = bytes(event.mimeData().data(OP_MIME)).decode("utf-8")
            pos = self.mapToScene(event.position().toPoint())
            self.op_dropped.emit(op, QPointF(pos.x() - NODE_WIDTH / 2, pos.y() - NODE_HEIGHT / 2))
            event.acceptProposedAction()
            return
        super().dropEvent(event)

    # -- background ---------------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802 - Qt override
        t = current_theme()
        painter.fillRect(rect, t.color("canvas"))
        scale = self.scale_factor
        if scale < 0.3:
            return
        # Faint lines every grid step, stronger every fifth: one cheap, exact drawLines
        # call at any zoom (dot textures cost 8 ms a frame once scaled).
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        step = GRID * (1 if scale >= 0.6 else 5)
        major = GRID * 5
        left, top = math.floor(rect.left() / step) * step, math.floor(rect.top() / step) * step
        minor_lines: list[QLineF] = []
        major_lines: list[QLineF] = []
        x = left
        while x <= rect.right():
            (major_lines if x % major == 0 else minor_lines).append(QLineF(x, rect.top(), x, rect.bottom()))
            x += step
        y = top
        while y <= rect.bottom():
            (major_lines if y % major == 0 else minor_lines).append(QLineF(rect.left(), y, rect.right(), y))
            y += step
        grid = t.color("grid")
        painter.setPen(QPen(t.color("grid_minor"), 0))
        painter.drawLines(minor_lines)
        painter.setPen(QPen(grid, 0))
        painter.drawLines(major_lines)
