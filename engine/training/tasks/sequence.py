"""Next-character modelling: token ids (T,) in, logits (T, vocab) out; perplexity and sampled text."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from engine.training.losses import build_loss
from engine.training.metrics import Average
from engine.training.tasks.base import Task, TrainingError, first_output

__all__ = ["Sequence"]

SAMPLE_LENGTH = 200
TEMPERATURE = 0.8


class Sequence(Task):
    name = "sequence"
    targets = ("tokens",)

    def setup(self) -> None:
        self.vocab = self.data.vocab or ""
        self.loss_fn = build_loss(self.config.loss_name, self.config.loss, None, self.rt.device)
        self.sampler = torch.Generator().manual_seed(self.config.seed + 13)

    def check(self) -> None:
        super().check()
        infos = self.inputs.get("model", [])
        if infos and infos[0].kind != "tokens":
            raise TrainingError(f"a character model takes token ids: make Input '{infos[0].id}' of kind 'tokens'")
        x, _ = next(iter(self.batches("train")))
        self.train_mode(False)
        with torch.no_grad():
            out = first_output(self.models["model"](x[:2]))
        if out.dim() != 3 or out.shape[1] != x.shape[1] or out.shape[2] < len(self.vocab):
            raise TrainingError(f"the corpus has {len(self.vocab)} characters: the network must return logits "
                                f"(T, {len(self.vocab)}) or more classes, not {tuple(out.shape[1:])}")

    def _loss(self, logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.loss_fn(logits.reshape(-1, logits.shape[-1]).float(), y.reshape(-1))

    def batch_loss(self, batch: tuple[torch.Tensor, ...]) -> torch.Tensor:
        x, y = batch
        return self._loss(first_output(self.models["model"](x)), y)

    @torch.no_grad()
    def evaluate(self) -> tuple[dict[str, float], np.ndarray | None]:
        avg = Average()
        for x, y in self.batches("val"):
            with self.autocast():
                logits = first_output(self.models["model"](x))
            n = y.numel()
            avg.add("loss", self._loss(logits, y), n)
            avg.add("accuracy", (logits.argmax(-1) == y).float().mean(), n)
        metrics = avg.result()
        if "loss" in metrics:
            metrics["perplexity"] = math.exp(min(metrics["loss"], 50.0))
        return metrics, None

    @torch.no_grad()
    def sample(self, prompt: str, length: int = SAMPLE_LENGTH, temperature: float = TEMPERATURE) -> str:
        """Continue `prompt` one character at a time, feeding the last seq_len characters."""
        index = {ch: i for i, ch in enumerate(self.vocab)}
        ids = [index[ch] for ch in prompt if ch in index] or [0]
        window = self.data.input_shape[0]
        model = self.models["model"]
        for _ in range(length):
            x = torch.tensor([ids[-window:]], device=self.rt.device)
            logits = first_output(model(x))[0, -1, : len(self.vocab)].float().cpu()
            probs = torch.softmax(logits / temperature, 0)
            ids.append(int(torch.multinomial(probs, 1, generator=self.sampler)))
        return "".join(self.vocab[i] for i in ids)

    def snapshot(self) -> dict[str, Any]:
        data = self.data.val or self.data.train
        prompt = "".join(self.vocab[i] for i in data[0][0][:16].tolist())
        return {"text": self.sample(prompt)}
