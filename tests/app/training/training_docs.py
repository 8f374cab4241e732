"""Tiny documents to train in the window tests (seconds per run on a shared 2-core machine)."""

from __future__ import annotations

from helpers import sequential_document

DIGITS = {"task": "classification", "dataset": {"name": "digits"}, "batch_size": 32, "epochs": 2,
          "optimizer": {"name": "adam", "lr": 0.003}, "seed": 0}


def tiny_cnn(training: dict | None = None):
    """8x8 digits through one small convolution: a couple of seconds per epoch at most."""
    return sequential_document(
        {"shape": [1, 8, 8]}, ("Conv2d", {"out_channels": 8, "kernel_size": 3, "padding": 1}), "ReLU",
        ("MaxPool2d", {}), "Flatten", ("Linear", {"out_features": 32}), "ReLU", ("Linear", {"out_features": 10}),
        training=dict(DIGITS if training is None else training))


def tiny_mlp(training: dict):
    return sequential_document({"kind": "vector", "shape": [2]}, ("Linear", {"out_features": 16}), "Tanh",
                               ("Linear", {"out_features": 1}), training=training)


def wait_idle(qtbot, window, timeout: int = 60000) -> None:
    qtbot.waitUntil(lambda: window.controller.state == "idle", timeout=timeout)
