"""The generator of the paper templates in `templates/*.json` (run: python -m templates._build).

Each family module maps template names to functions that build a `Template`;
`documents()` collects them all. tests/templates/test_build.py fails when a
committed file differs from what this produces.
"""

from __future__ import annotations

from collections.abc import Callable

from templates._build import (
    classic,
    generative,
    googlenet,
    hrnet,
    mobile,
    pixels,
    resnet,
    segmentation,
    separation,
    sequence,
    vgg,
)
from templates._build.builder import Template

FAMILIES = (classic, vgg, googlenet, resnet, hrnet, mobile, generative, pixels, segmentation, separation, sequence)


def builders() -> dict[str, Callable[[], Template]]:
    """Template name -> its builder, for every generated template."""
    out: dict[str, Callable[[], Template]] = {}
    for family in FAMILIES:
        for name, build in family.TEMPLATES.items():
            if name in out:
                raise RuntimeError(f"template {name} is defined twice")
            out[name] = build
    return out


def render(name: str) -> str:
    """The canonical JSON text of template `name`."""
    return builders()[name]().document().to_json()
