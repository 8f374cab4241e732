"""SGD steps for a stack of Linear layers with one elementwise activation, by backpropagation
written out in numpy on the parameters' own memory.

Why this exists: the Playground trains networks of a few dozen weights on batches of ten
points, 25 steps in every animation frame. At that size PyTorch's per-operator dispatch and
autograd's graph bookkeeping are the whole cost: a plain `loss.backward(); optimizer.step()`
loop takes 28 ms an epoch for the 4-2 network on the 2-core reference machine, the
Playground's epoch with this class 4.7 ms, batching included (bench/playground.py).
TensorFlow Playground itself backpropagates by hand for the same reason.

The arrays are views of the modules' CPU float32 parameters, so a step updates the compiled
module in place: its forward pass, the maps, the editor and every exporter see the same
weights, and nothing is copied back. The step is the update autograd and `torch.optim.SGD`
(no momentum, no weight decay) make from the mean cross-entropy or mean squared error;
tests/engine/training/test_mlp_backprop.py holds the two side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
import torch
import torch.nn as nn

__all__ = ["ACTIVATIONS", "LOSSES", "MLPBackprop"]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # The tanh form of the logistic function cannot overflow, unlike 1 / (1 + exp(-z)).
    return 0.5 + 0.5 * np.tanh(0.5 * z)


# activation: (forward, derivative written in terms of the activation's output a)
ACTIVATIONS = {
    "relu": (lambda z: np.maximum(z, 0.0), lambda a: (a > 0).astype(a.dtype)),
    "tanh": (np.tanh, lambda a: 1.0 - a * a),
    "sigmoid": (_sigmoid, lambda a: a * (1.0 - a)),
    "linear": (None, None),
}
LOSSES = ("cross_entropy", "mse")


class MLPBackprop:
    """Train `linears` (input to output, with `activation` between consecutive layers and none
    after the last) one SGD step at a time.

    Only what it can do exactly is accepted: CPU float32 parameters, every layer with a bias,
    an activation of `ACTIVATIONS` and a loss of `LOSSES`; `supports` says whether a set of
    layers qualifies, so callers fall back to autograd otherwise.
    """

    def __init__(self, linears: Sequence[nn.Linear], activation: str, loss: str) -> None:
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r} (expected one of {', '.join(ACTIVATIONS)})")
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r} (expected one of {', '.join(LOSSES)})")
        if not self.supports(linears):
            raise ValueError("MLPBackprop needs Linear layers with biases and contiguous float32 CPU parameters")
        self.linears = list(linears)
        self.activation, self.loss = activation, loss
        self._forward, self._derivative = ACTIVATIONS[activation]

    @staticmethod
    def supports(linears: Sequence[nn.Module]) -> bool:
        params = [p for layer in linears for p in (getattr(layer, "weight", None), getattr(layer, "bias", None))]
        return bool(linears) and all(isinstance(layer, nn.Linear) for layer in linears) and all(
            p is not None and p.device.type == "cpu" and p.dtype == torch.float32 and p.is_contiguous()
            for p in params)

    def _arrays(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        # Taken afresh each call (a step, an epoch): load_state_dict copies into the same
        # tensors, but a module moved or re-created would otherwise leave stale views behind.
        return ([layer.weight.detach().numpy() for layer in self.linears],
                [layer.bias.detach().numpy() for layer in self.linears])

    def _output_gradient(self, out: np.ndarray, target: np.ndarray) -> np.ndarray:
        """d(mean loss)/d(out)."""
        if self.loss == "mse":
            return (2.0 / out.size) * (out - target.reshape(out.shape))
        shifted = out - out.max(axis=1, keepdims=True)
        probabilities = np.exp(shifted)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        probabilities[np.arange(len(out)), target] -= 1.0
        probabilities /= len(out)
        return probabilities

    def step(self, x: torch.Tensor | np.ndarray, target: torch.Tensor | np.ndarray, lr: float) -> None:
        """One SGD step on the batch: what `loss.backward(); SGD(params, lr).step()` does."""
        x = x.numpy() if isinstance(x, torch.Tensor) else x
        target = target.numpy() if isinstance(target, torch.Tensor) else target
        self._step(*self._arrays(), x, target, lr)

    def epoch(self, batches: Iterable[tuple[np.ndarray, np.ndarray]], lr: float,
              after_step: Callable[[], None] | None = None) -> None:
        """A step on each batch (numpy arrays), then `after_step` (a penalty step, say).

        The parameter views are taken once for the whole epoch: nothing else touches the
        module between its steps."""
        weights, biases = self._arrays()
        for x, target in batches:
            self._step(weights, biases, x, target, lr)
            if after_step is not None:
                after_step()

    def _step(self, weights: list[np.ndarray], biases: list[np.ndarray], x: np.ndarray, target: np.ndarray,
              lr: float) -> None:
        layers = len(weights)
        inputs = [x]  # what each Linear saw: the batch, then every hidden activation
        h = x
        for w, b in zip(weights[:-1], biases[:-1]):
            h = h @ w.T + b
            if self._forward is not None:
                h = self._forward(h)
            inputs.append(h)
        delta = self._output_gradient(h @ weights[-1].T + biases[-1], target)
        lr = np.float32(lr)
        for i in range(layers - 1, -1, -1):
            grad_w, grad_b = delta.T @ inputs[i], delta.sum(axis=0)
            if i:  # the next delta needs this layer's weights before the update
                delta = delta @ weights[i]
                if self._derivative is not None:
                    delta *= self._derivative(inputs[i])
            weights[i] -= lr * grad_w
            biases[i] -= lr * grad_b
