"""Activations: the selected node's output for one validation sample, one tile per channel,
and "what does this channel see" (activation maximisation) for the channel clicked."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from app.theme import current_theme
from app.viz.image_grid import ImageView, colorize, display_images, normalize, tile

__all__ = ["ActivationsView", "activation_picture"]


def activation_picture(maps: np.ndarray, background: tuple[float, float, float] = (1.0, 1.0, 1.0)):
    """What the view paints for an activation array, and the tile layout (None when not tiled):
    (C, H, W) one viridis tile per channel, each to its own range; (F,) one cell per unit on a
    shared range; (A, B) one image (a sequence's steps by features, a graph's nodes by features)."""
    maps = np.asarray(maps, np.float32)
    if maps.ndim == 3:
        tiles = colorize(normalize_each(maps))
        return tile(tiles, scale="none", pad=1, fill=background)
    if maps.ndim == 1:
        cols = math.ceil(math.sqrt(len(maps)))
        cells = np.full(cols * math.ceil(len(maps) / cols), np.nan, np.float32)
        cells[:len(maps)] = normalize(maps)
        tiles = colorize(np.nan_to_num(cells, nan=0.0)).reshape(-1, 1, 1, 3)[:len(maps)]
        return tile(tiles, columns=cols, scale="none", pad=1, fill=background)
    if maps.ndim == 2:
        return colorize(normalize(maps)), None
    return None, None


def normalize_each(maps: np.ndarray) -> np.ndarray:
    """(N, ...) each scaled to its own range."""
    flat = maps.reshape(len(maps), -1)
    low, high = np.nanmin(flat, 1), np.nanmax(flat, 1)
    shape = (-1,) + (1,) * (maps.ndim - 1)
    return np.nan_to_num(np.clip((maps - low.reshape(shape)) / np.maximum(high - low, 1e-12).reshape(shape), 0, 1))


def _shape(a: np.ndarray) -> str:
    return " × ".join(str(d) for d in a.shape)


class ActivationsView(QWidget):
    sample_changed = Signal(int)
    maximize_requested = Signal(str, int)  # node, channel

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.node_id: str | None = None
        self.maps: np.ndarray | None = None  # the activations shown, as the engine gave them
        self._sample: np.ndarray | None = None
        self._dirty = False
        self.header = QLabel()
        self.header.setProperty("role", "muted")
        self.sample_spin = QSpinBox()
        self.sample_spin.setRange(0, 9999)
        self.sample_spin.setPrefix("sample ")
        self.sample_spin.setToolTip("Which validation sample goes through the network")
        self.sample_spin.setKeyboardTracking(False)
        self.sample_spin.valueChanged.connect(self.sample_changed)
        self.input_view = ImageView(minimum=QSize(72, 72))
        self.input_view.setMaximumWidth(96)
        self.input_view.setToolTip("The sample")
        self.view = ImageView()
        self.view.tile_clicked.connect(self._tile_clicked)
        self.channel_spin = QSpinBox()
        self.channel_spin.setPrefix("channel ")
        self.channel_spin.setRange(0, 0)
        self.channel_spin.valueChanged.connect(lambda i: self.view.set_selected(i))
        self.see_button = QPushButton("What does this channel see?")
        self.see_button.setToolTip("Activation maximisation: the input that excites this channel most "
                                   "(gradient ascent on the input, in the background)")
        self.see_button.clicked.connect(self._maximize)
        self.seen_view = ImageView(minimum=QSize(72, 72))
        self.seen_view.setMaximumWidth(110)
        # Its place is kept while it is hidden, and the note below it is two lines high at all times:
        # the grid must not jump when the answer to "what does this channel see?" arrives.
        policy = self.seen_view.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.seen_view.setSizePolicy(policy)
        self.seen_label = QLabel()
        self.seen_label.setProperty("role", "muted")
        self.seen_label.setWordWrap(True)
        self.seen_label.setFixedHeight(2 * self.seen_label.fontMetrics().lineSpacing() + 2)

        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.sample_spin)
        middle = QHBoxLayout()
        middle.addWidget(self.input_view, 0, Qt.AlignmentFlag.AlignTop)
        middle.addWidget(self.view, 1)
        middle.addWidget(self.seen_view, 0, Qt.AlignmentFlag.AlignTop)
        bottom = QHBoxLayout()
        bottom.addWidget(self.channel_spin)
        bottom.addWidget(self.see_button)
        bottom.addWidget(self.seen_label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addLayout(bottom)
        self.seen_view.hide()
        self.set_node(None)

    def set_node(self, node_id: str | None, what: str = "") -> None:
        """The node to show (None: nothing selected); `what` names it, e.g. "Conv2d"."""
        self.node_id = node_id
        self.maps = None
        self.seen_view.hide()
        self.seen_label.clear()
        self.header.setText(f"<b>{node_id}</b> {what}" if node_id else "")
        self.view.set_message("Select a node on the canvas to see its activations for a validation sample."
                              if node_id is None else "Computing…")
        self._enable_channels(0)

    def set_data(self, data: dict[str, Any]) -> None:
        """Take a snapshot (or introspection) dict; shows `activations/<node>` if it has it."""
        if self.node_id is None:
            return
        maps = data.get(f"activations/{self.node_id}")
        if maps is None:
            return
        self.maps = np.asarray(maps)
        self._sample = data.get("watched_input")
        self._dirty = True
        if self.isVisible():  # hidden (another tab): drawn when shown
            self._render()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._dirty:
            self._render()

    def _render(self) -> None:
        self._dirty = False
        if self.maps is None:
            return
        sample = self._sample
        if sample is not None:
            sample = np.asarray(sample)
            if sample.ndim == 3:
                self.input_view.set_array(display_images(sample[None])[0])
                self.input_view.show()
            else:
                self.input_view.hide()
        picture, layout = activation_picture(self.maps, _background())
        if picture is None:
            self.view.set_message(f"{self.node_id} gives {_shape(self.maps)} per sample: nothing to draw")
            self._enable_channels(0)
            return
        self.view.set_array(picture, layout)
        self.view.set_selected(self.channel_spin.value() if layout is not None else None)
        count = layout.count if layout is not None else 0
        self._enable_channels(count)
        kind = {3: "maps", 1: "units"}.get(self.maps.ndim, "values")
        low, high = float(np.nanmin(self.maps)), float(np.nanmax(self.maps))
        self.header.setText(f"<b>{self.node_id}</b> · {self.maps.shape[0]} {kind} · {_shape(self.maps)} · "
                            f"range {low:.3g} to {high:.3g}")

    def set_failed(self, text: str) -> None:
        self.maps = None
        self.view.set_message(text)

    def _enable_channels(self, count: int) -> None:
        self.channel_spin.setRange(0, max(0, count - 1))
        self.channel_spin.setEnabled(count > 0)
        self.see_button.setEnabled(count > 0 and self.maps is not None and self.maps.ndim in (1, 3))

    def _tile_clicked(self, index: int) -> None:
        self.channel_spin.setValue(index)

    def _maximize(self) -> None:
        if self.node_id is None:
            return
        self.seen_label.setText(f"Finding what excites channel {self.channel_spin.value()}…")
        self.maximize_requested.emit(self.node_id, self.channel_spin.value())

    def show_maximized(self, node_id: str, channel: int, image: np.ndarray, value: float) -> None:
        if node_id != self.node_id:
            return
        image = np.asarray(image)
        if image.ndim == 3:
            self.seen_view.set_array(display_images(image[None])[0])
        elif image.ndim == 1:
            self.seen_view.set_array(colorize(normalize(image))[None, :, :])
        else:
            self.seen_view.set_array(colorize(normalize(image)))
        self.seen_view.show()
        self.seen_label.setText(f"Channel {channel} sees this most (mean activation {value:.3g})")

    def show_maximize_failed(self, text: str) -> None:
        self.seen_label.setText(f"Not found: {text}")


def _background() -> tuple[float, float, float]:
    color = current_theme().color("panel")
    return color.redF(), color.greenF(), color.blueF()
