"""Playground's diverging colour scale, and heatmaps as QImages painted through a lookup table.

TensorFlow Playground maps -1 -> orange (#f59322), 0 -> light grey (#e8eaeb), 1 -> blue
(#0877bd) and draws heatmaps at alpha 160 on white; the table below bakes that blend in.
A whole stack of maps becomes 8-bit indices in one numpy pass and Qt converts them through
the table, so a frame's dozens of heatmaps cost a few milliseconds, not a loop per pixel.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor, QImage

__all__ = ["BLUE", "GREY", "ORANGE", "color", "heatmap_images", "indices", "lookup_table"]

ORANGE, GREY, BLUE = (0xF5, 0x93, 0x22), (0xE8, 0xEA, 0xEB), (0x08, 0x77, 0xBD)
HEATMAP_ALPHA = 160 / 255  # Playground's heatmap opacity over a white page


def _scale(t: np.ndarray) -> np.ndarray:
    """RGB (float) of values t in [-1, 1] on the orange-grey-blue scale."""
    t = np.clip(t, -1.0, 1.0)[:, None]
    lo, mid, hi = (np.array(c, np.float64) for c in (ORANGE, GREY, BLUE))
    return np.where(t < 0, mid + (lo - mid) * -t, mid + (hi - mid) * t)


def lookup_table(alpha: float = HEATMAP_ALPHA, background: tuple[int, int, int] = (255, 255, 255)) -> np.ndarray:
    """256 opaque ARGB32 pixels for indices 0..255 (value -1..1), blended over `background`."""
    values = np.linspace(-1.0, 1.0, 256)
    rgb = _scale(values) * alpha + np.array(background, np.float64) * (1.0 - alpha)
    rgb = np.round(rgb).astype(np.uint32)
    return (0xFF000000 | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]).astype(np.uint32)


_TABLE = lookup_table()
_COLORS = [int(c) for c in _TABLE]


_STRONG = [tuple(int(round(c)) for c in rgb) for rgb in _scale(np.linspace(-1.0, 1.0, 256))]
_CACHE: dict[tuple[int, int], QColor] = {}


def color(value: float, alpha: int = 255) -> QColor:
    """The scale's colour of `value` (clamped to [-1, 1]; 256 steps), full strength: links, points, biases.

    Cached: a frame asks for hundreds of these."""
    v = 0.0 if value != value else min(max(value, -1.0), 1.0)  # NaN -> 0
    key = (int((v + 1.0) * 127.5), alpha)
    found = _CACHE.get(key)
    if found is None:
        found = _CACHE[key] = QColor(*_STRONG[key[0]], alpha)
    return QColor(found)


def indices(values: np.ndarray, discretize: bool = False, scale: float = 1.0) -> np.ndarray:
    """uint8 table indices of `values / scale`; discretized values snap to -1 or +1 (Playground's switch)."""
    v = np.asarray(values, np.float32)
    if scale != 1.0:
        v = v / np.float32(scale)
    if discretize:
        return np.where(v >= 0, np.uint8(255), np.uint8(0))
    out = np.fmin(v, 1.0)  # fmin and fmax (unlike clip) also map NaN into range, without a pass of their own
    np.fmax(out, -1.0, out=out)
    out += 1.0
    out *= 127.5
    return out.astype(np.uint8)


def heatmap_images(maps: np.ndarray, discretize: bool = False, scale: float = 1.0,
                   size: int | None = None) -> list[QImage]:
    """One QImage per (R, R) map of `maps` (..., R, R); row 0 of a map is the bottom (y up), so it is flipped.

    The maps become 8-bit indices in one numpy pass and Qt looks the colours up in the table
    above, so a frame's maps cost a few milliseconds, not a loop per pixel. With
    `size`, each map is sampled down to size x size first (thumbnails drawn 1:1 are a plain
    copy to the screen; scaling 100 x 100 images while painting costs far more).
    """
    maps = np.asarray(maps)
    maps = maps.reshape(-1, *maps.shape[-2:])
    if size is not None and size < maps.shape[-1]:
        rows = ((np.arange(size) + 0.5) * maps.shape[-2] / size).astype(np.intp)
        cols = ((np.arange(size) + 0.5) * maps.shape[-1] / size).astype(np.intp)
        maps = maps[:, rows[:, None], cols[None, :]]
    stack = np.ascontiguousarray(indices(maps, discretize, scale)[:, ::-1, :])
    height, width = stack.shape[1:]
    images = []
    for plane in stack:
        image = QImage(plane.data, width, height, width, QImage.Format.Format_Indexed8)
        image.setColorTable(_COLORS)
        # Qt's table lookup into an image of its own: the pixels outlive `plane`, and it paints as a plain copy.
        images.append(image.convertToFormat(QImage.Format.Format_RGB32))
    return images
