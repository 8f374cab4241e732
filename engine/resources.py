"""Where the files that ship with Netsmith live: `templates/` and `assets/`.

In a source checkout they sit beside the `engine` package; an installed copy
carries them as the data packages `netsmith_data.templates` and
`netsmith_data.assets` (see pyproject.toml), so `netsmith check lenet5` works from
any directory.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

__all__ = ["assets_dir", "data_dir", "templates_dir"]


@cache
def data_dir(name: str) -> Path:
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    try:
        spec = importlib.util.find_spec(f"netsmith_data.{name}")
    except ModuleNotFoundError:
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"Netsmith's {name} folder is missing from this installation")
    # A namespace package: its one location is the folder itself.
    return Path(next(iter(spec.submodule_search_locations)))


def templates_dir() -> Path:
    return data_dir("templates")


def assets_dir() -> Path:
    return data_dir("assets")
