"""numpy arrays as pictures: tiling, colour maps, QImage conversion, and two small widgets
that paint them crisply (nearest neighbour) at any size. Every image view uses these."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.theme import current_theme

__all__ = ["GridLayout", "ImageView", "TileGrid", "colorize", "display_images", "normalize", "tile", "to_qimage"]

_LUTS: dict[str, np.ndarray] = {}


def normalize(a: np.ndarray, low: float | None = None, high: float | None = None) -> np.ndarray:
    """Floats scaled from [low, high] (default: the finite range of `a`) to [0, 1]; NaN becomes 0."""
    a = np.asarray(a, np.float32)
    finite = a[np.isfinite(a)]
    if low is None:
        low = float(finite.min()) if finite.size else 0.0
    if high is None:
        high = float(finite.max()) if finite.size else 1.0
    out = (a - low) / max(high - low, 1e-12)
    return np.nan_to_num(np.clip(out, 0.0, 1.0), nan=0.0, posinf=1.0, neginf=0.0)


def colorize(a: np.ndarray, cmap: str = "viridis") -> np.ndarray:
    """(H, W) values in [0, 1] -> (H, W, 3) float RGB through a pyqtgraph colour map."""
    lut = _LUTS.get(cmap)
    if lut is None:
        import pyqtgraph as pg

        lut = _LUTS[cmap] = pg.colormap.get(cmap).getLookupTable(nPts=256).astype(np.float32) / 255.0
    index = np.clip((np.asarray(a) * 255).astype(np.int32), 0, 255)
    return lut[index]


def to_qimage(a: np.ndarray) -> QImage:
    """(H, W) grey or (H, W, 3) RGB values in [0, 1] -> a QImage that owns its pixels."""
    a = np.asarray(a)
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[:, :, 0]
    data = np.ascontiguousarray(np.clip(a * 255.0 + 0.5, 0, 255).astype(np.uint8))
    h, w = data.shape[:2]
    if data.ndim == 2:
        image = QImage(data.data, w, h, w, QImage.Format.Format_Grayscale8)
    else:
        data = np.ascontiguousarray(data[:, :, :3])
        image = QImage(data.data, w, h, 3 * w, QImage.Format.Format_RGB888)
    return image.copy()  # the numpy buffer goes away with this frame


def display_images(x: np.ndarray, rescale: bool = True) -> np.ndarray:
    """A batch as (N, H, W) or (N, H, W, 3) for display: (N, C, H, W) tensors are moved to channels-last
    (arrays already channels-last, as snapshots send them, stay). With `rescale`, each image is scaled
    to its own range (raw inputs); without, values are taken as they are, in [0, 1] (the engine's
    pictures of samples and reconstructions, where a faint output should look faint)."""
    x = np.asarray(x, np.float32)
    if x.ndim == 4 and x.shape[1] in (1, 3) and x.shape[3] not in (1, 3):
        x = x.transpose(0, 2, 3, 1)
    if x.ndim == 4 and x.shape[3] == 1:
        x = x[..., 0]
    if x.ndim == 4 and x.shape[3] not in (1, 3):  # (N, H, W, C) with other channels: show the first
        x = x[..., 0]
    if not rescale:
        return np.clip(np.nan_to_num(x), 0, 1)
    low = np.nanmin(x.reshape(len(x), -1), 1) if x.size else np.zeros(len(x))
    high = np.nanmax(x.reshape(len(x), -1), 1) if x.size else np.ones(len(x))
    shape = (-1,) + (1,) * (x.ndim - 1)
    return np.clip((x - low.reshape(shape)) / np.maximum(high - low, 1e-12).reshape(shape), 0, 1)


@dataclass(frozen=True)
class GridLayout:
    """Where tile i lies in a tiled image: rows x cols tiles of h x w pixels, `pad` apart."""

    count: int
    rows: int
    cols: int
    h: int
    w: int
    pad: int

    def rect(self, i: int) -> tuple[int, int, int, int]:
        r, c = divmod(i, self.cols)
        return c * (self.w + self.pad), r * (self.h + self.pad), self.w, self.h

    def index_at(self, x: float, y: float) -> int | None:
        c, r = int(x // (self.w + self.pad)), int(y // (self.h + self.pad))
        i = r * self.cols + c
        if 0 <= c < self.cols and 0 <= r < self.rows and i < self.count:
            return i
        return None


def tile(maps: np.ndarray, columns: int | None = None, pad: int = 1, scale: str = "each",
         fill: float | Sequence[float] = 1.0) -> tuple[np.ndarray, GridLayout]:
    """(N, H, W) or (N, H, W, 3) -> one image of N tiles, `pad` pixels of `fill` apart.

    `scale`: "each" scales every tile to its own range (a weak channel stays visible),
    "all" uses the range of the whole batch, "none" takes values already in [0, 1].
    """
    maps = np.asarray(maps, np.float32)
    n, h, w = maps.shape[:3]
    if scale == "each" and n:
        flat = np.where(np.isfinite(maps), maps, np.nan).reshape(n, -1)
        low, high = np.nan_to_num(np.nanmin(flat, 1)), np.nan_to_num(np.nanmax(flat, 1))
        shape = (-1,) + (1,) * (maps.ndim - 1)
        maps = np.nan_to_num(np.clip((maps - low.reshape(shape)) / np.maximum(high - low, 1e-12).reshape(shape), 0, 1))
    elif scale == "all":
        maps = normalize(maps)
    cols = max(1, min(columns or math.ceil(math.sqrt(n)), n)) if n else 1
    rows = max(1, math.ceil(n / cols))
    grid = np.empty((rows * (h + pad) - pad, cols * (w + pad) - pad) + maps.shape[3:], np.float32)
    grid[...] = fill
    for i in range(n):
        r, c = divmod(i, cols)
        grid[r * (h + pad): r * (h + pad) + h, c * (w + pad): c * (w + pad) + w] = maps[i]
    return grid, GridLayout(n, rows, cols, h, w, pad)


class ImageView(QWidget):
    """One image, scaled to fit with square pixels, or a message when there is none.

    Given the tiles' layout, a click names the tile under it (`tile_clicked`) and the
    selected tile is outlined.
    """

    tile_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None, minimum: QSize | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self.array: np.ndarray | None = None  # what is shown, in [0, 1] (tests compare it)
        self.layout_: GridLayout | None = None
        self.selected: int | None = None
        self.message = ""
        self.setMinimumSize(minimum or QSize(120, 90))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_array(self, array: np.ndarray | None, layout: GridLayout | None = None) -> None:
        """Show `array` (values in [0, 1]); it becomes a QImage when next painted (never, while hidden)."""
        self.array = None if array is None else np.asarray(array)
        self._image = None
        self.layout_ = layout
        if array is not None:
            self.message = ""
        self.update()

    def set_message(self, text: str) -> None:
        self.message = text
        self._image, self.array, self.layout_ = None, None, None
        self.update()

    @property
    def image(self) -> QImage | None:
        if self._image is None and self.array is not None:
            self._image = to_qimage(self.array)
        return self._image

    def set_selected(self, index: int | None) -> None:
        self.selected = index
        self.update()

    def target(self) -> QRectF:
        """Where the image is drawn: centred, as large as fits (pixels stay square and sharp)."""
        if self.image is None:
            return QRectF()
        w, h = self.image.width(), self.image.height()
        area = self.rect().adjusted(4, 4, -4, -4)
        scale = min(area.width() / w, area.height() / h)
        sw, sh = w * scale, h * scale
        return QRectF(area.x() + (area.width() - sw) / 2, area.y() + (area.height() - sh) / 2, sw, sh)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        t = current_theme()
        if self.image is None:
            painter.setPen(QColor(t.muted))
            painter.drawText(self.rect().adjusted(12, 12, -12, -12), Qt.AlignmentFlag.AlignCenter
                             | Qt.TextFlag.TextWordWrap, self.message)
            return
        target = self.target()
        painter.drawImage(target, self.image)
        if self.layout_ is not None and self.selected is not None and self.selected < self.layout_.count:
            x, y, w, h = self.layout_.rect(self.selected)
            sx = target.width() / self.image.width()
            pen = QPen(QColor(t.accent), 2)
            painter.setPen(pen)
            painter.drawRect(QRectF(target.x() + x * sx - 1, target.y() + y * sx - 1, w * sx + 2, h * sx + 2))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self.image is None or self.layout_ is None:
            return
        target = self.target()
        pos = event.position()
        if not target.contains(pos):
            return
        scale = target.width() / self.image.width()
        index = self.layout_.index_at((pos.x() - target.x()) / scale, (pos.y() - target.y()) / scale)
        if index is not None:
            self.set_selected(index)
            self.tile_clicked.emit(index)


class TileGrid(QWidget):
    """Small images in a grid, each with a caption (coloured, e.g. right or wrong), and optional
    column titles (e.g. "low-res, bicubic, model, target")."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.arrays: list[np.ndarray] = []
        self._images: list[QImage] | None = None
        self.captions: list[str] = []
        self.colors: list[str | None] = []
        self.columns = 1
        self.titles: Sequence[str] = ()
        self.message = ""
        self.setMinimumSize(QSize(160, 120))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_tiles(self, images: Sequence[np.ndarray], captions: Sequence[str] = (),
                  colors: Sequence[str | None] = (), columns: int | None = None, titles: Sequence[str] = ()) -> None:
        self.arrays = [np.asarray(a) for a in images]
        self._images: list[QImage] | None = None
        self.captions = list(captions) + [""] * (len(images) - len(captions))
        self.colors = list(colors) + [None] * (len(images) - len(colors))
        self.columns = columns or max(1, math.ceil(math.sqrt(len(images))))
        self.titles = tuple(titles)
        self.message = ""
        self.update()

    def set_message(self, text: str) -> None:
        self.arrays, self._images, self.captions, self.colors, self.message = [], None, [], [], text
        self.update()

    @property
    def images(self) -> list[QImage]:
        """The tiles as QImages, made when first painted."""
        if self._images is None:
            self._images = [to_qimage(a) for a in self.arrays]
        return self._images

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        t = current_theme()
        if not self.images:
            painter.setPen(QColor(t.muted))
            painter.drawText(self.rect().adjusted(12, 12, -12, -12), Qt.AlignmentFlag.AlignCenter
                             | Qt.TextFlag.TextWordWrap, self.message)
            return
        font = QFont(self.font())
        font.setPointSizeF(max(7.5, font.pointSizeF() - 1))
        painter.setFont(font)
        line = painter.fontMetrics().height()
        cols = self.columns
        rows = math.ceil(len(self.images) / cols)
        title_h = line + 4 if self.titles else 0
        caption_h = line + 2 if any(self.captions) else 0
        gap = 6
        area = self.rect().adjusted(6, 6, -6, -6)
        aspect = self.images[0].width() / max(1, self.images[0].height())
        cell_w = (area.width() - gap * (cols - 1)) / cols
        cell_h = (area.height() - title_h - rows * caption_h - gap * (rows - 1)) / rows
        side_h = max(8.0, min(cell_h, cell_w / aspect))
        side_w = side_h * aspect
        used_w = cols * side_w + gap * (cols - 1)
        x0 = area.x() + (area.width() - used_w) / 2
        y0 = area.y() + title_h
        muted = QColor(t.muted)
        for c, title in enumerate(self.titles[:cols]):
            painter.setPen(muted)
            painter.drawText(QRectF(x0 + c * (side_w + gap), area.y(), side_w, line), Qt.AlignmentFlag.AlignCenter,
                             title)
        border = QPen(QColor(t.border), 1)
        for i, image in enumerate(self.images):
            r, c = divmod(i, cols)
            x = x0 + c * (side_w + gap)
            y = y0 + r * (side_h + caption_h + gap)
            target = QRectF(x, y, side_w, side_h)
            painter.drawImage(target, image)
            painter.setPen(border)
            painter.drawRect(target)
            if self.captions[i]:
                painter.setPen(QColor(self.colors[i]) if self.colors[i] else muted)
                painter.drawText(QRect(QPoint(int(x) - gap // 2, int(y + side_h + 1)),
                                       QSize(int(side_w) + gap, line)),
                                 Qt.AlignmentFlag.AlignCenter, self.captions[i])
