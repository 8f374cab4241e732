import torch

from engine.analysis import Analyzer, analyze
from engine.graph import Graph
from engine.templates import load_template
from tests.helpers import chain


def branching() -> Graph:
    g = Graph()
    g.add_node("Input", {"shape": [3, 28, 28]}, id="x")
    chain(g, ("Conv2d", {"out_channels": 64, "padding": 1}), start="x")
    chain(g, ("Conv2d", {"out_channels": 32, "padding": 1}), start="x")
    g.add_node("Add", id="add")
    g.connect(("conv1", "out"), ("add", "in1"))
    g.connect(("conv2", "out"), ("add", "in2"))
    chain(g, "ReLU", "Flatten", ("Linear", {"out_features": 10}), start="add")
    g.add_node("Output", id="y")
    g.connect(("fc1", "out"), ("y", "x"))
    return g


def test_failing_node_quotes_both_shapes_and_downstream_is_unresolved():
    a = analyze(branching())
    assert a.nodes["add"].status == "error"
    assert a.nodes["add"].error == "add: Add: input 1 has shape (64, 28, 28), input 2 has (32, 28, 28)"
    assert [a.nodes[n].status for n in ("relu1", "flatten", "fc1", "y")] == ["unresolved"] * 4
    assert [p.message for p in a.errors] == ["add: Add: input 1 has shape (64, 28, 28), input 2 has (32, 28, 28)"]
    assert a.nodes["conv1"].outputs[0].shape == (64, 28, 28)


def test_rank_and_torch_errors_are_readable():
    g = Graph()
    g.add_node("Input", {"kind": "vector", "shape": [10]}, id="x")
    chain(g, ("Conv2d", {}), start="x")
    assert analyze(g).nodes["conv1"].error == "conv1: Conv2d expects shape (C, H, W), received (10,)"
    g2 = Graph()
    g2.add_node("Input", {"shape": [1, 4, 4]}, id="x")
    chain(g2, ("Conv2d", {"kernel_size": 5}), start="x")
    error = analyze(g2).nodes["conv1"].error
    assert error.startswith("conv1: Conv2d cannot take input (1, 4, 4): ")
    assert "Kernel size can't be greater than actual input size" in error


def test_fixing_the_error_resolves_everything():
    g = branching()
    analyzer = Analyzer()
    assert not analyzer.analyze(g).ok
    g.set_params("conv2", {"out_channels": 64})
    a = analyzer.analyze(g)
    assert a.ok
    assert a.nodes["fc1"].outputs[0].shape == (10,)
    assert a.total_params == (64 * 27 + 64) + (64 * 27 + 64) + 64 * 28 * 28 * 10 + 10


def test_incremental_analysis_recomputes_only_downstream():
    g = branching()
    g.set_params("conv2", {"out_channels": 64})
    analyzer = Analyzer()
    analyzer.analyze(g)
    first = analyzer.computed
    analyzer.analyze(g)
    assert analyzer.computed == first  # nothing changed, nothing recomputed
    g.set_params("fc1", {"out_features": 5})
    analyzer.analyze(g)
    assert analyzer.computed == first + 1  # only fc1 (the Output passes through)


def test_shapes_and_params_of_lenet_match_a_real_forward():
    doc = load_template("lenet5")
    a = analyze(doc.network())
    from engine.compiler import compile_network

    module = compile_network(doc.network(), analysis=a)
    x = torch.randn(2, 1, 32, 32)
    seen = {}
    for name, sub in module.named_children():
        sub.register_forward_hook(lambda m, i, o, name=name: seen.__setitem__(name, tuple(o.shape[1:])))
    module(x)
    assert seen == {n: a.nodes[n].outputs[0].shape for n in seen}
    assert a.total_params == sum(p.numel() for p in module.parameters()) == 61706


def test_meta_analysis_of_a_huge_layer_allocates_nothing():
    g = Graph()
    g.add_node("Input", {"kind": "vector", "shape": [25088]}, id="x")
    chain(g, ("Linear", {"out_features": 4096}), ("Linear", {"out_features": 4096}), start="x")
    a = analyze(g)
    assert a.nodes["fc2"].params == 4096 * 4096 + 4096
    assert a.nodes["fc1"].flops == 2 * 25088 * 4096
