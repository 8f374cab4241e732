"""MLPBackprop against autograd: the same SGD steps, the same weights after them."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from engine.playground import PlaygroundSession, PlaygroundSettings
from engine.training.mlp_backprop import ACTIVATIONS, MLPBackprop

TORCH_ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "linear": nn.Identity}


def _network(sizes: tuple[int, ...], activation: str, seed: int = 0) -> nn.Sequential:
    torch.manual_seed(seed)
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(TORCH_ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


def _autograd_step(net: nn.Sequential, x: torch.Tensor, y: torch.Tensor, loss: str, lr: float) -> None:
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    out = net(x)
    value = F.cross_entropy(out, y) if loss == "cross_entropy" else F.mse_loss(out, y)
    optimizer.zero_grad()
    value.backward()
    optimizer.step()


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_steps_equal_autograd_and_sgd(activation: str, loss: str) -> None:
    outputs = 3 if loss == "cross_entropy" else 2
    reference = _network((5, 7, 6, outputs), activation)
    ours = copy.deepcopy(reference)
    step = MLPBackprop([m for m in ours if isinstance(m, nn.Linear)], activation, loss)
    generator = torch.Generator().manual_seed(1)
    for batch in (10, 10, 3, 1, 10):
        x = torch.randn(batch, 5, generator=generator)
        y = (torch.randint(0, outputs, (batch,), generator=generator) if loss == "cross_entropy"
             else torch.randn(batch, outputs, generator=generator))
        _autograd_step(reference, x, y, loss, lr=0.3)
        step.step(x, y, lr=0.3)
    moved = False
    for (name, expected), actual, start in zip(reference.state_dict().items(), ours.state_dict().values(),
                                               _network((5, 7, 6, outputs), activation).state_dict().values()):
        torch.testing.assert_close(actual, expected, rtol=1e-5, atol=1e-6, msg=lambda m, n=name: f"{n}: {m}")
        moved |= not torch.equal(actual, start)
    assert moved, "five steps at lr 0.3 changed no weight"


def test_relu_units_that_are_off_get_no_gradient() -> None:
    net = _network((2, 4, 2), "relu")
    with torch.no_grad():
        net[0].bias.fill_(-100.0)  # every hidden unit is off for these inputs
    before = copy.deepcopy(net.state_dict())
    MLPBackprop([net[0], net[2]], "relu", "cross_entropy").step(torch.randn(8, 2), torch.zeros(8, dtype=torch.long), 1.0)
    after = net.state_dict()
    assert torch.equal(after["0.weight"], before["0.weight"]) and torch.equal(after["0.bias"], before["0.bias"])
    assert not torch.equal(after["2.bias"], before["2.bias"])  # the output layer's bias still learns


def test_only_what_it_computes_exactly_is_accepted() -> None:
    assert MLPBackprop.supports([nn.Linear(2, 3), nn.Linear(3, 1)])
    assert not MLPBackprop.supports([nn.Linear(2, 3, bias=False)])
    assert not MLPBackprop.supports([nn.Linear(2, 3).double()])
    assert not MLPBackprop.supports([nn.Conv2d(1, 1, 1)])
    assert not MLPBackprop.supports([])
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        MLPBackprop([nn.Linear(2, 3)], "gelu", "mse")
    with pytest.raises(ValueError, match="unknown loss 'huber'"):
        MLPBackprop([nn.Linear(2, 3)], "tanh", "huber")
    with pytest.raises(ValueError, match="float32 CPU"):
        MLPBackprop([nn.Linear(2, 3).double()], "tanh", "mse")


@pytest.mark.parametrize("settings", [
    PlaygroundSettings(dataset="spiral", layers=(8, 8), features=("x1", "x2", "sin_x1", "sin_x2"),
                       regularization="l1", regularization_rate=0.001, batch_size=7, learning_rate=0.1),
    PlaygroundSettings(dataset="gauss", activation="relu", layers=(4, 2), regularization="l2",
                       regularization_rate=0.01, batch_size=10),
    PlaygroundSettings(dataset="multi_gauss", problem="regression", activation="sigmoid", layers=(5,),
                       features=("x1", "x2", "x1_times_x2"), batch_size=3, learning_rate=0.03),
], ids=["spiral-l1-tanh", "gauss-l2-relu", "regression-sigmoid"])
def test_playground_epochs_equal_the_autograd_session(settings: PlaygroundSettings) -> None:
    fast = PlaygroundSession(settings, device="cpu")
    slow = PlaygroundSession(settings, device="cpu", backprop="autograd")
    assert fast._backprop is not None and slow._backprop is None
    start = {k: v.clone() for k, v in slow.state_dict().items()}
    fast.step(3)
    slow.step(3)
    for name, expected in slow.state_dict().items():
        torch.testing.assert_close(fast.state_dict()[name], expected, rtol=1e-4, atol=1e-5,
                                   msg=lambda m, n=name: f"{n}: {m}")
    assert any(not torch.equal(v, start[k]) for k, v in slow.state_dict().items())
    a, b = fast.frame(), slow.frame()
    np.testing.assert_allclose(a.output, b.output, atol=1e-4)
    assert a.train_loss == pytest.approx(b.train_loss, rel=1e-4)


def test_a_drawn_point_and_a_live_learning_rate_reach_the_fast_path() -> None:
    fast = PlaygroundSession(PlaygroundSettings(dataset="xor", layers=(4,)), device="cpu")
    slow = PlaygroundSession(PlaygroundSettings(dataset="xor", layers=(4,)), device="cpu", backprop="autograd")
    for session in (fast, slow):
        session.add_point(5.0, 5.0, 0)
        session.update(learning_rate=0.3, batch_size=4)
        session.step(2)
    for name, expected in slow.state_dict().items():
        torch.testing.assert_close(fast.state_dict()[name], expected, rtol=1e-4, atol=1e-5)
