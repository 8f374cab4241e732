"""Activation maximisation: the input that excites one channel most (Erhan et al. 2009;
Yosinski et al. 2015), found by gradient ascent on the input with L2 decay and blur."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from engine.inspect.activations import submodule

__all__ = ["maximize_activation"]


def maximize_activation(
    model: nn.Module, node_id: str, channel: int, input_shape: Sequence[int], *, steps: int = 100,
    lr: float = 0.1, l2: float = 1e-3, blur_every: int = 10, seed: int = 0,
    device: torch.device | str | None = None,
) -> tuple[np.ndarray, float]:
    """An input of `input_shape` (without batch) that maximises the mean of `channel` at node `node_id`.

    Returns the input as float32 numpy and the activation it reaches. The model's
    weights are untouched (they are frozen for the ascent and restored after).
    """
    layer = submodule(model, node_id)
    device = device or next(model.parameters()).device
    generator = torch.Generator().manual_seed(seed)
    x = (0.1 * torch.randn((1, *input_shape), generator=generator)).to(device).requires_grad_(True)
    caught: dict[str, torch.Tensor] = {}

    def hook(module: nn.Module, args: tuple, output) -> None:
        caught["out"] = output[0] if isinstance(output, (tuple, list)) else output

    handle = layer.register_forward_hook(hook)
    flags = [(p, p.requires_grad) for p in model.parameters()]
    was_training = model.training
    model.eval()
    for p, _ in flags:
        p.requires_grad_(False)
    optimizer = torch.optim.Adam([x], lr=lr)
    try:
        for step in range(steps):
            optimizer.zero_grad()
            model(x)
            out = caught["out"]
            if channel >= out.shape[1]:
                raise ValueError(f"{node_id} has {out.shape[1]} channels; there is no channel {channel}")
            activation = out[0, channel].mean()
            (-activation + l2 * x.pow(2).sum()).backward()
            optimizer.step()
            if blur_every and x.dim() == 4 and (step + 1) % blur_every == 0:
                with torch.no_grad():  # a light blur keeps high-frequency noise from winning
                    x.copy_(F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False))
        with torch.no_grad():
            model(x)
            final = float(caught["out"][0, channel].mean())
    finally:
        handle.remove()
        for p, flag in flags:
            p.requires_grad_(flag)
        model.train(was_training)
    return x.detach()[0].float().cpu().numpy(), final
