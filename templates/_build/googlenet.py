"""GoogLeNet (Inception v1), as torchvision builds it, with and without the auxiliary classifiers."""

from __future__ import annotations

from templates._build.builder import Template, int_params, meta

# ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj: the paper's Table 1.
INCEPTION = {
    "inception3a": (64, 96, 128, 16, 32, 32),
    "inception3b": (128, 128, 192, 32, 96, 64),
    "inception4a": (192, 96, 208, 16, 48, 64),
    "inception4b": (160, 112, 224, 24, 64, 64),
    "inception4c": (128, 128, 256, 24, 64, 64),
    "inception4d": (112, 144, 288, 32, 64, 64),
    "inception4e": (256, 160, 320, 32, 128, 128),
    "inception5a": (256, 160, 320, 32, 128, 128),
    "inception5b": (384, 192, 384, 48, 128, 128),
}
BRANCHES = ("ch1x1", "ch3x3red", "ch3x3", "ch5x5red", "ch5x5", "pool_proj")


def _blocks(t: Template, aux: bool) -> None:
    params = int_params(out_channels=64, kernel_size=1, stride=1)
    params["padding"] = {"kind": "int", "default": 0, "min": 0}
    conv = t.block("BasicConv2d", "Convolution without bias, batch norm (eps 0.001) and ReLU", params)
    conv.seq(conv.add("x", "BlockInput"),
             ("conv", "Conv2d", {"out_channels": "$out_channels", "kernel_size": "$kernel_size",
                                 "stride": "$stride", "padding": "$padding", "bias": False}),
             ("bn", "BatchNorm2d", {"eps": 0.001}), ("relu", "ReLU"), ("out", "BlockOutput"))

    body = t.block("Inception", "Inception module: 1×1, 3×3 and '5×5' convolutions and a pooling "
                   "branch side by side, concatenated along channels",
                   int_params(**dict(zip(BRANCHES, INCEPTION["inception3a"]))))
    x = body.add("x", "BlockInput")
    b1 = body.add("branch1x1", "BasicConv2d", x, out_channels="$ch1x1")
    b2 = body.seq(x, ("branch3x3_reduce", "BasicConv2d", {"out_channels": "$ch3x3red"}),
                  ("branch3x3", "BasicConv2d", {"out_channels": "$ch3x3", "kernel_size": 3, "padding": 1}))
    # torchvision's "5x5" branch uses a 3x3 kernel (pytorch/vision#906); matched here on purpose.
    b3 = body.seq(x, ("branch5x5_reduce", "BasicConv2d", {"out_channels": "$ch5x5red"}),
                  ("branch5x5", "BasicConv2d", {"out_channels": "$ch5x5", "kernel_size": 3, "padding": 1}))
    b4 = body.seq(x, ("pool", "MaxPool2d", {"kernel_size": 3, "stride": 1, "padding": 1, "ceil_mode": True}),
                  ("pool_proj", "BasicConv2d", {"out_channels": "$pool_proj"}))
    body.add("out", "BlockOutput", body.add("cat", "Concat", b1, b2, b3, b4, num_inputs=4))

    if aux:
        head = t.block("InceptionAux", "Auxiliary classifier: 4×4 average pooling, 1×1 convolution, "
                       "two fully connected layers with dropout 0.7", int_params(num_classes=1000))
        head.seq(head.add("x", "BlockInput"),
                 ("pool", "AdaptiveAvgPool2d", {"output_size": 4}),
                 ("conv", "BasicConv2d", {"out_channels": 128}), ("flatten", "Flatten"),
                 ("fc1", "Linear", {"out_features": 1024}), ("relu", "ReLU"), ("dropout", "Dropout", {"p": 0.7}),
                 ("fc2", "Linear", {"out_features": "$num_classes"}), ("out", "BlockOutput"))


def googlenet(aux: bool) -> Template:
    aux_note = (
        " The two auxiliary classifiers after inception4a and inception4d are extra outputs, returned "
        "in torchvision's order (logits, aux_logits2, aux_logits1); the paper adds their losses with "
        "weight 0.3 during training and drops them at inference." if aux else
        " Without the paper's auxiliary classifiers (see googlenet_aux), as torchvision builds it "
        "with aux_logits=False."
    )
    t = Template(
        meta(
            title="GoogLeNet (Inception v1)" + (" with auxiliary classifiers" if aux else ""),
            authors="Christian Szegedy, Wei Liu, Yangqing Jia, Pierre Sermanet, Scott Reed, Dragomir Anguelov, "
                    "Dumitru Erhan, Vincent Vanhoucke, Andrew Rabinovich",
            year=2015,
            paper="Going Deeper with Convolutions",
            link="https://arxiv.org/abs/1409.4842",
            task="classification",
            input_shape=[3, 224, 224],
            expected_params=13004888 if aux else 6624904,
            params_source=f"torchvision.models.googlenet (weights=None, aux_logits={aux}, "
                          "transform_input=False): equal parameter count, output shapes and outputs on the "
                          "same weights.",
            note="Inception modules run 1×1, 3×3 and 5×5 convolutions and a pooling branch in parallel, "
                 "with 1×1 'reduce' convolutions in front of the expensive ones, so a 22-layer network "
                 "costs about 1.5 billion multiply-adds with 12 times fewer weights than AlexNet. This is "
                 "torchvision's version: every convolution is a BasicConv2d (no bias, batch norm with eps "
                 "0.001, ReLU) and the '5×5' branch uses a 3×3 kernel, a known torchvision quirk "
                 "(pytorch/vision#906) kept so the weights match torchvision's." + aux_note,
            recipe="A smoke test on scikit-learn's digits resized to 64x64 RGB, with SGD (momentum 0.9) as "
                   "in the paper. The 1000-way ImageNet head is kept, so digits use 10 of its logits; set "
                   "fc's out_features to 10 for a digit classifier.",
        ),
        {
            "task": "classification",
            "dataset": {"name": "digits", "size": 64, "channels": 3},
            "batch_size": 64,
            "epochs": 5,
            "optimizer": {"name": "sgd", "lr": 0.01, "momentum": 0.9, "weight_decay": 0.0002},
            "loss": {"name": "cross_entropy"},
        },
    )
    _blocks(t, aux)
    net = t.network()
    pool = {"kernel_size": 3, "stride": 2, "ceil_mode": True}
    x = net.seq(net.add("image", "Input", shape=[3, 224, 224]),
                ("conv1", "BasicConv2d", {"out_channels": 64, "kernel_size": 7, "stride": 2, "padding": 3}),
                ("maxpool1", "MaxPool2d", pool),
                ("conv2", "BasicConv2d", {"out_channels": 64}),
                ("conv3", "BasicConv2d", {"out_channels": 192, "kernel_size": 3, "padding": 1}),
                ("maxpool2", "MaxPool2d", pool))
    heads = {}
    for module, widths in INCEPTION.items():
        x = net.add(module, "Inception", x, **dict(zip(BRANCHES, widths)))
        if aux and module in ("inception4a", "inception4d"):
            heads[module] = net.add(f"aux{len(heads) + 1}", "InceptionAux", x)
        if module == "inception3b":
            x = net.add("maxpool3", "MaxPool2d", x, **pool)
        if module == "inception4e":
            x = net.add("maxpool4", "MaxPool2d", x, kernel_size=2, stride=2, ceil_mode=True)
    net.seq(x, ("avgpool", "AdaptiveAvgPool2d", {"output_size": 1}), ("flatten", "Flatten"),
            ("dropout", "Dropout", {"p": 0.2}), ("fc", "Linear", {"out_features": 1000}), ("logits", "Output"))
    if aux:
        net.add("aux_logits2", "Output", heads["inception4d"])
        net.add("aux_logits1", "Output", heads["inception4a"])
    return t


TEMPLATES = {"googlenet": lambda: googlenet(False), "googlenet_aux": lambda: googlenet(True)}
