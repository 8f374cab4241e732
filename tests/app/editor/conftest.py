"""Fixtures shared by the editor's tests."""

from __future__ import annotations

import pytest

from engine.templates import load_template
from tests.app.windows import show_window


@pytest.fixture
def resnet(qtbot, dialogs):
    """ResNet-18 in a shown window: the template whose declared input differs from its recipe's."""
    win = show_window(qtbot, dialogs, load_template("resnet18"))
    yield win
    win.session.undo_stack.setClean()
    win.close()
