"""Hypothesis strategies for hostile documents: shipped templates mutated, and JSON at random.

Names come from the places a node id can clash with: every attribute of `nn.Module`
and `torch.fx.GraphModule`, Python's keywords and builtins; text from the Unicode
corners that break encoders and terminals (lone surrogates, RTL overrides, NUL,
combining marks, compatibility characters that NFKC folds into other identifiers, very
long strings); numbers from where sizes overflow (huge, negative, zero, non-finite,
floats and strings where ints belong). Documents are produced as the bytes a file
would hold, since the loader starts from bytes.
"""

from __future__ import annotations

import builtins
import copy
import json
import keyword
from typing import Any

import torch.fx
import torch.nn as nn
from hypothesis import strategies as st

from engine.ops import CATALOG
from engine.resources import templates_dir

__all__ = ["SEED_TEMPLATES", "documents", "hostile_names", "hostile_text", "hostile_values", "random_json_bytes"]

# Small, fast to analyse, and between them: blocks (nested, repeated), several networks,
# a recipe, Playground weights. lstm_char and gru_char are left out as seeds only because
# their analysis takes seconds each (the LSTM/GRU ops still come in through op changes).
SEED_TEMPLATES = ("lenet5", "perceptron", "playground_mlp", "gcn", "stn", "vae", "squeezenet1_1", "dcgan",
                  "srcnn", "selu_mlp", "swish_cnn", "nin", "unet", "resnet18", "googlenet", "mobilenet_v1")

MODULE_ATTRIBUTES = sorted(set(dir(nn.Module())) | set(dir(torch.fx.GraphModule)))
PYTHON_NAMES = sorted(set(keyword.kwlist) | set(keyword.softkwlist) | set(dir(builtins)))
UNICODE_EDGES = [
    "\ud800", "\udfff", "a\udc80b",  # lone surrogates: valid JSON escapes, not encodable as UTF-8
    "\u202e", "evil\u202etxt.py", "\u200f\u200e", "\u2066x\u2069",  # bidi overrides and isolates
    "\x00", "a\x00b", "\x1b[2J\x1b[31m", "\x07\x08\x7f", "line\nbreak", "\r\n", "\t",
    "e\u0301", "\u0301", "a" + "\u0301" * 300,  # combining marks, alone and stacked
    "\ufeff", "\u200b", "\u00a0", "",  " ", "   ",
    "\ufb01", "fi", "\u210c", "H", "\u00b5", "\u03bc",  # NFKC folds the first of each pair into the second
    "\U0001d518\U0001d52b", "名前", "\U0001f600", "\uffff", "\U0010ffff",
    "x" * 100_000, "a.b", "a/b", "../../etc/passwd", "'\"\\", '"""', "{}", "${HOME}", "%s%n",
]
HUGE_NUMBERS = [0, -1, -2, 1, 2**31, 2**31 - 1, 2**32, 2**53 + 1, 2**63, 2**64, -(2**63), 10**7, 10**9, 10**12,
                10**100, 1e308, -1e308, 1e-320, 0.5, -0.0, 3.0]


def hostile_names() -> st.SearchStrategy[str]:
    """Strings a node, block or network could be called."""
    return st.one_of(
        st.sampled_from(MODULE_ATTRIBUTES),
        st.sampled_from(PYTHON_NAMES),
        st.sampled_from(UNICODE_EDGES),
        st.from_regex(r"\A[A-Za-z_][A-Za-z0-9_]{0,12}\Z"),
        st.text(max_size=12),
    )


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(UNICODE_EDGES), hostile_names(), st.text(max_size=40))


def hostile_values() -> st.SearchStrategy[Any]:
    """Anything a parameter could hold in a file: mostly the wrong thing."""
    scalars = st.one_of(
        st.sampled_from(HUGE_NUMBERS),
        st.integers(min_value=-(10**15), max_value=10**15),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.none(),
        hostile_text(),
    )
    return st.one_of(scalars, st.lists(scalars, max_size=5),
                     st.dictionaries(hostile_text(), scalars, max_size=3))


def _json_values() -> st.SearchStrategy[Any]:
    return st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), hostile_text()),
        lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(hostile_text(), inner, max_size=5)),
        max_leaves=40,
    )


def _encode(value: Any, ascii_only: bool) -> bytes:
    # allow_nan writes NaN/Infinity tokens (not JSON, but what a careless writer produces);
    # surrogatepass writes a lone surrogate as the invalid UTF-8 a foreign tool might.
    return json.dumps(value, allow_nan=True, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


@st.composite
def random_json_bytes(draw: st.DrawFn) -> bytes:
    """Random JSON, random JSON under the top keys of a document, or random bytes."""
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return draw(st.binary(max_size=200))
    if choice == 1:
        return _encode(draw(_json_values()), draw(st.booleans()))
    sections = st.sampled_from(["format_version", "meta", "networks", "blocks", "training", "ui"])
    doc = draw(st.dictionaries(sections, _json_values(), max_size=6))
    if choice == 3:
        doc["format_version"] = 1
        doc["networks"] = draw(st.dictionaries(hostile_names(), _json_values(), min_size=1, max_size=2))
    return _encode(doc, draw(st.booleans()))


_TEMPLATES: dict[str, dict[str, Any]] = {}


def _template(name: str) -> dict[str, Any]:
    if name not in _TEMPLATES:
        _TEMPLATES[name] = json.loads((templates_dir() / f"{name}.json").read_text(encoding="utf-8"))
    return copy.deepcopy(_TEMPLATES[name])


def _graphs(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every node list holder: the networks and the block bodies."""
    found = []
    for section in ("networks", "blocks"):
        holder = doc.get(section)
        if isinstance(holder, dict):
            found += [g for g in holder.values() if isinstance(g, dict)]
    return found


def _nested(depth: int, leaf: Any = 0) -> Any:
    value = leaf
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


# Each mutation changes the parsed template in place; `draw` draws what it needs.
def _set_param(doc: dict, draw: st.DrawFn) -> None:
    node = _pick_node(doc, draw)
    if node is None:
        return
    spec = CATALOG.get(node.get("op"))
    known = [p.name for p in spec.params] if spec is not None else []
    key = draw(st.sampled_from(known)) if known and draw(st.booleans()) else draw(hostile_names())
    node.setdefault("params", {})[key] = draw(hostile_values())


def _huge_size(doc: dict, draw: st.DrawFn) -> None:
    # The sizes that make a layer enormous: channels, features, hidden size.
    node = _pick_node(doc, draw)
    if node is None:
        return
    spec = CATALOG.get(node.get("op"))
    sizes = [p.name for p in spec.params if p.kind == "int"] if spec is not None else []
    if sizes:
        node.setdefault("params", {})[draw(st.sampled_from(sizes))] = draw(st.sampled_from(
            [10**7, 10**9, 2**31, 2**40, -5, 0]))


def _rename_node(doc: dict, draw: st.DrawFn) -> None:
    graph = _pick_graph(doc, draw)
    nodes = [n for n in (graph or {}).get("nodes", []) if isinstance(n, dict)]
    if not nodes:
        return
    node = draw(st.sampled_from(nodes))
    old, new = node.get("id"), draw(hostile_names())
    node["id"] = new
    if draw(st.booleans()):  # keep the edges pointing at it, as a careful hand-editor would
        for edge in graph.get("edges", []) if isinstance(graph.get("edges"), list) else []:
            for end in ("src", "dst"):
                if isinstance(edge.get(end), str) and edge[end].split(".")[0] == old:
                    edge[end] = f"{new}.{edge[end].split('.', 1)[1]}"


def _delete_node(doc: dict, draw: st.DrawFn) -> None:
    graph = _pick_graph(doc, draw)
    if graph and graph.get("nodes"):
        graph["nodes"].pop(draw(st.integers(0, len(graph["nodes"]) - 1)))


def _rewire(doc: dict, draw: st.DrawFn) -> None:
    graph = _pick_graph(doc, draw)
    if graph is None:
        return
    ids = [n.get("id") for n in graph.get("nodes", []) if isinstance(n, dict) and isinstance(n.get("id"), str)]
    ids = ids or ["x"]
    end = st.one_of(
        st.builds(lambda i, p: f"{i}.{p}", st.sampled_from(ids), st.sampled_from(["out", "x", "a", "b", "in"])),
        hostile_text(),
    )
    edges = graph.setdefault("edges", [])
    if not isinstance(edges, list):
        return
    if edges and draw(st.booleans()):
        edge = draw(st.sampled_from(edges))
        edge[draw(st.sampled_from(["src", "dst"]))] = draw(end)
    else:
        edges.append({"src": draw(end), "dst": draw(end)})


def _change_op(doc: dict, draw: st.DrawFn) -> None:
    node = _pick_node(doc, draw)
    if node is not None:
        blocks = list(doc["blocks"]) if isinstance(doc.get("blocks"), dict) and doc["blocks"] else ["Conv2d"]
        node["op"] = draw(st.one_of(st.sampled_from(sorted(CATALOG)), st.sampled_from(blocks), hostile_names()))


def _recursive_blocks(doc: dict, draw: st.DrawFn) -> None:
    """A block that uses itself, or two that use each other, used by the network."""
    names = draw(st.lists(st.from_regex(r"\A[A-Z][a-z]{1,6}\Z"), min_size=1, max_size=2, unique=True))
    blocks = doc.setdefault("blocks", {})
    if not isinstance(blocks, dict):
        return
    for i, name in enumerate(names):
        other = names[(i + 1) % len(names)]
        blocks[name] = {"nodes": [{"id": "inp", "op": "BlockInput"}, {"id": "inner", "op": other},
                                  {"id": "outp", "op": "BlockOutput"}],
                        "edges": [{"src": "inp.out", "dst": "inner.x"}, {"src": "inner.out", "dst": "outp.x"}]}
    networks = doc.get("networks")
    graph = networks.get("model") if isinstance(networks, dict) else None
    if isinstance(graph, dict) and isinstance(graph.get("nodes", []), list):
        graph.setdefault("nodes", []).append({"id": "recursive", "op": names[0]})


def _hostile_meta(doc: dict, draw: st.DrawFn) -> None:
    meta = doc.setdefault("meta", {})
    if not isinstance(meta, dict):
        return
    meta[draw(st.sampled_from(["title", "paper", "note", "authors"]) | hostile_text())] = draw(hostile_text())


def _rename_section_key(doc: dict, draw: st.DrawFn) -> None:
    section = doc.get(draw(st.sampled_from(["networks", "blocks"])))
    if isinstance(section, dict) and section:
        old = draw(st.sampled_from(sorted(section)))
        section[draw(hostile_names())] = section.pop(old)


def _hostile_training(doc: dict, draw: st.DrawFn) -> None:
    training = doc.setdefault("training", {})
    if not isinstance(training, dict):
        return
    key = draw(st.sampled_from(["batch_size", "epochs", "seed", "task", "dataset", "optimizer", "device"]))
    training[key] = draw(st.sampled_from(HUGE_NUMBERS) | hostile_values())


def _plausible_param(doc: dict, draw: st.DrawFn) -> None:
    """A value of the right type for one of the op's own parameters, often extreme."""
    node = _pick_node(doc, draw)
    spec = CATALOG.get(node.get("op")) if node is not None else None
    if spec is None or not spec.params:
        return
    param = draw(st.sampled_from(spec.params))
    size = st.sampled_from(HUGE_NUMBERS[:14]) | st.integers(-3, 5000)
    value: Any = {"int": size,
                  "float": st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([0.0, 1.0, 1e30]),
                  "bool": st.booleans(),
                  "choice": st.sampled_from(list(param.choices) or [""]),
                  "str": hostile_text(),
                  "ints": st.lists(size, max_size=4),
                  "size": size | st.lists(size, min_size=1, max_size=3),
                  "padding": size | st.sampled_from(list(param.choices) or [0])}.get(param.kind, hostile_values())
    node.setdefault("params", {})[param.name] = draw(value)


def _deep_ui(doc: dict, draw: st.DrawFn) -> None:
    doc["ui"] = {"deep": _nested(draw(st.sampled_from([50, 400, 900, 990, 2000, 10_000])))}


def _wrong_section(doc: dict, draw: st.DrawFn) -> None:
    key = draw(st.sampled_from(["format_version", "meta", "networks", "blocks", "training", "ui"]))
    if draw(st.booleans()):
        doc.pop(key, None)
    else:
        doc[key] = draw(hostile_values())


# Mutations that often leave a document the loader accepts, so that analysis, export and
# the compiler see it too; and the rest, that mostly test the loader's refusals.
PLAUSIBLE = (_huge_size, _plausible_param, _rename_node, _change_op, _recursive_blocks, _hostile_meta, _deep_ui,
             _delete_node)
MUTATIONS = PLAUSIBLE + (_set_param, _rewire, _rename_section_key, _hostile_training, _wrong_section)


def _pick_graph(doc: dict, draw: st.DrawFn) -> dict | None:
    graphs = [g for g in _graphs(doc) if isinstance(g.get("nodes", []), list)]
    return draw(st.sampled_from(graphs)) if graphs else None


def _pick_node(doc: dict, draw: st.DrawFn) -> dict | None:
    graph = _pick_graph(doc, draw)
    nodes = [n for n in (graph or {}).get("nodes", []) if isinstance(n, dict)]
    return draw(st.sampled_from(nodes)) if nodes else None


@st.composite
def documents(draw: st.DrawFn) -> bytes:
    """A shipped template with one to four mutations, as bytes (sometimes cut short)."""
    doc = _template(draw(st.sampled_from(SEED_TEMPLATES)))
    pool = PLAUSIBLE if draw(st.booleans()) else MUTATIONS
    for mutation in draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3)):
        mutation(doc, draw)
    try:
        raw = _encode(doc, draw(st.booleans()))
    except RecursionError:  # json.dumps itself cannot nest this deep: write the nesting by hand
        depth = 10_000
        raw = (b'{"format_version": 1, "networks": {"model": {"nodes": []}}, "ui": ' + b'[' * depth + b']' * depth
               + b'}')
    if draw(st.integers(0, 19)) == 13:  # not 0: hypothesis draws its minimum far more often
        raw = raw[: draw(st.integers(1, len(raw) - 1))]
    return raw
