"""Filters: a convolution's kernels as an image grid (RGB when the layer sees colour)."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.viz.image_grid import ImageView

__all__ = ["FiltersView"]


class FiltersView(QWidget):
    """Shows `filters/<node>` for a selected convolution, else `filters` (the first convolution)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.node_id: str | None = None
        self.is_conv = False
        self.first_conv: str | None = None
        self.grid: np.ndarray | None = None  # what is shown: the engine's filter_grid
        self.shown: str | None = None  # whose filters
        self.header = QLabel()
        self.header.setProperty("role", "muted")
        self.header.setWordWrap(True)
        self.view = ImageView()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.header)
        layout.addWidget(self.view, 1)
        self.view.set_message("The filters of the network's convolutions show here.")

    def set_node(self, node_id: str | None, is_conv: bool, first_conv: str | None) -> None:
        self.node_id, self.is_conv, self.first_conv = node_id, is_conv, first_conv
        if first_conv is None:
            self.grid = None
            self.header.setText("")
            self.view.set_message("This network has no 2-D convolution.")
        elif is_conv and self.shown != node_id:
            self.view.set_message("Computing…")

    def set_data(self, data: dict[str, Any]) -> None:
        own = data.get(f"filters/{self.node_id}") if self.is_conv else None
        grid, who = (own, self.node_id) if own is not None else (data.get("filters"), self.first_conv)
        if grid is None:
            return
        if self.is_conv and own is None:
            return  # wait for the selected layer's own filters
        self.grid, self.shown = np.asarray(grid), who
        self.view.set_array(self.grid)
        colour = "RGB, the three input channels" if self.grid.ndim == 3 else "input channels averaged"
        note = "" if who == self.node_id else " (the first convolution; select another to see its kernels)"
        self.header.setText(f"<b>{who}</b>{note} · each kernel scaled to its own range · {colour}")
