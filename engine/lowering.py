"""Lowering: a network (with block instances) to a flat list of catalog ops.

This is the one place that decides the name of every value and module. Analysis,
the compiler and the exporters all work on the `FlatGraph` it returns, so a weight
is called `layer1_0.conv1.weight` everywhere. A block instance `b` contributes its
body's nodes as `b.<inner id>`; with `repeat` > 1 the copies are `b.0.<id>`,
`b.1.<id>`, ... (the naming of `nn.Sequential`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.blocks import block_of
from engine.graph import Endpoint, Graph, Problem
from engine.ops.spec import OpSpec
from engine.params import ParamError, is_reference

__all__ = ["FlatGraph", "FlatNode", "can_run_inplace", "flatten", "resolve_params"]


@dataclass
class FlatNode:
    id: str  # dotted path, e.g. "layer1_0.conv1"; a plain node id at top level
    op: str
    spec: OpSpec
    params: dict[str, Any]  # every parameter, defaults filled and references resolved
    inputs: list[Endpoint | None]  # source of each input port, in port order
    origin: str  # the top-level node this came from

    @property
    def input_ports(self) -> tuple[str, ...]:
        return self.spec.input_names(self.params)

    @property
    def output_ports(self) -> tuple[str, ...]:
        return self.spec.output_names(self.params)


@dataclass
class FlatGraph:
    nodes: dict[str, FlatNode] = field(default_factory=dict)  # in topological order
    # A block instance's output port -> the flat value that it stands for.
    aliases: dict[Endpoint, Endpoint | None] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Input and Output nodes in document order: forward's arguments and its results.
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)

    def members(self, origin: str) -> list[FlatNode]:
        return [n for n in self.nodes.values() if n.origin == origin]

    def consumers(self) -> dict[Endpoint, list[str]]:
        """Each value -> ids of the nodes that read it (an id twice if read twice)."""
        out: dict[Endpoint, list[str]] = {}
        for node in self.nodes.values():
            for src in node.inputs:
                if src is not None:
                    out.setdefault(src, []).append(node.id)
        return out

    def needed(self) -> list[str]:
        """Ids of the nodes that some Output depends on, in order (what a compiler emits)."""
        keep: set[str] = set()
        stack = list(self.outputs)
        while stack:
            node_id = stack.pop()
            if node_id in keep:
                continue
            keep.add(node_id)
            stack.extend(src.node for src in self.nodes[node_id].inputs if src is not None)
        return [node_id for node_id in self.nodes if node_id in keep]


def can_run_inplace(flat: FlatGraph, node_id: str, consumers: dict[Endpoint, list[str]]) -> bool:
    """Whether `node_id` may overwrite its input (``nn.ReLU(inplace=True)``).

    Only when nothing else reads that value, it is not a network input (the caller's
    tensor), and autograd does not need it to differentiate the op that produced it.
    `consumers` is `flat.consumers()`, computed once by the caller.
    """
    node = flat.nodes[node_id]
    if not node.spec.inplace or len(node.inputs) != 1 or node.inputs[0] is None:
        return False
    src = node.inputs[0]
    producer = flat.nodes.get(src.node)
    if producer is None or not producer.spec.output_overwritable:
        return False
    return len(consumers.get(src, [])) == 1


def flatten(graph: Graph) -> FlatGraph:
    """Expand every block instance of `graph` into catalog ops, in topological order."""
    flat = FlatGraph(
        inputs=[n.id for n in graph.nodes.values() if n.op == "Input"],
        outputs=[n.id for n in graph.nodes.values() if n.op == "Output"],
    )
    _expand(graph, prefix="", env={}, sources={}, flat=flat, origin=None, stack=())
    return flat


def resolve_params(
    spec: OpSpec, explicit: Mapping[str, Any], env: Mapping[str, Any], where: str
) -> dict[str, Any]:
    """Every parameter of a node: defaults, explicit values, and "$ref"s looked up in `env`."""
    values: dict[str, Any] = {}
    for name, value in explicit.items():
        if is_reference(value):
            ref = value[1:]
            if ref not in env:
                raise ParamError(f"{where}: {name} refers to ${ref}, which the block does not define")
            try:
                value = spec.validate_param(name, env[ref])
            except ParamError as exc:
                raise ParamError(f"{where}: {name} (= ${ref}): {exc}") from None
        values[name] = value
    return spec.resolve(values)


def _expand(
    graph: Graph,
    prefix: str,
    env: Mapping[str, Any],
    sources: Mapping[str, Endpoint | None],
    flat: FlatGraph,
    origin: str | None,
    stack: tuple[str, ...],
) -> dict[str, Endpoint | None]:
    """Add `graph`'s nodes to `flat`; returns the flat source of each BlockOutput."""
    local: dict[Endpoint, Endpoint | None] = {}
    results: dict[str, Endpoint | None] = {}
    for node_id in graph.topological_order():
        node = graph.nodes[node_id]
        path = prefix + node_id
        top = origin or node_id
        spec = graph.resolve(node.op)
        if spec is None:
            flat.problems.append(Problem(f"{path}: unknown op '{node.op}'", top))
            continue
        try:
            params = resolve_params(spec, node.params, env, path)
        except ParamError as exc:
            flat.problems.append(Problem(str(exc), top))
            continue
        ports = spec.input_names(params)
        inputs = [
            local.get(src) if (src := graph.source(Endpoint(node_id, port))) is not None else None
            for port in ports
        ]
        if node.op == "BlockInput":
            local[Endpoint(node_id, "out")] = sources.get(node_id)
            continue
        if node.op == "BlockOutput":
            results[node_id] = inputs[0] if inputs else None
            continue
        block = block_of(spec)
        if block is None:
            flat.nodes[path] = FlatNode(path, node.op, spec, params, inputs, top)
            for port in spec.output_names(params):
                local[Endpoint(node_id, port)] = Endpoint(path, port)
            continue
        if block.name in stack:
            chain = " -> ".join((*stack, block.name))
            flat.problems.append(Problem(f"{path}: block {block.name} contains itself ({chain})", top))
            continue
        in_names, out_names = block.port_names
        repeat = params["repeat"]
        if repeat > 1 and (len(in_names) != 1 or len(out_names) != 1):
            flat.problems.append(
                Problem(f"{path}: only a block with one input and one output can repeat", top)
            )
            continue
        block_env = block.instance_params(params)
        feed = dict(zip(in_names, inputs))
        for copy in range(repeat):
            inner_prefix = f"{path}.{copy}." if repeat > 1 else f"{path}."
            outs = _expand(block.body, inner_prefix, block_env, feed, flat, top, (*stack, block.name))
            if repeat > 1:
                feed = {in_names[0]: outs.get(out_names[0])}
        for name in out_names:
            value = outs.get(name)
            local[Endpoint(node_id, name)] = value
            flat.aliases[Endpoint(path, name)] = value
    return results
