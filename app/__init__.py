"""Netsmith's desktop app (PySide6) and its command line; depends on engine, never the reverse."""
