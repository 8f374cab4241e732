"""The modules behind ops that `torch.nn` lacks.

Everything here depends on torch alone, and each class is self-contained: the
Python exporter copies the source of the classes a network uses into the exported
file, which must run with nothing but torch installed.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

__all__ = [
    "Add",
    "Chunk",
    "Concat",
    "Crop",
    "GRULayer",
    "GlobalAvgPool",
    "GraphConv",
    "LSTMLayer",
    "Multiply",
    "Permute",
    "PlaygroundFeatures",
    "RNNLayer",
    "Reparameterize",
    "Reshape",
    "SpatialTransformer",
    "Split",
    "Step",
]


class Add(nn.Module):
    """Element-wise sum of its inputs, in order."""

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        out = inputs[0]
        for x in inputs[1:]:
            out = out + x
        return out


class Multiply(nn.Module):
    """Element-wise product of its inputs, in order."""

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        out = inputs[0]
        for x in inputs[1:]:
            out = out * x
        return out


class Concat(nn.Module):
    """Concatenates its inputs along `dim` (dim 1 is channels)."""

    def __init__(self, dim: int = 1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        return torch.cat(inputs, dim=self.dim)


class Split(nn.Module):
    """Splits a tensor into pieces of the given sizes along `dim`."""

    def __init__(self, sizes: tuple[int, ...], dim: int = 1) -> None:
        super().__init__()
        self.sizes = list(sizes)
        self.dim = dim

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return tuple(torch.split(x, self.sizes, dim=self.dim))


class Chunk(nn.Module):
    """Splits a tensor into `chunks` equal pieces along `dim`."""

    def __init__(self, chunks: int = 2, dim: int = 1) -> None:
        super().__init__()
        self.chunks = chunks
        self.dim = dim

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return tuple(torch.chunk(x, self.chunks, dim=self.dim))


class Reshape(nn.Module):
    """Reshapes each sample to `shape`; the batch dimension is kept."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        super().__init__()
        self.shape = tuple(shape)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(x.shape[0], *self.shape)


class Permute(nn.Module):
    """Reorders dimensions; `dims` includes the batch dimension, which stays first."""

    def __init__(self, dims: tuple[int, ...]) -> None:
        super().__init__()
        self.dims = tuple(dims)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.permute(*self.dims)


class Crop(nn.Module):
    """Crops the centre of the last two dimensions to `size`, or to the size of `like`.

    An odd margin leaves its extra row (column) at the bottom (right).
    """

    def __init__(self, size: int | tuple[int, int] | None = None) -> None:
        super().__init__()
        self.size = (size, size) if isinstance(size, int) else (None if size is None else tuple(size))

    def forward(self, x: torch.Tensor, like: torch.Tensor | None = None) -> torch.Tensor:
        h, w = like.shape[-2:] if like is not None else self.size
        top = (x.shape[-2] - h) // 2
        left = (x.shape[-1] - w) // 2
        return x[..., top:top + h, left:left + w]


class GlobalAvgPool(nn.Module):
    """Averages over every spatial dimension: (N, C, ...) -> (N, C)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean(dim=tuple(range(2, x.dim())))


class Step(nn.Module):
    """Heaviside unit step of the perceptron: 1 where x > 0, else 0 (no gradient)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x > 0).to(x.dtype)


class _Recurrent:
    """Batch-first recurrent layer returning its output sequence or only the last step."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bidirectional: bool = False,
        dropout: float = 0.0,
        last_step: bool = False,
    ) -> None:
        super().__init__(  # type: ignore[call-arg]
            input_size,
            hidden_size,
            num_layers,
            batch_first=True,
            dropout=dropout,
            bidirectional=bidirectional,
        )
        self.last_step = last_step

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = super().forward(x)  # type: ignore[misc]
        return out[:, -1] if self.last_step else out


class RNNLayer(_Recurrent, nn.RNN):
    """Elman RNN (tanh), batch first."""


class LSTMLayer(_Recurrent, nn.LSTM):
    """LSTM (Hochreiter & Schmidhuber 1997), batch first."""


class GRULayer(_Recurrent, nn.GRU):
    """GRU (Cho et al. 2014), batch first."""


class PlaygroundFeatures(nn.Module):
    """TensorFlow Playground's input features of a 2-D point (x1, x2)."""

    names = ("x1", "x2", "x1_squared", "x2_squared", "x1_times_x2", "sin_x1", "sin_x2")

    def __init__(
        self,
        x1: bool = True,
        x2: bool = True,
        x1_squared: bool = False,
        x2_squared: bool = False,
        x1_times_x2: bool = False,
        sin_x1: bool = False,
        sin_x2: bool = False,
    ) -> None:
        super().__init__()
        flags = (x1, x2, x1_squared, x2_squared, x1_times_x2, sin_x1, sin_x2)
        self.enabled = [name for name, on in zip(self.names, flags, strict=True) if on]

    # Each feature of (x1, x2); forward computes only those switched on, as it runs on every
    # training step of a tiny network where each extra op is a noticeable share of the time.
    formulas = {
        "x1": lambda x1, x2: x1,
        "x2": lambda x1, x2: x2,
        "x1_squared": lambda x1, x2: x1 * x1,
        "x2_squared": lambda x1, x2: x2 * x2,
        "x1_times_x2": lambda x1, x2: x1 * x2,
        "sin_x1": lambda x1, x2: torch.sin(x1),
        "sin_x2": lambda x1, x2: torch.sin(x2),
    }

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x1, x2 = x[:, 0], x[:, 1]
        return torch.stack([self.formulas[name](x1, x2) for name in self.enabled], dim=1)


class Reparameterize(nn.Module):
    """VAE sampling z = mu + sigma * eps (Kingma & Welling 2013); z = mu in eval mode."""

    def forward(self, mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return mu
        return mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)


class SpatialTransformer(nn.Module):
    """Warps `x` by the affine transform `theta` (6 numbers per sample), Jaderberg et al. 2015."""

    def forward(self, x: torch.Tensor, theta: torch.Tensor) -> torch.Tensor:
        theta = theta.reshape(-1, 2, 3)
        grid = F.affine_grid(theta, list(x.shape), align_corners=False)
        return F.grid_sample(x, grid, align_corners=False)


class GraphConv(nn.Module):
    """Graph convolution of Kipf & Welling 2016: D^-1/2 (A + I) D^-1/2 X W + b."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(in_features, out_features))
        self.bias = nn.Parameter(torch.empty(out_features)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # Glorot & Bengio's uniform initialisation, as in the paper's code.
        bound = math.sqrt(6.0 / (self.weight.shape[0] + self.weight.shape[1]))
        nn.init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            nn.init.zeros_(self.bias)

    def forward(self, x: torch.Tensor, adj: torch.Tensor) -> torch.Tensor:
        a = adj + torch.eye(adj.shape[-1], dtype=adj.dtype, device=adj.device)
        d = a.sum(dim=-1).clamp(min=1e-12).pow(-0.5)
        a_hat = d.unsqueeze(-1) * a * d.unsqueeze(-2)
        out = a_hat @ (x @ self.weight)
        return out if self.bias is None else out + self.bias
