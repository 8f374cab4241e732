"""Leslie Smith's learning-rate range test (Smith 2017, "Cyclical Learning Rates", section 3.3).

Train for a few hundred steps while the rate grows exponentially from `start_lr` to
`end_lr`, record the smoothed loss, stop once it diverges, and suggest the rate
where the loss falls fastest. The networks and optimizers are restored afterwards.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import numpy as np

from engine.training.trainer import Trainer

__all__ = ["LRRangeResult", "lr_range_test"]


@dataclass(frozen=True)
class LRRangeResult:
    lrs: np.ndarray
    losses: np.ndarray  # exponentially smoothed, bias-corrected
    suggested_lr: float  # steepest descent of the smoothed loss
    min_loss_lr: float  # where the smoothed loss was lowest (a tenth of it is another common pick)


def lr_range_test(trainer: Trainer, start_lr: float = 1e-7, end_lr: float = 10.0, steps: int = 100,
                  smoothing: float = 0.05, diverge: float = 4.0) -> LRRangeResult:
    """Run the range test with `trainer`'s networks, data and task; their state is restored after."""
    trainer.prepare()
    task, runtime = trainer.task, trainer.runtime
    saved_models = {n: copy.deepcopy(m.state_dict()) for n, m in trainer.models.items()}
    saved_opts = {n: copy.deepcopy(o.state_dict()) for n, o in trainer.optimizers.items()}
    rng = trainer.generator.get_state()
    lrs, losses = [], []
    average, best = 0.0, math.inf
    factor = (end_lr / start_lr) ** (1.0 / max(1, steps - 1))
    task.train_mode(True)
    try:
        step = 0
        while step < steps:
            for batch in task.batches("train"):
                lr = start_lr * factor ** step
                for name, opt in trainer.optimizers.items():
                    for group in opt.param_groups:
                        group["lr"] = lr
                    runtime.lrs[name] = lr
                loss = float(task.train_step(batch)["loss"])
                if not math.isfinite(loss):
                    step = steps
                    break
                average = smoothing * loss + (1 - smoothing) * average
                smoothed = average / (1 - (1 - smoothing) ** (step + 1))
                lrs.append(lr)
                losses.append(smoothed)
                best = min(best, smoothed)
                step += 1
                if smoothed > diverge * best or step >= steps:
                    step = steps
                    break
        task.train_metrics()  # discard what the test gathered
    finally:
        for name, model in trainer.models.items():
            model.load_state_dict(saved_models[name])
        for name, opt in trainer.optimizers.items():
            opt.load_state_dict(saved_opts[name])
        trainer.generator.set_state(rng)
    lrs_a, losses_a = np.array(lrs), np.array(losses)
    if len(lrs_a) < 3:
        raise ValueError("the loss diverged at once: lower start_lr")
    slopes = np.gradient(losses_a, np.log(lrs_a))
    # Skip the first few points, where the smoothing has not settled.
    skip = min(len(slopes) - 1, max(1, len(slopes) // 10))
    steepest = skip + int(np.argmin(slopes[skip:]))
    return LRRangeResult(lrs_a, losses_a, float(lrs_a[steepest]), float(lrs_a[int(np.argmin(losses_a))]))
