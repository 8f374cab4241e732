"""The reserved-name rule: a node id never collides with an attribute of the module holding it."""

from __future__ import annotations

import json
import re

import pytest
import torch.nn as nn

from engine.compiler import compile_network
from engine.document import Document, DocumentError
from engine.export import export_target
from engine.export.python_code import python_source
from engine.graph import GraphError
from engine.names import RESERVED, Namespace, check_identifier, is_identifier
from engine.templates import load_template

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Attributes the compiled module sets itself and that ids named like them would break:
# `code` and `recompile` gave "'str' object is not callable" and a TypeError at train time.
COMPILED_ONLY = ["code", "recompile", "_tracer_cls", "graph", "_code", "_graph", "meta", "print_readable",
                 "to_folder", "_lineno_map", "delete_submodule"]


def _identifiers(names) -> set[str]:
    return {n for n in names if _IDENT.match(n)}


def test_every_attribute_of_a_compiled_network_is_reserved():
    doc = load_template("lenet5")
    module = compile_network(doc.network())
    own = set(module._modules)  # the node ids, which are allowed by definition
    attributes = _identifiers(dir(module)) - own
    assert {"code", "recompile", "_tracer_cls", "graph"} <= attributes
    allowed = sorted(a for a in attributes if is_identifier(a) or check_identifier(a) is None)
    assert allowed == []


def test_every_attribute_of_the_exported_class_is_reserved():
    doc = load_template("lenet5")
    namespace: dict = {}
    exec(compile(python_source(export_target(doc)), "<export>", "exec"), namespace)
    instance = namespace["LeNet5"]()
    attributes = _identifiers(dir(instance)) - set(instance._modules)
    assert sorted(a for a in attributes if check_identifier(a) is None) == []


@pytest.mark.parametrize("name", COMPILED_ONLY)
def test_compiled_module_attributes_are_refused_with_the_reason(name):
    assert name in RESERVED
    assert check_identifier(name) == (
        f"'{name}' is an attribute of the compiled module (torch.fx.GraphModule); pick another name")


def test_module_attributes_say_so():
    assert check_identifier("training") == "'training' is an attribute of every torch.nn.Module; pick another name"
    assert check_identifier("_parameters") is not None
    assert check_identifier("conv1") is None and check_identifier("codec") is None


@pytest.mark.parametrize("name", ["code", "recompile", "_tracer_cls", "graph", "training", "forward"])
def test_the_allocator_never_hands_out_a_reserved_name(name):
    names = Namespace()
    bare = names.create(name, numbered=False)
    numbered = names.create(name)
    assert bare != name and is_identifier(bare) and check_identifier(bare) is None
    assert is_identifier(numbered) and numbered not in RESERVED


def test_the_allocator_skips_reserved_names_over_the_whole_set():
    names = Namespace()
    for reserved in sorted(_identifiers(RESERVED)):
        assert names.create(reserved, numbered=False) not in RESERVED


def _perceptron_with(node_id: str) -> str:
    text = json.dumps(load_template("perceptron").to_dict())
    return text.replace('"fc"', f'"{node_id}"').replace('"fc.', f'"{node_id}.')


@pytest.mark.parametrize("name", ["code", "recompile", "_tracer_cls"])
def test_a_document_with_such_an_id_is_refused_at_load(name):
    with pytest.raises(DocumentError) as err:
        Document.loads(_perceptron_with(name))
    assert str(err.value) == (f"networks.model.nodes[1].id: '{name}' is an attribute of the compiled module "
                              "(torch.fx.GraphModule); pick another name")


def test_graph_add_and_rename_refuse_compiled_module_attributes():
    graph = load_template("perceptron").network()
    with pytest.raises(GraphError, match="attribute of the compiled module"):
        graph.add_node("ReLU", id="code")
    with pytest.raises(GraphError, match="attribute of the compiled module"):
        graph.rename("fc", "recompile")
    assert "fc" in graph.nodes


def test_block_and_network_names_follow_the_same_rule():
    data = load_template("perceptron").to_dict()
    data["networks"] = {"graph": data["networks"]["model"]}
    with pytest.raises(DocumentError, match=r"^networks.graph: bad network name: 'graph' is an attribute"):
        Document.from_dict(data)
    doc = load_template("perceptron")
    with pytest.raises(DocumentError, match=r"^blocks.code: bad block name: 'code' is an attribute"):
        doc.block_from_dict("code", {"nodes": [], "edges": []})


def test_a_renamed_node_compiles_and_keeps_its_weights_name():
    # The allocator's answer for a refused name is usable: the network compiles and trains.
    doc = load_template("perceptron")
    graph = doc.network()
    new = Namespace(set(graph.nodes)).create("code", numbered=False)
    graph.rename("fc", new)
    module = compile_network(graph)
    assert isinstance(getattr(module, new), nn.Linear)
    assert f"{new}.weight" in module.state_dict()
    assert callable(module.recompile) and isinstance(module.code, str)


@pytest.mark.parametrize("name", ["__x", "___needs_generation_tag_patch", "__init__"])
def test_names_with_two_leading_underscores_are_refused(name):
    # torch._dynamo adds `___needs_generation_tag_patch` to nn.Module once it is imported,
    # after RESERVED was computed; and `self.__x` would be mangled in the exported class.
    assert not is_identifier(name)
    assert "two underscores" in check_identifier(name)


@pytest.mark.parametrize("candidate", ["__x", "___needs_generation_tag_patch", "__", "__init__"])
def test_the_allocator_turns_dunder_candidates_into_allowed_names(candidate):
    name = Namespace().create(candidate, numbered=False)
    assert check_identifier(name) is None and name.startswith("_") and not name.startswith("__")
