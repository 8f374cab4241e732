"""Rosenblatt's perceptron (1958): one Linear layer and a Step, trained by the perceptron rule.

For each sample, w <- w + lr * (y - y_hat) * x and b <- b + lr * (y - y_hat), no gradients.
It converges on linearly separable data (AND, OR) and, famously, never on XOR.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn

from engine.training.metrics import confusion_matrix
from engine.training.tasks.base import Task, TrainingError

__all__ = ["Perceptron"]


class Perceptron(Task):
    name = "perceptron"
    monitor = "val_accuracy"
    targets = ("class",)

    def check(self) -> None:
        super().check()
        linears = [m for m in self.models["model"].modules() if isinstance(m, nn.Linear)]
        if len(linears) != 1 or linears[0].out_features != 1:
            raise TrainingError("the perceptron rule trains one Linear layer with one output followed by a Step; "
                                f"this network has {len(linears)} Linear layers (use task classification)")
        if (self.data.num_classes or 2) != 2:
            raise TrainingError(f"a perceptron separates two classes; {self.data.name} has {self.data.num_classes}")
        self.linear = linears[0]
        if self.linear.in_features != self.data.input_shape[-1]:
            raise TrainingError("the perceptron's Linear layer must take the input directly")

    def predict(self, x: torch.Tensor) -> torch.Tensor:
        out = self.models["model"](x)
        out = out[0] if isinstance(out, (tuple, list)) else out
        return (out.reshape(-1) > 0.5).long()

    @torch.no_grad()
    def train_step(self, batch: tuple[torch.Tensor, ...]) -> dict[str, torch.Tensor]:
        x, y = batch
        lr = self.rt.lrs.get("model", self.config.optimizer.lr)
        errors = torch.zeros((), device=x.device)
        for xi, yi in zip(x, y):  # the rule is online: one sample at a time
            error = (yi - self.predict(xi.unsqueeze(0))[0]).float()
            self.linear.weight.add_(lr * error * xi.float())
            if self.linear.bias is not None:
                self.linear.bias.add_(lr * error)
            errors += error.abs()
        rate = errors / len(x)
        self.running.add("loss", rate, len(x))
        self.running.add("accuracy", 1 - rate, len(x))
        return {"loss": rate}

    @torch.no_grad()
    def evaluate(self) -> tuple[dict[str, float], np.ndarray | None]:
        correct, total = 0, 0
        confusion = np.zeros((2, 2), np.int64)
        for x, y in self.batches("val"):
            predicted = self.predict(x)
            correct += int((predicted == y).sum())
            total += len(y)
            confusion += confusion_matrix(predicted, y, 2)
        if not total:
            return {}, None
        return {"loss": 1 - correct / total, "accuracy": correct / total}, confusion
