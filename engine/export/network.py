"""The network an exporter works on: one network of a document, analysed and checked.

Every exporter starts here, so they all refuse the same broken graphs with the same
list of problems, and they all name the class the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import torch.fx

from engine.analysis import Analysis, Analyzer
from engine.compiler import compile_network, python_class_name
from engine.document import Document
from engine.graph import Graph
from engine.weights import load_weights

__all__ = ["ExportError", "ExportTarget", "export_target"]


class ExportError(ValueError):
    """An export that cannot go ahead; `problems` lists every reason (each names its node)."""

    def __init__(self, headline: str, problems: list[str] | None = None) -> None:
        self.headline = headline
        self.problems = list(problems or [])
        text = headline if not self.problems else headline + ":\n" + "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(text)


@dataclass
class ExportTarget:
    """One network of a document, with its analysis (which must have no errors)."""

    doc: Document
    name: str  # the network's name in the document: "model", "generator"...
    graph: Graph
    analysis: Analysis

    @property
    def class_name(self) -> str:
        """The network's class: the document's title, or the network's name when there are several."""
        if len(self.doc.networks) > 1:
            return python_class_name(self.name)
        return python_class_name(self.doc.title)

    @property
    def meta(self) -> dict[str, Any]:
        return self.doc.meta

    def compile(self, weights: str | Path | None = None) -> torch.fx.GraphModule:
        """The compiled network in eval mode, with `weights` (safetensors) loaded when given.

        Without weights it is built under seed 0, so an export is reproducible (and equals
        the exported Python class built under the same seed); the caller's random state is
        left as it was.
        """
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(0)
            module = compile_network(self.graph, analysis=self.analysis, class_name=self.class_name)
        if weights is not None:
            load_weights(module, weights)
        return module.eval()


def export_target(doc: Document, network: str | None = None) -> ExportTarget:
    """Analyse `network` (default: the document's main one); raise ExportError listing its errors."""
    try:
        graph = doc.network(network)
    except KeyError as exc:
        raise ExportError(str(exc.args[0])) from None
    name = next(k for k, g in doc.networks.items() if g is graph)
    analysis = Analyzer().analyze(graph, doc.problems(name))
    if analysis.errors:
        raise ExportError(f"network '{name}' has errors", [p.message for p in analysis.errors])
    return ExportTarget(doc, name, graph, analysis)
