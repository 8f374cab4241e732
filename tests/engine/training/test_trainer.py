"""The loop itself: events, control from another thread, failures, checkpoints, determinism."""

import threading
import time

import numpy as np
import pytest
import torch
import torch.nn as nn
from models import mlp, small_cnn
from safetensors.torch import load_file

from engine.training import BatchEnd, EpochEnd, Failed, Finished, RunStarted, Snapshot, Stopped, Trainer
from engine.training.checkpoint import load_state

DIGITS = {"task": "classification", "dataset": {"name": "digits"}, "batch_size": 64, "epochs": 2,
          "optimizer": {"name": "adam", "lr": 0.003}}
CIRCLE = {"task": "classification", "dataset": {"name": "playground", "kind": "circle"}, "batch_size": 25,
          "epochs": 3, "optimizer": {"name": "sgd", "lr": 0.1, "momentum": 0.9}}


def collect(trainer):
    events = []
    final = trainer.run(events.append)
    return final, events


def test_events_in_order_with_plain_values():
    final, events = collect(Trainer(mlp(CIRCLE), snapshot_every=0.1))
    assert isinstance(events[0], RunStarted) and events[-1] is final and isinstance(final, Finished)
    started = events[0]
    assert started.device == "cpu" and started.params == 2 * 16 + 16 + 16 * 16 + 16 + 16 * 2 + 2
    assert started.steps_per_epoch == 10  # 250 training points in batches of 25
    batches = [e for e in events if isinstance(e, BatchEnd)]
    assert [b.step for b in batches] == list(range(1, 31))
    assert all(isinstance(b.loss, float) and b.samples_per_s > 0 and b.lr == 0.1 for b in batches)
    epochs = [e for e in events if isinstance(e, EpochEnd)]
    assert [e.epoch for e in epochs] == [0, 1, 2]
    assert epochs[-1].confusion.sum() == 250 and epochs[-1].confusion.shape == (2, 2)
    snaps = [e for e in events if isinstance(e, Snapshot)]
    assert snaps and snaps[-1].data["boundary"].shape == (100, 100)
    for event in events:  # no live tensors anywhere
        for value in vars(event).values():
            assert not isinstance(value, torch.Tensor)
            if isinstance(value, dict):
                assert not any(isinstance(v, torch.Tensor) for v in value.values())
    assert final.metrics["val_accuracy"] == epochs[-1].val["accuracy"]


def test_same_seed_same_run_on_cpu():
    runs = []
    for _ in range(2):
        trainer = Trainer(mlp(CIRCLE), snapshot_every=None)
        _, events = collect(trainer)
        runs.append(([e.loss for e in events if isinstance(e, BatchEnd)], trainer.models["model"].state_dict()))
    assert runs[0][0] == runs[1][0]
    for key, value in runs[0][1].items():
        assert torch.equal(value, runs[1][1][key])
    other = Trainer(mlp({**CIRCLE, "seed": 1}), snapshot_every=None)
    _, events = collect(other)
    assert [e.loss for e in events if isinstance(e, BatchEnd)] != runs[0][0]


def test_cancel_from_another_thread_stops_within_a_batch(tmp_path):
    trainer = Trainer(small_cnn({**DIGITS, "epochs": 50}), out_dir=tmp_path, snapshot_every=None)
    seen = []

    def callback(event):
        seen.append(event)
        if isinstance(event, EpochEnd):
            threading.Thread(target=trainer.cancel).start()
            time.sleep(0.05)  # let the other thread's cancel land before the next batch

    final = trainer.run(callback)
    assert isinstance(final, Stopped)
    assert final.step <= trainer.steps_per_epoch + 1
    assert final.checkpoint == str(tmp_path / "checkpoint")
    assert load_state(tmp_path / "checkpoint")["epoch"] == 1
    assert not (tmp_path / "model.safetensors").exists()  # final weights only when it finishes


def test_pause_resume_and_lr_change_from_another_thread():
    trainer = Trainer(mlp({**CIRCLE, "epochs": 2}), snapshot_every=None)
    steps_while_paused = []

    def callback(event):
        if isinstance(event, BatchEnd) and event.step == 3:
            trainer.pause()
            trainer.set_lr(0.02)

            def later():
                time.sleep(0.3)
                steps_while_paused.append(trainer.step)
                trainer.resume()

            threading.Thread(target=later).start()

    final, events = collect_with(trainer, callback)
    assert isinstance(final, Finished)
    assert steps_while_paused == [3]
    lrs = [e.lr for e in events if isinstance(e, BatchEnd)]
    assert lrs[:3] == [0.1] * 3 and set(lrs[3:]) == {0.02}
    with pytest.raises(ValueError):
        trainer.set_lr(-1)


def collect_with(trainer, callback):
    events = []

    def both(event):
        events.append(event)
        callback(event)

    return trainer.run(both), events


def test_absurd_learning_rate_stops_with_the_step():
    doc = mlp({"task": "regression", "dataset": {"name": "playground", "kind": "plane"}, "batch_size": 32,
               "epochs": 2, "optimizer": {"name": "sgd", "lr": 1e4}}, out=1)
    final, events = collect(Trainer(doc, snapshot_every=None))
    assert isinstance(final, Failed)
    assert final.step is not None and final.step <= 5
    assert f"at step {final.step}" in final.message and "lower the learning rate" in final.message
    assert not any(isinstance(e, EpochEnd) for e in events)


class _OutOfMemory(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(2, 2)
        self.calls = 0

    def forward(self, x):
        self.calls += 1
        if self.calls == 3:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return self.fc(x)


def test_out_of_memory_fails_the_run_not_the_process():
    model = _OutOfMemory()
    final, _ = collect(Trainer(model, CIRCLE, snapshot_every=None))
    assert isinstance(final, Failed)
    assert "out of memory" in final.message and "smaller batch size" in final.message and final.step == 2
    assert all(p.grad is None for p in model.parameters())  # gradients freed
    again = Trainer(nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2)), CIRCLE, snapshot_every=None).run()
    assert isinstance(again, Finished)


def test_resume_continues_exactly(tmp_path):
    straight = Trainer(mlp({**CIRCLE, "epochs": 4}), snapshot_every=None)
    assert isinstance(straight.run(), Finished)
    first = Trainer(mlp({**CIRCLE, "epochs": 2}), out_dir=tmp_path / "a", snapshot_every=None)
    assert isinstance(first.run(), Finished)
    resumed = Trainer(mlp({**CIRCLE, "epochs": 4}), out_dir=tmp_path / "b", resume=tmp_path / "a" / "checkpoint",
                      snapshot_every=None)
    final, events = collect(resumed)
    assert isinstance(final, Finished) and events[0].start_epoch == 2
    assert [e.epoch for e in events if isinstance(e, EpochEnd)] == [2, 3]
    assert len(resumed.history) == 4
    for key, value in straight.models["model"].state_dict().items():
        torch.testing.assert_close(resumed.models["model"].state_dict()[key], value)


def test_checkpoint_files_are_safetensors_and_plain_state(tmp_path):
    trainer = Trainer(mlp(CIRCLE), out_dir=tmp_path, snapshot_every=None)
    final = trainer.run()
    weights = load_file(str(tmp_path / "model.safetensors"))
    assert set(weights) == set(trainer.models["model"].state_dict())
    assert final.weights == {"model": str(tmp_path / "model.safetensors")}
    state = load_state(tmp_path / "checkpoint")  # torch.load(weights_only=True)
    assert state["epoch"] == 3 and state["step"] == 30 and len(state["history"]) == 3
    best = load_file(str(tmp_path / "best" / "model.safetensors"))
    assert set(best) == set(weights)


def test_best_weights_follow_validation(tmp_path):
    trainer = Trainer(mlp({**CIRCLE, "epochs": 4}), out_dir=tmp_path, snapshot_every=None)
    final, events = collect(trainer)
    epochs = [e for e in events if isinstance(e, EpochEnd)]
    best_epoch = max(range(4), key=lambda i: (epochs[i].val["accuracy"], -i))
    assert final.best["val_accuracy"] == epochs[best_epoch].val["accuracy"]
    assert [e.best for e in epochs][best_epoch]


def test_early_stopping():
    recipe = {**CIRCLE, "epochs": 40, "early_stopping": {"patience": 2, "metric": "val_loss", "min_delta": 10.0}}
    final, events = collect(Trainer(mlp(recipe), snapshot_every=None))
    assert isinstance(final, Finished) and final.early_stopped and final.epochs == 3


def test_network_that_does_not_fit_the_data_fails_with_a_clear_message():
    final = Trainer(small_cnn({**DIGITS, "dataset": {"name": "digits", "size": 16}}), snapshot_every=None).run()
    assert isinstance(final, Failed)
    assert final.message == ("digits gives samples of shape (1, 16, 16), but the network's Input 'x' expects "
                             "(1, 8, 8) (set training.dataset.size to 8 and channels to 1)")
    final = Trainer(small_cnn(DIGITS, classes=7), snapshot_every=None).run()
    assert isinstance(final, Failed) and "digits has 10 classes" in final.message


def test_watched_activations_and_filters_in_snapshots():
    trainer = Trainer(small_cnn({**DIGITS, "epochs": 1}), snapshot_every=0.0)
    trainer.watch(["conv1"])
    _, events = collect(trainer)
    snap = [e for e in events if isinstance(e, Snapshot)][-1]
    assert snap.data["activations/conv1"].shape == (8, 8, 8)
    assert snap.data["filters"].shape == (3 * 3 + 2, 3 * 3 + 2)  # 8 filters of 3x3 in a 3x3 grid
    assert snap.data["predicted"].shape == (8,) and np.all(snap.data["probabilities"].sum(1) > 0.999)


def test_lr_range_test_suggests_a_rate_in_range():
    from engine.training import lr_range_test

    trainer = Trainer(small_cnn({**DIGITS, "optimizer": {"name": "sgd", "lr": 0.01}}), snapshot_every=None)
    trainer.prepare()
    before = {k: v.clone() for k, v in trainer.models["model"].state_dict().items()}
    result = lr_range_test(trainer, start_lr=1e-5, end_lr=10, steps=60)
    assert 1e-4 < result.suggested_lr < 5
    assert result.lrs[0] == pytest.approx(1e-5) and len(result.lrs) == len(result.losses)
    assert result.losses.min() < result.losses[0]
    for key, value in trainer.models["model"].state_dict().items():
        assert torch.equal(value, before[key])  # the test leaves the network as it was
