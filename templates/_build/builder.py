"""A small builder for template documents: nodes wired by name, written through `Document`.

The templates in `templates/*.json` are data; for the large ones (VGG, ResNet,
GoogLeNet) writing every node and edge by hand invites mistakes, so they are
produced here and committed. `Template.document()` loads the result through
`Document.from_dict`, which validates every op, parameter and edge.
"""

from __future__ import annotations

from typing import Any

from engine.document import FORMAT_VERSION, Document
from engine.ops import get_op
from engine.params import is_reference


def endpoint(src: str) -> str:
    """'conv1' -> 'conv1.out'; 'z.z' stays as written."""
    return src if "." in src else f"{src}.out"


def int_params(**defaults: int) -> dict[str, dict[str, Any]]:
    """Block parameter declarations: positive ints with these defaults."""
    return {name: {"kind": "int", "default": value, "min": 1} for name, value in defaults.items()}


class Net:
    """The nodes and edges of a network or of a block body, in the order they are added."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self.nodes: list[dict[str, Any]] = []
        self.edges: list[dict[str, str]] = []

    def add(self, node_id: str, op: str, *inputs: str, **params: Any) -> str:
        """Add a node fed by `inputs` (in port order) and return its id."""
        entry: dict[str, Any] = {"id": node_id, "op": op}
        if params:
            entry["params"] = params
        self.nodes.append(entry)
        ports = self.template.input_ports(op, params)
        if len(inputs) > len(ports):
            raise ValueError(f"{node_id}: {op} has {len(ports)} inputs, got {len(inputs)}")
        for src, port in zip(inputs, ports):
            self.edges.append({"src": endpoint(src), "dst": f"{node_id}.{port}"})
        return node_id

    def seq(self, x: str, *layers: tuple) -> str:
        """Chain layers after `x`; each is (id, op) or (id, op, params). Returns the last id."""
        for layer in layers:
            node_id, op, *rest = layer
            x = self.add(node_id, op, x, **(rest[0] if rest else {}))
        return x

    def to_dict(self) -> dict[str, Any]:
        return {"nodes": self.nodes, "edges": self.edges}


class Template:
    """One document: meta, blocks, networks and the training recipe."""

    def __init__(self, meta: dict[str, Any], training: dict[str, Any]) -> None:
        self.meta = meta
        self.training = training
        self.blocks: dict[str, tuple[str, dict[str, Any], Net]] = {}
        self.networks: dict[str, Net] = {}

    def block(self, name: str, doc: str, params: dict[str, dict[str, Any]] | None = None) -> Net:
        body = Net(self)
        self.blocks[name] = (doc, params or {}, body)
        return body

    def network(self, name: str = "model") -> Net:
        net = Net(self)
        self.networks[name] = net
        return net

    def input_ports(self, op: str, params: dict[str, Any]) -> tuple[str, ...]:
        if op in self.blocks:
            return tuple(n["id"] for n in self.blocks[op][2].nodes if n["op"] == "BlockInput")
        spec = get_op(op)
        if spec is None:
            raise ValueError(f"unknown op {op}")
        return spec.input_names({k: v for k, v in params.items() if not is_reference(v)})

    def to_dict(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "meta": self.meta,
            "networks": {name: net.to_dict() for name, net in self.networks.items()},
            "blocks": {
                name: {"doc": doc, "params": params, **body.to_dict()}
                for name, (doc, params, body) in self.blocks.items()
            },
            "training": self.training,
        }

    def document(self) -> Document:
        return Document.from_dict(self.to_dict())


def meta(
    *,
    title: str,
    authors: str,
    year: int,
    paper: str,
    link: str,
    task: str,
    input_shape: list[int] | dict[str, list[int]],
    expected_params: int | dict[str, int],
    params_source: str,
    note: str,
    recipe: str,
) -> dict[str, Any]:
    """A template's meta block, keys in the documented order.

    For a document with several networks, `input_shape` and `expected_params` map
    each network's name to its figure.
    """
    return {
        "title": title,
        "authors": authors,
        "year": year,
        "paper": paper,
        "link": link,
        "task": task,
        "input_shape": input_shape,
        "expected_params": expected_params,
        "params_source": params_source,
        "note": note,
        "recipe": recipe,
    }
