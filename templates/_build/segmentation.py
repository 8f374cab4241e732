"""Segmentation: U-Net with the paper's valid convolutions, and DeepLabv3 (torchvision's ResNet-50 version)."""

from __future__ import annotations

from templates._build.builder import Net, Template, int_params, meta


def unet() -> Template:
    t = Template(
        meta(
            title="U-Net",
            authors="Olaf Ronneberger, Philipp Fischer, Thomas Brox",
            year=2015,
            paper="U-Net: Convolutional Networks for Biomedical Image Segmentation",
            link="https://arxiv.org/abs/1505.04597",
            task="segmentation",
            input_shape=[1, 572, 572],
            expected_params=31030658,
            params_source="Hand count of the paper's Figure 1 (64 to 1024 channels, 3×3 valid convolutions, "
                          "2×2 up-convolutions, a 1×1 convolution to 2 classes, all with biases); checked "
                          "against a hand-written nn.Module.",
            note="A contracting path of 3×3 convolutions and max pooling captures context; a symmetric "
                 "expanding path of 2×2 up-convolutions recovers resolution, and at each level the "
                 "contracting path's feature map is cropped to size and concatenated in (the skip "
                 "connections give the 'U'). The convolutions are unpadded as in the paper, so a 572×572 "
                 "tile gives a 388×388 map of its centre, and large images are segmented tile by tile "
                 "(overlap-tile). Weights start from N(0, 2/fan_in) as the paper prescribes (init "
                 "'kaiming_normal'), and a dropout layer ends the contracting path.",
            recipe="Synthetic shapes with masks at 252x252 (a valid size for these unpadded convolutions: "
                   "the output is the 68x68 centre, to which targets are cropped), SGD with the paper's "
                   "momentum 0.99 on small batches.",
        ),
        {
            "task": "segmentation",
            "dataset": {"name": "shapes", "size": 252, "count": 128, "classes": 2, "channels": 1},
            "batch_size": 4,
            "epochs": 5,
            "optimizer": {"name": "sgd", "lr": 0.01, "momentum": 0.99},
            "loss": {"name": "cross_entropy"},
        },
    )
    conv = {"kernel_size": 3, "init": "kaiming_normal"}
    double = t.block("DoubleConv", "Two unpadded 3×3 convolutions with ReLU", int_params(channels=64))
    double.seq(double.add("x", "BlockInput"),
               ("conv1", "Conv2d", {"out_channels": "$channels", **conv}), ("relu1", "ReLU"),
               ("conv2", "Conv2d", {"out_channels": "$channels", **conv}), ("relu2", "ReLU"),
               ("out", "BlockOutput"))
    down = t.block("Down", "Contracting step: 2×2 max pooling, then two 3×3 convolutions", int_params(channels=128))
    down.seq(down.add("x", "BlockInput"), ("pool", "MaxPool2d"), ("convs", "DoubleConv", {"channels": "$channels"}),
             ("out", "BlockOutput"))
    up = t.block("Up", "Expanding step: 2×2 up-convolution halving the channels, concatenation with the "
                 "cropped skip connection, two 3×3 convolutions", int_params(channels=512))
    x, skip = up.add("x", "BlockInput"), up.add("skip", "BlockInput")
    upsampled = up.add("up", "ConvTranspose2d", x, out_channels="$channels", kernel_size=2, stride=2, padding=0)
    cropped = up.add("crop", "Crop", skip, upsampled)
    up.seq(up.add("cat", "Concat", cropped, upsampled), ("convs", "DoubleConv", {"channels": "$channels"}),
           ("out", "BlockOutput"))

    net = t.network()
    enc1 = net.add("enc1", "DoubleConv", net.add("image", "Input", shape=[1, 572, 572]), channels=64)
    down1 = net.add("down1", "Down", enc1, channels=128)
    down2 = net.add("down2", "Down", down1, channels=256)
    down3 = net.add("down3", "Down", down2, channels=512)
    x = net.seq(down3, ("down4", "Down", {"channels": 1024}), ("dropout", "Dropout"))
    for i, (skip, channels) in enumerate(((down3, 512), (down2, 256), (down1, 128), (enc1, 64)), start=1):
        x = net.add(f"up{i}", "Up", x, skip, channels=channels)
    net.seq(x, ("head", "Conv2d", {"out_channels": 2, "kernel_size": 1, "init": "kaiming_normal"}),
            ("logits", "Output"))
    return t


def _bottleneck(body: Net, shortcut: bool) -> None:
    x = body.add("x", "BlockInput")
    stride = {"stride": "$stride"} if shortcut else {}
    y = body.seq(x, ("conv1", "Conv2d", {"out_channels": "$planes", "kernel_size": 1, "bias": False}),
                 ("bn1", "BatchNorm2d"), ("relu1", "ReLU"),
                 ("conv2", "Conv2d", {"out_channels": "$planes", "kernel_size": 3, **stride, "padding": "$dilation",
                                      "dilation": "$dilation", "bias": False}),
                 ("bn2", "BatchNorm2d"), ("relu2", "ReLU"),
                 ("conv3", "Conv2d", {"out_channels": "$out_channels", "kernel_size": 1, "bias": False}),
                 ("bn3", "BatchNorm2d"))
    if shortcut:
        x = body.seq(x, ("downsample", "Conv2d", {"out_channels": "$out_channels", "kernel_size": 1,
                                                  "stride": "$stride", "bias": False}),
                     ("downsample_bn", "BatchNorm2d"))
    body.seq(body.add("add", "Add", y, x), ("relu3", "ReLU"), ("out", "BlockOutput"))


def _aspp(body: Net) -> None:
    x = body.add("x", "BlockInput")
    branches = [body.seq(x, ("conv1x1", "Conv2d", {"out_channels": 256, "kernel_size": 1, "bias": False}),
                         ("bn1x1", "BatchNorm2d"), ("relu1x1", "ReLU"))]
    for i in (1, 2, 3):
        branches.append(body.seq(
            x, (f"atrous{i}", "Conv2d", {"out_channels": 256, "kernel_size": 3, "padding": f"$rate{i}",
                                         "dilation": f"$rate{i}", "bias": False}),
            (f"atrous{i}_bn", "BatchNorm2d"), (f"atrous{i}_relu", "ReLU")))
    branches.append(body.seq(
        x, ("pool", "AdaptiveAvgPool2d", {"output_size": 1}),
        ("pool_conv", "Conv2d", {"out_channels": 256, "kernel_size": 1, "bias": False}),
        ("pool_bn", "BatchNorm2d"), ("pool_relu", "ReLU"),
        ("pool_up", "Upsample", {"size": "$feature_size", "mode": "bilinear"})))
    body.seq(body.add("cat", "Concat", *branches, num_inputs=5),
             ("project", "Conv2d", {"out_channels": 256, "kernel_size": 1, "bias": False}),
             ("project_bn", "BatchNorm2d"), ("project_relu", "ReLU"), ("dropout", "Dropout"),
             ("out", "BlockOutput"))


# planes, blocks, stride, dilation of the first block, dilation of the others (output stride 8).
RESNET50_OS8 = ((64, 3, 1, 1, 1), (128, 4, 2, 1, 1), (256, 6, 1, 1, 2), (512, 3, 1, 2, 4))
SIZE = 256


def deeplabv3() -> Template:
    t = Template(
        meta(
            title="DeepLabv3 (ResNet-50)",
            authors="Liang-Chieh Chen, George Papandreou, Florian Schroff, Hartwig Adam",
            year=2017,
            paper="Rethinking Atrous Convolution for Semantic Image Segmentation",
            link="https://arxiv.org/abs/1706.05587",
            task="segmentation",
            input_shape=[3, SIZE, SIZE],
            expected_params=39638869,
            params_source="torchvision.models.segmentation.deeplabv3_resnet50 (weights=None, "
                          "weights_backbone=None, num_classes=21, aux_loss=False): equal parameter count, "
                          "output shape and outputs on the same weights.",
            note="Atrous (dilated) convolutions replace the last two downsamplings of a ResNet-50, so the "
                 "features keep 1/8 of the input resolution without losing the receptive field; Atrous "
                 "Spatial Pyramid Pooling then looks at several scales at once (a 1×1 convolution, 3×3 "
                 "convolutions at rates 12, 24 and 36, and the image-level average), and the logits are "
                 "up-sampled bilinearly to the input size. This is torchvision's version (output stride 8, "
                 "21 Pascal VOC classes, no auxiliary head). The two up-samplings name their sizes "
                 f"(the ASPP's feature_size {SIZE // 8} and the final {SIZE}): change them with the input size.",
            recipe=f"A smoke test on synthetic shapes with masks at {SIZE}x{SIZE} (the size the up-samplings "
                   "expect), SGD with momentum as in the paper; the 21-class head is kept, so the shapes "
                   "use the first classes.",
        ),
        {
            "task": "segmentation",
            "dataset": {"name": "shapes", "size": SIZE, "count": 64, "classes": 3},
            "batch_size": 4,
            "epochs": 2,
            "optimizer": {"name": "sgd", "lr": 0.01, "momentum": 0.9, "weight_decay": 0.0001},
            "loss": {"name": "cross_entropy"},
        },
    )
    dilation = {"dilation": {"kind": "int", "default": 1, "min": 1}}
    _bottleneck(t.block("Bottleneck", "1×1 reduce, 3×3 (atrous) and 1×1 expand convolutions with batch norm, "
                        "and an identity shortcut", {**int_params(planes=64, out_channels=256), **dilation}),
                shortcut=False)
    _bottleneck(t.block("BottleneckDown", "Bottleneck whose shortcut is a 1×1 convolution with batch norm "
                        "(the stride sits on the 3×3 convolution, as in torchvision's ResNet v1.5)",
                        {**int_params(planes=64, out_channels=256, stride=1), **dilation}),
                shortcut=True)
    _aspp(t.block("ASPP", "Atrous spatial pyramid pooling: parallel 1×1, three atrous 3×3 and image-pooling "
                  "branches of 256 channels, concatenated and projected to 256",
                  int_params(rate1=12, rate2=24, rate3=36, feature_size=SIZE // 8)))
    net = t.network()
    x = net.seq(net.add("image", "Input", shape=[3, SIZE, SIZE]),
                ("conv1", "Conv2d", {"out_channels": 64, "kernel_size": 7, "stride": 2, "padding": 3, "bias": False}),
                ("bn1", "BatchNorm2d"), ("relu", "ReLU"),
                ("maxpool", "MaxPool2d", {"kernel_size": 3, "stride": 2, "padding": 1}))
    for stage, (planes, blocks, stride, first_dilation, dilation) in enumerate(RESNET50_OS8, start=1):
        x = net.add(f"layer{stage}_0", "BottleneckDown", x, planes=planes, out_channels=4 * planes, stride=stride,
                    dilation=first_dilation)
        for i in range(1, blocks):
            x = net.add(f"layer{stage}_{i}", "Bottleneck", x, planes=planes, out_channels=4 * planes,
                        dilation=dilation)
    net.seq(x, ("aspp", "ASPP", {"feature_size": SIZE // 8}),
            ("head_conv", "Conv2d", {"out_channels": 256, "kernel_size": 3, "padding": 1, "bias": False}),
            ("head_bn", "BatchNorm2d"), ("head_relu", "ReLU"),
            ("classifier", "Conv2d", {"out_channels": 21, "kernel_size": 1}),
            ("upsample", "Upsample", {"size": SIZE, "mode": "bilinear"}), ("logits", "Output"))
    return t


TEMPLATES = {"unet": unet, "deeplabv3": deeplabv3}
