"""Generative adversarial networks: DCGAN (Radford et al. 2015) and WGAN (Arjovsky et al. 2017).

The document has two networks, "generator" (latent vector in, image out) and
"discriminator" (image in, one score out). Real images are scaled from [0, 1] to
[-1, 1], the range of the generator's final Tanh, as in both papers.
DCGAN: binary cross entropy on the discriminator's probability (a final Sigmoid;
or on a logit with loss "bce_with_logits"), one discriminator and one generator step
per batch. WGAN: the critic (no Sigmoid) maximises E[D(real)] - E[D(fake)] with its
weights clipped to [-clip, clip]; the generator steps once every `critic_iters` batches.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from engine.training.losses import wasserstein
from engine.training.metrics import Average
from engine.training.tasks.base import Task, TrainingError, first_output, images_for_display

__all__ = ["GAN"]


class GAN(Task):
    name = "gan"
    networks = ("generator", "discriminator")
    monitor = None  # no validation: the last epoch counts
    targets = ("class", "mask", "none")

    def setup(self) -> None:
        self.variant = self.config.gan.variant
        self.loss_name = self.config.loss_name
        self.batches_seen = 0
        infos = self.inputs.get("generator", [])
        self.latent_shape = tuple(infos[0].shape) if infos else (self.config.gan.latent_dim,)
        fixed = torch.Generator().manual_seed(self.config.seed + 11)
        self.fixed_z = torch.randn((16, *self.latent_shape), generator=fixed).to(self.rt.device)

    def check(self) -> None:
        self._check_input_shape("discriminator", self.data.input_shape)
        x = next(iter(self.batches("train")))[0][:2]
        self.train_mode(False)
        with torch.no_grad():
            fake = first_output(self.models["generator"](self.noise(2)))
            score = first_output(self.models["discriminator"](x))
        if fake.shape[1:] != x.shape[1:]:
            raise TrainingError(f"the generator makes {tuple(fake.shape[1:])} images, but {self.data.name} has "
                                f"{tuple(x.shape[1:])}")
        if score.numel() != 2:
            raise TrainingError(f"the discriminator must return one score per image, not {tuple(score.shape[1:])}")

    def noise(self, n: int) -> torch.Tensor:
        return torch.randn((n, *self.latent_shape), device=self.rt.device)

    def _bce(self, score: torch.Tensor, real: bool) -> torch.Tensor:
        target = torch.full_like(score, 1.0 if real else 0.0)
        if self.loss_name == "bce_with_logits":
            return F.binary_cross_entropy_with_logits(score, target)
        return F.binary_cross_entropy(score.clamp(1e-7, 1 - 1e-7), target)

    def train_step(self, batch: tuple[torch.Tensor, ...]) -> dict[str, torch.Tensor]:
        real = batch[0] * 2.0 - 1.0
        n = len(real)
        generator, critic = self.models["generator"], self.models["discriminator"]
        with self.autocast():
            fake = first_output(generator(self.noise(n)))
            d_real = first_output(critic(real)).float().reshape(-1)
            d_fake = first_output(critic(fake.detach())).float().reshape(-1)
            if self.variant == "wgan":
                loss_d = wasserstein(d_real, real=True) + wasserstein(d_fake, real=False)
            else:
                loss_d = self._bce(d_real, True) + self._bce(d_fake, False)
        self.rt.optimize("discriminator", loss_d)
        if self.variant == "wgan" and self.config.gan.clip is not None:
            with torch.no_grad():
                for p in critic.parameters():
                    p.clamp_(-self.config.gan.clip, self.config.gan.clip)
        self.batches_seen += 1
        out = {"loss": loss_d.detach(), "loss_d": loss_d.detach()}
        if self.variant != "wgan" or self.batches_seen % self.config.gan.critic_iters == 0:
            with self.autocast():
                score = first_output(critic(fake)).float().reshape(-1)
                loss_g = -score.mean() if self.variant == "wgan" else self._bce(score, True)
            self.rt.optimize("generator", loss_g)
            out["loss_g"] = loss_g.detach()
            self.running.add("loss_g", loss_g.detach(), n)
        self.running.add("loss_d", loss_d.detach(), n)
        if self.variant == "wgan":
            self.running.add("wasserstein", (d_real.mean() - d_fake.mean()).detach(), n)
        else:
            prob = (lambda s: torch.sigmoid(s)) if self.loss_name == "bce_with_logits" else (lambda s: s)
            self.running.add("d_real", prob(d_real).mean().detach(), n)
            self.running.add("d_fake", prob(d_fake).mean().detach(), n)
        return out

    def train_metrics(self) -> dict[str, float]:
        result, self.running = self.running.result(), Average()
        result["loss"] = result.get("loss_d", math.nan)
        return result

    @torch.no_grad()
    def evaluate(self) -> tuple[dict[str, float], np.ndarray | None]:
        return {}, None

    @torch.no_grad()
    def samples(self) -> np.ndarray:
        """Images from 16 fixed latent vectors, as (16, H, W, C) in [0, 1]."""
        return images_for_display(first_output(self.models["generator"](self.fixed_z)), -1.0, 1.0)

    def snapshot(self) -> dict[str, Any]:
        return {"samples": self.samples()}

    def sample_input(self, count: int = 1) -> tuple[torch.Tensor, ...] | None:
        return (self.fixed_z[:count],)
