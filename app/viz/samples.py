"""Samples: validation images with the predicted and the true class, right in green, wrong in red."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.theme import current_theme
from app.viz.image_grid import TileGrid, display_images

__all__ = ["SamplesView"]


class SamplesView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = QLabel()
        self.header.setProperty("role", "muted")
        self.grid = TileGrid()
        self.grid.set_message("Predictions for validation images show here once the network is trained or "
                              "training.")
        self.predicted: np.ndarray | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.header)
        layout.addWidget(self.grid, 1)

    def set_data(self, data: dict[str, Any]) -> None:
        if "predicted" not in data or "inputs" not in data:
            return
        inputs = np.asarray(data["inputs"])
        if inputs.ndim != 4:
            return
        images = display_images(inputs)
        predicted = np.asarray(data["predicted"])
        targets = data.get("targets")
        probabilities = data.get("probabilities")
        t = current_theme()
        captions, colors = [], []
        for i, p in enumerate(predicted):
            confidence = f" {100 * float(probabilities[i][p]):.0f}%" if probabilities is not None else ""
            if targets is None:
                captions.append(f"{p}{confidence}")
                colors.append(None)
            elif int(targets[i]) == int(p):
                captions.append(f"{p} ✓{confidence}")
                colors.append(t.ok)
            else:
                captions.append(f"{p} ✗ (is {int(targets[i])})")
                colors.append(t.error)
        self.predicted = predicted
        self.grid.set_tiles(list(images), captions, colors, columns=min(len(images), 8))
        if targets is not None:
            right = int((np.asarray(targets) == predicted).sum())
            self.header.setText(f"predicted class ✓ right / ✗ wrong · {right} of {len(predicted)} right")
