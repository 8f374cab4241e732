import pytest
import torch
import torch.nn as nn

from engine.compiler import CompileError, compile_network, example_inputs
from engine.graph import Graph
from engine.templates import load_template
from tests.helpers import chain


def vae_like() -> Graph:
    g = Graph()
    g.add_node("Input", {"kind": "vector", "shape": [6]}, id="x")
    chain(g, ("Linear", {"out_features": 4}), ("ReLU", {}), start="x")
    g.add_node("Linear", {"out_features": 2}, id="fc_mu")
    g.add_node("Linear", {"out_features": 2}, id="fc_logvar")
    g.connect(("relu1", "out"), ("fc_mu", "x"))
    g.connect(("relu1", "out"), ("fc_logvar", "x"))
    g.add_node("Reparameterize", id="z")
    g.connect(("fc_mu", "out"), ("z", "mu"))
    g.connect(("fc_logvar", "out"), ("z", "logvar"))
    chain(g, ("Linear", {"out_features": 6}), start="z")
    for name, src in (("recon", "fc2"), ("mu", "fc_mu"), ("logvar", "fc_logvar")):
        g.add_node("Output", id=name)
        g.connect((src, "out"), (name, "x"))
    return g


def test_several_outputs_return_a_tuple_in_document_order():
    module = compile_network(vae_like()).eval()
    x = torch.randn(5, 6)
    recon, mu, logvar = module(x)
    torch.testing.assert_close(mu, module.fc_mu(module.relu1(module.fc1(x))))
    assert recon.shape == (5, 6) and logvar.shape == (5, 2)


def test_inplace_only_where_the_value_has_one_reader():
    g = Graph()
    g.add_node("Input", {"shape": [3, 8, 8]}, id="x")
    chain(g, ("Conv2d", {"out_channels": 4}), "ReLU", start="x")  # conv1 -> relu1: single reader
    chain(g, "ReLU", start="x")  # relu2 reads the network input: never in place
    chain(g, ("Conv2d", {"out_channels": 4}), start="x")
    chain(g, "ReLU", start="conv2")
    chain(g, "Sigmoid", start="conv2")  # conv2 has two readers
    for src in ("relu1", "relu2", "relu3", "sigmoid1"):
        out = g.add_node("Output", id=f"out_{src}")
        g.connect((src, "out"), (out.id, "x"))
    module = compile_network(g)
    assert module.relu1.inplace is True
    assert module.relu2.inplace is False
    assert module.relu3.inplace is False
    x = torch.randn(2, 3, 8, 8)
    x_before = x.clone()
    outs = module(x)
    torch.testing.assert_close(x, x_before)
    torch.testing.assert_close(outs[2], torch.relu(module.conv2(x)))
    sum(o.sum() for o in outs).backward()


def test_errors_are_listed_not_compiled():
    g = Graph()
    g.add_node("Input", {"shape": [3, 8, 8]}, id="x")
    chain(g, ("Linear", {}), start="x")
    g.add_node("Conv2d", id="orphan")
    with pytest.raises(CompileError) as info:
        compile_network(g)
    assert "orphan: input 'x' is not connected" in info.value.problems
    assert "the network has no Output node" in info.value.problems


def test_compiled_module_trains_and_goes_through_torch_compile():
    doc = load_template("lenet5")
    module = compile_network(doc.network())
    (x,) = example_inputs(doc.network(), batch_size=8)
    target = torch.randint(0, 10, (8,))
    torch.manual_seed(0)
    opt = torch.optim.Adam(module.parameters(), lr=0.01)
    losses = []
    for _ in range(20):
        loss = nn.functional.cross_entropy(module(x), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0] * 0.2  # memorising 8 samples
    compiled = torch.compile(module, backend="aot_eager")
    torch.testing.assert_close(compiled(x), module(x))


def test_dead_ends_are_left_out():
    g = Graph()
    g.add_node("Input", {"kind": "vector", "shape": [3]}, id="x")
    chain(g, ("Linear", {"out_features": 2}), start="x")
    chain(g, ("Linear", {"out_features": 7}), start="x")  # fc2 leads nowhere
    g.add_node("Output", id="y")
    g.connect(("fc1", "out"), ("y", "x"))
    module = compile_network(g)
    assert [name for name, _ in module.named_children()] == ["fc1"]
