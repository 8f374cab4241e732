"""Driving the window as a user does: real mouse and key events through QTest, drops from the
layer palette with the palette's own drag data, menus opened and clicked.

Positions may be read from the scene's items (where a node or port is drawn); the
effect of a gesture is only ever what the window's own event handlers make of it.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu, QTreeWidgetItem, QWidget

from engine.graph import Endpoint

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def key(widget: QWidget, key: Qt.Key, modifiers=NONE) -> None:
    """Press and release one key (with modifiers) on `widget`; shortcuts fire as for a user."""
    QTest.keyClick(widget, key, modifiers)
    QApplication.processEvents()


def type_text(widget: QWidget, text: str) -> None:
    QTest.keyClicks(widget, text)
    QApplication.processEvents()


def click(widget: QWidget, pos: QPoint | None = None, button=LEFT) -> None:
    """A left click at `pos` (widget pixels; the middle when None)."""
    QTest.mouseClick(widget, button, NONE, pos if pos is not None else widget.rect().center())
    QApplication.processEvents()


def select_field(widget: QWidget) -> None:
    """Click into a text field and select what it holds, to type over it."""
    click(widget)
    key(widget, Qt.Key.Key_A, CTRL)


# -- the canvas ------------------------------------------------------------------------------------
def view_point(view, scene_pos: QPointF) -> QPoint:
    """Where a scene point is on the canvas's viewport, in its pixels."""
    return view.mapFromScene(scene_pos)


def port_point(window, node: str, kind: str, port: str) -> QPoint:
    """The viewport pixel of a node's port dot (`kind` "in" or "out")."""
    return view_point(window.view, window.scene.port_pos(Endpoint(node, port), kind))


def node_point(window, node: str) -> QPoint:
    """The middle of a node's card on the viewport (its title row, clear of the ports)."""
    rect = window.scene.nodes[node].sceneBoundingRect()
    return view_point(window.view, QPointF(rect.center().x(), rect.top() + 24))


def mouse_drag(widget: QWidget, start: QPoint, end: QPoint, steps: int = 6) -> None:
    """Press at `start`, move there in a few steps with the button held, release at `end`."""
    QTest.mousePress(widget, LEFT, NONE, start)
    for i in range(1, steps + 1):
        t = i / steps
        QTest.mouseMove(widget, QPoint(round(start.x() + (end.x() - start.x()) * t),
                                       round(start.y() + (end.y() - start.y()) * t)))
    QTest.mouseRelease(widget, LEFT, NONE, end)
    QApplication.processEvents()


def connect_ports(window, src: str, dst: str, src_port: str = "out", dst_port: str = "x") -> None:
    """Drag from `src`'s output dot to `dst`'s input dot on the canvas."""
    mouse_drag(window.view.viewport(), port_point(window, src, "out", src_port),
               port_point(window, dst, "in", dst_port))


# -- the palette -----------------------------------------------------------------------------------
def palette_item(palette, op: str) -> QTreeWidgetItem:
    """The palette's row for `op`, as the user sees it under its category."""
    tree = palette.tree
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        for j in range(top.childCount()):
            child = top.child(j)
            if child.text(0) == op and not child.isHidden():
                return child
    raise LookupError(f"{op} is not shown in the palette")


def drop_from_palette(window, op: str, at: QPoint) -> str:
    """Drag `op` from the palette and let go over the canvas at `at` (viewport pixels).

    Offscreen, QDrag.exec would block, so the drag's events are sent as Qt sends them
    during a drag: enter, move, drop, carrying the mime data the palette's tree makes for
    the dragged row (the same call QAbstractItemView.startDrag makes). Returns the new
    node's id.
    """
    tree = window.palette.tree
    item = palette_item(window.palette, op)
    tree.scrollToItem(item)
    QTest.mousePress(tree.viewport(), LEFT, NONE, tree.visualItemRect(item).center())
    mime = tree.model().mimeData([tree.indexFromItem(item)])
    QTest.mouseRelease(tree.viewport(), LEFT, NONE, tree.visualItemRect(item).center())
    viewport = window.view.viewport()
    before = set(window.graph.nodes)
    copy = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(at, copy, mime, LEFT, NONE)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted(), f"the canvas refuses to take {op}"
    for point in (at + QPoint(-3, -2), at):
        move = QDragMoveEvent(point, copy, mime, LEFT, NONE)
        QApplication.sendEvent(viewport, move)
        assert move.isAccepted()
    drop = QDropEvent(QPointF(at), copy, mime, LEFT, NONE)
    QApplication.sendEvent(viewport, drop)
    assert drop.isAccepted()
    QApplication.processEvents()
    added = set(window.graph.nodes) - before
    assert len(added) == 1, f"dropping {op} added {sorted(added)}"
    return added.pop()


# -- menus -----------------------------------------------------------------------------------------
def open_menu(window, title: str) -> QMenu:
    """Click a menu's title in the menu bar; returns the menu that opened."""
    bar = window.menuBar()
    action = next(a for a in bar.actions() if a.text().replace("&", "") == title)
    click(bar, bar.actionGeometry(action).center())
    menu = action.menu()
    QTest.qWaitForWindowExposed(menu)
    assert menu.isVisible(), f"the {title} menu did not open"
    return menu


def click_menu_item(menu: QMenu, text: str) -> QMenu | None:
    """Click the item whose text starts with `text`; returns the submenu it opens, if any."""
    action = next((a for a in menu.actions() if a.text().replace("&", "").startswith(text)), None)
    assert action is not None, f"no '{text}' in {[a.text() for a in menu.actions()]}"
    assert action.isEnabled(), f"'{text}' is disabled"
    where = menu.actionGeometry(action).center()
    QTest.mouseMove(menu, where)
    click(menu, where)
    sub = action.menu()
    if sub is not None:
        QTest.qWaitForWindowExposed(sub)
        assert sub.isVisible(), f"the {text} submenu did not open"
    return sub
