"""Convolution filters as one image grid."""

from __future__ import annotations

import math

import numpy as np
import torch.nn as nn

from engine.inspect.activations import submodule

__all__ = ["conv_layers", "filter_grid"]


def conv_layers(model: nn.Module) -> list[str]:
    """Names of the 2-D convolutions in forward order (the first is the one whose filters look at pixels)."""
    return [name for name, m in model.named_modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]


def filter_grid(model: nn.Module, node_id: str | None = None, columns: int | None = None, pad: int = 1
                ) -> np.ndarray:
    """The filters of a conv layer (default: the first) tiled into one float32 image in [0, 1].

    RGB when the layer sees 3 channels: (rows, cols, 3); otherwise each filter's input
    channels are averaged into one grey tile: (rows, cols). Each tile is scaled to its
    own range so weak filters stay visible; tiles are separated by `pad` pixels of 0.
    """
    if node_id is None:
        names = conv_layers(model)
        if not names:
            raise ValueError("the network has no 2-D convolution")
        node_id = names[0]
    layer = submodule(model, node_id)
    if not isinstance(layer, (nn.Conv2d, nn.ConvTranspose2d)):
        raise ValueError(f"{node_id} is a {type(layer).__name__}, not a 2-D convolution")
    w = layer.weight.detach().float().cpu().numpy()
    if isinstance(layer, nn.ConvTranspose2d):
        w = w.transpose(1, 0, 2, 3)  # (in, out, kh, kw) -> (out, in, kh, kw)
    rgb = w.shape[1] == 3
    tiles = w.transpose(0, 2, 3, 1) if rgb else w.mean(1)  # (n, kh, kw, 3) or (n, kh, kw)
    low = tiles.reshape(len(tiles), -1).min(1)
    high = tiles.reshape(len(tiles), -1).max(1)
    shape = (-1,) + (1,) * (tiles.ndim - 1)
    tiles = (tiles - low.reshape(shape)) / np.maximum(high - low, 1e-12).reshape(shape)
    n, kh, kw = tiles.shape[:3]
    cols = columns or math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    grid = np.zeros((rows * (kh + pad) - pad, cols * (kw + pad) - pad) + ((3,) if rgb else ()), np.float32)
    for i in range(n):
        r, c = divmod(i, cols)
        grid[r * (kh + pad): r * (kh + pad) + kh, c * (kw + pad): c * (kw + pad) + kw] = tiles[i]
    return grid
