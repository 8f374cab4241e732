"""The recipe schema: defaults, errors that say where, and the schedules' shapes."""

import math

import pytest
import torch

from engine.document import DocumentError
from engine.training.config import TrainConfig
from engine.training.optim import Schedule

BASE = {"task": "classification", "dataset": {"name": "digits"}}


def test_defaults_of_the_agreed_schema():
    c = TrainConfig.from_dict(BASE)
    assert (c.validation_split, c.batch_size, c.epochs, c.device, c.precision, c.seed) == (0.2, 64, 10, "auto",
                                                                                            "fp32", 0)
    assert (c.optimizer.name, c.optimizer.lr, c.optimizer.betas) == ("adam", 0.001, (0.9, 0.999))
    assert c.schedule.name == "constant" and c.loss_name == "cross_entropy" and c.grad_clip is None
    assert c.dataset.options == {"size": 8, "channels": 1} and c.early_stopping is None
    assert TrainConfig.from_dict(c.to_dict()).to_dict() == c.to_dict()
    gan = TrainConfig.from_dict({"task": "gan", "dataset": {"name": "digits"}, "gan": {"variant": "wgan"}})
    assert gan.loss_name == "wasserstein" and gan.gan.critic_iters == 5 and gan.gan.clip == 0.01


@pytest.mark.parametrize("change, message", [
    ({"optimizer": {"name": "adam", "lr": -1}}, "training.optimizer.lr: expected a positive number, got -1"),
    ({"batch_size": 0}, "training.batch_size: expected a positive int, got 0"),
    ({"dataset": {"name": "digits", "colour": 3}}, "training.dataset.colour: unknown key (expected channels, size)"),
    ({"dataset": {"name": "text"}}, "training.dataset.name: 'text' does not fit task classification"),
    ({"optimizer": {"name": "sgd", "betas": [0.5, 0.9]}}, "training.optimizer.betas: unknown key"),
    ({"optimizer": {"name": "sgd", "nesterov": True}}, "training.optimizer.nesterov: Nesterov momentum needs"),
    ({"loss": {"name": "vae"}}, "training.loss.name: 'vae' does not fit task classification"),
    ({"schedule": {"name": "step", "gamma": 0}}, "training.schedule.gamma: expected a positive number, got 0"),
    ({"precision": "fp8"}, "training.precision: expected one of 'fp32', 'bf16', 'fp16', got 'fp8'"),
    ({"device": "tpu"}, "training.device: expected one of 'auto', 'cpu', 'cuda', 'mps' or 'cuda:N'"),
    ({"early_stopping": {"patience": 0}}, "training.early_stopping.patience: expected a positive int, got 0"),
    ({"loss": {"class_weights": [1, -2]}}, "training.loss.class_weights: expected a list of non-negative numbers"),
    ({"task": "segmentation"}, "training.dataset.name: 'digits' does not fit task segmentation (use one of shapes)"),
])
def test_errors_say_where(change, message):
    with pytest.raises(DocumentError) as info:
        TrainConfig.from_dict({**BASE, **change})
    assert str(info.value).startswith(message)


def _lrs(name, options, steps_per_epoch=10, epochs=5, base=1.0):
    c = TrainConfig.from_dict({**BASE, "epochs": epochs, "schedule": {"name": name, **options}})
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=base, momentum=0.9)
    s = Schedule(opt, c.schedule, base, steps_per_epoch, epochs)
    return [s.lr_at(i) for i in range(steps_per_epoch * epochs)], s


def test_schedules():
    lrs, _ = _lrs("step", {"step_size": 2, "gamma": 0.5})
    assert lrs[19] == 1.0 and lrs[20] == 0.5 and lrs[40] == 0.25
    lrs, _ = _lrs("cosine", {"min_lr": 0.1})
    assert lrs[0] == 1.0 and lrs[-1] == pytest.approx(0.1) and lrs[24] == pytest.approx(0.55 + 0.45 * math.cos(
        math.pi * 24 / 49), rel=1e-6)
    lrs, _ = _lrs("warmup_cosine", {"warmup_epochs": 1})
    assert lrs[0] == pytest.approx(0.1) and lrs[9] == 1.0 and lrs[10] == 1.0 and lrs[-1] == pytest.approx(0.0)
    lrs, s = _lrs("one_cycle", {})
    peak = max(range(50), key=lrs.__getitem__)
    assert lrs[0] == pytest.approx(1 / 25) and peak == 14 and lrs[peak] == pytest.approx(1.0)
    assert lrs[-1] == pytest.approx(1 / 25 / 1e4)
    assert s.momentum_at(0) == pytest.approx(0.95) and s.momentum_at(14) == pytest.approx(0.85)
    # torch's OneCycleLR gives the same curve.
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0, momentum=0.9)
    ref = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=50)
    theirs = []
    for _ in range(50):
        theirs.append(opt.param_groups[0]["lr"])
        opt.step()
        ref.step()
    assert lrs == pytest.approx(theirs, rel=1e-6)
