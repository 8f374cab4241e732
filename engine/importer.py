"""The importer: a PyTorch model, traced by torch.fx, as a Netsmith document.

`import_model("torchvision:resnet18")` builds a torchvision classification model
(weights=None); `import_model("package.module:factory")` imports the user's module
and calls the factory. That is the one place where Netsmith runs code it did not
write, and only because the user named it: documents and weights never execute
anything.

torch.fx traces the module into a graph of module calls, functions and methods.
Each maps to a catalog op with its parameters (a Conv2d module to a Conv2d node,
`torch.cat` to Concat, `x.view(x.size(0), -1)` to Reshape); `ShapeProp` runs
the trace once on an example input so that reshapes and pooling can be checked
against real shapes. Whatever does not map is listed with its name and the line of
the model's source that made it, and the import stops with that list. Node ids are
fx's node names (`layer1_0_conv1`), and `Imported.weight_names` maps each of the
document's weights to the module's, so the original weights load into the
compiled document and give the same outputs.
"""

from __future__ import annotations

import importlib
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.fx
import torch.nn as nn
import torch.nn.functional as F
from torch.fx.passes.shape_prop import ShapeProp, TensorMetadata

from engine.document import Document
from engine.graph import Endpoint, Graph
from engine.layout import layered_layout
from engine.names import Namespace

__all__ = ["Imported", "ModelImportError", "build_model", "import_model", "import_module"]

DEFAULT_INPUT_SHAPE = (3, 224, 224)


class ModelImportError(ValueError):
    """A model that cannot become a document; `problems` names each part that does not map."""

    def __init__(self, headline: str, problems: list[str] | None = None) -> None:
        self.problems = list(problems or [])
        text = headline if not self.problems else headline + ":\n" + "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(text)


@dataclass
class Imported:
    document: Document
    # The document's state_dict key -> the original module's (conv1.weight -> conv1.weight,
    # layer1_0_conv1.weight -> layer1.0.conv1.weight).
    weight_names: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def state_dict(self, module: nn.Module) -> dict[str, torch.Tensor]:
        """`module`'s weights under the document's names (for `load_state_dict` or safetensors)."""
        source = module.state_dict()
        return {ours: source[theirs] for ours, theirs in self.weight_names.items()}


# -- building the model ---------------------------------------------------------------------------


def build_model(spec: str) -> nn.Module:
    """`torchvision:NAME` or `package.module:factory` -> the module (factories get no arguments)."""
    where, sep, name = spec.partition(":")
    if not sep or not where or not name:
        raise ModelImportError(f"expected torchvision:NAME or package.module:factory, got {spec!r}")
    if where == "torchvision":
        import torchvision

        known = torchvision.models.list_models(module=torchvision.models)
        if name not in known:
            raise ModelImportError(f"torchvision has no classification model {name!r} (it has: {', '.join(known)})")
        return torchvision.models.get_model(name, weights=None)
    try:
        module = importlib.import_module(where)
    except ImportError as exc:
        raise ModelImportError(f"cannot import {where}: {exc}") from None
    factory = getattr(module, name, None)
    if factory is None or not callable(factory):
        raise ModelImportError(f"{where} has no callable {name!r}")
    model = factory()
    if not isinstance(model, nn.Module):
        raise ModelImportError(f"{spec} returned {type(model).__name__}, not a torch.nn.Module")
    return model


def import_model(spec: str, input_shape: tuple[int, ...] = DEFAULT_INPUT_SHAPE) -> tuple[Imported, nn.Module]:
    """Build the model `spec` names and import it; returns the document and the module."""
    model = build_model(spec)
    title = spec.partition(":")[2] if spec.startswith("torchvision:") else spec
    return import_module(model, input_shape, title=title, source=spec), model


# -- tracing and mapping -----------------------------------------------------------------------------


class _Unmapped(Exception):
    """This node has no catalog op; the message says why."""


class _Downstream(Exception):
    """An input of this node did not map: its problem is listed already."""


def _size(value: Any) -> Any:
    """(3, 3) -> 3: the form a person writes when both sides agree."""
    if isinstance(value, (tuple, list)):
        value = tuple(value)
        return value[0] if len(set(value)) == 1 else list(value)
    return value


def _conv(m: nn.Conv1d | nn.Conv2d) -> tuple[str, dict[str, Any]]:
    padding = m.padding if isinstance(m.padding, str) else _size(m.padding)
    return type(m).__name__, {
        "out_channels": m.out_channels, "kernel_size": _size(m.kernel_size), "stride": _size(m.stride),
        "padding": padding, "dilation": _size(m.dilation), "groups": m.groups, "bias": m.bias is not None,
        "padding_mode": m.padding_mode,
    }


def _deconv(m: nn.ConvTranspose2d) -> tuple[str, dict[str, Any]]:
    if m.padding_mode != "zeros":
        raise _Unmapped(f"ConvTranspose2d with padding_mode={m.padding_mode!r}")
    return "ConvTranspose2d", {
        "out_channels": m.out_channels, "kernel_size": _size(m.kernel_size), "stride": _size(m.stride),
        "padding": _size(m.padding), "output_padding": _size(m.output_padding), "dilation": _size(m.dilation),
        "groups": m.groups, "bias": m.bias is not None,
    }


def _batch_norm(m: nn.modules.batchnorm._BatchNorm) -> tuple[str, dict[str, Any]]:
    if m.momentum is None or not m.track_running_stats:
        raise _Unmapped(f"{type(m).__name__} without running statistics or with a cumulative average (momentum=None)")
    return type(m).__name__, {"eps": m.eps, "momentum": m.momentum, "affine": m.affine}


def _layer_norm(m: nn.LayerNorm) -> tuple[str, dict[str, Any]]:
    if m.elementwise_affine and m.bias is None:
        raise _Unmapped("LayerNorm without a bias")
    return "LayerNorm", {"dims": len(m.normalized_shape), "eps": m.eps, "elementwise_affine": m.elementwise_affine}


def _pool(m: nn.Module) -> tuple[str, dict[str, Any]]:
    name = type(m).__name__
    if getattr(m, "return_indices", False) or getattr(m, "divisor_override", None) is not None:
        raise _Unmapped(f"{name} with return_indices or divisor_override")
    params = {"kernel_size": _size(m.kernel_size), "stride": _size(m.stride), "padding": _size(m.padding),
              "ceil_mode": m.ceil_mode}
    if name.startswith("Max"):
        params["dilation"] = _size(m.dilation)
    else:
        params["count_include_pad"] = m.count_include_pad
    return name, params


def _adaptive(m: nn.Module) -> tuple[str, dict[str, Any]]:
    size = m.output_size
    if getattr(m, "return_indices", False) or (isinstance(size, tuple) and None in size) or size is None:
        raise _Unmapped(f"{type(m).__name__} with return_indices or a None in output_size")
    return type(m).__name__, {"output_size": _size(size)}


def _upsample(m: nn.Upsample) -> tuple[str, dict[str, Any]]:
    return _interpolate_params(m.size, m.scale_factor, m.mode, m.align_corners)


def _interpolate_params(size: Any, scale: Any, mode: str, align_corners: Any) -> tuple[str, dict[str, Any]]:
    if mode not in ("nearest", "bilinear", "bicubic"):
        raise _Unmapped(f"interpolation mode {mode!r}")
    params: dict[str, Any] = {"mode": mode, "align_corners": bool(align_corners)}
    if size is not None:
        params["size"] = _size(size)
    else:
        scale = _size(scale)
        if isinstance(scale, list):
            raise _Unmapped("different scale factors per side")
        params["scale_factor"] = float(scale)
    return "Upsample", params


def _embedding(m: nn.Embedding) -> tuple[str, dict[str, Any]]:
    if m.max_norm is not None or m.scale_grad_by_freq or m.sparse:
        raise _Unmapped("Embedding with max_norm, scale_grad_by_freq or sparse")
    return "Embedding", {"num_embeddings": m.num_embeddings, "embedding_dim": m.embedding_dim,
                         "padding_idx": m.padding_idx}


def _plain(op: str, **fields: str) -> Callable[[nn.Module], tuple[str, dict[str, Any]]]:
    """A module whose attributes are the op's params: fields maps param -> attribute."""
    return lambda m: (op, {param: getattr(m, attr) for param, attr in fields.items()})


# Exact classes only: a subclass may change what forward does.
_MODULES: dict[type, Callable[[Any], tuple[str, dict[str, Any]]]] = {
    nn.Conv1d: _conv, nn.Conv2d: _conv, nn.ConvTranspose2d: _deconv,
    nn.Linear: lambda m: ("Linear", {"out_features": m.out_features, "bias": m.bias is not None}),
    nn.BatchNorm1d: _batch_norm, nn.BatchNorm2d: _batch_norm, nn.LayerNorm: _layer_norm,
    nn.GroupNorm: _plain("GroupNorm", num_groups="num_groups", eps="eps", affine="affine"),
    nn.InstanceNorm2d: _plain("InstanceNorm2d", eps="eps", momentum="momentum", affine="affine",
                              track_running_stats="track_running_stats"),
    nn.LocalResponseNorm: _plain("LocalResponseNorm", size="size", alpha="alpha", beta="beta", k="k"),
    nn.Dropout: _plain("Dropout", p="p"), nn.Dropout2d: _plain("Dropout2d", p="p"),
    nn.AlphaDropout: _plain("AlphaDropout", p="p"),
    nn.ReLU: _plain("ReLU"), nn.ReLU6: _plain("ReLU6"), nn.SELU: _plain("SELU"), nn.SiLU: _plain("SiLU"),
    nn.Hardswish: _plain("Hardswish"), nn.Sigmoid: _plain("Sigmoid"), nn.Tanh: _plain("Tanh"),
    nn.LeakyReLU: _plain("LeakyReLU", negative_slope="negative_slope"), nn.ELU: _plain("ELU", alpha="alpha"),
    nn.GELU: _plain("GELU", approximate="approximate"),
    nn.PReLU: lambda m: ("PReLU", {"per_channel": m.num_parameters > 1}),
    nn.Softmax: _plain("Softmax", dim="dim"), nn.LogSoftmax: _plain("LogSoftmax", dim="dim"),
    nn.MaxPool1d: _pool, nn.MaxPool2d: _pool, nn.AvgPool1d: _pool, nn.AvgPool2d: _pool,
    nn.AdaptiveAvgPool2d: _adaptive, nn.AdaptiveMaxPool2d: _adaptive,
    nn.Flatten: _plain("Flatten", start_dim="start_dim", end_dim="end_dim"), nn.Identity: _plain("Identity"),
    nn.Upsample: _upsample, nn.PixelShuffle: _plain("PixelShuffle", upscale_factor="upscale_factor"),
    nn.ZeroPad2d: lambda m: ("ZeroPad2d", {"padding": list(m.padding)}), nn.Embedding: _embedding,
}

# Functions and methods that are an activation of the catalog, applied to their first argument.
_ACTIVATIONS = {
    torch.relu: "ReLU", F.relu: "ReLU", F.relu6: "ReLU6", torch.sigmoid: "Sigmoid", F.sigmoid: "Sigmoid",
    torch.tanh: "Tanh", F.tanh: "Tanh", F.silu: "SiLU", F.hardswish: "Hardswish", F.selu: "SELU",
    torch.selu: "SELU", F.gelu: "GELU",
    "relu": "ReLU", "sigmoid": "Sigmoid", "tanh": "Tanh",
}
_ADD = (operator.add, operator.iadd, torch.add, "add", "add_")
_MUL = (operator.mul, operator.imul, torch.mul, "mul", "mul_")


class _Mapper:
    def __init__(self, module: nn.Module, traced: torch.fx.GraphModule, input_shape: tuple[int, ...]) -> None:
        self.module = module
        self.traced = traced
        self.input_shape = input_shape
        self.ids = Namespace()
        self.node_id: dict[torch.fx.Node, str] = {}  # fx node -> document node id
        self.value: dict[torch.fx.Node, Endpoint] = {}  # fx node -> the document value it computes
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.weight_names: dict[str, str] = {}
        self.nodes: list[dict[str, Any]] = []  # (id, op, params) in trace order
        self.edges: list[tuple[Endpoint, Endpoint]] = []
        self.calls: dict[str, int] = {}  # module target -> call sites seen
        self.failed: set[torch.fx.Node] = set()

    def run(self) -> None:
        for node in self.traced.graph.nodes:
            try:
                self._map(node)
            except _Downstream:
                self.failed.add(node)
            except _Unmapped as exc:
                self.failed.add(node)
                self.problems.append(f"{node.name} ({_what(node, self.module)}): {exc}{_call_site(node)}")

    # -- helpers -------------------------------------------------------------------------------
    def _add(self, node: torch.fx.Node, op: str, params: dict[str, Any], inputs: list[Any],
             ports: tuple[str, ...] | None = None) -> str:
        node_id = self.ids.create(node.name, numbered=False)
        self.node_id[node] = node_id
        self.nodes.append({"id": node_id, "op": op, "params": params})
        names = ports or (("x",) if len(inputs) == 1 else tuple(f"in{i}" for i in range(1, len(inputs) + 1)))
        for arg, port in zip(inputs, names):
            self.edges.append((self._tensor(arg), Endpoint(node_id, port)))
        self.value[node] = Endpoint(node_id, "out")
        return node_id

    def _tensor(self, arg: Any) -> Endpoint:
        if isinstance(arg, torch.fx.Node) and arg in self.failed:
            raise _Downstream()
        if not isinstance(arg, torch.fx.Node) or arg not in self.value:
            raise _Unmapped(f"an input is not a tensor computed by the network ({arg!r})")
        return self.value[arg]

    def _alias(self, node: torch.fx.Node, arg: Any) -> None:
        self.value[node] = self._tensor(arg)

    @staticmethod
    def _shape(node: torch.fx.Node) -> tuple[int, ...] | None:
        meta = node.meta.get("tensor_meta")
        return tuple(meta.shape) if isinstance(meta, TensorMetadata) else None

    # -- one fx node ---------------------------------------------------------------------------------
    def _map(self, node: torch.fx.Node) -> None:
        if node.op == "placeholder":
            if self.value:
                raise _Unmapped("only models with one input can be imported")
            self._add(node, "Input", {"kind": "image" if len(self.input_shape) == 3 else "tensor",
                                      "shape": list(self.input_shape)}, [])
        elif node.op == "output":
            results = node.args[0]
            results = list(results) if isinstance(results, (tuple, list)) else [results]
            for result in results:
                output = torch.fx.Node(node.graph, "output", "output", "output", (), {})
                self._add(output, "Output", {}, [result])
        elif node.op == "call_module":
            self._module(node)
        elif node.op in ("call_function", "call_method"):
            if self._shape(node) is None:
                return  # sizes and shapes: what uses them is checked when mapped
            self._function(node)
        elif node.op == "get_attr":
            raise _Unmapped("reads a parameter or buffer directly, outside any layer")

    def _module(self, node: torch.fx.Node) -> None:
        sub = self.module.get_submodule(node.target)
        mapper = _MODULES.get(type(sub))
        if mapper is None:
            raise _Unmapped(f"no catalog op for {type(sub).__module__}.{type(sub).__qualname__}")
        if len(node.args) != 1 or node.kwargs:
            raise _Unmapped("called with more than one argument")
        op, params = mapper(sub)
        node_id = self._add(node, op, params, [node.args[0]])
        self.calls[node.target] = self.calls.get(node.target, 0) + 1
        if self.calls[node.target] == 2 and any(True for _ in sub.parameters()):
            self.warnings.append(f"{node.target} is called more than once; each call becomes a node with its own "
                                 "copy of the weights")
        for key in sub.state_dict():
            self.weight_names[f"{node_id}.{key}"] = f"{node.target}.{key}"

    def _function(self, node: torch.fx.Node) -> None:
        target = node.target
        args, kwargs = node.args, node.kwargs
        if target in _ACTIVATIONS:
            params = {"approximate": kwargs.get("approximate", "none")} if target is F.gelu else {}
            self._add(node, _ACTIVATIONS[target], params, [args[0]])
        elif target in _ADD or target in _MUL:
            tensors = [a for a in (*args, *kwargs.values()) if isinstance(a, torch.fx.Node)]
            if len(tensors) != 2 or len(args) + len(kwargs) != 2:
                raise _Unmapped("only the sum or product of two tensors maps (Add, Multiply)")
            self._add(node, "Add" if target in _ADD else "Multiply", {}, tensors)
        elif target in (torch.cat, torch.concat):
            tensors = args[0]
            dim = args[1] if len(args) > 1 else kwargs.get("dim", 0)
            if dim == 0:
                raise _Unmapped("concatenation along the batch dimension")
            self._add(node, "Concat", {"num_inputs": len(tensors), "dim": dim}, list(tensors))
        elif target in (torch.flatten, "flatten"):
            start = args[1] if len(args) > 1 else kwargs.get("start_dim", 0)
            end = args[2] if len(args) > 2 else kwargs.get("end_dim", -1)
            if start == 0:
                raise _Unmapped("flattening the batch dimension")
            self._add(node, "Flatten", {"start_dim": start, "end_dim": end}, [args[0]])
        elif target in (F.adaptive_avg_pool2d, F.adaptive_max_pool2d):
            size = args[1] if len(args) > 1 else kwargs["output_size"]
            op = "AdaptiveAvgPool2d" if target is F.adaptive_avg_pool2d else "AdaptiveMaxPool2d"
            self._add(node, op, {"output_size": _size(size)}, [args[0]])
        elif target in (F.dropout, "dropout"):
            p = args[1] if len(args) > 1 else kwargs.get("p", 0.5)
            self._add(node, "Dropout", {"p": p}, [args[0]])
        elif target in ("view", "reshape", torch.reshape):
            shape, before = self._shape(node), self._shape(args[0])
            if shape is None or before is None or shape[0] != before[0]:
                raise _Unmapped("a reshape that does not keep the batch dimension")
            self._add(node, "Reshape", {"shape": list(shape[1:])}, [args[0]])
        elif target in ("contiguous", "clone"):
            self._alias(node, args[0])
        elif target in (torch.mean, "mean"):
            before = self._shape(args[0])
            dims = args[1] if len(args) > 1 else kwargs.get("dim")
            dims = (dims,) if isinstance(dims, int) else tuple(dims or ())
            spatial = tuple(range(2, len(before or ())))
            if not dims or before is None or sorted(d % len(before) for d in dims) != list(spatial) \
                    or kwargs.get("keepdim", False):
                raise _Unmapped("only a mean over every spatial dimension maps (GlobalAvgPool)")
            self._add(node, "GlobalAvgPool", {}, [args[0]])
        elif target in (torch.softmax, F.softmax, F.log_softmax, torch.log_softmax, "softmax", "log_softmax"):
            dim = args[1] if len(args) > 1 else kwargs.get("dim")
            name = getattr(target, "__name__", target)
            self._add(node, "LogSoftmax" if "log" in str(name) else "Softmax", {"dim": dim}, [args[0]])
        elif target is F.interpolate:
            get = lambda i, k, d: args[i] if len(args) > i else kwargs.get(k, d)  # noqa: E731
            op, params = _interpolate_params(get(1, "size", None), get(2, "scale_factor", None),
                                             get(3, "mode", "nearest"), get(4, "align_corners", None))
            self._add(node, op, params, [args[0]])
        elif target in (torch.permute, "permute"):
            dims = args[1:] if len(args) > 2 else args[1]
            self._add(node, "Permute", {"dims": list(dims)}, [args[0]])
        else:
            name = getattr(target, "__qualname__", None) or str(target)
            raise _Unmapped(f"no catalog op for {name}")


def _what(node: torch.fx.Node, module: nn.Module) -> str:
    if node.op == "call_module":
        sub = module.get_submodule(node.target)
        return f"{node.target}: {type(sub).__name__}"
    if node.op in ("call_function", "call_method"):
        name = getattr(node.target, "__name__", node.target)
        return f"{'.' if node.op == 'call_method' else ''}{name}()"
    return node.op


def _call_site(node: torch.fx.Node) -> str:
    """ ' at models.py:62: return x + self.conv(x)', from the last frame outside torch."""
    trace = node.stack_trace or ""
    frames = re.findall(r'File "([^"]+)", line (\d+), in \S+\n\s+(.*)', trace)
    mine = [f for f in frames if "/torch/" not in f[0].replace("\\", "/")]
    if not mine:
        return ""
    path, line, code = mine[-1]
    return f" at {path.replace(chr(92), '/').rsplit('/', 1)[-1]}:{line}: {code.strip()}"


def import_module(
    module: nn.Module,
    input_shape: tuple[int, ...] = DEFAULT_INPUT_SHAPE,
    title: str | None = None,
    source: str | None = None,
) -> Imported:
    """Trace `module` and map it to a laid-out document; raises ModelImportError listing what does not map."""
    module = module.eval()
    tracer = torch.fx.Tracer()
    tracer.record_stack_traces = True
    try:
        graph = tracer.trace(module)
    except Exception as exc:  # fx's own refusal (data-dependent control flow...): quote it
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelImportError(f"torch.fx cannot trace {type(module).__name__}: {first}") from None
    traced = torch.fx.GraphModule(module, graph)
    try:
        with torch.no_grad():
            ShapeProp(traced).propagate(torch.randn(2, *input_shape))
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelImportError(f"{type(module).__name__} does not run on an input of shape {tuple(input_shape)} "
                               f"(give another with --input-shape): {first}") from None
    mapper = _Mapper(module, traced, tuple(input_shape))
    mapper.run()
    if mapper.problems:
        raise ModelImportError(f"{len(mapper.problems)} part(s) of {type(module).__name__} have no catalog op",
                               mapper.problems)
    doc = Document()
    doc.meta = {"title": title or type(module).__name__, "imported_from": source or type(module).__qualname__,
                "input_shape": list(input_shape)}
    graph_ = doc.add_network("model")
    used = _used(mapper)
    for entry in mapper.nodes:
        if entry["id"] in used:
            graph_.add_node(entry["op"], entry["params"], id=entry["id"])
    for src, dst in mapper.edges:
        if dst.node in used:
            graph_.connect(src, dst)
    _lay_out(graph_)
    weights = {k: v for k, v in mapper.weight_names.items() if k.split(".")[0] in used}
    return Imported(doc, weights, mapper.warnings)


def _used(mapper: _Mapper) -> set[str]:
    """Ids of the nodes some Output depends on (plus Inputs): aliases can leave others behind."""
    back: dict[str, list[str]] = {}
    for src, dst in mapper.edges:
        back.setdefault(dst.node, []).append(src.node)
    keep = {e["id"] for e in mapper.nodes if e["op"] in ("Input", "Output")}
    stack = list(keep)
    while stack:
        for prev in back.get(stack.pop(), []):
            if prev not in keep:
                keep.add(prev)
                stack.append(prev)
    return keep


def _lay_out(graph: Graph) -> None:
    """The editor's layered layout, top to bottom, so an import opens ready to read."""
    for node_id, (x, y) in layered_layout(graph).items():
        graph.set_ui(node_id, {"x": x, "y": y})
