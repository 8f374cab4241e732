"""GUI tests run offscreen with a throw-away settings folder, and no dialog may block."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def private_settings(tmp_path, monkeypatch):
    """Settings and recovery files in a temporary folder, never the user's."""
    folder = tmp_path / "config"
    monkeypatch.setenv("NETSMITH_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture
def dialogs(monkeypatch):
    """Record message boxes instead of showing them; `answers` sets what question() returns."""
    from PySide6.QtWidgets import QMessageBox

    seen: dict[str, list] = {"critical": [], "information": [], "warning": [], "question": []}
    answers: list = []

    def record(kind):
        def show(parent, title, text, *args, **kwargs):
            seen[kind].append((title, text))
            if kind == "question":
                return answers.pop(0) if answers else QMessageBox.StandardButton.Cancel
            return QMessageBox.StandardButton.Ok

        return show

    for kind in seen:
        monkeypatch.setattr(QMessageBox, kind, staticmethod(record(kind)))
    seen["answers"] = answers
    return seen
