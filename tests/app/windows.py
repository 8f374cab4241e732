"""Main windows for GUI tests."""

from __future__ import annotations


def show_window(qtbot, dialogs, doc):
    """A main window on `doc`, shown offscreen at a fixed size, analysis done, `dialogs` attached."""
    from app.main_window import MainWindow
    from app.settings import Settings

    win = MainWindow(doc, Settings())
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    win.session.analyze_now()
    win.dialogs = dialogs
    return win
