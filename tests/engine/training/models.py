"""Small documents for the training tests, built with the Graph API (templates are tested elsewhere)."""

from __future__ import annotations

from typing import Any

from helpers import chain, sequential_document

from engine.document import Document


def mlp(training: dict[str, Any], hidden: int = 16, layers: int = 2, out: int = 2, act: str = "Tanh") -> Document:
    steps: list = []
    for _ in range(layers):
        steps += [("Linear", {"out_features": hidden}), act]
    return sequential_document({"kind": "vector", "shape": [2]}, *steps, ("Linear", {"out_features": out}),
                               training=training)


def small_cnn(training: dict[str, Any], size: int = 8, classes: int = 10) -> Document:
    return sequential_document(
        {"shape": [1, size, size]}, ("Conv2d", {"out_channels": 8, "kernel_size": 3, "padding": 1}), "ReLU",
        ("MaxPool2d", {}), "Flatten", ("Linear", {"out_features": 32}), "ReLU",
        ("Linear", {"out_features": classes}), training=training)


def vae(training: dict[str, Any], latent: int = 8) -> Document:
    doc = Document()
    g = doc.add_network()
    g.add_node("Input", {"shape": [1, 8, 8]}, id="x")
    enc = chain(g, "Flatten", ("Linear", {"out_features": 64}), "ReLU", start="x")
    for head in ("mu", "logvar"):
        g.add_node("Linear", {"out_features": latent}, id=head)
        g.connect((enc[-1], "out"), (head, "x"))
    g.add_node("Reparameterize", id="z")
    g.connect(("mu", "out"), ("z", "mu"))
    g.connect(("logvar", "out"), ("z", "logvar"))
    dec = chain(g, ("Linear", {"out_features": 64}), "ReLU", ("Linear", {"out_features": 64}), "Sigmoid",
                ("Reshape", {"shape": [1, 8, 8]}), start="z")
    for name, src in (("recon", dec[-1]), ("mu_out", "mu"), ("logvar_out", "logvar")):
        g.add_node("Output", id=name)
        g.connect((src, "out"), (name, "x"))
    doc.training = training
    return doc


def gan(training: dict[str, Any], wgan: bool = False, latent: int = 16) -> Document:
    doc = Document()
    sequential_document(
        {"kind": "vector", "shape": [latent]}, ("Linear", {"out_features": 64 * 2 * 2}), "ReLU",
        ("Reshape", {"shape": [64, 2, 2]}),
        ("ConvTranspose2d", {"out_channels": 32}), ("BatchNorm2d", {}), "ReLU",  # 4x4
        ("ConvTranspose2d", {"out_channels": 1}), "Tanh",  # 8x8
        name="generator", doc=doc)
    steps: list = [("Conv2d", {"out_channels": 32, "kernel_size": 4, "stride": 2, "padding": 1}),
                   ("LeakyReLU", {"negative_slope": 0.2}),
                   ("Conv2d", {"out_channels": 64, "kernel_size": 4, "stride": 2, "padding": 1}),
                   ("LeakyReLU", {"negative_slope": 0.2}), "Flatten", ("Linear", {"out_features": 1})]
    if not wgan:
        steps.append("Sigmoid")
    sequential_document({"shape": [1, 8, 8]}, *steps, name="discriminator", doc=doc)
    doc.training = training
    return doc


def srcnn(training: dict[str, Any]) -> Document:
    # SRCNN's 9-1-5 layout (Dong et al. 2014), narrower, with 'same' padding.
    return sequential_document(
        {"shape": [1, 32, 32]}, ("Conv2d", {"out_channels": 32, "kernel_size": 9, "padding": 4}), "ReLU",
        ("Conv2d", {"out_channels": 16, "kernel_size": 1}), "ReLU",
        ("Conv2d", {"out_channels": 1, "kernel_size": 5, "padding": 2}), training=training)


def unet(training: dict[str, Any], size: int = 32, classes: int = 3, width: int = 16) -> Document:
    """A two-level U-Net (Ronneberger et al. 2015) with 'same' convolutions and batch norm."""
    doc = Document()
    g = doc.add_network()
    g.add_node("Input", {"shape": [3, size, size]}, id="x")
    conv = lambda c: ("Conv2d", {"out_channels": c, "kernel_size": 3, "padding": 1})  # noqa: E731
    bn = ("BatchNorm2d", {})
    down1 = chain(g, conv(width), bn, "ReLU", conv(width), bn, "ReLU", start="x")
    down2 = chain(g, ("MaxPool2d", {}), conv(2 * width), bn, "ReLU", conv(2 * width), bn, "ReLU", start=down1[-1])
    up = chain(g, ("ConvTranspose2d", {"out_channels": width, "kernel_size": 2, "stride": 2, "padding": 0}),
               start=down2[-1])
    g.add_node("Concat", {}, id="skip")
    g.connect((down1[-1], "out"), ("skip", "in1"))
    g.connect((up[-1], "out"), ("skip", "in2"))
    head = chain(g, conv(width), bn, "ReLU", ("Conv2d", {"out_channels": classes, "kernel_size": 1}), start="skip")
    g.add_node("Output", id="logits")
    g.connect((head[-1], "out"), ("logits", "x"))
    doc.training = training
    return doc


def char_lstm(training: dict[str, Any], vocab: int, seq: int = 64) -> Document:
    return sequential_document(
        {"kind": "tokens", "shape": [seq], "vocab_size": vocab},
        ("Embedding", {"num_embeddings": vocab, "embedding_dim": 32}), ("LSTM", {"hidden_size": 128}),
        ("Linear", {"out_features": vocab}), training=training)


def gcn(training: dict[str, Any], nodes: int = 34, hidden: int = 16) -> Document:
    doc = Document()
    g = doc.add_network()
    g.add_node("Input", {"kind": "graph", "shape": [nodes, nodes]}, id="features")
    g.add_node("Input", {"kind": "adjacency", "shape": [nodes, nodes]}, id="adjacency")
    g.add_node("GraphConv", {"out_features": hidden}, id="gc1")
    g.add_node("ReLU", id="relu")
    g.add_node("GraphConv", {"out_features": 2}, id="gc2")
    g.add_node("Output", id="logits")
    g.connect(("features", "out"), ("gc1", "x"))
    g.connect(("adjacency", "out"), ("gc1", "adj"))
    g.connect(("gc1", "out"), ("relu", "x"))
    g.connect(("relu", "out"), ("gc2", "x"))
    g.connect(("adjacency", "out"), ("gc2", "adj"))
    g.connect(("gc2", "out"), ("logits", "x"))
    doc.training = training
    return doc


def perceptron(training: dict[str, Any]) -> Document:
    return sequential_document({"kind": "vector", "shape": [2]}, ("Linear", {"out_features": 1}), "Step",
                               training=training)
