import pytest

from engine.graph import Endpoint, Graph, GraphError
from engine.params import ParamError
from tests.helpers import chain


def small() -> Graph:
    g = Graph()
    g.add_node("Input", {"kind": "vector", "shape": [4]}, id="x")
    chain(g, ("Linear", {"out_features": 3}), "ReLU", start="x")
    g.add_node("Output", id="y")
    g.connect(("relu1", "out"), ("y", "x"))
    return g


def test_auto_ids_follow_op_prefixes():
    g = Graph()
    assert [g.add_node(op).id for op in ("Conv2d", "Conv2d", "Linear", "Input", "Input")] == [
        "conv1", "conv2", "fc1", "x", "x2"]


@pytest.mark.parametrize("bad", ["input", "sum", "class", "training", "forward", "1conv", "a-b", "", "torch", "F"])
def test_ids_that_would_break_python_or_modules_are_refused(bad):
    g = Graph()
    with pytest.raises(GraphError, match="cannot name a node"):
        g.add_node("ReLU", id=bad)


def test_duplicate_ids_refused_and_rename_updates_edges():
    g = small()
    with pytest.raises(GraphError, match="already a node named 'fc1'"):
        g.add_node("ReLU", id="fc1")
    g.rename("fc1", "classifier")
    assert [str(e) for e in g.edges] == ["x.out -> classifier.x", "classifier.out -> relu1.x", "relu1.out -> y.x"]
    assert list(g.nodes) == ["x", "classifier", "relu1", "y"]


def test_connect_refuses_cycles_double_inputs_and_unknown_ports():
    g = small()
    g.add_node("Add", id="add")
    with pytest.raises(GraphError, match="already has an input from x.out"):
        g.connect(("x", "out"), ("fc1", "x"))
    g.disconnect(("fc1", "x"))
    with pytest.raises(GraphError, match="connecting relu1.out to fc1.x would make a cycle"):
        g.connect(("relu1", "out"), ("fc1", "x"))
    with pytest.raises(GraphError, match="has no input port 'in3'"):
        g.connect(("x", "out"), ("add", "in3"))
    with pytest.raises(GraphError, match="would make a cycle"):
        g.connect(("add", "out"), ("add", "in1"))


def test_events_and_version():
    g = Graph()
    seen = []
    g.changed.connect(lambda e: seen.append((e.kind, e.node, str(e.edge) if e.edge else None)))
    g.add_node("ReLU", id="a")
    g.add_node("ReLU", id="b")
    g.connect(("a", "out"), ("b", "x"))
    g.set_params("a", {})
    g.remove_node("a")
    assert seen == [
        ("node_added", "a", None), ("node_added", "b", None), ("edge_added", None, "a.out -> b.x"),
        ("params_changed", "a", None), ("edge_removed", None, "a.out -> b.x"), ("node_removed", "a", None)]
    assert g.version == 6


def test_remove_returns_what_undo_needs():
    g = small()
    node, index, edges = g.remove_node("fc1")
    assert (node.id, index) == ("fc1", 1)
    assert [str(e) for e in edges] == ["x.out -> fc1.x", "fc1.out -> relu1.x"]
    g.add_node(node.op, node.params, id=node.id, index=index)
    for e in edges:
        g.connect(e.src, e.dst)
    assert list(g.nodes) == ["x", "fc1", "relu1", "y"]


def test_params_validated_and_fewer_ports_drop_edges():
    g = Graph()
    for i in range(3):
        g.add_node("Input", {"kind": "vector", "shape": [2]}, id=f"x{i}")
    g.add_node("Concat", {"num_inputs": 3}, id="cat")
    for i in range(3):
        g.connect((f"x{i}", "out"), ("cat", f"in{i + 1}"))
    with pytest.raises(ParamError, match="num_inputs: expected an int in \\[2, 64\\], got 1"):
        g.set_params("cat", {"num_inputs": 1})
    old, removed = g.set_params("cat", {"num_inputs": 2})
    assert old == {"num_inputs": 3}
    assert [str(e) for e in removed] == ["x2.out -> cat.in3"]
    assert g.node("cat").params == {"num_inputs": 2}


def test_topological_order_is_deterministic_by_document_order():
    g = Graph()
    g.add_node("Input", {"kind": "vector", "shape": [2]}, id="x")
    for name in ("b", "a", "c"):
        g.add_node("ReLU", id=name)
        g.connect(("x", "out"), (name, "x"))
    g.add_node("Add", {"num_inputs": 3}, id="add")
    for i, name in enumerate(("c", "a", "b"), 1):
        g.connect((name, "out"), ("add", f"in{i}"))
    assert g.topological_order() == ["x", "b", "a", "c", "add"]
    assert g.copy().topological_order() == ["x", "b", "a", "c", "add"]


def test_problems_name_their_nodes():
    g = Graph()
    g.add_node("Input", {"kind": "vector", "shape": [2]}, id="x")
    g.add_node("Linear", id="fc")
    g.add_node("ReLU", id="dead")
    g.connect(("x", "out"), ("dead", "x"))
    g.add_node("Output", id="out")
    g.connect(("fc", "out"), ("out", "x"))
    messages = [(p.severity, p.message) for p in g.problems()]
    assert ("error", "fc: input 'x' is not connected") in messages
    assert ("error", "out: no Input reaches this Output") in messages
    assert ("warning", "dead does not lead to any Output and is left out") in messages
    assert Graph().problems()[0].message == "the network has no Input node"


def test_endpoint_parse():
    assert Endpoint.parse("conv1.out") == ("conv1", "out")
    with pytest.raises(ValueError):
        Endpoint.parse("conv1")
