"""Playground networks as documents, and documents back into the Playground.

The graph and the recipe come from `engine.playground`. What only the Playground knows
rides in the document's `ui` section (which the engine stores and never reads): the
trained weights, points the user drew or loaded, L1 regularisation, which the recipe
cannot express, and the view (test data shown, output discretized, the controls a
classroom hides). So "Open in editor" hands over the very function the Playground shows,
and a saved document reopens in the Playground where it left off. Weights are plain
JSON numbers (float32 values round-trip exactly); nothing is executed or unpickled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from engine.document import Document
from engine.playground import PlaygroundError, PlaygroundSession, PlaygroundSettings, read_document
from engine.playground_link import PlaygroundView
from engine.training.regularization import PENALTIES

__all__ = ["UI_KEY", "Loaded", "document_of", "open_session", "read_playground", "weights_of"]

UI_KEY = "playground"


def document_of(session: PlaygroundSession, title: str = "Playground MLP",
                view: PlaygroundView | None = None) -> Document:
    """The session's network as a document, with its weights (and custom points, L1 and the view) in `ui`."""
    s = session.settings
    doc = session.to_document(title)
    state: dict[str, Any] = {
        "regularization": s.regularization,
        "regularization_rate": s.regularization_rate,
        "weights": {name: tensor.tolist() for name, tensor in session.state_dict().items()},
    }
    if view is not None and view != PlaygroundView():
        state["view"] = view.to_json()
    if s.dataset == "custom":
        state["points"] = [[float(x), float(y), float(v)] for (x, y), v in zip(session.points, session.labels)]
    doc.ui[UI_KEY] = state
    return doc


def weights_of(doc: Document) -> dict[str, torch.Tensor] | None:
    """The weights a document carries in ui.playground.weights, or None; PlaygroundError names a bad entry."""
    state = doc.ui.get(UI_KEY) if isinstance(doc.ui, dict) else None
    if not isinstance(state, dict) or state.get("weights") is None:
        return None
    raw = state["weights"]
    if not isinstance(raw, dict):
        raise PlaygroundError("ui.playground.weights: expected an object of named lists of numbers")
    weights = {}
    for name, values in raw.items():
        try:
            tensor = torch.tensor(values, dtype=torch.float32)
        except (TypeError, ValueError, RuntimeError):
            raise PlaygroundError(f"ui.playground.weights.{name}: expected nested lists of numbers") from None
        if not torch.isfinite(tensor).all():
            raise PlaygroundError(f"ui.playground.weights.{name}: holds a value that is not finite")
        weights[str(name)] = tensor
    return weights


@dataclass
class Loaded:
    """What the Playground needs to open a document."""

    settings: PlaygroundSettings
    weights: dict[str, torch.Tensor] | None = None
    points: tuple[np.ndarray, np.ndarray] | None = None
    view: PlaygroundView = field(default_factory=PlaygroundView)
    notes: list[str] = field(default_factory=list)


def _points(state: dict[str, Any], problem: str) -> tuple[np.ndarray, np.ndarray] | None:
    rows = state.get("points")
    if rows is None:
        return None
    ok = isinstance(rows, list) and len(rows) >= 2 and all(
        isinstance(r, list) and len(r) == 3 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in r)
        for r in rows)
    if not ok:
        raise PlaygroundError("ui.playground.points: expected a list of 2 or more [x1, x2, label] numbers")
    array = np.array(rows, np.float64)
    labels = (array[:, 2] > 0.5).astype(np.int64) if problem == "classification" else array[:, 2]
    return array[:, :2].astype(np.float32), labels


def read_playground(doc: Document) -> Loaded:
    """Settings, weights and points of a Playground-shaped document; PlaygroundError says why not."""
    settings, notes = read_document(doc)
    state = doc.ui.get(UI_KEY) if isinstance(doc.ui, dict) else None
    loaded = Loaded(settings, notes=notes)
    if not isinstance(state, dict):
        return loaded
    kind = state.get("regularization", settings.regularization)
    rate = state.get("regularization_rate", settings.regularization_rate)
    if kind not in PENALTIES or not isinstance(rate, (int, float)) or isinstance(rate, bool):
        raise PlaygroundError(f"ui.playground.regularization: expected {', '.join(PENALTIES)} with a numeric rate")
    loaded.settings = settings.replace(regularization=kind, regularization_rate=float(rate)).validate()
    loaded.weights = weights_of(doc)
    loaded.points = _points(state, settings.problem)
    if "view" in state:
        loaded.view = PlaygroundView.from_json(state["view"])
    if loaded.points is not None:
        loaded.settings = loaded.settings.replace(dataset="custom")
    return loaded


def open_session(doc: Document, **options: Any) -> tuple[PlaygroundSession, PlaygroundView, list[str]]:
    """A session on a document's network, with its weights when they still fit (else fresh ones, noted),
    and the view it was saved with."""
    loaded = read_playground(doc)
    session = PlaygroundSession(loaded.settings, points=loaded.points, **options)
    notes = list(loaded.notes)
    if loaded.weights is not None:
        try:
            session.load_weights(loaded.weights)
        except PlaygroundError as exc:
            notes.append(f"{exc}: starting from fresh weights")
    return session, loaded.view, notes
