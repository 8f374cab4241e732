"""The Python exporter: a network as one standalone file that needs nothing but torch.

The file reads like a torchvision model: an `nn.Module` named after the network, its
layers as attributes named by node id, and a `forward` of straight-line statements
(`x = self.conv1(x)`) that names a temporary only where the graph branches. Each block
becomes a small class of its own whose constructor takes what differs between its
instances (channels, stride, the inferred input channels), as torchvision's
`BasicBlock(inplanes, planes, stride)` does; a repeated block is an `nn.Sequential`,
so weights are named `layer1.0.conv1.weight` exactly as in the compiled module.

Everything comes from the same lowering as the compiler: the walk below follows the
document's graphs, but every constructor argument is `engine.compiler.module_kwargs`
of the corresponding flat node, and the order of statements is the compiler's
topological order. Ops that torchvision writes as expressions (`out + identity`,
`torch.cat`, `torch.flatten`) are written inline; they hold no weights, so the
`state_dict` keys still equal the compiled module's.
"""

from __future__ import annotations

import inspect
import keyword
import os.path
import re
import textwrap
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch.nn as nn

from engine.blocks import Block, block_of
from engine.compiler import module_kwargs
from engine.export.network import ExportError, ExportTarget
from engine.graph import Endpoint, Graph
from engine.lowering import resolve_params
from engine.names import RESERVED, Namespace
from engine.ops import modules as custom_modules
from engine.ops.spec import TensorInfo

__all__ = ["python_source", "write_python"]

_LINE = 99  # the longest line we write: the files pass ruff with a limit of 100
_REQUIRED = inspect.Parameter.empty


def write_python(target: ExportTarget, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(python_source(target), encoding="utf-8")
    return path


def python_source(target: ExportTarget) -> str:
    """The network as the text of a standalone Python file."""
    return _Writer(target).source()


# -- expressions written inline ------------------------------------------------------------------
# op -> (params, input infos, argument names) -> expression, or None to keep the module.

InlineFn = Callable[[dict[str, Any], Sequence[TensorInfo], Sequence[str]], "str | None"]


def _flatten(p: dict[str, Any], ins: Sequence[TensorInfo], a: Sequence[str]) -> str:
    end = "" if p["end_dim"] == -1 else f", {p['end_dim']}"
    return f"torch.flatten({a[0]}, {p['start_dim']}{end})"


def _mean(p: dict[str, Any], ins: Sequence[TensorInfo], a: Sequence[str]) -> str | None:
    dims = tuple(range(2, ins[0].rank + 1))
    if not dims:
        return None
    return f"{a[0]}.mean(dim={_literal(dims if len(dims) > 1 else dims[0])})"


_INLINE: dict[str, InlineFn] = {
    "Add": lambda p, ins, a: " + ".join(a),
    "Multiply": lambda p, ins, a: " * ".join(a),
    "Concat": lambda p, ins, a: f"torch.cat([{', '.join(a)}], dim={p['dim']})",
    "Flatten": _flatten,
    "GlobalAvgPool": _mean,
    "Reshape": lambda p, ins, a: f"{a[0]}.reshape({a[0]}.shape[0], {', '.join(map(str, p['shape']))})",
    "Permute": lambda p, ins, a: f"{a[0]}.permute({', '.join(map(str, p['dims']))})",
    "Split": lambda p, ins, a: f"torch.split({a[0]}, {_literal(list(p['sizes']))}, dim={p['dim']})",
    "Chunk": lambda p, ins, a: f"torch.chunk({a[0]}, {p['chunks']}, dim={p['dim']})",
}


# -- the structure: which copy of which graph computes what -----------------------------------------


@dataclass(eq=False)
class _Copy:
    """One appearance of a graph in the flat network: the network itself or one block copy."""

    graph: Graph
    block: Block | None
    prefix: str  # flat id prefix: "", "layer1.0.", "layer2."
    env: dict[str, Any]  # the block's parameters for this copy
    inputs: tuple[str, ...]  # input node ids that forward takes, in port order
    outputs: tuple[str, ...]  # output node ids that forward returns, in port order
    needed: list[str]  # body nodes computed, in topological order
    children: dict[str, list[_Copy]]  # block instance id -> one copy per repeat
    cls: _Class | None = None
    call: dict[str, Any] = field(default_factory=dict)  # constructor argument -> value


@dataclass
class _Arg:
    name: str
    values: tuple[Any, ...]  # per copy of the class
    default: Any = _REQUIRED
    ref: str | None = None  # the block parameter it stands for

    @property
    def annotation(self) -> str:
        kinds: list[str] = []
        values = self.values if self.default is _REQUIRED else (*self.values, self.default)
        for value in values:
            kind = _type_name(value)
            if kind not in kinds:
                kinds.append(kind)
        return " | ".join(kinds)


_SlotKey = tuple[str, int, str]  # (node id, element of a repeated block, argument)


@dataclass(frozen=True)
class _Slot:
    """One constructor argument of one member, across the copies of a class."""

    values: tuple[Any, ...]  # per copy
    written: Any  # what the body node says for it: a value, a "$param", or None
    from_params: bool  # the value is a parameter's (as written or its default), not inferred


@dataclass(frozen=True)
class _ArgRef:
    """A constructor argument used where a value is expected."""

    name: str


@dataclass(eq=False)
class _Class:
    name: str
    block: Block | None
    copies: list[_Copy]
    args: list[_Arg] = field(default_factory=list)
    ctors: dict[str, str] = field(default_factory=dict)  # node id -> constructor expression
    inline: dict[str, str] = field(default_factory=dict)  # node id -> expression with {0}, {1}...
    inits: dict[str, list[str]] = field(default_factory=dict)  # node id -> statements after its constructor

    @property
    def first(self) -> _Copy:
        return self.copies[0]


class _Writer:
    def __init__(self, target: ExportTarget) -> None:
        self.target = target
        self.analysis = target.analysis
        self.flat = target.analysis.flat
        self.consumers = self.flat.consumers()
        self.names = Namespace(set(RESERVED))  # every name bound at module level
        self.custom: list[type] = []  # classes copied from engine/ops/modules.py, in order of use
        self.classes: list[_Class] = []

    # -- walking the document ---------------------------------------------------------------------
    def _walk(
        self, graph: Graph, block: Block | None, prefix: str, env: dict[str, Any], wanted: set[str] | None
    ) -> _Copy:
        in_op, out_op = ("BlockInput", "BlockOutput") if block else ("Input", "Output")
        order = graph.topological_order()
        outputs = tuple(n for n in graph.nodes if graph.nodes[n].op == out_op and (wanted is None or n in wanted))
        requested: dict[str, set[str]] = {}

        def request(node_id: str, port: str) -> None:
            src = graph.source(Endpoint(node_id, port))
            assert src is not None  # analysis reported unconnected inputs as errors
            requested.setdefault(src.node, set()).add(src.port)

        for out in outputs:
            request(out, "x")
        needed: list[str] = []
        reached: set[str] = set()
        children: dict[str, list[_Copy]] = {}
        for node_id in reversed(order):
            ports = requested.get(node_id)
            if not ports:
                continue
            node = graph.nodes[node_id]
            if node.op == in_op:
                reached.add(node_id)
                continue
            spec = graph.resolve(node.op)
            assert spec is not None
            path = prefix + node_id
            params = resolve_params(spec, node.params, env, path)
            needed.append(node_id)
            sub = block_of(spec)
            if sub is None:
                for port in spec.input_names(params):
                    request(node_id, port)
                continue
            copies = self._walk_instance(sub, path, params, ports)
            children[node_id] = copies
            for name in copies[0].inputs:
                request(node_id, name)
        needed.reverse()
        children = {node_id: children[node_id] for node_id in needed if node_id in children}
        if block is None:
            inputs = tuple(n for n in graph.nodes if graph.nodes[n].op == in_op)
        else:
            inputs = tuple(n for n in block.port_names[0] if n in reached)
        return _Copy(graph, block, prefix, env, inputs, outputs, needed, children)

    def _walk_instance(self, sub: Block, path: str, params: dict[str, Any], ports: set[str]) -> list[_Copy]:
        env = sub.instance_params(params)
        repeat = params["repeat"]
        want = set(ports)
        copies: list[_Copy] = []
        for i in reversed(range(repeat)):
            inner = f"{path}.{i}." if repeat > 1 else f"{path}."
            copy = self._walk(sub.body, sub, inner, env, want)
            if i > 0 and not copy.inputs:
                # nn.Sequential runs every copy; the compiler would leave the earlier ones out.
                raise ExportError(
                    f"{path}: copy {i} of block {sub.name} does not use its input, "
                    "so the copies before it compute nothing; set repeat to 1 or use the input"
                )
            copies.append(copy)
            want = set(sub.port_names[1])
        copies.reverse()
        return copies

    # -- classes --------------------------------------------------------------------------------------
    def _build_classes(self, top: _Copy, network: str) -> None:
        by_block: dict[str, list[_Copy]] = {}

        def collect(copy: _Copy) -> None:
            for copies in copy.children.values():
                for child in copies:
                    by_block.setdefault(child.block.name, []).append(child)  # type: ignore[union-attr]
                    collect(child)

        collect(top)
        for name in self._blocks_leaves_first(by_block):
            groups: dict[tuple, list[_Copy]] = {}
            for copy in by_block[name]:
                groups.setdefault(self._signature(copy), []).append(copy)
            for copies in groups.values():
                self._make_class(copies[0].block.name, copies[0].block, copies)  # type: ignore[union-attr]
        self._make_class(network, None, [top], fixed=True)

    def _blocks_leaves_first(self, by_block: dict[str, list[_Copy]]) -> list[str]:
        done: list[str] = []

        def visit(name: str) -> None:
            if name in done:
                return
            for copy in by_block[name]:
                for copies in copy.children.values():
                    visit(copies[0].block.name)  # type: ignore[union-attr]
            done.append(name)

        for name in by_block:
            visit(name)
        return done

    def _signature(self, copy: _Copy) -> tuple:
        """Copies with equal signatures share a class: the same nodes, ports, inner classes and inits."""
        children = tuple((node, tuple(id(c.cls) for c in copies)) for node, copies in sorted(copy.children.items()))
        inits = tuple(self._init_scheme(copy.prefix + node) for node in copy.needed if node not in copy.children)
        return tuple(copy.needed), copy.inputs, copy.outputs, children, inits

    def _init_scheme(self, flat_id: str) -> str | None:
        """The node's weight initialisation where it is not PyTorch's own: an `init` parameter
        naming a scheme, which the compiler applies right after building the module."""
        scheme = self.flat.nodes[flat_id].params.get("init")
        return scheme if isinstance(scheme, str) and scheme != "default" else None

    def _make_class(self, name: str, block: Block | None, copies: list[_Copy], fixed: bool = False) -> _Class:
        cls = _Class(name if fixed else self.names.create(name, numbered=False), block, copies)
        for copy in copies:
            copy.cls = cls
        graph = cls.first.graph
        slots: dict[_SlotKey, _Slot] = {}
        plans: dict[str, tuple] = {}
        for node_id in cls.first.needed:
            node = graph.nodes[node_id]
            spec = graph.resolve(node.op)
            assert spec is not None
            if block_of(spec) is not None:
                elements = [copy.children[node_id] for copy in copies]
                plans[node_id] = ("block", elements)
                for i, child in enumerate(elements[0]):
                    for arg in child.cls.args:  # type: ignore[union-attr]
                        values = tuple(e[i].call[arg.name] for e in elements)
                        set_here = arg.ref is not None and not _is_ref(node.params.get(arg.ref))
                        slots[(node_id, i, arg.name)] = _Slot(values, node.params.get(arg.name), set_here)
                continue
            flat_ids = [copy.prefix + node_id for copy in copies]
            inline = self._inline_template(flat_ids)
            if inline is not None:
                cls.inline[node_id] = inline
                continue
            module = spec.module
            assert module is not None
            kwargs = [module_kwargs(self.analysis, fid, self.consumers) for fid in flat_ids]
            params = [self.flat.nodes[fid].params for fid in flat_ids]
            defaults = {k: p.default for k, p in inspect.signature(module).parameters.items()}
            for key in defaults:
                if any(key in k for k in kwargs):
                    values = tuple(k.get(key, defaults[key]) for k in kwargs)
                    from_params = key in spec.param_map and _same(values, [p[key] for p in params])
                    slots[(node_id, 0, key)] = _Slot(values, node.params.get(key), from_params)
            plans[node_id] = ("module", module)
            scheme = self._init_scheme(flat_ids[0])
            if scheme is not None:
                from engine.ops.init import init_source  # the table of schemes, shared with the compiler

                cls.inits[node_id] = init_source(node_id, scheme, bias=bool(kwargs[0].get("bias", True)))
        values = self._assign_args(cls, slots)
        for node_id, plan in plans.items():
            if plan[0] == "module":
                cls.ctors[node_id] = self._module_ctor(plan[1], node_id, values)
            else:
                cls.ctors[node_id] = self._block_ctor(plan[1][0], node_id, values, graph.nodes[node_id].params)
        self.classes.append(cls)
        return cls

    def _inline_template(self, flat_ids: list[str]) -> str | None:
        node = self.flat.nodes[flat_ids[0]]
        fn = _INLINE.get(node.op)
        if fn is None:
            return None
        placeholders = [f"{{{i}}}" for i in range(len(node.inputs))]
        texts = {
            fn(self.flat.nodes[fid].params, self.analysis.input_infos(fid), placeholders) for fid in flat_ids
        }
        return texts.pop() if len(texts) == 1 else None

    def _assign_args(self, cls: _Class, slots: dict[_SlotKey, _Slot]) -> dict[_SlotKey, Any]:
        """The value of every slot: a literal, or a constructor argument of the class.

        A slot that a block parameter sets ("$channels") is that parameter, with its
        declared default. A slot the user wrote a value for is that value. Any other
        slot (a size inferred from the input, like in_channels) joins the argument whose
        values it always equals (bn1's num_features is the `channels` argument), else is
        a literal when every copy agrees, else a required argument named by its key.
        """
        copies = cls.copies
        names = Namespace(set(RESERVED))
        named: dict[str, _Arg] = {}
        plain: list[_Arg] = []
        out: dict[_SlotKey, Any] = {}
        for key, slot in slots.items():
            if cls.block is None or not _is_ref(slot.written):
                continue
            param = slot.written[1:]
            if _same(slot.values, [copy.env[param] for copy in copies]):
                if param not in named:
                    default = next(p.default for p in cls.block.params if p.name == param)
                    named[param] = _Arg(names.create(param, numbered=False), slot.values, default, param)
                out[key] = _ArgRef(named[param].name)
        for key, slot in slots.items():
            if key in out:
                continue
            constant = len({_literal(v) for v in slot.values}) == 1
            if constant and slot.from_params:
                out[key] = slot.values[0]
                continue
            arg = next((a for a in (*named.values(), *plain) if _same(a.values, slot.values)), None)
            if arg is None and constant:
                out[key] = slot.values[0]
                continue
            if arg is None:
                arg = _Arg(names.create(key[2], numbered=False), slot.values)
                plain.append(arg)
            out[key] = _ArgRef(arg.name)
        order = [p.name for p in cls.block.params] if cls.block else []
        cls.args = plain + sorted(named.values(), key=lambda a: order.index(a.ref))
        for i, copy in enumerate(copies):
            copy.call = {arg.name: arg.values[i] for arg in cls.args}
        return out

    def _module_ctor(self, module: type[nn.Module], node_id: str, values: dict) -> str:
        signature = inspect.signature(module).parameters
        args = {key: values[(node_id, 0, key)] for key in signature if (node_id, 0, key) in values}
        defaults = {key: p.default for key, p in signature.items()}
        return _call(self._module_name(module), args, defaults)

    def _block_ctor(self, elements: list[_Copy], node_id: str, values: dict, written: dict[str, Any]) -> str:
        texts = []
        for i, child in enumerate(elements):
            child_cls = child.cls
            assert child_cls is not None
            args = {arg.name: values[(node_id, i, arg.name)] for arg in child_cls.args}
            defaults = {arg.name: arg.default for arg in child_cls.args}
            # What the document sets on the instance is written even when it is the default.
            shown = {arg.name for arg in child_cls.args if arg.ref in written}
            texts.append(_call(child_cls.name, args, defaults, shown))
        if len(texts) == 1:
            return texts[0]
        return _call("nn.Sequential", _repeat_runs(texts), {})

    def _module_name(self, module: type[nn.Module]) -> str:
        if getattr(nn, module.__name__, None) is module:
            return f"nn.{module.__name__}"
        if module.__module__ != custom_modules.__name__:
            raise ExportError(f"{module.__qualname__} is neither in torch.nn nor in engine/ops/modules.py")
        for base in reversed(module.__mro__):
            if base.__module__ == custom_modules.__name__ and base not in self.custom:
                self.custom.append(base)
        return module.__name__

    # -- writing ------------------------------------------------------------------------------------
    def source(self) -> str:
        # Copied classes keep their names; then the network keeps its own; blocks give way.
        for name, value in vars(custom_modules).items():
            if isinstance(value, type) and value.__module__ == custom_modules.__name__:
                self.names.reserve(name)
        network = self.names.create(self.target.class_name, numbered=False)
        top = self._walk(self.target.graph, None, "", {}, None)
        self._build_classes(top, network)
        parts = [self._header()]
        for module in self.custom:
            parts.append(inspect.getsource(module).rstrip() + "\n")
        for cls in self.classes:
            parts.append(self._class_source(cls))
        parts.append(self._main(self.classes[-1]))
        return "\n\n".join(parts)

    def _header(self) -> str:
        title = self.target.doc.title
        text = (
            f'"""{_docstring_text(title)}, exported from Netsmith.\n\n'
            "Needs only PyTorch; run it to build the network and print the shape of its output.\n"
            '"""\n'
        )
        imports = ["import torch", "import torch.nn as nn"]
        copied = "\n".join(inspect.getsource(m) for m in self.custom)
        if re.search(r"\bF\.", copied):
            imports.append("import torch.nn.functional as F")
        if re.search(r"\bmath\.", copied):
            imports.insert(0, "import math\n")
        return text + "\n" + "\n".join(imports) + "\n"

    def _class_source(self, cls: _Class) -> str:
        lines = [f"class {cls.name}(nn.Module):"]
        lines += _indent(self._class_doc(cls), 1)
        lines.append("")
        params = ["self"]
        for arg in cls.args:
            text = f"{arg.name}: {arg.annotation}"
            if arg.default is not _REQUIRED:
                text += f" = {_literal(arg.default)}"
            params.append(text)
        lines += _indent(_wrap("def __init__(", params, ") -> None:"), 1)
        body = ["super().__init__()"]
        for node_id, ctor in cls.ctors.items():
            body += _wrap_assignment(f"self.{node_id} = ", ctor)
            body += cls.inits.get(node_id, [])  # right after it, in the order the compiler draws them
        lines += _indent(body, 2)
        lines.append("")
        lines += _indent(self._forward(cls), 1)
        return "\n".join(lines) + "\n"

    def _class_doc(self, cls: _Class) -> list[str]:
        if cls.block is not None:
            text = cls.block.doc or f"The block {cls.block.name}"
            return _docstring(text if text.endswith(".") else text + ".")
        meta = self.target.meta
        title = self.target.doc.title
        if len(self.target.doc.networks) > 1:
            title = f"{title}: the {self.target.name}"
        paragraphs = [title + "."]
        authors, year = meta.get("authors"), meta.get("year")
        cite = []
        if authors or year:
            cite.append(" ".join(str(v) for v in (authors, f"({year})" if year else None) if v))
        if meta.get("paper"):
            cite.append(f'"{meta["paper"]}"')
        if meta.get("link"):
            cite.append(str(meta["link"]))
        if cite:
            paragraphs.append("\n".join(cite))
        if meta.get("note"):
            paragraphs.append(str(meta["note"]))
        return _docstring(*paragraphs)

    def _forward(self, cls: _Class) -> list[str]:
        copy = cls.first
        graph = copy.graph
        uses: Counter[Endpoint] = Counter()
        sources: dict[str, list[Endpoint]] = {}
        readers: dict[Endpoint, list[str]] = {}
        for node_id in copy.needed:
            sources[node_id] = [
                src for port in self._input_ports(copy, node_id)
                if (src := graph.source(Endpoint(node_id, port))) is not None
            ]
            uses.update(sources[node_id])
            for src in sources[node_id]:
                readers.setdefault(src, []).append(node_id)
        returned = {node_id: graph.source(Endpoint(node_id, "x")) for node_id in copy.outputs}
        uses.update(returned.values())
        result_name: dict[Endpoint, str] = {}
        for node_id, src in returned.items():
            result_name.setdefault(src, node_id)  # type: ignore[arg-type]

        def run(node_id: str) -> list[str]:
            """The chain from `node_id` that one running variable would carry."""
            chain = [node_id]
            while True:
                outs = self._output_ports(copy, chain[-1])
                value = Endpoint(chain[-1], outs[0])
                if len(outs) != 1 or uses[value] != 1 or value in result_name:
                    return chain
                nxt = readers[value][0]
                if len(sources[nxt]) != 1 or len(self._output_ports(copy, nxt)) != 1:
                    return chain
                chain.append(nxt)

        names = _Locals(uses, self.names.taken)
        for node_id in copy.inputs:
            names.bind_argument(Endpoint(node_id, "out"))
        body: list[str] = []
        for node_id in copy.needed:
            args = [names.read(src) for src in sources[node_id]]
            names.consume(sources[node_id])
            outs = self._output_ports(copy, node_id)
            targets = []
            for port in outs:
                value = Endpoint(node_id, port)
                if not uses[value]:
                    targets.append("_")
                elif len(outs) > 1:
                    targets.append(names.bind_named(value, result_name.get(value) or f"{node_id}_{port}"))
                else:
                    targets.append(names.bind(value, sources[node_id], result_name.get(value), run))
            if node_id in cls.inline:
                expr = cls.inline[node_id].format(*args)
            else:
                expr = f"self.{node_id}({', '.join(args)})"
            target = ", ".join(targets)
            if len(targets) == 1 and node_id not in copy.children and self._returns_tuple(copy, node_id):
                target += ","  # a one-piece Split still returns a tuple
            last = node_id == copy.needed[-1] and len(outs) == 1
            if cls.block is not None and last and list(returned.values()) == [Endpoint(node_id, outs[0])] \
                    and uses[Endpoint(node_id, outs[0])] == 1:
                # A block's result needs no name: `return self.relu(x)`, as torchvision writes it.
                body += _wrap_assignment("return ", expr)
                break
            body += _wrap_assignment(f"{target} = ", expr)
        else:
            results = [names.read(returned[node_id]) for node_id in copy.outputs]  # type: ignore[arg-type]
            body.append(f"return {', '.join(results)}")
        results = list(copy.outputs)
        tensor = "torch.Tensor"
        params = ["self"] + [f"{node_id}: {tensor}" for node_id in copy.inputs]
        result_type = tensor if len(results) == 1 else f"tuple[{', '.join([tensor] * len(results))}]"
        return _wrap("def forward(", params, f") -> {result_type}:") + _indent(body, 1)

    def _returns_tuple(self, copy: _Copy, node_id: str) -> bool:
        return self.flat.nodes[copy.prefix + node_id].spec.returns_tuple

    def _input_ports(self, copy: _Copy, node_id: str) -> tuple[str, ...]:
        if node_id in copy.children:
            return copy.children[node_id][0].inputs
        return self.flat.nodes[copy.prefix + node_id].input_ports

    def _output_ports(self, copy: _Copy, node_id: str) -> tuple[str, ...]:
        if node_id in copy.children:
            return copy.children[node_id][-1].outputs
        return self.flat.nodes[copy.prefix + node_id].output_ports

    def _main(self, cls: _Class) -> str:
        copy = cls.first
        names = Namespace(set(self.names.taken))
        model = names.create("model", numbered=False)
        weights = names.create("weights", numbered=False)
        # Netsmith's export writes the trained weights beside the file, named like it; a
        # copy without them still runs (on fresh weights), and safetensors is needed only then.
        lines = [
            "import pathlib",
            "",
            f"{model} = {cls.name}().eval()",
            f"{weights} = pathlib.Path(__file__).with_suffix(\".safetensors\")",
            f"if {weights}.exists():",
            "    from safetensors.torch import load_file",
            "",
            f"    {model}.load_state_dict(load_file({weights}), strict=True)",
            f'    print(f"loaded the weights in {{{weights}.name}}")',
        ]
        inputs = []
        for node_id in copy.inputs:
            node = self.flat.nodes[node_id]
            info = self.analysis.nodes[node_id].outputs[0]
            name = names.create(node_id, numbered=False)
            shape = ", ".join(str(d) for d in (1, *info.shape))
            kind = node.params["kind"]
            if kind == "tokens":
                expr = f"torch.randint(0, {node.params['vocab_size'] or 2}, ({shape}))"
            elif kind == "adjacency":
                expr = f"torch.randint(0, 2, ({shape})).float()"
            else:
                expr = f"torch.randn({shape})"
            lines.append(f"{name} = {expr}")
            inputs.append(name)
        outputs = [names.create(node_id, numbered=False) for node_id in copy.outputs]
        lines.append("with torch.no_grad():")
        lines.append(f"    {', '.join(outputs)} = {model}({', '.join(inputs)})")
        for node_id, name in zip(copy.outputs, outputs):
            lines.append(f'print("{node_id}:", tuple({name}.shape))')
        return 'if __name__ == "__main__":\n' + "\n".join(_indent(lines, 1)) + "\n"


class _Locals:
    """Variable names in one forward: a value keeps its variable while a chain carries it.

    Rules, in order: a value that is returned takes the output's name (`mu`, `logits`);
    a value read more than once is named after its node (a branch point, `enc1`);
    a value whose producer was the last reader of a running variable takes that
    variable over (`x = self.conv1(x)`); any other value starts a running variable:
    `x` or `out` when free, else the common prefix of the chain's node ids (`branch2`).
    """

    def __init__(self, uses: Counter[Endpoint], module_names: frozenset[str]) -> None:
        self.uses = uses
        self.left = Counter(uses)  # reads still to come
        self.var: dict[Endpoint, str] = {}
        self.live: dict[str, Endpoint] = {}  # name -> the value it holds now
        self.running: set[Endpoint] = set()  # values whose variable the next op may take over
        self.arguments: set[str] = set()
        self.reserved = set(module_names) | {"self"}

    def bind_argument(self, value: Endpoint) -> None:
        self.var[value] = value.node
        self.live[value.node] = value
        self.arguments.add(value.node)
        if value.node == "x":
            self.running.add(value)

    def read(self, value: Endpoint) -> str:
        return self.var[value]

    def consume(self, values: list[Endpoint]) -> None:
        for value in values:
            self.left[value] -= 1

    def _free(self, name: str) -> bool:
        if name in self.reserved or keyword.iskeyword(name):
            return False
        held = self.live.get(name)
        return held is None or self.left[held] <= 0

    def _fresh(self, base: str) -> str:
        taken = self.reserved | self.arguments | {n for n in self.live if not self._free(n)}
        return Namespace(taken).create(base, numbered=False)

    def _set(self, value: Endpoint, name: str) -> str:
        self.var[value] = name
        self.live[name] = value
        return name

    def bind_named(self, value: Endpoint, base: str) -> str:
        return self._set(value, base if self._free(base) and base not in self.arguments else self._fresh(base))

    def bind(self, value: Endpoint, inputs: list[Endpoint], result: str | None,
             run: Callable[[str], list[str]]) -> str:
        if result is not None or self.uses[value] > 1:
            return self.bind_named(value, result or value.node)
        self.running.add(value)
        first = inputs[0] if inputs else None
        if first is not None and self.uses[first] > 1:
            branch = _common_prefix(run(value.node))
            if branch:  # a branch whose nodes share a name: branch2_reduce, branch2_conv...
                return self._set(value, self._fresh(branch))
        if first in self.running and self.left[first] <= 0:
            return self._set(value, self.var[first])
        for name in ("x", "out"):
            if self._free(name):
                return self._set(value, name)
        return self._set(value, self._fresh(_common_prefix(run(value.node)) or value.node))


# -- formatting ------------------------------------------------------------------------------


def _literal(value: Any) -> str:
    """Python source for a parameter value (double quotes, like black)."""
    if isinstance(value, _ArgRef):
        return value.name
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, tuple):
        inner = ", ".join(_literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, (bool, int, float)) or value is None:
        return repr(value)
    raise TypeError(f"cannot write {value!r} as Python source")


def _is_ref(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("$")


def _same(a: Sequence[Any], b: Sequence[Any]) -> bool:
    return [_literal(v) for v in a] == [_literal(v) for v in b]


def _type_name(value: Any) -> str:
    if isinstance(value, tuple):
        inner = {_type_name(v) for v in value}
        return f"tuple[{inner.pop() if len(inner) == 1 else 'int'}, ...]"
    if value is None:
        return "None"
    return type(value).__name__


def _call(func: str, args: dict[str, Any], defaults: dict[str, Any], shown: set[str] = frozenset()) -> str:
    """`func(a, b, key=value)`: required arguments by position, the others by keyword when
    they differ from the default or are in `shown` (an argument reference is always written)."""
    parts = []
    positional = True
    for key, value in args.items():
        default = defaults.get(key, _REQUIRED)
        if default is not _REQUIRED and key not in shown and not isinstance(value, _ArgRef) \
                and _same([value], [default]):
            positional = False
            continue
        if positional and default is _REQUIRED:
            parts.append(_literal(value))
        else:
            positional = False
            parts.append(f"{key}={_literal(value)}")
    return f"{func}({', '.join(parts)})"


def _repeat_runs(texts: list[str]) -> dict[str, Any]:
    """Arguments of nn.Sequential: three or more equal copies in a row become a generator."""
    out: list[str] = []
    i = 0
    while i < len(texts):
        j = i
        while j < len(texts) and texts[j] == texts[i]:
            j += 1
        if j - i >= 3:
            out.append(f"*({texts[i]} for _ in range({j - i}))")
        else:
            out.extend(texts[i:j])
        i = j
    return {str(k): _Source(t) for k, t in enumerate(out)}


@dataclass(frozen=True)
class _Source(_ArgRef):
    """Already written source, passed through `_call` untouched."""


def _wrap(opening: str, items: list[str], closing: str) -> list[str]:
    """A method's `def`: `opening + items + closing` on one line, or one item a line when too long."""
    line = opening + ", ".join(items) + closing
    if len(line) + 4 <= _LINE:
        return [line]
    return [opening] + [f"    {item}," for item in items] + [closing.lstrip()]


def _wrap_assignment(target: str, expr: str) -> list[str]:
    """`target = call(...)` split at the outer call's arguments when the line is too long."""
    if len(target) + len(expr) + 8 <= _LINE:
        return [target + expr]
    match = re.match(r"^([\w.]+)\((.*)\)$", expr, re.S)
    if not match:
        return [target + expr]
    items = _split_arguments(match.group(2))
    if not items:
        return [target + expr]
    if all(len(i) < 60 for i in items) and len(", ".join(items)) + 12 <= _LINE:
        return [f"{target}{match.group(1)}(", f"    {', '.join(items)}", ")"]
    return [f"{target}{match.group(1)}("] + [f"    {item}," for item in items] + [")"]


def _split_arguments(text: str) -> list[str]:
    items, depth, start = [], 0, 0
    quote = None
    for i, ch in enumerate(text):
        if quote:
            if ch == quote and text[i - 1] != "\\":
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(text[start:i].strip())
            start = i + 1
    last = text[start:].strip()
    if last:
        items.append(last)
    return items


def _indent(lines: list[str], levels: int) -> list[str]:
    pad = "    " * levels
    return [pad + line if line else line for line in lines]


def _docstring_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def _docstring(*paragraphs: str) -> list[str]:
    """A docstring: the first paragraph on the opening line when it fits, lines up to 88 wide."""
    wrapped = [
        "\n".join(textwrap.fill(line, width=84, break_on_hyphens=False) for line in _docstring_text(p).split("\n"))
        for p in paragraphs
    ]
    text = "\n\n".join(wrapped)
    lines = text.split("\n")
    if len(lines) == 1:
        return [f'"""{lines[0]}"""']
    return [f'"""{lines[0]}', *lines[1:], '"""']


def _common_prefix(ids: list[str]) -> str:
    """`branch2` for [branch2_reduce, branch2_relu, branch2_conv] or [branch1, branch1_relu];
    "" when the ids share no whole word."""
    prefix = os.path.commonprefix(ids)
    if not all(len(i) == len(prefix) or i[len(prefix)] == "_" for i in ids):
        prefix = prefix[: prefix.rindex("_")] if "_" in prefix else ""
    prefix = prefix.rstrip("_")
    return prefix if prefix.isidentifier() else ""
