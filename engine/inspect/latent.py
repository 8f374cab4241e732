"""A VAE's 2-D latent sweep (Kingma & Welling 2013, figure 4): decode a grid of codes.

The network runs as built; a forward hook replaces the output of its sampling node
(`Reparameterize`) with the grid's codes, so no decoder needs to be cut out of the graph.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn

from engine.ops.modules import Reparameterize

__all__ = ["latent_sweep"]


@torch.no_grad()
def latent_sweep(model: nn.Module, like: torch.Tensor, steps: int = 8, span: float = 2.5,
                 dims: tuple[int, int] = (0, 1)) -> np.ndarray | None:
    """Decoded images over a steps x steps grid of codes in [-span, span] along latent `dims`
    (the other dimensions at 0), as float32 (steps * steps, *output shape) in row-major order:
    row i has dims[1] = +span .. -span from top to bottom, column j dims[0] = -span .. +span.

    `like` is one input sample (with batch dimension) whose shape the encoder accepts; None
    when the network has no Reparameterize node.
    """
    sampler = next((m for m in model.modules() if isinstance(m, Reparameterize)), None)
    if sampler is None:
        return None
    values = torch.linspace(-span, span, steps)
    batch = like[:1].expand(steps * steps, *like.shape[1:])

    def codes(module: nn.Module, args: tuple, output: torch.Tensor) -> torch.Tensor:
        z = torch.zeros_like(output)
        row, col = torch.meshgrid(values.flip(0), values, indexing="ij")
        z[:, dims[0] % z.shape[1]] = col.reshape(-1).to(z)
        if z.shape[1] > 1:
            z[:, dims[1] % z.shape[1]] = row.reshape(-1).to(z)
        return z

    handle = sampler.register_forward_hook(codes)
    was_training = model.training
    model.eval()
    try:
        out = model(batch)
    finally:
        handle.remove()
        model.train(was_training)
    out = out[0] if isinstance(out, (tuple, list)) else out
    return out.detach().float().cpu().numpy()
