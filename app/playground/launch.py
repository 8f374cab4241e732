"""Opening the Playground on its own (`netsmith playground`) and rendering it offscreen."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import torch

from engine.playground import PlaygroundSession, PlaygroundSettings
from engine.playground_link import PlaygroundView

__all__ = ["playground_screenshot", "run_playground"]


def _application(offscreen: bool = False):
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("Netsmith Playground")
    return app


def run_playground(settings: PlaygroundSettings, *, weights: Mapping[str, torch.Tensor] | None = None,
                   points: tuple[np.ndarray, np.ndarray] | None = None, device: str = "auto",
                   view: PlaygroundView | None = None) -> int:
    """Open the Playground window and run until it closes."""
    app = _application()
    from app.playground.window import PlaygroundWindow

    session = PlaygroundSession(settings, points=points if settings.dataset == "custom" else None, device=device,
                                weights=weights)
    window = PlaygroundWindow(session=session, device=device)
    if view is not None:
        window.set_view(view)
    window.show()
    return app.exec()


def playground_screenshot(session: PlaygroundSession, path: str | Path, size: tuple[int, int] = (1400, 760),
                          view: PlaygroundView | None = None) -> Path:
    """The window on `session`, laid out at `size`, saved as a PNG."""
    app = _application(offscreen=True)
    from app.playground.window import PlaygroundWindow

    window = PlaygroundWindow(session=session, device=str(session.device))
    if view is not None:
        window.set_view(view)
    window.resize(*size)
    window.show()
    app.processEvents()
    window.refresh()
    app.processEvents()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    window.close()
    return path
