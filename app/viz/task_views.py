"""What a generative or dense-prediction task makes, as it learns: a GAN's samples per epoch,
a VAE's reconstructions and latent sweep, super-resolution side by side, segmentation
overlays, image-to-image regression (source separation) side by side, generated text."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QSlider, QVBoxLayout, QWidget

from app.viz.image_grid import ImageView, TileGrid, display_images, tile
from engine.training import Snapshot

__all__ = ["TASK_TITLES", "TaskView", "overlay"]

TASK_TITLES = {
    "gan": "Generated",
    "vae": "Reconstructions",
    "reconstruction": "Reconstructions",
    "super_resolution": "Super-resolution",
    "segmentation": "Segmentation",
    "sequence": "Generated text",
    "regression": "Estimates",  # shown for image inputs only (InsideView.set_task)
}

# Class colours for masks (class 0, the background, is left clear).
_CLASS_COLORS = np.array([[0, 0, 0], [0.15, 0.39, 0.92], [0.92, 0.35, 0.05], [0.09, 0.64, 0.29],
                          [0.75, 0.15, 0.83], [0.85, 0.47, 0.02], [0.05, 0.58, 0.53], [0.86, 0.15, 0.15]], np.float32)


def overlay(image: np.ndarray, mask: np.ndarray, alpha: float = 0.5) -> np.ndarray:
    """(H, W[, 3]) image in [0, 1] with mask classes painted over it, both centre-cropped to the mask."""
    h, w = mask.shape
    H, W = image.shape[:2]
    top, left = (H - h) // 2, (W - w) // 2
    image = image[top:top + h, left:left + w]
    rgb = np.repeat(image[..., None], 3, axis=2) if image.ndim == 2 else image[..., :3]
    colors = _CLASS_COLORS[np.asarray(mask, np.int64) % len(_CLASS_COLORS)]
    painted = (mask > 0)[..., None]
    return np.where(painted, (1 - alpha) * rgb + alpha * colors, rgb).astype(np.float32)


class TaskView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.task = ""
        self.epochs: dict[int, Any] = {}  # epoch -> that epoch's last samples (GAN grids, texts)
        self.header = QLabel()
        self.header.setProperty("role", "muted")
        self.header.setWordWrap(True)
        self.tiles = TileGrid()
        self.side = ImageView()
        self.side_label = QLabel()
        self.side_label.setProperty("role", "muted")
        self.side_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.text.setFont(mono)
        self.epoch_slider = QSlider(Qt.Orientation.Horizontal)
        self.epoch_slider.valueChanged.connect(self._show_epoch)
        self.epoch_label = QLabel()
        self.epoch_label.setProperty("role", "muted")
        side = QVBoxLayout()
        side.addWidget(self.side, 1)
        side.addWidget(self.side_label)
        body = QHBoxLayout()
        body.addWidget(self.tiles, 3)
        body.addLayout(side, 2)
        body.addWidget(self.text, 3)
        slider = QHBoxLayout()
        slider.addWidget(self.epoch_label)
        slider.addWidget(self.epoch_slider, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.header)
        layout.addLayout(body, 1)
        layout.addLayout(slider)
        self.set_task("")

    def set_task(self, task: str) -> None:
        self.task, self.epochs = task, {}
        gan, text, vae = task == "gan", task == "sequence", task == "vae"
        self.tiles.setVisible(not text)
        self.side.setVisible(vae or gan)
        self.side_label.setVisible(vae or gan)
        self.text.setVisible(text)
        self.epoch_slider.setVisible(gan)
        self.epoch_label.setVisible(gan)
        self.tiles.set_message("Pictures show once training starts (or when the network is trained).")
        self.side.set_message("")
        self.text.clear()
        self.header.setText({
            "gan": "Samples from 16 fixed latent vectors, at the end of each epoch",
            "vae": "Validation images (top) and their reconstructions (bottom)",
            "reconstruction": "Validation images (top) and their reconstructions (bottom)",
            "super_resolution": "Each row: the network's input, bicubic upsampling, the network's output, the "
                                "original",
            "segmentation": "Each row: the image, the true mask, the predicted mask",
            "regression": "For each sample: the network's input, its output, the target (spectrograms: "
                          "low frequencies at the bottom, magnitudes square-rooted)",
            "sequence": "Text the model writes, sampled after each epoch (newest first)",
        }.get(task, ""))

    def set_snapshot(self, snap: Snapshot) -> None:
        data = snap.data
        if self.task == "gan" and "samples" in data:
            self.epochs[snap.epoch] = np.asarray(data["samples"])
            self._update_slider()
        elif self.task in ("vae", "reconstruction") and "reconstructions" in data:
            x, r = display_images(data["inputs"], False), display_images(data["reconstructions"], False)
            self.tiles.set_tiles(list(x) + list(r), columns=len(x))
            if "latent_sweep" in data:
                grid, _ = tile(display_images(data["latent_sweep"], False), columns=8, pad=0, scale="none")
                self.side.set_array(grid)
                self.side_label.setText("latent sweep: z₁ left to right, z₂ bottom to top, −2.5 to 2.5")
            elif self.task == "vae":
                self.side.set_message("A latent sweep needs a Reparameterize node")
        elif self.task == "super_resolution" and "outputs" in data:
            columns = [data["inputs"], data["bicubic"], data["outputs"], data["targets"]]
            images = [display_images(c, False) for c in columns]
            rows = [images[c][i] for i in range(len(images[0])) for c in range(4)]
            self.tiles.set_tiles(rows, columns=4, titles=("input", "bicubic", "model", "original"))
        elif self.task == "regression" and "outputs" in data:
            columns = [display_images(data[c], False) for c in ("inputs", "outputs", "targets")]
            tiles = [columns[c][i] for i in range(len(columns[0])) for c in range(3)]
            # Two samples side by side per row: spectrograms are tall, and a dock is wider than high.
            pairs = 2 if len(columns[0]) > 1 else 1
            self.tiles.set_tiles(tiles, columns=3 * pairs, titles=("input", "output", "target") * pairs)
        elif self.task == "segmentation" and "predicted_masks" in data:
            images = display_images(data["images"], False)
            masks, predicted = np.asarray(data["masks"]), np.asarray(data["predicted_masks"])
            rows = []
            for i in range(len(images)):
                h, w = predicted[i].shape
                H, W = images[i].shape[:2]
                crop = images[i][(H - h) // 2:(H - h) // 2 + h, (W - w) // 2:(W - w) // 2 + w]
                rows += [crop, overlay(images[i], masks[i]), overlay(images[i], predicted[i])]
            self.tiles.set_tiles(rows, columns=3, titles=("image", "true mask", "predicted"))
        elif self.task == "sequence" and "text" in data:
            self.epochs[snap.epoch] = str(data["text"])
            self.text.setPlainText("\n\n".join(f"— epoch {e + 1} —\n{t}" if e >= 0 else f"— untrained —\n{t}"
                                               for e, t in sorted(self.epochs.items(), reverse=True)))

    def _update_slider(self) -> None:
        epochs = sorted(self.epochs)
        follow = self.epoch_slider.value() >= self.epoch_slider.maximum()
        self.epoch_slider.blockSignals(True)
        self.epoch_slider.setRange(0, len(epochs) - 1)
        if follow:
            self.epoch_slider.setValue(len(epochs) - 1)
        self.epoch_slider.blockSignals(False)
        self._show_epoch(self.epoch_slider.value())

    def _show_epoch(self, index: int) -> None:
        epochs = sorted(self.epochs)
        if not epochs:
            return
        epoch = epochs[min(index, len(epochs) - 1)]
        samples = display_images(self.epochs[epoch], False)
        self.tiles.set_tiles(list(samples), columns=4)
        name = "untrained" if epoch < 0 else f"epoch {epoch + 1}"
        self.epoch_label.setText(f"{name} ({index + 1} of {len(epochs)})")
        first = display_images(self.epochs[epochs[0]], False)
        grid, _ = tile(first, columns=4, pad=1, scale="none")
        self.side.set_array(grid)
        self.side_label.setText("the first grid, for comparison")
