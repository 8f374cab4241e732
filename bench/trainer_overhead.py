"""The Trainer (events, metrics, schedule, finiteness checks) against a bare hand-written loop.

Same model (a small CNN on 8x8 digits), same data, same optimizer, same batches;
both run in this process, interleaved. We time whole epochs of training steps
(validation excluded from both) and report the median step time and their ratio.
Goal: Trainer / bare <= 1.05.
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
from engine.data import LoadContext, load_dataset  # noqa: E402
from engine.training import BatchEnd, Trainer  # noqa: E402

RECIPE = {"task": "classification", "dataset": {"name": "digits", "size": 16}, "batch_size": 64, "epochs": 1,
          "validation_split": 0.2, "optimizer": {"name": "adam", "lr": 1e-3}}


def model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 4 * 4, 64), nn.ReLU(), nn.Linear(64, 10),
    )


def bare_epoch(net: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor,
               generator: torch.Generator) -> tuple[float, int]:
    order = torch.randperm(len(x), generator=generator)
    steps = 0
    t0 = time.perf_counter()
    for start in range(0, len(x), 64):
        index = order[start:start + 64]
        loss = F.cross_entropy(net(x[index]), y[index])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        loss.item()  # a fair loop still looks at its loss
        steps += 1
    return time.perf_counter() - t0, steps


def trainer_epoch(trainer: Trainer) -> tuple[float, int]:
    times: list[float] = []

    def on_event(event) -> None:
        if isinstance(event, BatchEnd):
            times.append(time.perf_counter())

    trainer.config = trainer.config.replace(epochs=trainer.start_epoch + 1)
    trainer.task.evaluate = lambda: ({}, None)  # validation is not part of the step time
    start = time.perf_counter()
    trainer.run(on_event)
    trainer.start_epoch += 1
    return times[-1] - start, len(times)


def main(rounds: int = 7) -> None:
    torch.set_num_threads(1)  # the 2 cores are shared; OpenMP spinning under load swamps the figure
    data = load_dataset("digits", {"size": 16}, LoadContext(validation_split=0.2))
    x, y = data.train.tensors
    net = model()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    generator = torch.Generator().manual_seed(0)
    trainer = Trainer(model(), RECIPE, snapshot_every=None)
    trainer.prepare()
    bare_epoch(net, opt, x, y, generator), trainer_epoch(trainer)  # warm-up
    ours, theirs = [], []
    for _ in range(rounds):  # interleaved, so drift in machine speed hits both
        seconds, steps = bare_epoch(net, opt, x, y, generator)
        theirs.append(seconds / steps)
        seconds, steps = trainer_epoch(trainer)
        ours.append(seconds / steps)
    a, b = statistics.median(ours) * 1e3, statistics.median(theirs) * 1e3
    print(f"small CNN on 16x16 digits, batch 64, Adam; {rounds} epochs of {len(x) // 64 + 1} steps each")
    print(f"bare loop       {b:7.3f} ms per step (median)")
    print(f"Trainer         {a:7.3f} ms per step (median)")
    print(f"ratio Trainer / bare  {a / b:6.3f}   (goal <= 1.05)")


if __name__ == "__main__":
    main()
