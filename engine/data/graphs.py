"""Zachary's karate club (networkx) for node classification, as in Kipf & Welling 2016.

Labels are the club each member joined after the split (Mr. Hi's or the Officer's).
Features are one-hot node ids (the featureless setting of the GCN paper). A few
nodes per class are labelled, always starting with the two leaders (nodes 0 and 33);
the model is scored on the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx
import torch
from torch.utils.data import TensorDataset

from engine.data.bundle import DataBundle, DatasetSpec, LoadContext
from engine.params import Param

__all__ = ["SPECS", "karate_club"]

_LEADERS = (0, 33)  # Mr. Hi and the Officer (John A.)


def karate_club(labels_per_class: int = 1, seed: int = 0) -> dict[str, torch.Tensor]:
    """features (N, N), adjacency (N, N), labels (N,), train_mask and val_mask (N,) bool."""
    g = nx.karate_club_graph()
    n = g.number_of_nodes()
    adjacency = torch.zeros(n, n)
    for u, v in g.edges():
        adjacency[u, v] = adjacency[v, u] = 1.0
    labels = torch.tensor([0 if g.nodes[i]["club"] == "Mr. Hi" else 1 for i in range(n)])
    train_mask = torch.zeros(n, dtype=torch.bool)
    generator = torch.Generator().manual_seed(seed)
    for cls, leader in enumerate(_LEADERS):
        train_mask[leader] = True
        others = [i for i in range(n) if labels[i] == cls and i != leader]
        pick = torch.randperm(len(others), generator=generator)[: labels_per_class - 1]
        train_mask[[others[i] for i in pick.tolist()]] = True
    return {"features": torch.eye(n), "adjacency": adjacency, "labels": labels,
            "train_mask": train_mask, "val_mask": ~train_mask}


def _load_karate(options: Mapping[str, Any], ctx: LoadContext) -> DataBundle:
    graph = karate_club(options["labels_per_class"], ctx.seed)
    # One sample: the whole graph (a batch of one).
    whole = TensorDataset(*(graph[k].unsqueeze(0) for k in ("features", "adjacency", "labels",
                                                             "train_mask", "val_mask")))
    n = graph["labels"].shape[0]
    return DataBundle("karate club", whole, whole, (n, n), target="nodes", num_classes=2,
                      class_names=("Mr. Hi", "Officer"), extras={"graph": graph})


SPECS = (
    DatasetSpec(
        "karate",
        "Zachary's karate club: 34 members, which club each joined; a few labelled, the rest to predict.",
        (Param("labels_per_class", "int", 1, min=1, max=16, doc="labelled nodes per club (leaders first)"),),
        _load_karate,
        targets="nodes",
    ),
)
