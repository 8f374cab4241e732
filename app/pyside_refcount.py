"""Keep None alive under PySide6 builds that drop a reference to it on every void call.

PySide6 6.12.0 on CPython 3.11 returns None from every void method (QPainter.drawRect,
QGraphicsItem.setPos, QWidget.update, ...) without taking the reference it gives
away, so each call lowers None's reference count by one. A window paints thousands
of times a second; after a few thousand calls the count reaches zero and CPython
aborts with "none_dealloc: deallocating None". From Python 3.12 None is immortal
(PEP 683) and the leak is harmless; on 3.11 we give None a reference count so large
that no session can use it up, which is what 3.12 does for every interpreter.
"""

from __future__ import annotations

import ctypes
import sys

__all__ = ["guard_none_refcount"]

_RESERVE = 1 << 60  # ~1e18 calls: centuries of painting at a million calls a second
_done = False


def guard_none_refcount() -> None:
    global _done
    if _done or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    # ob_refcnt is the first field of every CPython object (a Py_ssize_t).
    ctypes.c_ssize_t.from_address(id(None)).value += _RESERVE
    _done = True
