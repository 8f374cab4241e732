"""ResNet-18 and ResNet-34 (torchvision's `resnet18` and `resnet34`, built from BasicBlocks)."""

from __future__ import annotations

from templates._build.builder import Net, Template, int_params, meta

LAYERS = {18: (2, 2, 2, 2), 34: (3, 4, 6, 3)}
PARAMS = {18: 11689512, 34: 21797672}
FLOPS_NOTE = {18: "1.8", 34: "3.6"}


def _residual(body: Net, shortcut: bool) -> None:
    x = body.add("x", "BlockInput")
    stride = {"stride": "$stride"} if shortcut else {}
    y = body.seq(x, ("conv1", "Conv2d", {"out_channels": "$planes", "kernel_size": 3, **stride, "padding": 1,
                                         "bias": False}),
                 ("bn1", "BatchNorm2d"), ("relu1", "ReLU"),
                 ("conv2", "Conv2d", {"out_channels": "$planes", "kernel_size": 3, "padding": 1, "bias": False}),
                 ("bn2", "BatchNorm2d"))
    if shortcut:
        x = body.seq(x, ("downsample", "Conv2d", {"out_channels": "$planes", "kernel_size": 1, "stride": "$stride",
                                                  "bias": False}),
                     ("downsample_bn", "BatchNorm2d"))
    body.seq(body.add("add", "Add", y, x), ("relu2", "ReLU"), ("out", "BlockOutput"))


def resnet(depth: int) -> Template:
    t = Template(
        meta(
            title=f"ResNet-{depth}",
            authors="Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun",
            year=2016,
            paper="Deep Residual Learning for Image Recognition",
            link="https://arxiv.org/abs/1512.03385",
            task="classification",
            input_shape=[3, 224, 224],
            expected_params=PARAMS[depth],
            params_source=f"torchvision.models.resnet{depth} (weights=None): equal parameter count, output "
                          "shape and outputs on the same weights.",
            note="Each block learns a residual F(x) that is added to its input, so a deeper network can "
                 "always fall back to the identity: networks of 152 layers still train and improve. ResNet-18 "
                 "and -34 stack basic blocks of two 3×3 convolutions; the first block of stages 2-4 halves the "
                 "resolution and widens the channels, and its shortcut is a strided 1×1 convolution with "
                 f"batch norm (the paper's option B). About {FLOPS_NOTE[depth]} GFLOPs (multiply-adds) "
                 "per 224×224 image in the paper's counting.",
            recipe="A smoke test on scikit-learn's digits resized to 32x32 RGB, with the paper's SGD "
                   "(momentum 0.9, weight decay 1e-4) at a rate of 0.01. At the paper's 0.1 (or 0.05) the 23 "
                   "steps of an epoch on 1,438 images move the weights so fast that batch norm's running "
                   "statistics, which validation uses, lag behind: the first epoch validates at chance (val "
                   "loss in the hundreds) while it trains at 63 %. The 1000-way ImageNet head is kept, so "
                   "digits use 10 of its logits; set fc's out_features to 10 for a digit classifier.",
        ),
        {
            "task": "classification",
            "dataset": {"name": "digits", "size": 32, "channels": 3},
            "batch_size": 64,
            "epochs": 5,
            # 0.01, not the paper's 0.1: see the recipe note (batch norm's running statistics).
            "optimizer": {"name": "sgd", "lr": 0.01, "momentum": 0.9, "weight_decay": 0.0001},
            "loss": {"name": "cross_entropy"},
        },
    )
    _residual(t.block("BasicBlock", "Two 3×3 convolutions with batch norm and an identity shortcut",
                      int_params(planes=64)), shortcut=False)
    _residual(t.block("BasicBlockDown", "Basic block whose shortcut is a strided 1×1 convolution with "
                      "batch norm (it changes resolution and width)", int_params(planes=128, stride=2)),
              shortcut=True)
    net = t.network()
    x = net.seq(net.add("image", "Input", shape=[3, 224, 224]),
                ("conv1", "Conv2d", {"out_channels": 64, "kernel_size": 7, "stride": 2, "padding": 3, "bias": False}),
                ("bn1", "BatchNorm2d"), ("relu", "ReLU"),
                ("maxpool", "MaxPool2d", {"kernel_size": 3, "stride": 2, "padding": 1}))
    for stage, (count, planes) in enumerate(zip(LAYERS[depth], (64, 128, 256, 512)), start=1):
        for i in range(count):
            if i == 0 and stage > 1:
                x = net.add(f"layer{stage}_{i}", "BasicBlockDown", x, planes=planes, stride=2)
            else:
                x = net.add(f"layer{stage}_{i}", "BasicBlock", x, planes=planes)
    net.seq(x, ("avgpool", "AdaptiveAvgPool2d", {"output_size": 1}), ("flatten", "Flatten"),
            ("fc", "Linear", {"out_features": 1000}), ("logits", "Output"))
    return t


TEMPLATES = {f"resnet{depth}": (lambda depth=depth: resnet(depth)) for depth in LAYERS}
