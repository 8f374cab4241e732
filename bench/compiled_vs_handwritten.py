"""A ResNet-style CNN compiled from a graph vs the same network written by hand.

Both get the same weights (the hand-written state_dict loads into the compiled module
strictly, names and all). We time a full training step (forward, backward, SGD) and
report medians and their ratio. Goal: compiled / hand-written <= 1.03.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from engine.compiler import compile_network  # noqa: E402
from engine.document import Document  # noqa: E402

WIDTHS = (16, 32, 64)
BLOCKS = 2  # per stage: ResNet-14 on CIFAR-sized input


def _node(id, op, **params):  # noqa: A002
    return {"id": id, "op": op, "params": params}


def residual_block(downsample: bool) -> dict:
    stride = 2 if downsample else 1
    nodes = [
        _node("x", "BlockInput"),
        _node("conv1", "Conv2d", out_channels="$channels", stride=stride, padding=1, bias=False),
        _node("bn1", "BatchNorm2d"), _node("relu1", "ReLU"),
        _node("conv2", "Conv2d", out_channels="$channels", padding=1, bias=False),
        _node("bn2", "BatchNorm2d"), _node("add", "Add"), _node("relu2", "ReLU"), _node("out", "BlockOutput"),
    ]
    edges = [("x", "conv1"), ("conv1", "bn1"), ("bn1", "relu1"), ("relu1", "conv2"), ("conv2", "bn2"),
             ("bn2", "add.in1"), ("add", "relu2"), ("relu2", "out")]
    if downsample:
        nodes += [_node("shortcut", "Conv2d", out_channels="$channels", kernel_size=1, stride=2, bias=False),
                  _node("shortcut_bn", "BatchNorm2d")]
        edges += [("x", "shortcut"), ("shortcut", "shortcut_bn"), ("shortcut_bn", "add.in2")]
    else:
        edges += [("x", "add.in2")]
    return {
        "params": {"channels": {"kind": "int", "default": 16, "min": 1}},
        "nodes": nodes,
        "edges": [{"src": f"{a}.out", "dst": b if "." in b else f"{b}.x"} for a, b in edges],
    }


def graph_document() -> Document:
    nodes = [_node("x", "Input", shape=[3, 32, 32]), _node("conv1", "Conv2d", out_channels=16, padding=1, bias=False),
             _node("bn1", "BatchNorm2d"), _node("relu", "ReLU")]
    chain = ["x", "conv1", "bn1", "relu"]
    for stage, width in enumerate(WIDTHS, 1):
        for i in range(BLOCKS):
            op = "Down" if (i == 0 and stage > 1) else "Basic"
            nodes.append(_node(f"layer{stage}_{i}", op, channels=width))
            chain.append(f"layer{stage}_{i}")
    nodes += [_node("gap", "GlobalAvgPool"), _node("fc", "Linear", out_features=10), _node("logits", "Output")]
    chain += ["gap", "fc", "logits"]
    return Document.from_dict({
        "format_version": 1,
        "blocks": {"Basic": residual_block(False), "Down": residual_block(True)},
        "networks": {"model": {"nodes": nodes, "edges": [
            {"src": f"{a}.out", "dst": f"{b}.x"} for a, b in zip(chain, chain[1:])]}},
    })


class Block(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        if stride != 1:
            self.shortcut = nn.Conv2d(cin, cout, 1, stride, bias=False)
            self.shortcut_bn = nn.BatchNorm2d(cout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)), inplace=True)
        out = self.bn2(self.conv2(out))
        identity = self.shortcut_bn(self.shortcut(x)) if hasattr(self, "shortcut") else x
        return F.relu(out + identity, inplace=True)


class HandWritten(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        cin = 16
        for stage, width in enumerate(WIDTHS, 1):
            for i in range(BLOCKS):
                stride = 2 if (i == 0 and stage > 1) else 1
                setattr(self, f"layer{stage}_{i}", Block(cin, width, stride))
                cin = width
        self.fc = nn.Linear(cin, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.bn1(self.conv1(x)), inplace=True)
        for stage in range(1, len(WIDTHS) + 1):
            for i in range(BLOCKS):
                x = getattr(self, f"layer{stage}_{i}")(x)
        return self.fc(x.mean(dim=(2, 3)))


def step_times(model: nn.Module, x: torch.Tensor, y: torch.Tensor, steps: int) -> list[float]:
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        times.append(time.perf_counter() - t0)
    return times


def main(batch: int = 32, rounds: int = 15, steps: int = 6) -> None:
    torch.set_num_threads(2)
    torch.manual_seed(0)
    hand = HandWritten()
    compiled = compile_network(graph_document().network())
    compiled.load_state_dict(hand.state_dict(), strict=True)
    x, y = torch.randn(batch, 3, 32, 32), torch.randint(0, 10, (batch,))
    torch.testing.assert_close(compiled.eval()(x), hand.eval()(x))
    compiled.train(), hand.train()
    step_times(hand, x, y, 3), step_times(compiled, x, y, 3)  # warm-up
    ours, theirs = [], []
    for _ in range(rounds):  # interleave so drift in machine speed hits both alike
        theirs += step_times(hand, x, y, steps)
        ours += step_times(compiled, x, y, steps)
    a, b = statistics.median(ours) * 1e3, statistics.median(theirs) * 1e3
    print(f"ResNet-14, batch {batch}, 32x32, train step (fwd+bwd+SGD), {rounds * steps} steps each")
    print(f"hand-written nn.Module  {b:8.2f} ms (median)")
    print(f"compiled from graph     {a:8.2f} ms (median)")
    print(f"ratio compiled / hand-written  {a / b:6.3f}   (goal <= 1.03)")


if __name__ == "__main__":
    main()
