"""Activation maps of any node, caught with forward hooks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
import torch.nn as nn

__all__ = ["activation_maps", "submodule"]


def submodule(model: nn.Module, node_id: str) -> nn.Module:
    """The module of node `node_id` (dotted ids reach into blocks); a KeyError names what exists."""
    try:
        return model.get_submodule(node_id)
    except AttributeError:
        known = ", ".join(name for name, _ in model.named_children())
        raise KeyError(f"the network has no module '{node_id}' (it has: {known})") from None


@torch.no_grad()
def activation_maps(
    model: nn.Module, inputs: torch.Tensor | Sequence[torch.Tensor], node_ids: Sequence[str],
    sample: int | None = 0,
) -> dict[str, np.ndarray]:
    """Output of each node in `node_ids` for sample `sample` of the batch, e.g. (C, H, W) for a conv
    (the whole batch when `sample` is None).

    Nodes with several outputs give their first. The model runs in eval mode and is
    put back as it was.
    """
    inputs = (inputs,) if isinstance(inputs, torch.Tensor) else tuple(inputs)
    caught: dict[str, torch.Tensor] = {}
    handles = []
    for node_id in node_ids:
        def hook(module: nn.Module, args: tuple, output, node_id: str = node_id) -> None:
            out = output[0] if isinstance(output, (tuple, list)) else output
            # A copy: an in-place ReLU downstream would otherwise overwrite what we caught.
            caught[node_id] = (out if sample is None else out[sample]).detach().float().cpu().clone()

        handles.append(submodule(model, node_id).register_forward_hook(hook))
    was_training = model.training
    model.eval()
    try:
        model(*inputs)
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    return {k: caught[k].numpy() for k in node_ids if k in caught}
