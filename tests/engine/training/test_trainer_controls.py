"""What the app needs from a run in progress: pausing at a step, work between steps, marked
learning-rate changes, watched nodes for a chosen sample, boundaries for any 2-D input."""

import threading

import numpy as np
import pytest
import torch
import torch.nn as nn
from models import mlp, small_cnn

from engine.inspect import activation_maps, decision_boundary, filter_grid, latent_sweep
from engine.ops.modules import Reparameterize
from engine.templates import load_template
from engine.training import BatchEnd, EpochEnd, Finished, Snapshot, Trainer

DIGITS = {"task": "classification", "dataset": {"name": "digits"}, "batch_size": 64, "epochs": 1,
          "optimizer": {"name": "adam", "lr": 0.003}}
CIRCLE = {"task": "classification", "dataset": {"name": "playground", "kind": "circle"}, "batch_size": 25,
          "epochs": 2, "optimizer": {"name": "sgd", "lr": 0.1}}


def test_pause_after_a_step_then_work_and_snapshot_while_paused():
    trainer = Trainer(mlp(CIRCLE), snapshot_every=None)
    trainer.pause_after(4)
    events, results = [], {}
    done = threading.Event()

    def drive():
        while not trainer.paused:
            threading.Event().wait(0.01)
        threads = {"trainer": None}

        def where():
            threads["trainer"] = threading.current_thread().name
            return trainer.step

        results["step"] = trainer.call_between_steps(where).result(timeout=10)
        results["thread"] = threads["trainer"]
        trainer.request_snapshot()
        while not any(isinstance(e, Snapshot) for e in list(events)):
            threading.Event().wait(0.01)
        trainer.resume()
        done.set()

    runner = threading.Thread(target=lambda: trainer.run(events.append), name="training")
    driver = threading.Thread(target=drive)
    runner.start()
    driver.start()
    driver.join(30)
    runner.join(30)
    assert done.is_set() and not runner.is_alive()
    assert results == {"step": 4, "thread": "training"}  # ran on the training thread, between steps 4 and 5
    batches = [e for e in events if isinstance(e, BatchEnd)]
    assert [b.step for b in batches] == list(range(1, 21))  # nothing lost or repeated across the pause
    snaps = [e for e in events if isinstance(e, Snapshot)]
    assert len(snaps) == 1 and snaps[0].step == 4 and snaps[0].data["boundary"].shape == (100, 100)
    assert isinstance(events[-1], Finished)


def test_call_between_steps_without_a_run_runs_at_once_and_carries_errors():
    trainer = Trainer(mlp(CIRCLE), snapshot_every=None)
    assert trainer.call_between_steps(lambda: 41 + 1).result(timeout=0) == 42
    with pytest.raises(ZeroDivisionError):
        trainer.call_between_steps(lambda: 1 / 0).result(timeout=0)


def test_learning_rate_change_is_marked_at_the_step_it_takes_effect():
    trainer = Trainer(mlp(CIRCLE), snapshot_every=None)
    events = []

    def callback(event):
        events.append(event)
        if isinstance(event, BatchEnd) and event.step == 6:
            trainer.set_lr(0.01)  # the callback runs between steps 6 and 7

    trainer.run(callback)
    batches = [e for e in events if isinstance(e, BatchEnd)]
    marked = [(b.step, b.lr_changes) for b in batches if b.lr_changes]
    assert marked == [(7, ((7, 0.01),))]
    assert [b.lr for b in batches][5:7] == [0.1, 0.01]


def test_watched_sample_and_filters_equal_the_introspection_of_the_final_weights():
    trainer = Trainer(small_cnn({**DIGITS, "epochs": 1}), snapshot_every=60.0)
    trainer.watch(["conv1", "nope", "fc_missing"], sample=3)
    events = []
    trainer.run(events.append)
    snap = [e for e in events if isinstance(e, Snapshot)][-1]  # taken at the end of the last epoch
    assert snap.step == trainer.step and isinstance(events[-2], Snapshot) and isinstance(events[-3], EpochEnd)
    model = trainer.models["model"]
    x = torch.stack([trainer.data.val[i][0] for i in range(4)])
    expected = activation_maps(model, x, ["conv1"], sample=3)["conv1"]
    np.testing.assert_array_equal(snap.data["activations/conv1"], expected)
    np.testing.assert_array_equal(snap.data["watched_input"], x[3].numpy())
    np.testing.assert_array_equal(snap.data["filters/conv1"], filter_grid(model, "conv1"))
    assert not any("nope" in key for key in snap.data)
    idle = trainer.snapshot_data(["conv1"], sample=3)  # no run in progress: the same numbers
    np.testing.assert_array_equal(idle["activations/conv1"], expected)


def test_any_network_with_two_inputs_gets_a_boundary_and_its_points():
    doc = load_template("perceptron")  # its task has no views of its own
    trainer = Trainer(doc, snapshot_every=None)
    data = trainer.snapshot_data()
    model = trainer.models["model"]
    extent = tuple(data["boundary_extent"])
    assert extent[0] < 0 < 1 < extent[1] and extent[2] < 0 < 1 < extent[3]  # the truth table's corners inside
    expected = decision_boundary(model, extent, 100).values
    np.testing.assert_allclose(data["boundary"], expected)
    assert data["points"].shape == (4, 2) and sorted(data["point_labels"].tolist()) == [0, 0, 0, 1]


class _Identity(nn.Module):
    """Encoder -> (mu, logvar) -> Reparameterize -> the code itself as output: shows which codes were decoded."""

    def __init__(self, latent: int) -> None:
        super().__init__()
        self.mu = nn.Linear(4, latent)
        self.logvar = nn.Linear(4, latent)
        self.z = Reparameterize()

    def forward(self, x):
        mu, logvar = self.mu(x), self.logvar(x)
        return self.z(mu, logvar), mu, logvar


def test_latent_sweep_decodes_a_grid_of_codes_in_reading_order():
    codes = latent_sweep(_Identity(3), torch.randn(1, 4), steps=3, span=2.0)
    assert codes.shape == (9, 3)
    np.testing.assert_allclose(codes[:, 0], [-2, 0, 2] * 3)  # left to right
    np.testing.assert_allclose(codes[:, 1], [2, 2, 2, 0, 0, 0, -2, -2, -2])  # top to bottom
    np.testing.assert_allclose(codes[:, 2], 0)
    assert latent_sweep(nn.Linear(4, 4), torch.randn(1, 4)) is None


def test_vae_snapshot_has_a_latent_sweep():
    from models import vae

    trainer = Trainer(vae({"task": "vae", "dataset": {"name": "digits"}, "epochs": 1, "batch_size": 64}),
                      snapshot_every=None)
    data = trainer.snapshot_data()
    assert data["latent_sweep"].shape == (64, 8, 8, 1)
    assert 0 <= data["latent_sweep"].min() and data["latent_sweep"].max() <= 1
    assert not np.allclose(data["latent_sweep"][0], data["latent_sweep"][-1])  # the codes differ, so do the images
