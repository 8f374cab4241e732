"""A window to train tiny documents in; every test ends with its threads joined."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True, scope="package")
def one_thread():
    # Tiny models on a shared 2-core machine: OpenMP's spinning threads cost more than they give.
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def make_window(qtbot, dialogs):
    """make_window(doc) -> a shown main window on `doc`; closed (threads joined) at the end."""
    from app.main_window import MainWindow
    from app.settings import Settings

    windows = []

    def make(doc):
        win = MainWindow(doc, Settings())
        qtbot.addWidget(win)
        win.resize(1280, 800)
        win.show()
        qtbot.waitExposed(win)
        win.session.analyze_now()
        win.dialogs = dialogs
        windows.append(win)
        return win

    yield make
    for win in windows:
        win.session.undo_stack.setClean()
        win.close()
        controller = win.controller
        assert controller.worker is None  # the run's thread was joined
        for runner in (controller.probes, controller.maximizer, controller.lr_finder):
            assert runner._thread.isFinished()
