"""Autoencoders: plain reconstruction and the variational autoencoder."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn as nn

from engine.inspect.latent import latent_sweep
from engine.ops.modules import Reparameterize
from engine.training.losses import build_loss, vae_terms
from engine.training.metrics import Average
from engine.training.tasks.base import Task, TrainingError, first_output, images_for_display

__all__ = ["VAE", "Reconstruction"]


class Reconstruction(Task):
    """The network reproduces its input (through a bottleneck); the target takes the output's shape."""

    name = "reconstruction"

    def setup(self) -> None:
        self.loss_fn = build_loss(self.config.loss_name, self.config.loss)

    def check(self) -> None:
        super().check()
        x = next(iter(self.batches("train")))[0][:2]
        self.train_mode(False)
        with torch.no_grad():
            out = first_output(self.models["model"](x))
        if out.numel() != x.numel():
            raise TrainingError(f"an autoencoder returns as many values as it takes: input {tuple(x.shape[1:])}, "
                                f"output {tuple(out.shape[1:])}")

    def batch_loss(self, batch: tuple[torch.Tensor, ...]) -> torch.Tensor:
        x = batch[0]
        out = first_output(self.models["model"](x))
        return self.loss_fn(out.float(), x.reshape(out.shape))

    @torch.no_grad()
    def evaluate(self) -> tuple[dict[str, float], np.ndarray | None]:
        avg = Average()
        for batch in self.batches("val"):
            x = batch[0]
            with self.autocast():
                out = first_output(self.models["model"](x)).float()
            avg.add("loss", self.loss_fn(out, x.reshape(out.shape)), len(x))
        return avg.result(), None

    def snapshot(self) -> dict[str, Any]:
        if self.data.val is None or len(self.data.input_shape) != 3:
            return {}
        x = next(iter(self.batches("val")))[0][:8]
        with torch.no_grad():
            out = first_output(self.models["model"](x)).float().reshape(x.shape)
        return {"inputs": images_for_display(x), "reconstructions": images_for_display(out)}


class VAE(Task):
    """Kingma & Welling 2013: the network returns (recon, mu, logvar); loss = reconstruction + beta * KL.

    Reported per sample in nats: `recon` (Bernoulli negative log-likelihood), `kl`, and
    `elbo` = -(recon + kl), the evidence lower bound (higher is better).
    """

    name = "vae"

    def setup(self) -> None:
        self.beta = self.config.loss.beta
        self.prior = torch.Generator(device="cpu").manual_seed(self.config.seed + 7)

    def check(self) -> None:
        super().check()
        x = next(iter(self.batches("train")))[0][:2]
        self.train_mode(False)
        with torch.no_grad():
            out = self.models["model"](x)
        if not isinstance(out, (tuple, list)) or len(out) != 3:
            raise TrainingError("a VAE returns three values, (recon, mu, logvar): give it three Output nodes "
                                "in that order")
        recon, mu, logvar = out
        if recon.numel() != x.numel():
            raise TrainingError(f"recon has shape {tuple(recon.shape[1:])} but the input is {tuple(x.shape[1:])}")
        if mu.shape != logvar.shape:
            raise TrainingError(f"mu {tuple(mu.shape[1:])} and logvar {tuple(logvar.shape[1:])} differ in shape")
        if float(recon.min()) < 0 or float(recon.max()) > 1:
            raise TrainingError("recon must lie in [0, 1]: end the decoder with a Sigmoid")

    def _terms(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        recon, mu, logvar = self.models["model"](x)
        return vae_terms(recon, x, mu, logvar)

    def train_step(self, batch: tuple[torch.Tensor, ...]) -> dict[str, torch.Tensor]:
        x = batch[0]
        with self.autocast():
            recon, kl = self._terms(x)
            loss = recon + self.beta * kl
        self.rt.optimize("model", loss)
        n = len(x)
        for name, value in (("loss", loss), ("recon", recon), ("kl", kl), ("elbo", -(recon + kl))):
            self.running.add(name, value.detach(), n)
        return {"loss": loss.detach()}

    @torch.no_grad()
    def evaluate(self) -> tuple[dict[str, float], np.ndarray | None]:
        avg = Average()
        for batch in self.batches("val"):
            x = batch[0]
            with self.autocast():
                recon, kl = self._terms(x)
            n = len(x)
            avg.add("loss", recon + self.beta * kl, n)
            avg.add("recon", recon, n)
            avg.add("kl", kl, n)
            avg.add("elbo", -(recon + kl), n)
        return avg.result(), None

    def snapshot(self) -> dict[str, Any]:
        if self.data.val is None or len(self.data.input_shape) != 3:
            return {}
        model = self.models["model"]
        x = next(iter(self.batches("val")))[0][:8]
        with torch.no_grad():
            recon = model(x)[0].float().reshape(x.shape)
        out = {"inputs": images_for_display(x), "reconstructions": images_for_display(recon)}
        samples = self.prior_samples(8, x)
        if samples is not None:
            out["samples"] = images_for_display(samples)
        sweep = latent_sweep(model, x[:1])
        if sweep is not None:
            out["latent_sweep"] = images_for_display(torch.from_numpy(sweep).reshape(-1, *x.shape[1:]))
        return out

    @torch.no_grad()
    def prior_samples(self, count: int, like: torch.Tensor) -> torch.Tensor | None:
        """Decode z ~ N(0, I): the Reparameterize node's output is replaced by prior samples."""
        model = self.models["model"]
        sampler = next((m for m in model.modules() if isinstance(m, Reparameterize)), None)
        if sampler is None:
            return None

        def draw(module: nn.Module, args: tuple, output: torch.Tensor) -> torch.Tensor:
            z = torch.randn(output.shape, generator=self.prior)
            return z.to(output.device, output.dtype)

        handle = sampler.register_forward_hook(draw)
        try:
            recon = model(like[:count])[0]
        finally:
            handle.remove()
        return recon.float().reshape(like[:count].shape)
