"""Documents: one or more named networks, their blocks, a training recipe and UI state.

The file is JSON with `format_version` first and keys in a fixed order, so a
document diffs cleanly in git. Saving is atomic. Loading executes nothing: op
names resolve through the catalog and the document's blocks only, and every defect
is one `DocumentError` whose message says where it is, e.g.
``networks.model.nodes[3].params.kernel_size: expected a positive int, got -2``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from engine.atomic import write_atomic
from engine.blocks import Block
from engine.graph import Endpoint, Graph, GraphError, Problem
from engine.names import check_identifier
from engine.ops import CATALOG, get_op
from engine.ops.spec import OpSpec
from engine.params import KINDS, Param, ParamError

__all__ = ["FORMAT_VERSION", "Document", "DocumentError", "block_to_dict", "check_text", "graph_to_dict",
           "write_atomic"]

FORMAT_VERSION = 1

# format_version N -> a function that upgrades a version-N dict to N + 1.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

# Objects and lists inside one another; templates need 7, json.dumps fails near 500.
MAX_DEPTH = 64

_TOP_KEYS = ("format_version", "meta", "networks", "blocks", "training", "ui")


class DocumentError(ValueError):
    """A file that cannot be a document; `where` is the path inside it."""

    def __init__(self, where: str, message: str, source: str | None = None) -> None:
        self.where, self.message, self.source = where, message, source
        location = ": ".join(part for part in (source, where) if part)
        super().__init__(f"{location}: {message}" if location else message)


class Document:
    """What a user edits and saves: networks by name (usually just `model`)."""

    def __init__(self) -> None:
        self.networks: dict[str, Graph] = {}
        self.blocks: dict[str, Block] = {}
        self.meta: dict[str, Any] = {}
        self.training: dict[str, Any] = {}
        self.ui: dict[str, Any] = {}
        self.path: Path | None = None

    # -- ops and networks -----------------------------------------------------------
    def resolve(self, op: str) -> OpSpec | None:
        """The spec of `op`: one of this document's blocks, or a catalog op."""
        block = self.blocks.get(op)
        return block.spec() if block is not None else get_op(op)

    def new_graph(self, block_params: tuple[str, ...] | None = None) -> Graph:
        return Graph(self.resolve, block_params)

    def add_network(self, name: str = "model") -> Graph:
        graph = self.new_graph()
        self.networks[name] = graph
        return graph

    def network(self, name: str | None = None) -> Graph:
        """The network called `name`; by default `model`, or the only/first one."""
        if name is None:
            name = "model" if "model" in self.networks else next(iter(self.networks), "model")
        try:
            return self.networks[name]
        except KeyError:
            known = ", ".join(self.networks) or "none"
            raise KeyError(f"the document has no network '{name}' (it has: {known})") from None

    def problems(self, name: str | None = None) -> list[Problem]:
        """Problems of the blocks a network uses (the graph's own come with analysis)."""
        found: list[Problem] = []
        for block_name in sorted(self.blocks_used(name)):
            found.extend(self.blocks[block_name].problems())
        return found

    def blocks_used(self, name: str | None = None) -> set[str]:
        """Names of the blocks a network uses, directly or inside other blocks."""
        used: set[str] = set()
        stack = [self.network(name)]
        while stack:
            for node in stack.pop().nodes.values():
                if node.op in self.blocks and node.op not in used:
                    used.add(node.op)
                    stack.append(self.blocks[node.op].body)
        return used

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or (self.path.stem if self.path else "Untitled"))

    # -- writing -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"format_version": FORMAT_VERSION}
        if self.meta:
            out["meta"] = self.meta
        out["networks"] = {name: graph_to_dict(g) for name, g in self.networks.items()}
        if self.blocks:
            out["blocks"] = {name: block_to_dict(b) for name, b in self.blocks.items()}
        if self.training:
            out["training"] = self.training
        if self.ui:
            out["ui"] = self.ui
        return out

    def to_json(self) -> str:
        return _format_json(self.to_dict()) + "\n"

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write atomically (see `write_atomic`) and remember the path."""
        path = Path(path)
        write_atomic(path, self.to_json())
        self.path = path

    def copy(self) -> Document:
        other = Document.from_dict(json.loads(self.to_json()))
        other.path = self.path
        return other

    # -- reading --------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Document:
        path = Path(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise DocumentError("", f"cannot read the file: {exc.strerror or exc}", str(path)) from None
        try:
            doc = cls.loads(raw)
        except DocumentError as exc:
            raise DocumentError(exc.where, exc.message, str(path)) from None
        doc.path = path
        return doc

    @classmethod
    def loads(cls, text: str | bytes) -> Document:
        if isinstance(text, bytes):
            if not text.strip():
                raise DocumentError("", "the file is empty")
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise DocumentError("", f"not UTF-8 text (byte {exc.start})") from None
        if not text.strip():
            raise DocumentError("", "the file is empty")
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except json.JSONDecodeError as exc:
            raise DocumentError("", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
        except (RecursionError, ValueError) as exc:
            raise DocumentError("", f"not valid JSON: {exc}") from None
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Any) -> Document:
        return _Reader().document(data)

    def block_from_dict(self, name: str, data: Any) -> Block:
        """A block read from its JSON form (as in the `blocks` section), not yet added.

        Its body resolves ops through this document, so it may use the document's
        blocks. Raises `DocumentError` like `load` (the editor pastes blocks with this).
        """
        where = f"blocks.{name}"
        _check_block_name(name, where)
        check_text(data, where)
        reader = _Reader()
        block = reader.new_block(self, name, data, where)
        reader._graph(block.body, data, where)
        return block


# -- serialisation helpers -------------------------------------------------------------------


def graph_to_dict(graph: Graph) -> dict[str, Any]:
    """A graph's `{"nodes": [...], "edges": [...]}` as written in a file (shares `ui` dicts)."""
    nodes = []
    for node in graph.nodes.values():
        entry: dict[str, Any] = {"id": node.id, "op": node.op}
        if node.params:
            # Explicit values only, as the author wrote them; defaults stay implicit.
            entry["params"] = {k: list(v) if isinstance(v, tuple) else v for k, v in node.params.items()}
        if node.ui:
            entry["ui"] = node.ui
        nodes.append(entry)
    edges = [{"src": str(e.src), "dst": str(e.dst)} for e in graph.edges]
    return {"nodes": nodes, "edges": edges}


def block_to_dict(block: Block) -> dict[str, Any]:
    """A block as written in the `blocks` section."""
    out: dict[str, Any] = {}
    if block.doc:
        out["doc"] = block.doc
    out["params"] = {p.name: p.to_json() for p in block.params}
    out.update(graph_to_dict(block.body))
    return out


def _format_json(value: Any, level: int = 0, width: int = 100) -> str:
    """JSON with short containers on one line: a node or an edge per line diffs well."""
    compact = json.dumps(value, ensure_ascii=False, allow_nan=False)
    if not isinstance(value, (dict, list)) or len(compact) + 2 * level <= width or not value:
        return compact
    pad, inner = "  " * level, "  " * (level + 1)
    if isinstance(value, dict):
        items = [
            f"{inner}{json.dumps(k, ensure_ascii=False)}: {_format_json(v, level + 1, width)}"
            for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    items = [inner + _format_json(v, level + 1, width) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + pad + "]"


# Lone surrogates (valid in JSON as "\ud800", not encodable as UTF-8, so printing or
# saving would fail later) and control characters other than newline and tab.
_BAD_CHARACTER = re.compile(r"[\ud800-\udfff\x00-\x08\x0b-\x1f\x7f-\x9f]")


def check_text(value: Any, where: str = "") -> None:
    """Refuse any string in `value` (keys included) that cannot be printed or saved, and
    nesting deeper than `MAX_DEPTH`.

    Raises `DocumentError` at the first one, naming its place and the character:
    ``meta.title: contains a lone surrogate U+D800 at character 3``. The depth limit is
    here because json reads far deeper than it can write back: a file nested 600 levels
    in its `ui` section would open and then fail on every save.
    """
    stack: list[tuple[Any, str, int]] = [(value, where, 0)]
    while stack:  # not recursive: a deep document must not exhaust the stack here
        item, at, depth = stack.pop()
        if isinstance(item, str):
            _check_string(item, at)
            continue
        if isinstance(item, (dict, list)) and depth >= MAX_DEPTH:
            raise DocumentError(at or "the document", f"is nested more than {MAX_DEPTH} levels deep")
        if isinstance(item, dict):
            for key, child in reversed(item.items()):
                child_at = f"{at}.{key}" if at else str(key)
                if isinstance(key, str):
                    _check_string(key, f"{at or 'the document'}: the key {_show(key)}")
                stack.append((child, child_at, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, f"{at}[{i}]", depth + 1) for i, child in reversed(list(enumerate(item))))


def _check_string(text: str, where: str) -> None:
    match = _BAD_CHARACTER.search(text)
    if match is None:
        return
    char = match.group()
    what = "a lone surrogate" if "\ud800" <= char <= "\udfff" else "the control character"
    allowed = "" if what == "a lone surrogate" else " (only newlines and tabs are allowed)"
    raise DocumentError(where, f"contains {what} U+{ord(char):04X} at character {match.start() + 1}{allowed}")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in a document")


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "a number",
             float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _check_block_name(name: str, where: str) -> None:
    reason = check_identifier(name)
    if reason:
        raise DocumentError(where, f"bad block name: {reason}")
    if name in CATALOG:
        raise DocumentError(where, f"a block cannot be called like the op {name}")


class _Reader:
    """Turns parsed JSON into a Document, raising DocumentError at the first defect."""

    def document(self, data: Any) -> Document:
        obj = self._object(data, "")
        check_text(obj)
        version = obj.get("format_version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise DocumentError("format_version", f"expected a format version number, got {_show(version)}")
        if version > FORMAT_VERSION:
            raise DocumentError(
                "format_version",
                f"written by a newer Netsmith (format {version}); this one reads up to {FORMAT_VERSION}",
            )
        if version < 1:
            raise DocumentError("format_version", f"unknown format version {version}")
        while version < FORMAT_VERSION:
            obj = MIGRATIONS[version](obj)
            version += 1
        for key in obj:
            if key not in _TOP_KEYS:
                raise DocumentError(key, f"unknown section (expected: {', '.join(_TOP_KEYS)})")
        doc = Document()
        doc.meta = self._object(obj.get("meta", {}), "meta")
        doc.training = self._object(obj.get("training", {}), "training")
        if doc.training:
            # Validated like the rest of the file; the section itself is kept as written.
            from engine.training.config import TrainConfig

            TrainConfig.from_dict(doc.training)
        doc.ui = self._object(obj.get("ui", {}), "ui")
        self._blocks(doc, self._object(obj.get("blocks", {}), "blocks"))
        networks = self._object(obj.get("networks"), "networks")
        if not networks:
            raise DocumentError("networks", "a document needs at least one network")
        for name, net in networks.items():
            where = f"networks.{name}"
            reason = check_identifier(name)
            if reason:
                raise DocumentError(where, f"bad network name: {reason}")
            doc.networks[name] = self._graph(doc.new_graph(), net, where)
        return doc

    # -- pieces -------------------------------------------------------------------------
    def _object(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise DocumentError(where, f"expected an object, got {_kind(value)}")
        return value

    def _list(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise DocumentError(where, f"expected a list, got {_kind(value)}")
        return value

    def _blocks(self, doc: Document, blocks: dict[str, Any]) -> None:
        # Create every block first (bodies may use each other), then fill bodies in
        # dependency order so an instance's ports exist before its edges are read.
        deps = nx.DiGraph()
        for name, data in blocks.items():
            where = f"blocks.{name}"
            _check_block_name(name, where)
            doc.blocks[name] = self.new_block(doc, name, data, where)
            deps.add_node(name)
            for node in self._list(data.get("nodes", []), f"{where}.nodes"):
                op = node.get("op") if isinstance(node, dict) else None
                if isinstance(op, str) and op in blocks:
                    deps.add_edge(op, name)
        try:
            order = list(nx.topological_sort(deps))
        except nx.NetworkXUnfeasible:
            cycle = " -> ".join(u for u, _ in nx.find_cycle(deps))
            raise DocumentError("blocks", f"blocks use each other in a cycle: {cycle}") from None
        for name in order:
            self._graph(doc.blocks[name].body, blocks[name], f"blocks.{name}")

    def new_block(self, doc: Document, name: str, data: Any, where: str) -> Block:
        """A block with its parameters and an empty body (filled by `_graph`)."""
        data = self._object(data, where)
        for key in data:
            if key not in ("doc", "params", "nodes", "edges"):
                raise DocumentError(f"{where}.{key}", "unknown key (expected doc, params, nodes, edges)")
        doc_text = data.get("doc", "")
        if not isinstance(doc_text, str):
            raise DocumentError(f"{where}.doc", f"expected a string, got {_kind(doc_text)}")
        params = self._block_params(data.get("params", {}), f"{where}.params")
        return Block(name, doc.new_graph(tuple(p.name for p in params)), params, doc_text)

    def _block_params(self, data: Any, where: str) -> tuple[Param, ...]:
        params = []
        for name, decl in self._object(data, where).items():
            at = f"{where}.{name}"
            if not name.isidentifier() or name == "repeat":
                raise DocumentError(at, "a block parameter needs an identifier name other than 'repeat'")
            decl = self._object(decl, at)
            kind = decl.get("kind")
            if kind not in KINDS:
                raise DocumentError(f"{at}.kind", f"expected one of {', '.join(KINDS)}, got {_show(kind)}")
            fields: dict[str, Any] = {"name": name, "kind": kind}
            for key, value in decl.items():
                if key in ("min", "max"):
                    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
                elif key == "length":
                    ok = isinstance(value, int) and not isinstance(value, bool) and value > 0
                elif key == "choices":
                    ok = isinstance(value, list) and all(isinstance(c, str) for c in value)
                    value = tuple(value) if ok else value
                elif key == "optional":
                    ok = isinstance(value, bool)
                elif key == "doc":
                    ok = isinstance(value, str)
                elif key in ("kind", "default"):
                    continue
                else:
                    raise DocumentError(f"{at}.{key}", "unknown key")
                if not ok:
                    raise DocumentError(f"{at}.{key}", f"invalid value {_show(value)}")
                fields[key] = value
            param = Param(**fields)
            try:
                default = param.validate(decl.get("default"))
            except ParamError as exc:
                raise DocumentError(f"{at}.default", str(exc)) from None
            params.append(Param(**{**fields, "default": default}))
        return tuple(params)

    def _graph(self, graph: Graph, data: Any, where: str) -> Graph:
        data = self._object(data, where)
        allowed = ("nodes", "edges", "doc", "params") if graph.is_block else ("nodes", "edges")
        for key in data:
            if key not in allowed:
                raise DocumentError(f"{where}.{key}", f"unknown key (expected {', '.join(allowed)})")
        seen: dict[str, int] = {}
        for i, entry in enumerate(self._list(data.get("nodes", []), f"{where}.nodes")):
            at = f"{where}.nodes[{i}]"
            entry = self._object(entry, at)
            for key in entry:
                if key not in ("id", "op", "params", "ui"):
                    raise DocumentError(f"{at}.{key}", "unknown key (expected id, op, params, ui)")
            node_id, op = entry.get("id"), entry.get("op")
            reason = check_identifier(node_id)
            if reason:
                raise DocumentError(f"{at}.id", reason)
            if node_id in seen:
                raise DocumentError(f"{at}.id", f"duplicate node id '{node_id}' (also nodes[{seen[node_id]}])")
            seen[node_id] = i
            if not isinstance(op, str):
                raise DocumentError(f"{at}.op", f"expected an op name, got {_show(op)}")
            spec = graph.resolve(op)
            if spec is None:
                raise DocumentError(f"{at}.op", f"unknown op '{op}'")
            if op in ("BlockInput", "BlockOutput") and not graph.is_block:
                raise DocumentError(f"{at}.op", f"{op} belongs inside a block")
            params = self._object(entry.get("params", {}), f"{at}.params")
            ui = self._object(entry.get("ui", {}), f"{at}.ui")
            for name, value in params.items():
                try:
                    graph.validate_params(spec, {name: value})
                except ParamError as exc:
                    message = str(exc).removeprefix(f"{name}: ")
                    raise DocumentError(f"{at}.params.{name}", message) from None
            graph.add_node(op, params, id=node_id, ui=ui)
        for i, entry in enumerate(self._list(data.get("edges", []), f"{where}.edges")):
            at = f"{where}.edges[{i}]"
            entry = self._object(entry, at)
            ends = []
            for key in ("src", "dst"):
                text = entry.get(key)
                if not isinstance(text, str):
                    raise DocumentError(f"{at}.{key}", f"expected 'node.port', got {_show(text)}")
                try:
                    ends.append(Endpoint.parse(text))
                except ValueError as exc:
                    raise DocumentError(f"{at}.{key}", str(exc)) from None
            if set(entry) - {"src", "dst"}:
                raise DocumentError(at, "unknown key (expected src, dst)")
            try:
                graph.connect(ends[0], ends[1])
            except GraphError as exc:
                raise DocumentError(at, str(exc)) from None
        return graph


def _show(value: Any) -> str:
    text = json.dumps(value) if isinstance(value, (str, int, float, bool, type(None))) else _kind(value)
    return text if len(text) <= 60 else text[:57] + "..."
