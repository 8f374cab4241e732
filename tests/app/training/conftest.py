"""A window to train tiny documents in; every test ends with its threads joined."""

from __future__ import annotations

import pytest

from tests.app.windows import show_window
from tests.helpers import torch_threads


@pytest.fixture(autouse=True, scope="package")
def one_thread():
    with torch_threads(1):  # for the whole package: tiny models, and the training thread runs on one
        yield


@pytest.fixture
def make_window(qtbot, dialogs):
    """make_window(doc) -> a shown main window on `doc`; closed (threads joined) at the end."""
    windows = []

    def make(doc):
        windows.append(show_window(qtbot, dialogs, doc))
        return windows[-1]

    yield make
    for win in windows:
        win.discard_unsaved_work()
        assert win.close()
        controller = win.controller
        assert controller.worker is None  # the run's thread was joined
        for runner in (controller.probes, controller.maximizer, controller.lr_finder):
            assert runner._thread.isFinished()
