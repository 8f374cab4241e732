"""Small builders shared by tests."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from engine.document import Document
from engine.graph import Graph


def single_op_graph(op: str, params: dict[str, Any], inputs: list[dict[str, Any]], doc: Document | None = None) -> Graph:
    """Inputs (one per port, given as Input params) -> op -> one Output per output port."""
    doc = doc or Document()
    graph = doc.add_network()
    ids = [graph.add_node("Input", p, id=f"in{i}").id for i, p in enumerate(inputs)]
    node = graph.add_node(op, params, id="node")
    for src, port in zip(ids, graph.input_names(node.id)):
        graph.connect((src, "out"), (node.id, port))
    for i, port in enumerate(graph.output_names(node.id)):
        out = graph.add_node("Output", id=f"result{i}")
        graph.connect((node.id, port), (out.id, "x"))
    return graph


def chain(graph: Graph, *steps: tuple[str, dict[str, Any]] | str, start: str | None = None) -> list[str]:
    """Add ops one after another from `start` (an existing node) and return their ids."""
    ids = []
    prev = start
    for step in steps:
        op, params = (step, {}) if isinstance(step, str) else step
        node = graph.add_node(op, params)
        if prev is not None:
            graph.connect((prev, graph.output_names(prev)[0]), (node.id, graph.input_names(node.id)[0]))
        ids.append(node.id)
        prev = node.id
    return ids


def sequential_document(input_params: dict[str, Any], *steps: tuple[str, dict[str, Any]] | str,
                        training: dict[str, Any] | None = None, name: str = "model",
                        doc: Document | None = None) -> Document:
    """A document whose network `name` is Input -> steps... -> Output, with a training recipe."""
    doc = doc or Document()
    graph = doc.add_network(name)
    graph.add_node("Input", input_params, id="x")
    ids = chain(graph, *steps, start="x")
    graph.add_node("Output", id="out")
    graph.connect((ids[-1], graph.output_names(ids[-1])[0]), ("out", "x"))
    if training is not None:
        doc.training = training
    return doc


@contextlib.contextmanager
def torch_threads(count: int) -> Iterator[None]:
    """Run with `count` torch threads, then restore the count: a leaked setting changes how later
    tests' sums split (tiny models on the shared 2-core machine run best on one)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)
