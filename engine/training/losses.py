"""Losses by name: torch's own where they exist, plus focal loss, Wasserstein and the VAE's ELBO."""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn as nn
import torch.nn.functional as F

from engine.training.config import LossConfig

__all__ = ["FocalLoss", "build_loss", "vae_terms", "wasserstein"]


class FocalLoss(nn.Module):
    """Softmax focal loss of Lin et al. 2017 (RetinaNet): CE scaled by (1 - p_t)^gamma.

    https://arxiv.org/abs/1708.02002. `weight` plays the part of alpha per class.
    Works on (N, C) and (N, C, ...) logits like cross entropy.
    """

    def __init__(self, gamma: float = 2.0, weight: torch.Tensor | None = None) -> None:
        super().__init__()
        self.gamma = gamma
        self.register_buffer("weight", weight)

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        log_p = F.log_softmax(logits.float(), dim=1)
        log_pt = log_p.gather(1, target.unsqueeze(1)).squeeze(1)
        loss = -((1.0 - log_pt.exp()) ** self.gamma) * log_pt
        if self.weight is not None:
            w = self.weight[target]
            return (loss * w).sum() / w.sum()
        return loss.mean()


def wasserstein(scores: torch.Tensor, real: bool) -> torch.Tensor:
    """WGAN's critic objective as a loss (Arjovsky et al. 2017): -E[D(x)] for real, E[D(x)] for fake."""
    return -scores.mean() if real else scores.mean()


def vae_terms(recon: torch.Tensor, x: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor
              ) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-sample reconstruction (Bernoulli log-likelihood, summed over pixels) and KL to N(0, I).

    Their sum is the negative ELBO of Kingma & Welling 2013 (https://arxiv.org/abs/1312.6114).
    """
    n = x.shape[0]
    recon_term = F.binary_cross_entropy(recon.float().clamp(1e-6, 1 - 1e-6), x.reshape(recon.shape).float(),
                                        reduction="sum") / n
    kl = -0.5 * torch.sum(1 + logvar.float() - mu.float().pow(2) - logvar.float().exp()) / n
    return recon_term, kl


def build_loss(name: str, config: LossConfig, num_classes: int | None = None,
               device: torch.device | str = "cpu") -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """The loss `name` (one of config.LOSSES, except vae/wasserstein/perceptron, which tasks apply)."""
    weight = None
    if config.class_weights is not None:
        if num_classes is not None and len(config.class_weights) != num_classes:
            raise ValueError(f"training.loss.class_weights: {len(config.class_weights)} weights "
                             f"for {num_classes} classes")
        weight = torch.tensor(config.class_weights, dtype=torch.float32, device=device)
    if name == "cross_entropy":
        return nn.CrossEntropyLoss(weight=weight, label_smoothing=config.label_smoothing)
    if name == "nll":
        return nn.NLLLoss(weight=weight)
    if name == "focal":
        return FocalLoss(config.gamma, weight).to(device)
    if name == "bce":
        return nn.BCELoss()
    if name == "bce_with_logits":
        return nn.BCEWithLogitsLoss()
    if name == "mse":
        return nn.MSELoss()
    if name == "mae":
        return nn.L1Loss()
    raise ValueError(f"the loss '{name}' is applied by its task, not built here")
