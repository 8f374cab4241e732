import math

import pytest
import torch
import torch.nn as nn

from engine.analysis import analyze
from engine.compiler import compile_network
from engine.document import Document
from engine.graph import Graph
from engine.ops.init import INITS, apply_init, init_source
from tests.helpers import chain


def one_layer(op, params, shape):
    g = Graph()
    g.add_node("Input", {"kind": "tensor", "shape": shape}, id="x")
    chain(g, (op, params), "Output", start="x")
    return g


@pytest.mark.parametrize(("op", "params", "shape", "fan_in"), [
    ("Linear", {"out_features": 300}, [400], 400),
    ("Conv2d", {"out_channels": 64, "kernel_size": 5}, [16, 12, 12], 16 * 25),
    ("Conv2d", {"out_channels": 64, "kernel_size": 3, "groups": 4}, [32, 8, 8], 8 * 9),
])
def test_lecun_normal_has_std_one_over_sqrt_fan_in_and_zero_bias(op, params, shape, fan_in):
    torch.manual_seed(0)
    module = compile_network(one_layer(op, {**params, "init": "lecun_normal"}, shape))
    layer = next(m for m in module.modules() if isinstance(m, (nn.Linear, nn.Conv2d)))
    std = layer.weight.std().item()
    assert abs(std - 1 / math.sqrt(fan_in)) < 0.02 / math.sqrt(fan_in)
    assert abs(layer.weight.mean().item()) < 0.05 / math.sqrt(fan_in)
    assert torch.count_nonzero(layer.bias) == 0


def test_kaiming_normal_is_sqrt_two_times_lecun():
    torch.manual_seed(0)
    module = compile_network(one_layer("Linear", {"out_features": 500, "init": "kaiming_normal"}, [200]))
    assert abs(module.fc1.weight.std().item() - math.sqrt(2 / 200)) < 0.002


def test_default_init_is_pytorchs_own():
    torch.manual_seed(3)
    module = compile_network(one_layer("Linear", {"out_features": 7}, [5]))
    torch.manual_seed(3)
    torch.testing.assert_close(module.fc1.weight, nn.Linear(5, 7).weight)


@pytest.mark.parametrize("name", sorted(INITS))
def test_exported_init_statements_give_the_same_weights(name):
    torch.manual_seed(0)
    built = nn.Linear(4, 6)
    apply_init(built, name)

    class Holder(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 6)

    holder = Holder()
    torch.manual_seed(0)
    holder.fc = nn.Linear(4, 6)
    exec("\n".join(init_source("fc", name)), {"torch": torch, "nn": nn, "self": holder})
    torch.testing.assert_close(holder.fc.weight, built.weight)
    torch.testing.assert_close(holder.fc.bias, built.bias)


def test_identity_affine_starts_a_spatial_transformer_at_the_identity():
    module = compile_network(one_layer("Linear", {"out_features": 6, "init": "identity_affine"}, [32]))
    assert torch.count_nonzero(module.fc1.weight) == 0
    assert module.fc1.bias.tolist() == [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
    analysis = analyze(one_layer("Linear", {"out_features": 10, "init": "identity_affine"}, [32]))
    assert [p.message for p in analysis.errors] == [
        "fc1: Linear cannot take input (32,): init 'identity_affine' needs a bias of 6 outputs, "
        "this layer has 10 outputs"]


def test_init_is_kept_by_documents_and_refused_when_unknown():
    doc = Document()
    doc.networks["model"] = one_layer("Linear", {"out_features": 3, "init": "xavier_uniform"}, [4])
    data = doc.to_dict()
    assert data["networks"]["model"]["nodes"][1]["params"] == {"out_features": 3, "init": "xavier_uniform"}
    assert Document.from_dict(data).network().nodes["fc1"].params["init"] == "xavier_uniform"
    data["networks"]["model"]["nodes"][1]["params"]["init"] = "orthogonal"
    with pytest.raises(ValueError, match=r"nodes\[1\]\.params\.init: expected one of 'default'"):
        Document.from_dict(data)
