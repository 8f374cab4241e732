"""Netsmith's desktop app (PySide6) and its command line; depends on engine, never the reverse."""

from app.pyside_refcount import guard_none_refcount

guard_none_refcount()  # before any Qt call can run (see app/pyside_refcount.py)
