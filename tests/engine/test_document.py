import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.document import Document, DocumentError
from engine.templates import load_template, template_path


def lenet_dict() -> dict:
    return json.loads(template_path("lenet5").read_text())


def test_round_trip_is_byte_identical(tmp_path):
    doc = load_template("lenet5")
    doc.ui["canvas"] = {"zoom": 1.5}
    doc.network().set_ui("conv1", {"x": 10.0, "y": -4.5})
    path = tmp_path / "lenet.json"
    doc.save(path)
    again = Document.load(path)
    assert again.to_json() == doc.to_json() == path.read_text()
    assert list(json.loads(path.read_text())) == ["format_version", "meta", "networks", "training", "ui"]


def test_save_is_atomic_and_leaves_no_temporary(tmp_path, monkeypatch):
    doc = load_template("lenet5")
    path = tmp_path / "model.json"
    path.write_text("previous contents")

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        doc.save(path)
    assert path.read_text() == "previous contents"
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]


def load_error(data) -> str:
    with pytest.raises(DocumentError) as info:
        Document.from_dict(data)
    return str(info.value)


def test_bad_param_names_its_place():
    data = lenet_dict()
    data["networks"]["model"]["nodes"][1]["params"]["kernel_size"] = -2
    assert load_error(data) == "networks.model.nodes[1].params.kernel_size: expected a positive int or a list of 2 such ints, got -2"


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda d: d.update(format_version=99), "format_version: written by a newer Netsmith (format 99)"),
    (lambda d: d.pop("format_version"), "format_version: expected a format version number, got null"),
    (lambda d: d["networks"]["model"]["nodes"][2].update(op="Conv9d"), "networks.model.nodes[2].op: unknown op 'Conv9d'"),
    (lambda d: d["networks"]["model"]["nodes"][2].update(id="conv1"), "networks.model.nodes[2].id: duplicate node id 'conv1' (also nodes[1])"),
    (lambda d: d["networks"]["model"]["nodes"][2].update(id="input"), "networks.model.nodes[2].id: 'input' would shadow the Python builtin input()"),
    (lambda d: d["networks"]["model"]["edges"].append({"src": "ghost.out", "dst": "fc1.x"}), "networks.model.edges[13]: there is no node 'ghost'"),
    (lambda d: d["networks"]["model"]["edges"].append({"src": "fc3.out", "dst": "conv1.x"}), "networks.model.edges[13]: conv1.x already has an input from image.out; disconnect it first"),
    (lambda d: d["networks"]["model"]["nodes"][3].update(params={"stride": "2"}), "networks.model.nodes[3].params.stride: expected a positive int or a list of 2 such ints, or null, got '2'"),
    (lambda d: d["networks"]["model"]["nodes"][5].update(params={"bogus": 1}), "networks.model.nodes[5].params.bogus: Tanh has no parameter 'bogus'"),
    (lambda d: d.update(networks=[]), "networks: expected an object, got a list"),
])
def test_defects_give_one_error_with_a_path(mutate, expected):
    data = lenet_dict()
    mutate(data)
    assert load_error(data).startswith(expected)


def test_cycle_in_file_is_refused():
    data = lenet_dict()
    edges = data["networks"]["model"]["edges"]
    edges[0] = {"src": "tanh1.out", "dst": "conv1.x"}
    assert load_error(data) == "networks.model.edges[1]: connecting conv1.out to tanh1.x would make a cycle"


@pytest.mark.parametrize(("raw", "expected"), [
    (b"", "the file is empty"),
    (b"   \n", "the file is empty"),
    (b"\xff\xfe\x00", "not UTF-8 text"),
    (b"{not json", "not valid JSON: Expecting property name enclosed in double quotes at line 1, column 2"),
    (b'{"format_version": NaN}', "not valid JSON"),
    (b"[" * 100000 + b"]" * 100000, "not valid JSON"),
    (b"[]", "expected an object, got a list"),
])
def test_files_that_are_not_documents(tmp_path, raw, expected):
    path = tmp_path / "bad.json"
    path.write_bytes(raw)
    with pytest.raises(DocumentError) as info:
        Document.load(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_missing_file_is_a_document_error(tmp_path):
    with pytest.raises(DocumentError, match="cannot read the file"):
        Document.load(tmp_path / "nope.json")


def test_training_and_ui_sections_survive_unchanged():
    data = lenet_dict()
    data["training"]["schedule"] = {"name": "step", "step_size": 3}
    data["training"]["loss"] = {"name": "cross_entropy", "class_weights": [1, 2, 0.5, 1, 1, 1, 1, 1, 1, 1]}
    data["ui"] = {"theme": "dark"}
    doc = Document.from_dict(data)
    assert doc.to_dict()["training"] == data["training"]
    assert doc.to_dict()["ui"] == {"theme": "dark"}


def test_training_recipe_is_validated_on_load():
    data = lenet_dict()
    data["training"]["optimizer"] = {"name": "sgd", "lr": -1}
    with pytest.raises(DocumentError, match=r"^training\.optimizer\.lr: expected a positive number, got -1$"):
        Document.from_dict(data)


# -- fuzzing: the only exception the loader may raise is DocumentError ---------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 70) | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["", "x", "conv1", "Conv2d", "ReLU", "out", "x.out", "conv1.x", "$k", "same", "image"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["id", "op", "params", "src", "dst", "nodes", "edges", "kind", "shape", "kernel_size",
                         "out_channels", "model", "format_version", "networks", "blocks", "default", "ui"]),
        children, max_size=4),
    max_leaves=12,
)


def _mutate(data, path, value):
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


LENET_PATHS = [p for p in _paths(lenet_dict()) if p]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(LENET_PATHS), json_values), min_size=1, max_size=3))
def test_mutated_documents_raise_only_document_error(mutations):
    data = lenet_dict()
    for path, value in mutations:
        try:
            _mutate(data, path, value)
        except (KeyError, IndexError, TypeError):
            pass  # an earlier mutation removed the parent
    try:
        Document.from_dict(data)
    except DocumentError:
        pass


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_random_documents_raise_only_document_error(value):
    try:
        Document.from_dict(value)
    except DocumentError:
        pass
    try:
        Document.loads(json.dumps(value))
    except DocumentError:
        pass


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_raise_only_document_error(raw):
    try:
        Document.loads(raw)
    except DocumentError:
        pass
