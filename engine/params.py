"""Typed layer parameters: a non-GUI model that editors and file loaders derive from.

A `Param` knows its kind, default, limits and choices, validates a value and
normalises it (JSON lists become tuples so parameters hash and compare). The app
builds its widgets from `kind`; the document loader quotes `describe()` in its
errors ("expected a positive int, got -2").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

__all__ = ["KINDS", "Param", "ParamError", "is_reference"]

# int:     a whole number within [min, max]
# float:   a finite real number within [min, max]
# bool:    true or false
# choice:  one of `choices` (strings)
# str:     free text
# ints:    a list of ints (exactly `length` of them when length is set)
# size:    an int, or a list of `length` ints (kernel_size=3 or (3, 5))
# padding: like size, or one of `choices` (e.g. "same", "valid")
KINDS = ("int", "float", "bool", "choice", "str", "ints", "size", "padding")


class ParamError(ValueError):
    """A parameter value that its `Param` refuses; the message says why."""


def is_reference(value: object) -> bool:
    """A "$name" string: a block-body parameter that takes the block's parameter `name`."""
    return isinstance(value, str) and value.startswith("$") and value[1:].isidentifier()


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    default: Any = None
    doc: str = ""
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    length: int | None = None
    optional: bool = False  # None is a valid value ("same as kernel_size", "not set")

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown param kind {self.kind!r}")

    # -- description -------------------------------------------------------------
    def _bounds(self, noun: str) -> str:
        lo, hi = self.min, self.max
        if lo is not None and hi is not None:
            return f"{noun} in [{lo}, {hi}]"
        if lo is not None:
            if lo == 1 and noun == "int":
                return "a positive int"
            if lo == 0:
                return f"a non-negative {noun}"
            return f"{noun} >= {lo}"
        if hi is not None:
            return f"{noun} <= {hi}"
        return noun

    @staticmethod
    def _an(text: str) -> str:
        return text if text.startswith("a ") else "an " + text

    def describe(self) -> str:
        """What a valid value looks like, for error messages and tooltips."""
        if self.kind == "int":
            text = self._an(self._bounds("int"))
        elif self.kind == "float":
            text = self._bounds("number")
            text = text if text.startswith("a ") else "a " + text
        elif self.kind == "bool":
            text = "true or false"
        elif self.kind in ("choice",):
            text = "one of " + ", ".join(repr(c) for c in self.choices)
        elif self.kind == "str":
            text = "a string"
        elif self.kind == "ints":
            single = self._an(self._bounds("int"))
            count = f"{self.length} " if self.length else ""
            text = f"a list of {count}ints, each {single}"
        else:  # size / padding
            single = self._an(self._bounds("int"))
            text = f"{single} or a list of {self.length or 2} such ints"
            if self.kind == "padding" and self.choices:
                text += ", or " + " or ".join(repr(c) for c in self.choices)
        if self.optional:
            text += ", or null"
        return text

    # -- validation ----------------------------------------------------------------
    def _fail(self, value: object) -> ParamError:
        return ParamError(f"expected {self.describe()}, got {_show(value)}")

    def _check_number(self, value: float) -> bool:
        if self.min is not None and value < self.min:
            return False
        if self.max is not None and value > self.max:
            return False
        return True

    def _int(self, value: object) -> int:
        if not _is_int(value) or not self._check_number(value):  # type: ignore[arg-type]
            raise self._fail(value)
        return value  # type: ignore[return-value]

    def _ints(self, value: object, length: int | None) -> tuple[int, ...]:
        if not isinstance(value, (list, tuple)) or not value:
            raise self._fail(value)
        if length is not None and len(value) != length:
            raise self._fail(value)
        if not all(_is_int(v) and self._check_number(v) for v in value):
            raise self._fail(value)
        return tuple(value)

    def validate(self, value: Any) -> Any:
        """Return the normalised value, or raise `ParamError` saying what was expected."""
        if value is None:
            if self.optional:
                return None
            raise self._fail(value)
        kind = self.kind
        if kind == "int":
            return self._int(value)
        if kind == "float":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise self._fail(value)
            if not math.isfinite(value) or not self._check_number(value):
                raise self._fail(value)
            return float(value)
        if kind == "bool":
            if not isinstance(value, bool):
                raise self._fail(value)
            return value
        if kind == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise self._fail(value)
            return value
        if kind == "str":
            if not isinstance(value, str):
                raise self._fail(value)
            return value
        if kind == "ints":
            return self._ints(value, self.length)
        # size / padding
        if kind == "padding" and isinstance(value, str):
            if value in self.choices:
                return value
            raise self._fail(value)
        if _is_int(value):
            return self._int(value)
        return self._ints(value, self.length or 2)

    def to_json(self) -> dict[str, Any]:
        """The declaration as written in a document (used by block parameters)."""
        out: dict[str, Any] = {"kind": self.kind, "default": _jsonable(self.default)}
        for key in ("doc", "min", "max", "length"):
            value = getattr(self, key)
            if value not in (None, ""):
                out[key] = value
        if self.choices:
            out["choices"] = list(self.choices)
        if self.optional:
            out["optional"] = True
        return out


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _show(value: object) -> str:
    text = repr(list(value) if isinstance(value, tuple) else value)
    if value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    return text if len(text) <= 60 else text[:57] + "..."
