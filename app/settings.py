"""Preferences that outlive a session, in an INI file (QSettings).

The file lives in the user's config folder (``~/.config/netsmith/settings.ini`` on
Linux); the environment variable NETSMITH_CONFIG_DIR moves it, with the recovery
files, elsewhere: tests point it at a temporary folder and never touch the user's.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

__all__ = ["CONFIG_ENV", "Settings", "config_dir"]

CONFIG_ENV = "NETSMITH_CONFIG_DIR"
MAX_RECENT = 10


def config_dir() -> Path:
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericConfigLocation)
    return Path(base or Path.home() / ".config") / "netsmith"


class Settings:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or config_dir()
        self.directory.mkdir(parents=True, exist_ok=True)
        self.qsettings = QSettings(str(self.directory / "settings.ini"), QSettings.Format.IniFormat)

    @property
    def recovery_dir(self) -> Path:
        return self.directory / "recovery"

    def _get(self, key: str, default, kind=None):
        value = self.qsettings.value(key, default)
        if kind is bool and isinstance(value, str):
            return value.lower() == "true"
        if kind is not None and value is not None:
            try:
                return kind(value)
            except (TypeError, ValueError):
                return default
        return value

    # -- recent files -------------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = self.qsettings.value("recent_files", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or []) if v]

    def add_recent(self, path: str | os.PathLike[str]) -> None:
        path = str(Path(path).resolve())
        files = [path] + [p for p in self.recent_files() if p != path]
        self.qsettings.setValue("recent_files", files[:MAX_RECENT])

    def remove_recent(self, path: str) -> None:
        self.qsettings.setValue("recent_files", [p for p in self.recent_files() if p != path])

    def dialog_dir(self, document_path: str | os.PathLike[str] | None = None) -> str:
        """The folder a file dialog starts in: the document's, else the most recent file's, else home
        (one rule for the editor and the Playground)."""
        if document_path is not None:
            return str(Path(document_path).parent)
        recent = self.recent_files()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    # -- preferences ------------------------------------------------------------------------------
    @property
    def theme(self) -> str:
        value = self._get("theme", "light", str)
        return value if value in ("light", "dark") else "light"

    @theme.setter
    def theme(self, value: str) -> None:
        self.qsettings.setValue("theme", value)

    @property
    def autosave_seconds(self) -> int:
        return max(1, self._get("autosave_seconds", 30, int))

    @autosave_seconds.setter
    def autosave_seconds(self, value: int) -> None:
        self.qsettings.setValue("autosave_seconds", int(value))

    @property
    def snap_to_grid(self) -> bool:
        return self._get("snap_to_grid", True, bool)

    @snap_to_grid.setter
    def snap_to_grid(self, value: bool) -> None:
        self.qsettings.setValue("snap_to_grid", bool(value))

    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        return self.qsettings.value("window/geometry"), self.qsettings.value("window/state")

    def save_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        self.qsettings.setValue("window/geometry", geometry)
        self.qsettings.setValue("window/state", state)

    def sync(self) -> None:
        self.qsettings.sync()
