import copy

import pytest
import torch
import torch.nn as nn

from engine.analysis import analyze
from engine.compiler import compile_network
from engine.document import Document, DocumentError


def n(id, op, **params):
    return {"id": id, "op": op, "params": params} if params else {"id": id, "op": op}


def e(src, dst):
    return {"src": src, "dst": dst}


BASIC = {
    "doc": "Residual block of two 3x3 convolutions (He et al. 2016)",
    "params": {"channels": {"kind": "int", "default": 64, "min": 1}},
    "nodes": [
        n("x", "BlockInput"),
        n("conv1", "Conv2d", out_channels="$channels", padding=1, bias=False),
        n("bn1", "BatchNorm2d"),
        n("relu1", "ReLU"),
        n("conv2", "Conv2d", out_channels="$channels", padding=1, bias=False),
        n("bn2", "BatchNorm2d"),
        n("add", "Add"),
        n("relu2", "ReLU"),
        n("out", "BlockOutput"),
    ],
    "edges": [e("x.out", "conv1.x"), e("conv1.out", "bn1.x"), e("bn1.out", "relu1.x"), e("relu1.out", "conv2.x"),
              e("conv2.out", "bn2.x"), e("bn2.out", "add.in1"), e("x.out", "add.in2"), e("add.out", "relu2.x"),
              e("relu2.out", "out.x")],
}


def resnet_doc(repeat=2, channels=8):
    return {
        "format_version": 1,
        "blocks": {"BasicBlock": copy.deepcopy(BASIC)},
        "networks": {"model": {
            "nodes": [n("x", "Input", shape=[channels, 8, 8]),
                      n("layer1", "BasicBlock", channels=channels, repeat=repeat),
                      n("gap", "GlobalAvgPool"), n("y", "Output")],
            "edges": [e("x.out", "layer1.x"), e("layer1.out", "gap.x"), e("gap.out", "y.x")],
        }},
    }


class Reference(nn.Module):
    """The same network written by hand, torchvision-style."""

    def __init__(self, c):
        super().__init__()
        self.layer1 = nn.Sequential(*[Basic(c) for _ in range(2)])

    def forward(self, x):
        return self.layer1(x).mean(dim=(2, 3))


class Basic(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        out = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(out + x)


def test_repeated_block_names_weights_like_sequential_and_matches_hand_written():
    doc = Document.from_dict(resnet_doc())
    analysis = analyze(doc.network())
    assert analysis.ok, analysis.problems
    module = compile_network(doc.network(), analysis=analysis)
    ref = Reference(8)
    assert list(module.state_dict()) == list(ref.state_dict())
    module.load_state_dict(ref.state_dict())
    x = torch.randn(3, 8, 8, 8)
    module.eval(), ref.eval()
    torch.testing.assert_close(module(x), ref(x))
    assert analysis.nodes["layer1"].params == sum(p.numel() for p in ref.parameters())
    assert analysis.nodes["layer1"].outputs[0].shape == (8, 8, 8)
    assert "layer1.1.conv2" in analysis.nodes


def test_single_instance_uses_its_own_name_and_block_round_trips():
    doc = Document.from_dict(resnet_doc(repeat=1))
    module = compile_network(doc.network())
    assert "layer1.conv1.weight" in module.state_dict()
    assert Document.from_dict(doc.to_dict()).to_json() == doc.to_json()


def test_block_param_errors_name_the_inner_node():
    data = resnet_doc()
    data["networks"]["model"]["nodes"][1]["params"]["channels"] = 0
    with pytest.raises(DocumentError, match=r"params.channels: expected a positive int, got 0"):
        Document.from_dict(data)
    data = resnet_doc(channels=8)
    data["networks"]["model"]["nodes"][0]["params"]["shape"] = [4, 8, 8]
    analysis = analyze(Document.from_dict(data).network())
    assert [p.message for p in analysis.errors] == [
        "layer1.0.add: Add: input 1 has shape (8, 8, 8), input 2 has (4, 8, 8)"]
    assert analysis.errors[0].node == "layer1"
    assert analysis.nodes["layer1"].status == "error"


def test_blocks_that_contain_themselves_are_refused():
    data = resnet_doc()
    data["blocks"]["BasicBlock"]["nodes"].append(n("inner", "BasicBlock"))
    with pytest.raises(DocumentError, match="blocks use each other in a cycle: BasicBlock"):
        Document.from_dict(data)


def test_reference_to_an_undeclared_block_param_is_refused():
    data = resnet_doc()
    data["blocks"]["BasicBlock"]["nodes"][1]["params"]["stride"] = "$stride"
    with pytest.raises(DocumentError, match=r"blocks.BasicBlock.nodes\[1\].params.stride: .*\$stride names no parameter"):
        Document.from_dict(data)


def nested_doc():
    conv_bn = {
        "params": {"channels": {"kind": "int", "default": 4, "min": 1}},
        "nodes": [n("x", "BlockInput"), n("conv", "Conv2d", out_channels="$channels", bias=False),
                  n("bn", "BatchNorm2d"), n("out", "BlockOutput")],
        "edges": [e("x.out", "conv.x"), e("conv.out", "bn.x"), e("bn.out", "out.x")],
    }
    two_branches = {
        "params": {"width": {"kind": "int", "default": 4, "min": 1}},
        "nodes": [n("x", "BlockInput"), n("left", "ConvBN", channels="$width"), n("right", "ConvBN", channels=2),
                  n("cat", "Concat"), n("out", "BlockOutput")],
        "edges": [e("x.out", "left.x"), e("x.out", "right.x"), e("left.out", "cat.in1"), e("right.out", "cat.in2"),
                  e("cat.out", "out.x")],
    }
    return {
        "format_version": 1,
        # Listed before the block they use: the loader orders blocks by dependency.
        "blocks": {"Branches": two_branches, "ConvBN": conv_bn},
        "networks": {"model": {
            "nodes": [n("x", "Input", shape=[3, 6, 6]), n("stage", "Branches", width=5, repeat=2), n("y", "Output")],
            "edges": [e("x.out", "stage.x"), e("stage.out", "y.x")],
        }},
    }


def test_nested_blocks_flatten_to_dotted_names_and_compute_like_hand_written_code():
    doc = Document.from_dict(nested_doc())
    analysis = analyze(doc.network())
    assert analysis.ok, analysis.problems
    module = compile_network(doc.network(), analysis=analysis)
    assert "stage.1.left.conv.weight" in module.state_dict()
    assert module.get_submodule("stage.0.left.conv").weight.shape == (5, 3, 3, 3)
    assert module.get_submodule("stage.1.right.conv").weight.shape == (2, 7, 3, 3)
    assert analysis.nodes["stage"].outputs[0].shape == (7, 2, 2)
    assert analysis.nodes["stage"].params == sum(p.numel() for p in module.parameters())
    module.eval()
    x = torch.randn(2, 3, 6, 6)

    def branches(prefix, x):
        conv_bn = lambda side: module.get_submodule(f"{prefix}.{side}.bn")(module.get_submodule(f"{prefix}.{side}.conv")(x))  # noqa: E731
        return torch.cat([conv_bn("left"), conv_bn("right")], dim=1)

    torch.testing.assert_close(module(x), branches("stage.1", branches("stage.0", x)))
    assert Document.from_dict(doc.to_dict()).to_json() == doc.to_json()


def test_problems_inside_a_nested_block_are_reported():
    data = nested_doc()
    data["blocks"]["ConvBN"]["nodes"].append(n("stray", "ReLU"))
    doc = Document.from_dict(data)
    assert doc.blocks_used() == {"Branches", "ConvBN"}
    assert [p.message for p in doc.problems()] == [
        "block ConvBN: stray: input 'x' is not connected",
        "block ConvBN: stray does not lead to any BlockOutput and is left out",
    ]
