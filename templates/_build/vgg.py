"""VGG-11/13/16/19, with and without batch normalisation (torchvision's `vgg*` and `vgg*_bn`)."""

from __future__ import annotations

from templates._build.builder import Template, meta

# Convolution widths per stage; a 2×2 max pooling ends each stage (torchvision's cfgs A, B, D, E).
STAGES = {
    11: [[64], [128], [256, 256], [512, 512], [512, 512]],
    13: [[64, 64], [128, 128], [256, 256], [512, 512], [512, 512]],
    16: [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]],
    19: [[64, 64], [128, 128], [256, 256, 256, 256], [512, 512, 512, 512], [512, 512, 512, 512]],
}
CONFIG = {11: "A", 13: "B", 16: "D", 19: "E"}
PARAMS = {
    (11, False): 132863336, (13, False): 133047848, (16, False): 138357544, (19, False): 143667240,
    (11, True): 132868840, (13, True): 133053736, (16, True): 138365992, (19, True): 143678248,
}


def vgg(depth: int, batch_norm: bool) -> Template:
    name = f"vgg{depth}{'_bn' if batch_norm else ''}"
    bn_note = (
        " Batch normalisation (Ioffe & Szegedy 2015) after every convolution is torchvision's variant, "
        "not the paper's; it lets the deep configurations train from scratch." if batch_norm else
        " The paper trained configuration A first and started the deeper ones from its weights; "
        "without batch normalisation they are hard to train from scratch."
    )
    t = Template(
        meta(
            title=f"VGG-{depth}{' with batch norm' if batch_norm else ''}",
            authors="Karen Simonyan, Andrew Zisserman",
            year=2014,
            paper="Very Deep Convolutional Networks for Large-Scale Image Recognition",
            link="https://arxiv.org/abs/1409.1556",
            task="classification",
            input_shape=[3, 224, 224],
            expected_params=PARAMS[depth, batch_norm],
            params_source=f"torchvision.models.{name} (weights=None): equal parameter count, output shape "
                          "and outputs on the same weights.",
            note=f"Configuration {CONFIG[depth]} of the paper: depth from stacks of 3×3 convolutions only "
                 "(two 3×3 layers see as far as one 5×5 with fewer weights and an extra non-linearity), "
                 "five max-pooling stages and three fully connected layers. As in torchvision, an adaptive "
                 "average pooling to 7×7 lets other image sizes reach the classifier." + bn_note,
            recipe="A smoke test on scikit-learn's digits resized to 32x32 RGB (five poolings leave 1×1, "
                   "which the adaptive pooling spreads to 7×7), with the paper's SGD settings. The 1000-way "
                   "ImageNet head is kept, so digits use 10 of its logits; set fc8's out_features to 10 for "
                   "a digit classifier.",
        ),
        {
            "task": "classification",
            "dataset": {"name": "digits", "size": 32, "channels": 3},
            "batch_size": 64,
            "epochs": 5,
            "optimizer": {"name": "sgd", "lr": 0.01, "momentum": 0.9, "weight_decay": 0.0005},
            "loss": {"name": "cross_entropy"},
        },
    )
    net = t.network()
    x = net.add("image", "Input", shape=[3, 224, 224])
    for stage, widths in enumerate(STAGES[depth], start=1):
        for i, width in enumerate(widths, start=1):
            x = net.add(f"conv{stage}_{i}", "Conv2d", x, out_channels=width, kernel_size=3, padding=1)
            if batch_norm:
                x = net.add(f"bn{stage}_{i}", "BatchNorm2d", x)
            x = net.add(f"relu{stage}_{i}", "ReLU", x)
        x = net.add(f"pool{stage}", "MaxPool2d", x)
    net.seq(x, ("avgpool", "AdaptiveAvgPool2d", {"output_size": 7}), ("flatten", "Flatten"),
            ("fc6", "Linear", {"out_features": 4096}), ("relu6", "ReLU"), ("dropout6", "Dropout"),
            ("fc7", "Linear", {"out_features": 4096}), ("relu7", "ReLU"), ("dropout7", "Dropout"),
            ("fc8", "Linear", {"out_features": 1000}), ("logits", "Output"))
    return t


TEMPLATES = {
    f"vgg{depth}{'_bn' if bn else ''}": (lambda depth=depth, bn=bn: vgg(depth, bn))
    for depth in STAGES
    for bn in (False, True)
}
