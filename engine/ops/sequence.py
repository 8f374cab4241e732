"""Embeddings and recurrent layers (batch first)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch
import torch.nn as nn

from engine.ops.modules import GRULayer, LSTMLayer, RNNLayer
from engine.ops.spec import OpSpec, Port, ShapeError, TensorInfo
from engine.params import Param


def _check_tokens(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> None:
    if ins[0].dtype != torch.int64:
        raise ShapeError(f"Embedding expects token ids (int64), received float values of shape {ins[0]}")


def _embedding(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> dict[str, Any]:
    kwargs = {"num_embeddings": p["num_embeddings"], "embedding_dim": p["embedding_dim"]}
    if p["padding_idx"] is not None:
        kwargs["padding_idx"] = p["padding_idx"]
    return kwargs


def _check_padding_idx(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> None:
    _check_tokens(p, ins)
    if p["padding_idx"] is not None and p["padding_idx"] >= p["num_embeddings"]:
        raise ShapeError(
            f"Embedding: padding_idx {p['padding_idx']} must be below num_embeddings {p['num_embeddings']}"
        )


def _recurrent_kwargs(p: Mapping[str, Any], ins: Sequence[TensorInfo]) -> dict[str, Any]:
    return {
        "input_size": ins[0].shape[-1],
        "hidden_size": p["hidden_size"],
        "num_layers": p["num_layers"],
        "bidirectional": p["bidirectional"],
        "dropout": p["dropout"],
        "last_step": p["output"] == "last",
    }


def _recurrent(name: str, module: type[nn.Module], doc: str) -> OpSpec:
    return OpSpec(
        name,
        "Sequence",
        doc,
        params=(
            Param("hidden_size", "int", 64, min=1),
            Param("num_layers", "int", 1, min=1),
            Param("bidirectional", "bool", False),
            Param("dropout", "float", 0.0, min=0.0, max=1.0, doc="between stacked layers"),
            Param("output", "choice", "sequence", choices=("sequence", "last"),
                  doc="every step's output, or only the last step's"),
        ),
        module=module,
        kwargs=_recurrent_kwargs,
        inputs=(Port("x", "T, F"),),
        prefix=name.lower(),
    )


OPS = [
    OpSpec(
        "Embedding",
        "Sequence",
        "Looks up a learned vector for each token id: (T,) -> (T, embedding_dim).",
        params=(
            Param("num_embeddings", "int", 128, min=1, doc="vocabulary size"),
            Param("embedding_dim", "int", 32, min=1),
            Param("padding_idx", "int", None, min=0, optional=True),
        ),
        module=nn.Embedding,
        kwargs=_embedding,
        inputs=(Port("x", "T"),),
        check=_check_padding_idx,
        prefix="embedding",
    ),
    _recurrent("RNN", RNNLayer, "Elman recurrent layer with tanh."),
    _recurrent("LSTM", LSTMLayer, "Long short-term memory (Hochreiter & Schmidhuber 1997)."),
    _recurrent("GRU", GRULayer, "Gated recurrent unit (Cho et al. 2014)."),
]
