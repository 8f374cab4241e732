"""L1 and L2 weight penalties, applied as TensorFlow Playground applies them.

Playground (Smilkov & Carter 2016, `src/nn.ts`, `updateWeights`) first moves every
weight by its gradient, then by `-lr * rate * dR/dw` with R = |w| (L1) or w²/2 (L2);
an L1 step that would carry a weight across zero leaves it at zero. Biases are not
penalised. As a step of its own after the optimizer's, the rate can change between
any two steps; for plain SGD, L2 here equals `weight_decay` restricted to weights.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn as nn

__all__ = ["PENALTIES", "apply_penalty", "penalised_weights", "penalty_value"]

PENALTIES = ("none", "l1", "l2")


def penalised_weights(model: nn.Module) -> list[nn.Parameter]:
    """The weight matrices and kernels of `model` (parameters named `weight` with 2 or more dimensions)."""
    return [p for name, p in model.named_parameters()
            if p.requires_grad and name.rsplit(".", 1)[-1] == "weight" and p.dim() >= 2]


@torch.no_grad()
def apply_penalty(weights: Sequence[torch.Tensor], kind: str, rate: float, lr: float) -> None:
    """One penalty step on `weights` in place: L2 shrinks by lr*rate*w, L1 soft-thresholds by lr*rate."""
    if kind not in PENALTIES:
        raise ValueError(f"unknown penalty {kind!r} (expected one of {', '.join(PENALTIES)})")
    step = lr * rate
    if kind == "none" or step == 0.0 or not weights:
        return
    weights = list(weights)
    if kind == "l2":
        torch._foreach_mul_(weights, 1.0 - step)
        return
    # sign(w) * max(|w| - step, 0): w - step*sign(w), or 0 where that would cross zero.
    signs = torch._foreach_sign(weights)
    shrunk = torch._foreach_abs(weights)
    torch._foreach_sub_(shrunk, step)
    torch._foreach_clamp_min_(shrunk, 0.0)
    torch._foreach_mul_(shrunk, signs)
    torch._foreach_copy_(weights, shrunk)


def penalty_value(weights: Sequence[torch.Tensor], kind: str, rate: float) -> float:
    """rate * sum |w| (L1) or rate * sum w²/2 (L2): the term the penalty step descends."""
    if kind == "none" or rate == 0.0 or not weights:
        return 0.0
    with torch.no_grad():
        if kind == "l1":
            total = sum(float(w.abs().sum()) for w in weights)
        else:
            total = sum(float((w * w).sum()) for w in weights) / 2.0
    return rate * total
