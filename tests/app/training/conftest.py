"""Tiny documents and a window to train them in; every test ends with its threads joined."""

from __future__ import annotations

import pytest
import torch
from helpers import sequential_document

DIGITS = {"task": "classification", "dataset": {"name": "digits"}, "batch_size": 32, "epochs": 2,
          "optimizer": {"name": "adam", "lr": 0.003}, "seed": 0}


@pytest.fixture(autouse=True, scope="package")
def one_thread():
    # Tiny models on a shared 2-core machine: OpenMP's spinning threads cost more than they give.
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def tiny_cnn(training: dict | None = None):
    """8x8 digits through one small convolution: a couple of seconds per epoch at most."""
    return sequential_document(
        {"shape": [1, 8, 8]}, ("Conv2d", {"out_channels": 8, "kernel_size": 3, "padding": 1}), "ReLU",
        ("MaxPool2d", {}), "Flatten", ("Linear", {"out_features": 32}), "ReLU", ("Linear", {"out_features": 10}),
        training=dict(DIGITS if training is None else training))


def tiny_mlp(training: dict):
    return sequential_document({"kind": "vector", "shape": [2]}, ("Linear", {"out_features": 16}), "Tanh",
                               ("Linear", {"out_features": 1}), training=training)


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


def wait_idle(qtbot, window, timeout: int = 60000) -> None:
    qtbot.waitUntil(lambda: window.controller.state == "idle", timeout=timeout)
