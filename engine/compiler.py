"""The compiler: a network to a `torch.fx.GraphModule` whose submodules carry the node ids.

The result is an ordinary module: it trains, moves between devices, saves its
`state_dict` under the node ids (`conv1.weight`, `layer1_0.conv1.weight`) and
can be passed to `torch.compile`.
"""

from __future__ import annotations

import operator
import re

import torch
import torch.fx
import torch.nn as nn

from engine.analysis import Analysis, Analyzer
from engine.graph import Endpoint, Graph
from engine.lowering import can_run_inplace

__all__ = ["CompileError", "compile_network", "example_inputs", "module_kwargs", "python_class_name"]


class CompileError(ValueError):
    """The graph has errors; `problems` lists every one (each names its node)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("the network has errors:\n" + "\n".join(f"  - {p}" for p in problems))


def module_kwargs(analysis: Analysis, node_id: str, consumers: dict[Endpoint, list[str]]) -> dict:
    """Constructor arguments of a node's module, with inferred sizes and `inplace` decided."""
    node = analysis.flat.nodes[node_id]
    kwargs = node.spec.constructor(node.params, analysis.input_infos(node_id))
    if can_run_inplace(analysis.flat, node_id, consumers):
        kwargs["inplace"] = True
    return kwargs


def compile_network(
    graph: Graph,
    *,
    analysis: Analysis | None = None,
    device: torch.device | str | None = None,
    class_name: str = "Network",
) -> torch.fx.GraphModule:
    """Build the network as a `GraphModule`; raises `CompileError` listing every problem."""
    analysis = analysis or Analyzer().analyze(graph)
    if analysis.errors:
        raise CompileError([p.message for p in analysis.errors])
    flat = analysis.flat
    consumers = flat.consumers()
    fx_graph = torch.fx.Graph()
    values: dict[Endpoint, torch.fx.Node] = {}
    # A module tree rather than a dict of dotted names: GraphModule then copies the
    # submodules in forward order, so the state_dict lists weights as the network
    # runs (a dict root would list them by nesting depth: fc before layer1.0.conv1).
    root = nn.Module()
    needed = flat.needed()
    for input_id in flat.inputs:
        values[Endpoint(input_id, "out")] = fx_graph.placeholder(input_id)
    for node_id in needed:
        node = flat.nodes[node_id]
        if node.op in ("Input", "Output"):
            continue
        module = node.spec.module(**module_kwargs(analysis, node_id, consumers))
        node.spec.initialize(module, node.params)
        _install(root, node_id, module)
        call = fx_graph.call_module(node_id, tuple(values[src] for src in node.inputs))
        ports = node.output_ports
        if not node.spec.returns_tuple:
            values[Endpoint(node_id, ports[0])] = call
        else:
            for i, port in enumerate(ports):
                item = fx_graph.call_function(operator.getitem, (call, i))
                item.name = f"{call.name}_{port}"
                values[Endpoint(node_id, port)] = item
    results = [values[flat.nodes[o].inputs[0]] for o in flat.outputs]
    fx_graph.output(results[0] if len(results) == 1 else tuple(results))
    module = torch.fx.GraphModule(root, fx_graph, class_name=python_class_name(class_name))
    return module.to(device) if device is not None else module


def _install(root: nn.Module, path: str, module: nn.Module) -> None:
    """root.<path> = module, creating the containers of a dotted path (layer1.0.conv1)."""
    *parents, name = path.split(".")
    for part in parents:
        child = getattr(root, part, None)
        if child is None:
            child = nn.Module()
            root.add_module(part, child)
        root = child
    root.add_module(name, module)


def example_inputs(
    graph: Graph, batch_size: int = 2, generator: torch.Generator | None = None,
    analysis: Analysis | None = None,
) -> tuple[torch.Tensor, ...]:
    """Random inputs of the right shape and kind for every Input, in forward's order."""
    analysis = analysis or Analyzer().analyze(graph)
    out = []
    for input_id in analysis.flat.inputs:
        node = analysis.flat.nodes[input_id]
        info = analysis.nodes[input_id].outputs[0]
        shape = (batch_size, *info.shape)
        kind = node.params["kind"]
        if kind == "tokens":
            high = node.params["vocab_size"] or 2
            out.append(torch.randint(0, high, shape, generator=generator))
        elif kind == "adjacency":
            a = (torch.rand(shape, generator=generator) < 0.2).float()
            out.append(((a + a.transpose(-1, -2)) > 0).float())
        else:
            out.append(torch.randn(shape, generator=generator))
    return tuple(out)


def python_class_name(title: str) -> str:
    """A CamelCase class name for a title: "LeNet-5" -> "LeNet5", "GoogLeNet (Inception v1)" -> "GoogLeNet"."""
    words = re.findall(r"[A-Za-z0-9]+", re.sub(r"\(.*?\)", " ", title)) or re.findall(r"[A-Za-z0-9]+", title)
    name = "".join(w[:1].upper() + w[1:] for w in words) or "Network"
    return name if name[0].isalpha() else "Net" + name
