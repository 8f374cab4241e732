"""Generated image sets: coloured shapes with masks (segmentation, GANs) and super-resolution pairs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from engine.data.bundle import DataBundle, DataError, DatasetSpec, LoadContext, split_tensors
from engine.data.images import digits_images
from engine.params import Param

__all__ = ["SHAPE_CLASSES", "SPECS", "shapes", "super_resolution_pairs"]

SHAPE_CLASSES = ("background", "circle", "square", "triangle")


def shapes(
    count: int, size: int, classes: int = 3, channels: int = 3, seed: int = 0, noise: float = 0.05
) -> tuple[torch.Tensor, torch.Tensor]:
    """`count` images (N, C, size, size) in [0, 1] with one or two shapes each, and their masks (N, size, size).

    Mask values index SHAPE_CLASSES[:classes]. Backgrounds are dark gradients with a
    little noise; shapes are bright, randomly coloured, 20-40 % of the image across.
    """
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) + 0.5
    images = np.empty((count, channels, size, size), np.float32)
    masks = np.zeros((count, size, size), np.int64)
    for i in range(count):
        direction = rng.uniform(-1, 1, 2)
        ramp = (xx * direction[0] + yy * direction[1]) / size
        base = 0.15 + 0.1 * (ramp - ramp.min())
        image = np.repeat(base[None], channels, 0) + rng.normal(0, noise, (channels, size, size))
        for _ in range(rng.integers(1, 3)):
            kind = int(rng.integers(1, classes))
            r = rng.uniform(0.1, 0.2) * size
            cx, cy = rng.uniform(r, size - r, 2)
            if kind == 1:
                inside = (xx - cx) ** 2 + (yy - cy) ** 2 <= r * r
            elif kind == 2:
                inside = (np.abs(xx - cx) <= r) & (np.abs(yy - cy) <= r)
            else:  # an upward triangle: below the two slanted sides, above the base
                inside = (yy <= cy + r * 0.8) & (yy - (cy - r) >= 2 * np.abs(xx - cx))
            colour = rng.uniform(0.55, 1.0, channels)
            image[:, inside] = colour[:, None] + rng.normal(0, noise, (channels, int(inside.sum())))
            masks[i][inside] = kind
        images[i] = image
    return torch.from_numpy(images).clamp_(0, 1), torch.from_numpy(masks)


def _load_shapes(options: Mapping[str, Any], ctx: LoadContext) -> DataBundle:
    classes = options["classes"]
    x, mask = shapes(options["count"], options["size"], classes, options["channels"], ctx.seed, options["noise"])
    train, val = split_tensors((x, mask), ctx.validation_split, ctx.seed)
    return DataBundle("shapes", train, val, tuple(x.shape[1:]), target="mask", num_classes=classes,
                      class_names=SHAPE_CLASSES[:classes])


def super_resolution_pairs(hr: torch.Tensor, scale: int, bicubic_input: bool) -> torch.Tensor:
    """Low-resolution inputs of high-resolution images: area-downsampled by `scale`,
    then (SRCNN's setting) bicubic-upsampled back to the original size."""
    low = F.interpolate(hr, scale_factor=1 / scale, mode="area")
    if bicubic_input:
        low = F.interpolate(low, size=hr.shape[-2:], mode="bicubic", align_corners=False).clamp_(0, 1)
    return low


def _load_super_resolution(options: Mapping[str, Any], ctx: LoadContext) -> DataBundle:
    size, scale = options["size"], options["scale"]
    if size % scale:
        raise DataError(f"super_resolution: size {size} is not a multiple of scale {scale}")
    if options["source"] == "digits":
        hr, _ = digits_images(size, options["channels"])
    else:
        hr, _ = shapes(options["count"], size, 4, options["channels"], ctx.seed, noise=0.0)
    lr = super_resolution_pairs(hr, scale, options["bicubic_input"])
    train, val = split_tensors((lr, hr), ctx.validation_split, ctx.seed)
    return DataBundle(f"super-resolution x{scale} of {options['source']}", train, val, tuple(lr.shape[1:]),
                      target="image", extras={"scale": scale, "bicubic_input": options["bicubic_input"]})


SPECS = (
    DatasetSpec(
        "shapes",
        "Generated images of circles, squares (and triangles) with per-pixel masks.",
        (
            Param("size", "int", 64, min=8, max=512),
            Param("count", "int", 512, min=2),
            Param("classes", "int", 3, min=2, max=4, doc="including background"),
            Param("channels", "int", 3, min=1, max=3),
            Param("noise", "float", 0.05, min=0.0, max=1.0),
        ),
        _load_shapes,
        targets="mask",
    ),
    DatasetSpec(
        "super_resolution",
        "High-resolution images and their down-sampled versions (SRCNN, ESPCN).",
        (
            Param("source", "choice", "shapes", choices=("digits", "shapes")),
            Param("size", "int", 32, min=4, max=512, doc="high-resolution size"),
            Param("scale", "int", 2, min=2, max=8),
            Param("bicubic_input", "bool", True, doc="inputs upsampled back to size (SRCNN) or kept small (ESPCN)"),
            Param("count", "int", 512, min=2, doc="images generated (shapes)"),
            Param("channels", "int", 1, min=1, max=3),
        ),
        _load_super_resolution,
        targets="image",
    ),
)
