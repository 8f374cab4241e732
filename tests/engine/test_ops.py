"""Every op, at two or more settings: analysis against a real forward pass on CPU."""

from __future__ import annotations

import copy

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from engine.analysis import analyze
from engine.compiler import compile_network, example_inputs
from engine.ops import CATALOG
from tests.helpers import single_op_graph


def t(*shape: int, kind: str = "tensor", **extra):
    return {"kind": kind, "shape": list(shape), **extra}


IMG = t(3, 16, 16)
SEQ = t(7, 5)
VEC = t(12)

# op -> list of (params, inputs); every visible op needs at least two cases.
CASES: dict[str, list[tuple[dict, list[dict]]]] = {
    "Linear": [({"out_features": 7}, [VEC]), ({"out_features": 3, "bias": False}, [t(4, 6)])],
    "Conv1d": [({"out_channels": 4, "kernel_size": 3}, [t(2, 20)]),
               ({"out_channels": 6, "kernel_size": 5, "stride": 2, "padding": "valid", "groups": 2}, [t(4, 31)])],
    "Conv2d": [({"out_channels": 8, "kernel_size": 3, "padding": 1}, [IMG]),
               ({"out_channels": 6, "kernel_size": [3, 5], "stride": 2, "dilation": 2, "bias": False}, [IMG]),
               ({"out_channels": 6, "kernel_size": 3, "padding": "same", "depthwise": True}, [IMG])],
    "ConvTranspose2d": [({"out_channels": 4}, [IMG]),
                        ({"out_channels": 2, "kernel_size": 3, "stride": 1, "padding": 0, "output_padding": 0}, [t(3, 5, 5)])],
    "ZeroPad2d": [({}, [IMG]), ({"padding": [1, 2, 3, 4]}, [IMG])],
    "MaxPool1d": [({}, [t(3, 10)]), ({"kernel_size": 3, "stride": 1, "padding": 1}, [t(3, 10)])],
    "AvgPool1d": [({}, [t(3, 10)]), ({"kernel_size": 3, "ceil_mode": True}, [t(3, 10)])],
    "MaxPool2d": [({}, [IMG]), ({"kernel_size": 3, "stride": 2, "ceil_mode": True}, [t(3, 15, 15)])],
    "AvgPool2d": [({}, [IMG]), ({"kernel_size": [2, 4], "padding": 1, "count_include_pad": False}, [IMG])],
    "AdaptiveAvgPool2d": [({}, [IMG]), ({"output_size": [6, 6]}, [IMG])],
    "AdaptiveMaxPool2d": [({}, [IMG]), ({"output_size": 3}, [IMG])],
    "GlobalAvgPool": [({}, [IMG]), ({}, [t(5, 9)])],
    "BatchNorm1d": [({}, [VEC]), ({"affine": False}, [t(4, 9)])],
    "BatchNorm2d": [({}, [IMG]), ({"eps": 1e-3, "momentum": 0.01}, [IMG])],
    "LayerNorm": [({}, [SEQ]), ({"dims": 3, "elementwise_affine": False}, [IMG])],
    "GroupNorm": [({"num_groups": 2}, [t(4, 6, 6)]), ({"num_groups": 1, "affine": False}, [IMG])],
    "InstanceNorm2d": [({}, [IMG]), ({"affine": True}, [IMG])],
    "LocalResponseNorm": [({}, [IMG]), ({"size": 3, "k": 1.0}, [IMG])],
    "Dropout": [({}, [VEC]), ({"p": 0.1}, [IMG])],
    "Dropout2d": [({}, [IMG]), ({"p": 0.2}, [IMG])],
    "AlphaDropout": [({}, [VEC]), ({"p": 0.2}, [SEQ])],
    "ReLU": [({}, [VEC]), ({}, [IMG])],
    "ReLU6": [({}, [VEC]), ({}, [IMG])],
    "LeakyReLU": [({}, [VEC]), ({"negative_slope": 0.2}, [IMG])],
    "PReLU": [({}, [VEC]), ({"per_channel": True}, [IMG])],
    "ELU": [({}, [VEC]), ({"alpha": 0.5}, [IMG])],
    "SELU": [({}, [VEC]), ({}, [IMG])],
    "GELU": [({}, [VEC]), ({"approximate": "tanh"}, [IMG])],
    "SiLU": [({}, [VEC]), ({}, [IMG])],
    "Hardswish": [({}, [VEC]), ({}, [IMG])],
    "Sigmoid": [({}, [VEC]), ({}, [IMG])],
    "Tanh": [({}, [VEC]), ({}, [IMG])],
    "Softmax": [({}, [VEC]), ({"dim": -1}, [SEQ])],
    "LogSoftmax": [({}, [VEC]), ({"dim": 2}, [SEQ])],
    "Step": [({}, [VEC]), ({}, [IMG])],
    "Flatten": [({}, [IMG]), ({"start_dim": 2}, [IMG])],
    "Reshape": [({"shape": [3, 256]}, [IMG]), ({"shape": [-1, 4]}, [IMG])],
    "Permute": [({}, [SEQ]), ({"dims": [0, 2, 3, 1]}, [IMG])],
    "Upsample": [({}, [IMG]), ({"size": [20, 24], "mode": "bilinear", "align_corners": True}, [IMG])],
    "PixelShuffle": [({}, [t(8, 4, 4)]), ({"upscale_factor": 3}, [t(9, 5, 5)])],
    "Crop": [({}, [t(4, 12, 10), t(2, 8, 6)]), ({"size": [5, 7]}, [IMG])],
    "Identity": [({}, [VEC]), ({}, [IMG])],
    "Add": [({}, [IMG, IMG]), ({"num_inputs": 3}, [VEC, VEC, VEC])],
    "Multiply": [({}, [IMG, IMG]), ({"num_inputs": 3}, [VEC, VEC, VEC])],
    "Concat": [({}, [IMG, t(5, 16, 16)]), ({"num_inputs": 3, "dim": -1}, [SEQ, t(7, 2), SEQ])],
    "Split": [({"sizes": [1, 2]}, [IMG]), ({"sizes": [4, 4, 4], "dim": 1}, [VEC]), ({"sizes": [3]}, [IMG])],
    "Chunk": [({}, [t(4, 3, 3)]), ({"chunks": 3, "dim": 2}, [t(2, 9)]), ({"chunks": 1}, [IMG])],
    "Embedding": [({"num_embeddings": 20, "embedding_dim": 8}, [t(9, kind="tokens", vocab_size=20)]),
                  ({"num_embeddings": 5, "embedding_dim": 3, "padding_idx": 0}, [t(4, kind="tokens", vocab_size=5)])],
    "RNN": [({"hidden_size": 8}, [SEQ]), ({"hidden_size": 4, "num_layers": 2, "output": "last"}, [SEQ])],
    "LSTM": [({"hidden_size": 8}, [SEQ]),
             ({"hidden_size": 6, "num_layers": 2, "bidirectional": True, "dropout": 0.1, "output": "last"}, [SEQ])],
    "GRU": [({"hidden_size": 8, "bidirectional": True}, [SEQ]), ({"hidden_size": 3, "output": "last"}, [SEQ])],
    "PlaygroundFeatures": [({}, [t(2)]), ({"x1_squared": True, "sin_x2": True, "x1": False}, [t(2)])],
    "Reparameterize": [({}, [VEC, VEC]), ({}, [SEQ, SEQ])],
    "SpatialTransformer": [({}, [IMG, t(6)]), ({}, [t(1, 8, 8), t(2, 3)])],
    "GraphConv": [({"out_features": 4}, [t(6, 3, kind="graph"), t(6, 6, kind="adjacency")]),
                  ({"out_features": 2, "bias": False}, [t(5, 5, kind="graph"), t(5, 5, kind="adjacency")])],
}

OPS_UNDER_TEST = [name for name, spec in CATALOG.items() if not spec.hidden and spec.module is not None]
PARAMS = [(op, i) for op in OPS_UNDER_TEST for i in range(len(CASES.get(op, [])))]


def test_every_op_has_two_cases():
    missing = [op for op in OPS_UNDER_TEST if len(CASES.get(op, [])) < 2]
    assert not missing, f"ops without two test cases: {missing}"
    assert set(CASES) <= set(OPS_UNDER_TEST)


@pytest.mark.parametrize(("op", "case"), PARAMS, ids=[f"{op}-{i}" for op, i in PARAMS])
def test_analysis_matches_real_forward(op, case):
    params, inputs = CASES[op][case]
    graph = single_op_graph(op, params, inputs)
    analysis = analyze(graph)
    assert analysis.ok, analysis.problems
    module = compile_network(graph, analysis=analysis)
    torch.manual_seed(0)
    xs = example_inputs(graph, batch_size=3, analysis=analysis)
    for x in xs:
        if x.is_floating_point():
            x.requires_grad_(True)
    out = module(*xs)
    outs = out if isinstance(out, tuple) else (out,)
    result = analysis.nodes["node"]
    assert [tuple(o.shape[1:]) for o in outs] == [info.shape for info in result.outputs]
    assert [o.dtype for o in outs] == [info.dtype for info in result.outputs]
    real_params = sum(p.numel() for p in module.get_submodule("node").parameters())
    assert result.params == real_params
    sub, inputs = module.get_submodule("node"), [x.detach() for x in xs]
    if op in ("RNN", "LSTM", "GRU"):
        # On CPU these run one fused kernel that flop_counter has no formula for;
        # on meta they decompose into the matmuls that analysis counts.
        sub, inputs = copy.deepcopy(sub).to("meta"), [x.to("meta") for x in inputs]
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        sub(*inputs)
    assert result.flops == counter.get_total_flops() // 3
    differentiable = [o for o in outs if o.requires_grad]
    if op == "Step":
        assert not differentiable  # the unit step has no gradient by design
        return
    assert differentiable
    sum(o.float().sum() for o in differentiable).backward()
    grads = [p.grad for p in module.parameters()]
    assert all(g is not None and torch.isfinite(g).all() for g in grads)


def test_flops_match_torch_flop_counter_on_a_real_module():
    graph = single_op_graph("Conv2d", {"out_channels": 8, "kernel_size": 3, "padding": 1}, [IMG])
    analysis = analyze(graph)
    module = compile_network(graph, analysis=analysis).get_submodule("node")
    with FlopCounterMode(display=False) as counter:
        module(torch.randn(1, 3, 16, 16))
    assert analysis.nodes["node"].flops == counter.get_total_flops() == 2 * 8 * 3 * 9 * 16 * 16


def test_lstm_flops_equal_the_gate_matmuls():
    analysis = analyze(single_op_graph("LSTM", {"hidden_size": 8}, [SEQ]))
    steps, features, hidden = 7, 5, 8
    assert analysis.nodes["node"].flops == 2 * steps * 4 * hidden * (features + hidden)


def test_crop_keeps_the_centre_and_refuses_a_larger_target():
    graph = single_op_graph("Crop", {"size": [2, 3]}, [t(1, 5, 6)])
    module = compile_network(graph)
    x = torch.arange(30.0).reshape(1, 1, 5, 6)
    assert module(x)[0, 0].tolist() == [[7.0, 8.0, 9.0], [13.0, 14.0, 15.0]]
    analysis = analyze(single_op_graph("Crop", {}, [IMG, t(2, 20, 8)]))
    assert [p.message for p in analysis.errors] == [
        "node: Crop: cannot crop (3, 16, 16) to the height and width of input 'like' (2, 20, 8)"]
