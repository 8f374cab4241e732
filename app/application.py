"""Starting the desktop app: the QApplication, its theme, the first window, screenshots."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from engine.document import Document

__all__ = ["create_application", "render_screenshot", "run_window", "train_steps"]


def create_application(offscreen: bool = False) -> QApplication:
    """The QApplication (made once), with names, style and the saved theme."""
    app = QApplication.instance()
    if app is None:
        if offscreen:
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        QCoreApplication.setOrganizationName("Netsmith")
        QCoreApplication.setApplicationName("Netsmith")
        app = QApplication(sys.argv[:1])
    from app.settings import Settings
    from app.theme import THEMES, apply_theme

    apply_theme(app, THEMES[Settings().theme])
    return app


def train_steps(window, steps: int, timeout: float = 600.0) -> None:
    """Train `steps` steps in the window (the run pauses itself there), and wait until the curves
    and views show that step. Returns early if the run ends first (finished or failed)."""
    app = QApplication.instance()
    controller = window.controller
    if not window.train(pause_after=steps):
        return
    deadline = time.monotonic() + timeout
    requested = False
    while time.monotonic() < deadline and controller.busy:
        app.processEvents()
        record = controller.current
        if controller.state == "paused" and record.step >= steps:
            if not requested:
                controller.trainer.request_snapshot()  # the views show the weights of step `steps`
                requested = True
            elif controller.last_snapshot_step == record.step and controller.shown_all:
                break
        time.sleep(0.01)
    for _ in range(5):  # the last drain's repaints
        app.processEvents()
        time.sleep(0.02)


def render_screenshot(window, path: str | Path, size: tuple[int, int], select: str | None = None,
                      steps: int | None = None) -> None:
    """Lay the window out at `size`, let the analysis finish, optionally train `steps` steps, and
    save the window as a PNG."""
    app = QApplication.instance()
    window.resize(*size)
    window.show()
    app.processEvents()
    window.session.analyze_now()
    if select and select in window.scene.nodes:
        window.scene.select_ids([select])
    app.processEvents()
    window.view.show_top()
    if select and select in window.scene.nodes:
        window.view.ensureVisible(window.scene.nodes[select], 40, 40)
    app.processEvents()
    if steps:
        train_steps(window, steps)
    else:  # the views show the untrained network's activations once they are computed
        window.controller.probes.wait_idle(60)
        for _ in range(3):
            app.processEvents()
    image = window.grab()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")


def run_window(doc: Document, screenshot: str | None = None, size: tuple[int, int] = (1440, 900),
               theme: str | None = None, select: str | None = None, steps: int | None = None) -> int:
    """Open the main window on `doc`; with `screenshot`, render it offscreen (after training `steps`
    steps, if given) and exit."""
    app = create_application(offscreen=screenshot is not None)
    from app.main_window import MainWindow
    from app.settings import Settings
    from app.theme import THEMES, apply_theme

    if theme is not None:
        apply_theme(app, THEMES[theme])
    window = MainWindow(doc, Settings(), check_recovery=screenshot is None)
    if screenshot is not None:
        render_screenshot(window, screenshot, size, select, steps)
        window.discard_unsaved_work()  # nothing to ask about on the way out
        window.close()
        return 0
    window.show()
    return app.exec()
