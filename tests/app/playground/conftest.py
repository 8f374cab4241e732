"""The Playground window offscreen, on one torch thread, with message boxes recorded, not shown."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _one_thread(one_torch_thread):
    """Every Playground window test on one torch thread (pytestmark does not reach from a conftest)."""


@pytest.fixture
def dialogs(monkeypatch):
    """Message boxes and file dialogs recorded instead of shown; `files` answers file dialogs in order."""
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    seen: dict[str, list] = {"critical": [], "information": [], "warning": [], "files": []}

    def record(kind):
        def show(parent, title, text, *args, **kwargs):
            seen[kind].append((title, text))
            return QMessageBox.StandardButton.Ok

        return show

    for kind in ("critical", "information", "warning"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(record(kind)))

    def answer(*args, **kwargs):
        return (str(seen["files"].pop(0)) if seen["files"] else "", "")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(answer))
    return seen


@pytest.fixture
def window(qtbot, dialogs):
    from app.playground.window import PlaygroundWindow

    win = PlaygroundWindow(device="cpu")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.dialogs = dialogs
    yield win
    win.pause()
    win.close()
