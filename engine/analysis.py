"""Shapes, parameter counts and FLOPs of every node, computed by torch itself.

Each node's module is built on the `meta` device and run on meta tensors, so even
VGG-16's 100-million-weight classifier costs no memory. Results are cached per
(op, parameters, input shapes): after an edit only the nodes whose inputs changed
are recomputed. A node that fails gets a message quoting the shapes involved; the
nodes below it are "unresolved", not failed, so the user sees one cause.

The work is bounded by what a file can ask for: a layer whose weights or output would
need more than `MEMORY_LIMIT` is an error on that node (the meta tensors give the sizes
before anything is allocated, and the compiler refuses a graph with errors), and a
recurrent layer runs on meta for two steps and two layers, not for every one of them.
"""

from __future__ import annotations

import math
import warnings
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import torch
import torch.nn as nn
from torch.utils._device import DeviceContext, _device_constructors
from torch.utils.flop_counter import FlopCounterMode

from engine.graph import Endpoint, Graph, Problem
from engine.lowering import FlatGraph, FlatNode, flatten
from engine.ops.io import input_info
from engine.ops.spec import ShapeError, TensorInfo, format_shape

__all__ = ["MEMORY_LIMIT", "Analysis", "Analyzer", "NodeResult", "analyze", "format_bytes", "largest_output"]

# Batch size of the meta forward pass: 2, since BatchNorm refuses a batch of one.
_BATCH = 2

# The most that one layer's weights, or its output for one batch, may need (bytes). A
# file asking for more (conv channels of 10**7, an LSTM of 10**6 units) is refused on
# that node instead of exhausting the machine; training checks its batch against it too.
MEMORY_LIMIT = 4 * 10**9


class _MetaConstruction(DeviceContext):
    """Like ``with torch.device("meta")``, but skips weight initialisers.

    Filling meta tensors is a no-op that still costs Python decompositions; skipping
    `nn.init.*` and the in-place fills halves the time to build a conv layer.
    """

    _SKIPPED = frozenset({
        "uniform_", "normal_", "zero_", "fill_", "trunc_normal_", "kaiming_uniform_", "kaiming_normal_",
        "xavier_uniform_", "xavier_normal_", "ones_", "zeros_", "constant_", "orthogonal_",
    })

    def __init__(self) -> None:
        super().__init__(torch.device("meta"))

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if getattr(func, "__name__", "") in self._SKIPPED:
            return args[0] if args else next(iter(kwargs.values()))
        if func in _device_constructors() and kwargs.get("device") is None:
            kwargs["device"] = self.device
        return func(*args, **kwargs)


@dataclass(frozen=True)
class NodeResult:
    status: str  # "ok", "error" or "unresolved"
    outputs: tuple[TensorInfo, ...] = ()  # per output port; an Output node's: what it returns
    params: int = 0
    flops: int = 0  # per sample, multiply-add counted as 2 (torch.utils.flop_counter)
    error: str | None = None
    weight_bytes: int = 0  # parameters and buffers
    output_bytes: int = 0  # all outputs of one sample

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def shape_text(self) -> str:
        return ", ".join(str(info) for info in self.outputs)


@dataclass
class Analysis:
    flat: FlatGraph
    nodes: dict[str, NodeResult] = field(default_factory=dict)  # flat and top-level ids
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total_params(self) -> int:
        return sum(self.nodes[n].params for n in self.flat.nodes if n in self.nodes)

    @property
    def total_flops(self) -> int:
        return sum(self.nodes[n].flops for n in self.flat.nodes if n in self.nodes)

    def value(self, src: Endpoint) -> TensorInfo | None:
        """The tensor at output port `src` (flat or block-instance endpoint)."""
        if src in self.flat.aliases:
            target = self.flat.aliases[src]
            return None if target is None else self.value(target)
        result = self.nodes.get(src.node)
        if result is None or not result.ok:
            return None
        ports = self.flat.nodes[src.node].output_ports
        return result.outputs[ports.index(src.port)] if src.port in ports else None

    def input_infos(self, node_id: str) -> list[TensorInfo]:
        node = self.flat.nodes[node_id]
        return [self.value(src) for src in node.inputs]  # type: ignore[misc]


class Analyzer:
    """Analyses graphs, remembering per-node results across calls (the editor keeps one)."""

    def __init__(self, cache_size: int = 8192) -> None:
        self._cache: OrderedDict[tuple, NodeResult] = OrderedDict()
        self._cache_size = cache_size
        self.computed = 0  # nodes actually run on meta since creation (for tests and benchmarks)

    def analyze(self, graph: Graph, extra_problems: Sequence[Problem] = ()) -> Analysis:
        flat = flatten(graph)
        analysis = Analysis(flat)
        analysis.problems.extend(graph.problems())
        analysis.problems.extend(extra_problems)
        analysis.problems.extend(flat.problems)
        for node in flat.nodes.values():
            analysis.nodes[node.id] = self._node(node, analysis)
        self._summarise_composites(graph, analysis)
        listed = {p.message for p in analysis.problems}
        for node in flat.nodes.values():
            result = analysis.nodes[node.id]
            if result.status == "error":
                if result.error not in listed:
                    analysis.problems.append(Problem(result.error, node.origin))
        return analysis

    # -- one node ---------------------------------------------------------------------
    def _node(self, node: FlatNode, analysis: Analysis) -> NodeResult:
        if node.op == "Input":
            try:
                info = input_info(node.params)
            except ShapeError as exc:
                return NodeResult("error", error=f"{node.id}: {exc}")
            too_big = _output_too_big((info,))
            if too_big:
                return NodeResult("error", error=f"{node.id}: {too_big}")
            return NodeResult("ok", (info,), output_bytes=_bytes((info,)))
        for port, src in zip(node.input_ports, node.inputs):
            if src is None:
                return NodeResult("unresolved", error=f"input '{port}' is not connected")
        infos = analysis.input_infos(node.id)
        if any(info is None for info in infos):
            return NodeResult("unresolved", error="an input above it has an error")
        if node.op in ("Output", "BlockOutput"):
            return NodeResult("ok", (infos[0],), output_bytes=_bytes(infos[:1]))
        # Validated params hold only hashable values (lists become tuples).
        key = (node.op, tuple(node.params.items()), tuple(infos))
        cached = self._cache.get(key)
        if cached is None:
            cached = self._compute(node, infos)
            self._cache[key] = cached
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        if cached.status == "error":
            return replace(cached, error=f"{node.id}: {cached.error}")
        return cached

    def _compute(self, node: FlatNode, infos: list[TensorInfo]) -> NodeResult:
        self.computed += 1
        spec = node.spec
        try:
            spec.check_inputs(node.params, infos)
            with _MetaConstruction():
                module = spec.build(node.params, infos)
            params = sum(p.numel() for p in module.parameters())
            weight_bytes = sum(t.numel() * t.element_size() for t in (*module.parameters(), *module.buffers()))
            if weight_bytes > MEMORY_LIMIT:
                return NodeResult("error", weight_bytes=weight_bytes, error=(
                    f"weights would need {format_bytes(weight_bytes)} (more than the "
                    f"{format_bytes(MEMORY_LIMIT)} limit)"))
            if spec.preserves_shape:
                return NodeResult("ok", (infos[0],), params, 0, weight_bytes=weight_bytes,
                                  output_bytes=_bytes(infos[:1]))
            module.eval()
            inputs = [_meta_tensor(info) for info in infos]
            with torch.no_grad():
                if isinstance(module, nn.RNNBase):
                    out, flops = _recurrent(spec, node.params, infos, module.num_layers)
                elif params and spec.flops is None:
                    # Only modules with weights do matmuls or convolutions, the sole
                    # ops flop_counter counts; skipping the rest saves its overhead.
                    with FlopCounterMode(display=False) as counter:
                        out = module(*inputs)
                    flops = counter.get_total_flops() // _BATCH
                else:
                    out = module(*inputs)
                    outs = out if isinstance(out, tuple) else (out,)
                    flops = spec.flops(module, inputs, outs) // _BATCH if spec.flops else 0
        except ShapeError as exc:
            return NodeResult("error", error=str(exc))
        except Exception as exc:  # torch's own refusal: quote it with the shapes
            return NodeResult("error", error=_torch_message(spec.name, infos, exc))
        outs = out if isinstance(out, tuple) else (out,)
        result = tuple(TensorInfo(tuple(t.shape[1:]), t.dtype) for t in outs)
        ports = spec.output_names(node.params)
        if len(result) != len(ports):
            return NodeResult("error", error=f"{spec.name} produced {len(result)} outputs for {len(ports)} ports")
        too_big = _output_too_big(result)
        if too_big:
            return NodeResult("error", weight_bytes=weight_bytes, error=too_big)
        return NodeResult("ok", result, params, flops, weight_bytes=weight_bytes, output_bytes=_bytes(result))

    # -- block instances -------------------------------------------------------------------
    def _summarise_composites(self, graph: Graph, analysis: Analysis) -> None:
        flat = analysis.flat
        for node_id in graph.nodes:
            if node_id in flat.nodes:
                continue
            members = [analysis.nodes[n.id] for n in flat.members(node_id)]
            ports = graph.output_names(node_id)
            outputs = tuple(analysis.value(Endpoint(node_id, port)) for port in ports)
            errors = [r.error for r in members if r.status == "error"]
            if errors:
                status, error = "error", errors[0]
            elif any(r.status != "ok" for r in members) or any(o is None for o in outputs):
                status = "unresolved"
                error = next((r.error for r in members if r.status != "ok"), "an input is not connected")
            else:
                status, error = "ok", None
            analysis.nodes[node_id] = NodeResult(
                status,
                outputs if status == "ok" else (),
                sum(r.params for r in members),
                sum(r.flops for r in members),
                error,
            )


def analyze(graph: Graph) -> Analysis:
    """One-off analysis with a fresh cache."""
    return Analyzer().analyze(graph)


def _meta_tensor(info: TensorInfo) -> torch.Tensor:
    return torch.empty((_BATCH, *info.shape), dtype=info.dtype, device="meta")


def _recurrent(spec, params: dict, infos: Sequence[TensorInfo], layers: int) -> tuple[torch.Tensor, int]:
    """Output (on meta) and FLOPs of a batch-first torch RNN/LSTM/GRU, from four small runs.

    On meta each step of each layer costs a dozen Python-level ops (about 20 ms), so a
    sequence of 1000 steps or 50 stacked layers took minutes. Every step does the same
    work, as does every layer after the first, so runs of 1-2 steps and 1-2 layers give
    the exact sizes and counts of the whole: they grow linearly in both.
    """
    steps, rest = infos[0].shape[0], infos[0].shape[1:]

    def run(t: int, n: int) -> tuple[torch.Tensor, int]:
        probe = TensorInfo((t, *rest), infos[0].dtype)
        with _MetaConstruction(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "dropout expects num_layers greater than 1"
            module = spec.build({**params, "num_layers": n}, [probe])
        with FlopCounterMode(display=False) as counter:
            out = module.eval()(_meta_tensor(probe))
        return out, counter.get_total_flops() // _BATCH

    t2, n2 = min(steps, 2), min(layers, 2)
    (one, f11), (two, f21) = run(1, 1), run(t2, 1)
    f12, f22 = (f11, f21) if n2 == 1 else (run(1, 2)[1], run(t2, 2)[1])

    def along_steps(a: int, b: int) -> int:  # the value at `steps` from those at 1 and 2 steps
        return a + (steps - 1) * (b - a) if steps > 1 else a

    first, second = along_steps(f11, f21), along_steps(f12, f22)
    flops = first + (layers - 1) * (second - first)
    shape = tuple(along_steps(a, b) for a, b in zip(one.shape, two.shape))
    return torch.empty(shape, dtype=one.dtype, device="meta"), flops


def _bytes(infos: Sequence[TensorInfo]) -> int:
    """Bytes of one sample of these tensors."""
    return sum(math.prod(i.shape) * i.dtype.itemsize for i in infos)


def _output_too_big(infos: Sequence[TensorInfo]) -> str | None:
    need = _bytes(infos) * _BATCH
    if need <= MEMORY_LIMIT:
        return None
    return (f"its output would need {format_bytes(need)} for a batch of {_BATCH} "
            f"(more than the {format_bytes(MEMORY_LIMIT)} limit)")


def largest_output(analysis: Analysis) -> tuple[str, int] | None:
    """The flat node whose outputs need the most memory, and their bytes per sample.

    Of equal sizes the first in order wins: the layer that makes the tensor (conv1),
    not the activation after it.
    """
    best: tuple[str, int] | None = None
    for node_id, node in analysis.flat.nodes.items():
        result = analysis.nodes.get(node_id)
        if result is not None and result.ok and node.op != "Output" and (best is None or result.output_bytes > best[1]):
            best = (node_id, result.output_bytes)
    return best


def format_bytes(n: int) -> str:
    """4_000_000_000 -> '4 GB', 38_112_000_000 -> '38.1 GB' (decimal units, like a file manager)."""
    for unit, scale in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= scale:
            value = n / scale
            return f"{value:,.0f} {unit}" if value >= 100 else f"{value:.3g} {unit}"
    return f"{n} bytes"


def _torch_message(op: str, infos: Sequence[TensorInfo], exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    shapes = " and ".join(str(i) for i in infos)
    return f"{op} cannot take input {shapes}: {text}"


def describe_count(n: int) -> str:
    """1234567 -> '1.23M' (for summaries)."""
    if n < 1000:
        return str(n)
    exp = min(int(math.log10(n)) // 3, 4)
    return f"{n / 10 ** (3 * exp):.3g}{' kMGT'[exp]}"


__all__ += ["describe_count", "format_shape"]
