"""Documents built in the tests: the shapes of graph that templates use (blocks, branches,
skips, several outputs), small enough to export, run and compare in a second."""

from __future__ import annotations

from typing import Any

from engine.analysis import analyze
from engine.document import Document


def n(id: str, op: str, **params: Any) -> dict[str, Any]:
    return {"id": id, "op": op, "params": params} if params else {"id": id, "op": op}


def chain(*ids: str, ports: tuple[str, str] = ("out", "x")) -> list[dict[str, str]]:
    """Edges joining `ids` one after another through their `out` and `x` ports."""
    return [{"src": f"{a}.{ports[0]}", "dst": f"{b}.{ports[1]}"} for a, b in zip(ids, ids[1:])]


def e(src: str, dst: str) -> dict[str, str]:
    return {"src": src, "dst": dst}


def document(nodes: list, edges: list, blocks: dict | None = None, title: str = "Net") -> Document:
    data: dict[str, Any] = {"format_version": 1, "meta": {"title": title},
                            "networks": {"model": {"nodes": nodes, "edges": edges}}}
    if blocks:
        data["blocks"] = blocks
    return Document.from_dict(data)


def _conv(id: str, channels: Any, kernel: int = 3, stride: Any = 1, padding: int = 1) -> dict[str, Any]:
    return n(id, "Conv2d", out_channels=channels, kernel_size=kernel, stride=stride, padding=padding, bias=False)


def resnet_like() -> Document:
    """ResNet's shape: a stem, residual blocks (identity and projection shortcuts), a block
    repeated, a nested stage block used twice with different channels, global pooling."""
    basic = {
        "doc": "Two 3x3 convolutions and an identity shortcut.",
        "params": {"channels": {"kind": "int", "default": 64, "min": 1}},
        "nodes": [n("x", "BlockInput"), _conv("conv1", "$channels"), n("bn1", "BatchNorm2d"), n("relu1", "ReLU"),
                  _conv("conv2", "$channels"), n("bn2", "BatchNorm2d"), n("add", "Add"), n("relu2", "ReLU"),
                  n("out", "BlockOutput")],
        "edges": chain("x", "conv1", "bn1", "relu1", "conv2", "bn2") + [e("bn2.out", "add.in1"), e("x.out", "add.in2")]
        + chain("add", "relu2", "out"),
    }
    down = {
        "doc": "A residual block that halves the resolution, with a 1x1 projection shortcut.",
        "params": {"channels": {"kind": "int", "default": 64, "min": 1},
                   "stride": {"kind": "int", "default": 2, "min": 1}},
        "nodes": [n("x", "BlockInput"), _conv("conv1", "$channels", stride="$stride"), n("bn1", "BatchNorm2d"),
                  n("relu1", "ReLU"), _conv("conv2", "$channels"), n("bn2", "BatchNorm2d"),
                  _conv("downsample_conv", "$channels", kernel=1, stride="$stride", padding=0),
                  n("downsample_bn", "BatchNorm2d"), n("add", "Add"), n("relu2", "ReLU"), n("out", "BlockOutput")],
        "edges": chain("x", "conv1", "bn1", "relu1", "conv2", "bn2") + chain("x", "downsample_conv", "downsample_bn")
        + [e("bn2.out", "add.in1"), e("downsample_bn.out", "add.in2")] + chain("add", "relu2", "out"),
    }
    stage = {
        "doc": "A stage: one downsampling block, then identity blocks.",
        "params": {"channels": {"kind": "int", "default": 64, "min": 1}},
        "nodes": [n("x", "BlockInput"), n("down", "DownBlock", channels="$channels"),
                  n("blocks", "BasicBlock", channels="$channels", repeat=2), n("out", "BlockOutput")],
        "edges": chain("x", "down", "blocks", "out"),
    }
    nodes = [n("image", "Input", shape=[3, 32, 32]), _conv("conv1", 16), n("bn1", "BatchNorm2d"), n("relu", "ReLU"),
             n("layer1", "BasicBlock", channels=16, repeat=3), n("layer2", "Stage", channels=32),
             n("layer3", "Stage", channels=64), n("pool", "GlobalAvgPool"), n("fc", "Linear", out_features=10),
             n("logits", "Output")]
    edges = chain("image", "conv1", "bn1", "relu", "layer1", "layer2", "layer3", "pool", "fc", "logits")
    return document(nodes, edges, {"BasicBlock": basic, "DownBlock": down, "Stage": stage}, "ResNet-like")


def inception_like() -> Document:
    """GoogLeNet's shape: a block of four parallel branches joined by Concat, used twice."""
    def conv(id: str, channels: str, kernel: int) -> dict[str, Any]:
        return n(id, "Conv2d", out_channels=channels, kernel_size=kernel, padding=kernel // 2)

    inception = {
        "doc": "Four branches: 1x1, 1x1 then 3x3, 1x1 then 5x5, 3x3 max-pool then 1x1.",
        "params": {name: {"kind": "int", "default": 8, "min": 1}
                   for name in ("ch1x1", "ch3x3red", "ch3x3", "ch5x5red", "ch5x5", "pool_proj")},
        "nodes": [n("x", "BlockInput"),
                  conv("branch1", "$ch1x1", 1), n("branch1_relu", "ReLU"),
                  conv("branch2_reduce", "$ch3x3red", 1), n("branch2_relu1", "ReLU"), conv("branch2_conv", "$ch3x3", 3),
                  n("branch2_relu2", "ReLU"),
                  conv("branch3_reduce", "$ch5x5red", 1), n("branch3_relu1", "ReLU"), conv("branch3_conv", "$ch5x5", 5),
                  n("branch3_relu2", "ReLU"),
                  n("branch4_pool", "MaxPool2d", kernel_size=3, stride=1, padding=1), conv("branch4_proj", "$pool_proj", 1),
                  n("branch4_relu", "ReLU"),
                  n("cat", "Concat", num_inputs=4), n("out", "BlockOutput")],
        "edges": chain("x", "branch1", "branch1_relu") + chain("x", "branch2_reduce", "branch2_relu1", "branch2_conv", "branch2_relu2")
        + chain("x", "branch3_reduce", "branch3_relu1", "branch3_conv", "branch3_relu2")
        + chain("x", "branch4_pool", "branch4_proj", "branch4_relu")
        + [e("branch1_relu.out", "cat.in1"), e("branch2_relu2.out", "cat.in2"), e("branch3_relu2.out", "cat.in3"),
           e("branch4_relu.out", "cat.in4"), e("cat.out", "out.x")],
    }
    nodes = [n("image", "Input", shape=[3, 16, 16]), n("conv1", "Conv2d", out_channels=12, kernel_size=3, padding=1),
             n("relu1", "ReLU"),
             n("inception3a", "Inception", ch1x1=4, ch3x3red=4, ch3x3=8, ch5x5red=2, ch5x5=4, pool_proj=4),
             n("inception3b", "Inception", ch1x1=8, ch3x3red=6, ch3x3=8, ch5x5red=2, ch5x5=4, pool_proj=4),
             n("pool", "AdaptiveAvgPool2d"), n("flatten", "Flatten"), n("dropout", "Dropout", p=0.4),
             n("fc", "Linear", out_features=10), n("logits", "Output")]
    edges = chain("image", "conv1", "relu1", "inception3a", "inception3b", "pool", "flatten", "dropout", "fc", "logits")
    return document(nodes, edges, {"Inception": inception}, "Inception-like")


def unet_like() -> Document:
    """U-Net's shape: an encoder whose feature maps skip across to a decoder by Concat."""
    def double(prefix: str, channels: int) -> list[dict[str, Any]]:
        return [n(f"{prefix}_conv1", "Conv2d", out_channels=channels, kernel_size=3, padding=1), n(f"{prefix}_relu1", "ReLU"),
                n(f"{prefix}_conv2", "Conv2d", out_channels=channels, kernel_size=3, padding=1), n(f"{prefix}_relu2", "ReLU")]

    def ids(prefix: str) -> list[str]:
        return [f"{prefix}_conv1", f"{prefix}_relu1", f"{prefix}_conv2", f"{prefix}_relu2"]

    nodes = [n("image", "Input", shape=[1, 16, 16]), *double("enc1", 4), n("pool1", "MaxPool2d"), *double("enc2", 8),
             n("pool2", "MaxPool2d"), *double("bottom", 16),
             n("up2", "ConvTranspose2d", out_channels=8, kernel_size=2, stride=2, padding=0), n("cat2", "Concat"),
             *double("dec2", 8),
             n("up1", "ConvTranspose2d", out_channels=4, kernel_size=2, stride=2, padding=0), n("cat1", "Concat"),
             *double("dec1", 4), n("head", "Conv2d", out_channels=2, kernel_size=1), n("mask", "Output")]
    edges = (chain("image", *ids("enc1"), "pool1", *ids("enc2"), "pool2", *ids("bottom"), "up2")
             + [e("up2.out", "cat2.in1"), e("enc2_relu2.out", "cat2.in2")] + chain("cat2", *ids("dec2"), "up1")
             + [e("up1.out", "cat1.in1"), e("enc1_relu2.out", "cat1.in2")] + chain("cat1", *ids("dec1"), "head", "mask"))
    return document(nodes, edges, title="U-Net-like")


def vae_like() -> Document:
    """A VAE: two heads from one encoder, sampling, and three outputs (recon, mu, logvar)."""
    nodes = [n("x", "Input", kind="vector", shape=[20]), n("fc1", "Linear", out_features=12), n("relu1", "ReLU"),
             n("fc_mu", "Linear", out_features=3), n("fc_logvar", "Linear", out_features=3), n("z", "Reparameterize"),
             n("fc2", "Linear", out_features=12), n("relu2", "ReLU"), n("fc3", "Linear", out_features=20),
             n("sigmoid", "Sigmoid"), n("recon", "Output"), n("mu", "Output"), n("logvar", "Output")]
    edges = (chain("x", "fc1", "relu1", "fc_mu") + chain("relu1", "fc_logvar")
             + [e("fc_mu.out", "z.mu"), e("fc_logvar.out", "z.logvar"), e("z.z", "fc2.x")]
             + chain("fc2", "relu2", "fc3", "sigmoid", "recon") + [e("fc_mu.out", "mu.x"), e("fc_logvar.out", "logvar.x")])
    return document(nodes, edges, title="VAE-like")


def split_like() -> Document:
    """Split and Chunk with several outputs, one of them unused, joined again in a new order."""
    nodes = [n("x", "Input", shape=[7, 4, 4]), n("split", "Split", sizes=[1, 2, 4]), n("chunk", "Chunk", chunks=2),
             n("relu", "ReLU"), n("cat", "Concat", num_inputs=3), n("mul", "Multiply"), n("y", "Output"),
             n("z", "Output")]
    edges = [e("x.out", "split.x"), e("split.out3", "chunk.x"), e("chunk.out2", "relu.x"), e("relu.out", "cat.in1"),
             e("split.out1", "cat.in2"), e("split.out2", "mul.in1"), e("split.out2", "mul.in2"), e("mul.out", "cat.in3"),
             e("cat.out", "y.x"), e("chunk.out1", "z.x")]
    return document(nodes, edges, title="Split-like")


def vgg_like() -> Document:
    """VGG's shape: a conv block repeated, whose first copy takes other channels than the rest."""
    block = {
        "doc": "3x3 convolution and ReLU.",
        "params": {"channels": {"kind": "int", "default": 64, "min": 1}},
        "nodes": [n("x", "BlockInput"), n("conv", "Conv2d", out_channels="$channels", kernel_size=3, padding=1),
                  n("relu", "ReLU"), n("out", "BlockOutput")],
        "edges": chain("x", "conv", "relu", "out"),
    }
    nodes = [n("image", "Input", shape=[3, 16, 16]), n("stage1", "ConvReLU", channels=8, repeat=4),
             n("pool1", "MaxPool2d"), n("stage2", "ConvReLU", channels=16, repeat=2), n("pool2", "MaxPool2d"),
             n("flatten", "Flatten"), n("fc", "Linear", out_features=5), n("logits", "Output")]
    edges = chain("image", "stage1", "pool1", "stage2", "pool2", "flatten", "fc", "logits")
    return document(nodes, edges, {"ConvReLU": block}, "VGG-like")


BUILT = {"resnet_like": resnet_like, "vgg_like": vgg_like, "inception_like": inception_like, "unet_like": unet_like,
         "vae_like": vae_like, "split_like": split_like}


def shrink_input(doc: Document, largest: int = 256) -> Document:
    """The same network (same weights) on a smaller image when its Input is larger than
    `largest` pixels a side: U-Net's 572 x 572 costs seconds a forward on two cores.
    The smallest side that keeps every weight's shape is taken."""
    graph = doc.network()
    (node,) = [node for node in graph.nodes.values() if node.op == "Input"]
    shape = tuple(node.params.get("shape", ()))
    if len(shape) != 3 or shape[-1] <= largest:
        return doc
    params = analyze(graph).total_params
    for side in range(60, shape[-1], 4):
        graph.set_params(node.id, {"shape": [shape[0], side, side]})
        analysis = analyze(graph)
        if analysis.ok and analysis.total_params == params:
            return doc
    graph.set_params(node.id, {"shape": list(shape)})
    return doc
