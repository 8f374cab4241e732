"""Small networks: MobileNet v1 and SqueezeNet 1.0 / 1.1 (torchvision's `squeezenet1_0`, `squeezenet1_1`)."""

from __future__ import annotations

from templates._build.builder import Template, int_params, meta

# in_channels, out_channels, stride, repeat: the rows of the paper's Table 1 after the first convolution.
MOBILENET = [
    ("ds1", 32, 64, 1, 1),
    ("ds2", 64, 128, 2, 1),
    ("ds3", 128, 128, 1, 1),
    ("ds4", 128, 256, 2, 1),
    ("ds5", 256, 256, 1, 1),
    ("ds6", 256, 512, 2, 1),
    ("ds7_11", 512, 512, 1, 5),
    ("ds12", 512, 1024, 2, 1),
    ("ds13", 1024, 1024, 1, 1),
]


def mobilenet_v1() -> Template:
    t = Template(
        meta(
            title="MobileNet v1",
            authors="Andrew G. Howard, Menglong Zhu, Bo Chen, Dmitry Kalenichenko, Weijun Wang, Tobias Weyand, "
                    "Marco Andreetto, Hartwig Adam",
            year=2017,
            paper="MobileNets: Efficient Convolutional Neural Networks for Mobile Vision Applications",
            link="https://arxiv.org/abs/1704.04861",
            task="classification",
            input_shape=[3, 224, 224],
            expected_params=4231976,
            params_source="The paper's Table 1 (width multiplier 1.0, 224×224; the paper rounds to 4.2 million); "
                          "checked against a hand-written nn.Module.",
            note="Depthwise-separable convolutions: a 3×3 depthwise convolution filters each channel on its "
                 "own, then a 1×1 pointwise convolution mixes channels, costing 8-9 times fewer "
                 "multiply-adds than a full 3×3 convolution. Every convolution is followed by batch norm "
                 "and ReLU; the five identical 512-channel blocks are one block repeated five times. "
                 "The paper's table marks the last depthwise layer 's2' although its output stays 7×7; "
                 "like every implementation, it has stride 1 here.",
            recipe="A smoke test on scikit-learn's digits resized to 32x32 RGB, with RMSprop as in the paper. "
                   "The 1000-way ImageNet head is kept, so digits use 10 of its logits; set fc's "
                   "out_features to 10 for a digit classifier.",
        ),
        {
            "task": "classification",
            "dataset": {"name": "digits", "size": 32, "channels": 3},
            "batch_size": 64,
            "epochs": 5,
            "optimizer": {"name": "rmsprop", "lr": 0.001},
            "loss": {"name": "cross_entropy"},
        },
    )
    body = t.block("DepthwiseSeparable", "3×3 depthwise convolution, then 1×1 pointwise convolution, each with "
                   "batch norm and ReLU", int_params(in_channels=32, out_channels=64, stride=1))
    body.seq(body.add("x", "BlockInput"),
             ("dw", "Conv2d", {"out_channels": "$in_channels", "kernel_size": 3, "stride": "$stride", "padding": 1,
                               "depthwise": True, "bias": False}),
             ("dw_bn", "BatchNorm2d"), ("dw_relu", "ReLU"),
             ("pw", "Conv2d", {"out_channels": "$out_channels", "kernel_size": 1, "bias": False}),
             ("pw_bn", "BatchNorm2d"), ("pw_relu", "ReLU"), ("out", "BlockOutput"))
    net = t.network()
    x = net.seq(net.add("image", "Input", shape=[3, 224, 224]),
                ("conv1", "Conv2d", {"out_channels": 32, "kernel_size": 3, "stride": 2, "padding": 1, "bias": False}),
                ("bn1", "BatchNorm2d"), ("relu1", "ReLU"))
    for node_id, cin, cout, stride, repeat in MOBILENET:
        extra = {"repeat": repeat} if repeat > 1 else {}
        x = net.add(node_id, "DepthwiseSeparable", x, in_channels=cin, out_channels=cout, stride=stride, **extra)
    net.seq(x, ("avgpool", "GlobalAvgPool"), ("fc", "Linear", {"out_features": 1000}), ("logits", "Output"))
    return t


# squeeze, expand1x1, expand3x3 of each Fire module, by the paper's names; "pool" marks a 3×3 max pooling.
SQUEEZENET = {
    "1_0": ["fire2", "fire3", "fire4", "pool", "fire5", "fire6", "fire7", "fire8", "pool", "fire9"],
    "1_1": ["fire2", "fire3", "pool", "fire4", "fire5", "pool", "fire6", "fire7", "fire8", "fire9"],
}
FIRE = {
    "fire2": (16, 64, 64), "fire3": (16, 64, 64), "fire4": (32, 128, 128), "fire5": (32, 128, 128),
    "fire6": (48, 192, 192), "fire7": (48, 192, 192), "fire8": (64, 256, 256), "fire9": (64, 256, 256),
}


def squeezenet(version: str) -> Template:
    v10 = version == "1_0"
    t = Template(
        meta(
            title=f"SqueezeNet {version.replace('_', '.')}",
            authors="Forrest N. Iandola, Song Han, Matthew W. Moskewicz, Khalid Ashraf, William J. Dally, "
                    "Kurt Keutzer",
            year=2016,
            paper="SqueezeNet: AlexNet-level accuracy with 50x fewer parameters and <0.5MB model size",
            link="https://arxiv.org/abs/1602.07360",
            task="classification",
            input_shape=[3, 224, 224],
            expected_params=1248424 if v10 else 1235496,
            params_source=f"torchvision.models.squeezenet{version} (weights=None): equal parameter count, output "
                          "shape and outputs on the same weights.",
            note="Fire modules squeeze the channels with 1×1 convolutions, then expand them with a mix of "
                 "1×1 and 3×3 convolutions, and the classifier is a 1×1 convolution to 1000 maps followed "
                 "by global average pooling: AlexNet's accuracy with 50 times fewer weights. "
                 + ("This is the paper's version 1.0." if v10 else
                    "Version 1.1 (from the authors' repository) starts with 64 3×3 filters and pools "
                    "earlier, for 2.4 times less computation at the same accuracy."),
            recipe="A smoke test on scikit-learn's digits resized to 64x64 RGB, with SGD (momentum 0.9) as "
                   "in the paper. The 1000-way ImageNet head is kept, so digits use 10 of its logits; set "
                   "conv10's out_channels to 10 for a digit classifier.",
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
    body = t.block("Fire", "Fire module: a 1×1 squeeze convolution, then 1×1 and 3×3 expand convolutions "
                   "concatenated", int_params(squeeze=16, expand1x1=64, expand3x3=64))
    x = body.seq(body.add("x", "BlockInput"),
                 ("squeeze", "Conv2d", {"out_channels": "$squeeze", "kernel_size": 1}),
                 ("squeeze_activation", "ReLU"))
    e1 = body.seq(x, ("expand1x1", "Conv2d", {"out_channels": "$expand1x1", "kernel_size": 1}),
                  ("expand1x1_activation", "ReLU"))
    e3 = body.seq(x, ("expand3x3", "Conv2d", {"out_channels": "$expand3x3", "kernel_size": 3, "padding": 1}),
                  ("expand3x3_activation", "ReLU"))
    body.add("out", "BlockOutput", body.add("cat", "Concat", e1, e3))
    net = t.network()
    pool = {"kernel_size": 3, "stride": 2, "ceil_mode": True}
    x = net.seq(net.add("image", "Input", shape=[3, 224, 224]),
                ("conv1", "Conv2d", {"out_channels": 96, "kernel_size": 7, "stride": 2} if v10 else
                 {"out_channels": 64, "kernel_size": 3, "stride": 2}),
                ("relu1", "ReLU"), ("maxpool1", "MaxPool2d", pool))
    previous = "maxpool1"
    for item in SQUEEZENET[version]:
        if item == "pool":
            x = net.add(f"maxpool{previous.removeprefix('fire')}", "MaxPool2d", x, **pool)
        else:
            squeeze, e1x1, e3x3 = FIRE[item]
            x = net.add(item, "Fire", x, squeeze=squeeze, expand1x1=e1x1, expand3x3=e3x3)
        previous = item
    net.seq(x, ("dropout", "Dropout"), ("conv10", "Conv2d", {"out_channels": 1000, "kernel_size": 1}),
            ("relu10", "ReLU"), ("avgpool", "AdaptiveAvgPool2d", {"output_size": 1}), ("flatten", "Flatten"),
            ("logits", "Output"))
    return t


TEMPLATES = {
    "mobilenet_v1": mobilenet_v1,
    "squeezenet1_0": lambda: squeezenet("1_0"),
    "squeezenet1_1": lambda: squeezenet("1_1"),
}
