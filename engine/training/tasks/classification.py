"""Classification of samples (images, points, table rows) and of a graph's nodes."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from engine.inspect.boundary import decision_boundary
from engine.inspect.predictions import sample_predictions
from engine.training.losses import build_loss
from engine.training.metrics import Average, confusion_matrix, top_k_correct
from engine.training.tasks.base import Task, TrainingError

__all__ = ["Classification", "NodeClassification"]

AUX_WEIGHT = 0.3  # GoogLeNet's weight for auxiliary classifiers (Szegedy et al. 2014)


def _outputs(out: Any) -> tuple[torch.Tensor, ...]:
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)


class _Classes(Task):
    """What classification and node classification share: the loss and its binary form."""

    def setup(self) -> None:
        self.num_classes = self.data.num_classes or 2
        self.loss_fn = build_loss(self.config.loss_name, self.config.loss, self.num_classes, self.rt.device)

    def loss(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if logits.shape[1] == 1:  # one output unit for two classes: a logit (or a probability for "bce")
            y = target.float().reshape(logits.shape)
            if self.config.loss_name == "bce":
                return F.binary_cross_entropy(logits.float(), y)
            return F.binary_cross_entropy_with_logits(logits.float(), y)
        return self.loss_fn(logits.float(), target)

    def predict(self, logits: torch.Tensor) -> torch.Tensor:
        if logits.shape[1] == 1:
            threshold = 0.5 if self.config.loss_name == "bce" else 0.0
            return (logits[:, 0] > threshold).long()
        return logits.argmax(1)

    def check_classes(self, logits: torch.Tensor) -> None:
        # More outputs than classes is fine: an ImageNet head (1000) trains on digits'
        # labels 0-9 and learns to leave the other outputs low.
        c = logits.shape[1] if logits.dim() > 1 else 0
        if logits.dim() != 2 or not (c >= self.num_classes or (c == 1 and self.num_classes == 2)):
            shape = tuple(logits.shape[1:])
            raise TrainingError(
                f"{self.data.name} has {self.num_classes} classes, but the network returns shape {shape} "
                f"per sample: end with Linear(out_features={self.num_classes}) giving logits"
            )


class Classification(_Classes):
    name = "classification"
    monitor = "val_accuracy"
    targets = ("class",)

    def check(self) -> None:
        super().check()
        x, _ = next(iter(self.batches("val" if self.data.val is not None else "train")))
        self.train_mode(False)
        with torch.no_grad():
            self.check_classes(_outputs(self.models["model"](x[:2]))[0])

    def train_step(self, batch: tuple[torch.Tensor, ...]) -> dict[str, torch.Tensor]:
        x, y = batch
        with self.autocast():
            outs = _outputs(self.models["model"](x))
            loss = self.loss(outs[0], y)
            for aux in outs[1:]:
                loss = loss + AUX_WEIGHT * self.loss(aux, y)
        self.rt.optimize("model", loss)
        loss = loss.detach()
        n = len(y)
        self.running.add("loss", loss, n)
        self.running.add("accuracy", (self.predict(outs[0].detach()) == y).sum() / n, n)
        return {"loss": loss}

    @torch.no_grad()
    def evaluate(self) -> tuple[dict[str, float], np.ndarray | None]:
        model = self.models["model"]
        avg = Average()
        confusion = np.zeros((self.num_classes, self.num_classes), np.int64)
        top5 = self.num_classes > 5
        for x, y in self.batches("val"):
            with self.autocast():
                logits = _outputs(model(x))[0]
            n = len(y)
            avg.add("loss", self.loss(logits, y), n)
            predicted = self.predict(logits)
            avg.add("accuracy", (predicted == y).float().mean(), n)
            if top5:
                avg.add("top5", top_k_correct(logits, y, 5) / n, n)
            confusion += confusion_matrix(predicted, y, self.num_classes)
        return avg.result(), confusion

    def probabilities(self, logits: torch.Tensor) -> torch.Tensor:
        if logits.shape[1] == 1:
            p = logits[:, 0].float() if self.config.loss_name == "bce" else torch.sigmoid(logits[:, 0].float())
            return torch.stack([1 - p, p], 1)
        return F.softmax(logits.float(), 1)

    def snapshot(self) -> dict[str, Any]:
        model = self.models["model"]
        if self.data.input_shape == (2,) and self.data.extent is not None:
            grid = decision_boundary(model, self.data.extent, 100, output=self._positive_probability,
                                     device=self.rt.device)
            return {"boundary": grid.values, "boundary_extent": np.array(self.data.extent, np.float32)}
        if self.data.val is None or len(self.data.input_shape) != 3:
            return {}
        x, y = next(iter(self.batches("val")))
        return sample_predictions(model, x[:8], y[:8], probabilities=self.probabilities)

    def _positive_probability(self, out: Any) -> torch.Tensor:
        return self.probabilities(_outputs(out)[0])[:, 1]


class NodeClassification(_Classes):
    """Semi-supervised node classification (Kipf & Welling 2016): the loss covers labelled nodes only."""

    name = "node_classification"
    monitor = "val_accuracy"
    targets = ("nodes",)

    def check(self) -> None:
        super().check()
        infos = self.inputs.get("model", [])
        kinds = [i.kind for i in infos]
        if infos and sorted(kinds) != ["adjacency", "graph"]:
            raise TrainingError(f"node classification needs two Inputs, of kinds 'graph' (N, F) and 'adjacency' "
                                f"(N, N); the network has {', '.join(kinds) or 'none'}")
        self._check_input_shape("model", tuple(self.data.extras["graph"]["features"].shape), ("graph",))
        batch = next(iter(self.batches("train")))
        self.train_mode(False)
        with torch.no_grad():
            logits = self._forward(batch)
        self.check_classes(logits)

    def _forward(self, batch: tuple[torch.Tensor, ...]) -> torch.Tensor:
        features, adjacency = batch[0], batch[1]
        kinds = [i.kind for i in self.inputs.get("model", [])] or ["graph", "adjacency"]
        args = [features if kind == "graph" else adjacency for kind in kinds]
        out = _outputs(self.models["model"](*args))[0]
        return out.reshape(-1, out.shape[-1])  # (1, N, C) -> (N, C)

    def batch_size_of(self, batch: tuple[torch.Tensor, ...]) -> int:
        return int(batch[3].sum())

    def train_step(self, batch: tuple[torch.Tensor, ...]) -> dict[str, torch.Tensor]:
        labels, mask = batch[2].reshape(-1), batch[3].reshape(-1)
        with self.autocast():
            logits = self._forward(batch)
            loss = self.loss(logits[mask], labels[mask])
        self.rt.optimize("model", loss)
        loss = loss.detach()
        n = int(mask.sum())
        self.running.add("loss", loss, n)
        self.running.add("accuracy", (self.predict(logits.detach()[mask]) == labels[mask]).float().mean(), n)
        return {"loss": loss}

    @torch.no_grad()
    def evaluate(self) -> tuple[dict[str, float], np.ndarray | None]:
        batch = next(iter(self.batches("val")))
        labels, mask = batch[2].reshape(-1), batch[4].reshape(-1)
        logits = self._forward(batch)[mask]
        predicted = self.predict(logits)
        metrics = {"loss": float(self.loss(logits, labels[mask])),
                   "accuracy": float((predicted == labels[mask]).float().mean())}
        return metrics, confusion_matrix(predicted, labels[mask], self.num_classes)

    def snapshot(self) -> dict[str, Any]:
        batch = next(iter(self.batches("val")))
        with torch.no_grad():
            logits = self._forward(batch)
        return {"node_predictions": self.predict(logits).cpu().numpy(),
                "node_probabilities": F.softmax(logits.float(), 1).cpu().numpy()
                if logits.shape[1] > 1 else torch.sigmoid(logits.float()).cpu().numpy()}

    def sample_input(self, count: int = 1) -> tuple[torch.Tensor, ...] | None:
        batch = next(iter(self.batches("val")))
        kinds = [i.kind for i in self.inputs.get("model", [])] or ["graph", "adjacency"]
        return tuple(batch[0] if kind == "graph" else batch[1] for kind in kinds)
