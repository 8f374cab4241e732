"""GUI tests run offscreen with a throw-away settings folder, and no dialog may block."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def private_settings(tmp_path, monkeypatch):
    """Settings and recovery files in a temporary folder, never the user's."""
    folder = tmp_path / "config"
    monkeypatch.setenv("NETSMITH_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture
def dialogs(monkeypatch):
    """Record message boxes instead of showing them; `answers` sets what question() returns."""
    from PySide6.QtWidgets import QMessageBox

    seen: dict[str, list] = {"critical": [], "information": [], "warning": [], "question": []}
    answers: list = []

    def record(kind):
        def show(parent, title, text, *args, **kwargs):
            seen[kind].append((title, text))
            if kind == "question":
                return answers.pop(0) if answers else QMessageBox.StandardButton.Cancel
            return QMessageBox.StandardButton.Ok

        return show

    for kind in seen:
        monkeypatch.setattr(QMessageBox, kind, staticmethod(record(kind)))
    seen["answers"] = answers
    return seen


@pytest.fixture
def window(qtbot, dialogs):
    """The main window on LeNet-5."""
    from engine.templates import load_template
    from tests.app.windows import show_window

    win = show_window(qtbot, dialogs, load_template("lenet5"))
    yield win
    win.session.undo_stack.setClean()  # closing must not ask
    win.close()


def send_mouse(view, kind: str, scene_pos, modifiers=None) -> None:
    """Press, move (with the left button held) or release at a scene position, through the viewport."""
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    pos = QPointF(view.mapFromScene(scene_pos))
    global_pos = QPointF(view.viewport().mapToGlobal(pos.toPoint()))
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    event_type, button, buttons = {
        "press": (QEvent.Type.MouseButtonPress, left, left),
        "move": (QEvent.Type.MouseMove, none, left),
        "release": (QEvent.Type.MouseButtonRelease, left, none),
    }[kind]
    event = QMouseEvent(event_type, pos, global_pos, button, buttons, modifiers or Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), event)


def drag(view, start, end, steps: int = 4) -> None:
    from PySide6.QtCore import QPointF

    send_mouse(view, "press", start)
    for i in range(1, steps + 1):
        t = i / steps
        send_mouse(view, "move", QPointF(start.x() + (end.x() - start.x()) * t, start.y() + (end.y() - start.y()) * t))
    send_mouse(view, "release", end)
