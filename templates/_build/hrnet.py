"""HRNet-style multi-resolution network (Sun et al. 2019), scaled to 32x32 digits.

The paper's ideas, kept exactly: a high-resolution branch that runs from the stem to the
head, lower-resolution branches added stage by stage (each a strided 3x3 convolution from
the lowest branch so far), and repeated exchange units in which every branch receives the
sum of all branches resampled to its resolution (strided 3x3 convolutions going down,
1x1 convolutions and nearest upsampling going up). The head is HRNetV2's: all branches
upsampled to the highest resolution and concatenated. Widths, depth and the stem are
smaller than HRNet-W18's so it trains on the bundled digits in seconds.
"""

from __future__ import annotations

from templates._build.builder import Net, Template, int_params, meta

WIDTHS = (16, 32, 64)  # channels of the branches at 1, 1/2 and 1/4 of the input's resolution
PARAMS = 206266


def _basic_block(body: Net) -> None:
    """HRNet's branches are ResNet basic blocks: two 3x3 convolutions and an identity shortcut."""
    x = body.add("x", "BlockInput")
    y = body.seq(x, ("conv1", "Conv2d", {"out_channels": "$planes", "kernel_size": 3, "padding": 1, "bias": False}),
                 ("bn1", "BatchNorm2d"), ("relu1", "ReLU"),
                 ("conv2", "Conv2d", {"out_channels": "$planes", "kernel_size": 3, "padding": 1, "bias": False}),
                 ("bn2", "BatchNorm2d"))
    body.seq(body.add("add", "Add", y, x), ("relu2", "ReLU"), ("out", "BlockOutput"))


def _exchange(body: Net, branches: int) -> None:
    """Output i = ReLU(sum over inputs j of input j brought to branch i's resolution and width).

    Going up (j > i): 1x1 convolution to branch i's width, batch norm, nearest upsampling by
    2^(j-i). Going down (j < i): i-j strided 3x3 convolutions with batch norm, ReLU between
    them, the intermediate ones keeping branch j's width (as HRNet's fuse layers do).
    """
    inputs = [body.add(f"x{j}", "BlockInput") for j in range(1, branches + 1)]
    for i in range(1, branches + 1):
        terms = []
        for j, x in enumerate(inputs, start=1):
            name = f"to{i}_from{j}"
            if j == i:
                terms.append(x)
            elif j > i:
                terms.append(body.seq(x, (f"{name}_conv", "Conv2d", {"out_channels": f"$c{i}", "kernel_size": 1,
                                                                      "bias": False}),
                                      (f"{name}_bn", "BatchNorm2d"),
                                      (f"{name}_up", "Upsample", {"scale_factor": float(2 ** (j - i))})))
            else:
                steps = i - j
                for k in range(1, steps + 1):
                    last = k == steps
                    suffix = "" if steps == 1 else str(k)
                    x = body.seq(x, (f"{name}_conv{suffix}", "Conv2d",
                                     {"out_channels": f"$c{i}" if last else f"$c{j}", "kernel_size": 3, "stride": 2,
                                      "padding": 1, "bias": False}),
                                 (f"{name}_bn{suffix}", "BatchNorm2d"))
                    if not last:
                        x = body.add(f"{name}_relu{suffix}", "ReLU", x)
                terms.append(x)
        total = body.add(f"add{i}", "Add", *terms, **({"num_inputs": len(terms)} if len(terms) > 2 else {}))
        body.seq(total, (f"relu{i}", "ReLU"), (f"y{i}", "BlockOutput"))


def hrnet_small() -> Template:
    c1, c2, c3 = WIDTHS
    t = Template(
        meta(
            title="HRNet-style multi-resolution network (small)",
            authors="Ke Sun, Bin Xiao, Dong Liu, Jingdong Wang",
            year=2019,
            paper="Deep High-Resolution Representation Learning for Human Pose Estimation",
            link="https://arxiv.org/abs/1902.09212",
            task="classification",
            input_shape=[1, 32, 32],
            expected_params=PARAMS,
            params_source="Hand count of this scaled-down design: stem 176; basic blocks, three of 16 channels "
                          "(4,672 each), two of 32 (18,560 each), one of 64 (73,984); transitions 4,672 + "
                          "18,560; exchanges 5,216 + 38,624; head 12,768; fc 1,130. Checked against a "
                          "hand-written nn.Module.",
            note="Instead of shrinking the image and growing it back (U-Net, hourglass), HRNet keeps a "
                 "high-resolution branch from start to end and adds lower-resolution branches in parallel, "
                 "one per stage. Exchange units repeatedly fuse the branches: each receives every other "
                 "branch resampled to its resolution (strided 3×3 convolutions down, 1×1 convolutions and "
                 "nearest upsampling up), so high-resolution features gain context without losing detail. "
                 "HRNetV2's head upsamples all branches and concatenates them. Scaled down from HRNet-W18 "
                 "(3 branches instead of 4, one block per branch instead of four, a stride-1 stem) to run "
                 "on 32×32 digits.",
            recipe="scikit-learn's digits resized to 32x32, with the paper's SGD (momentum 0.9, weight decay "
                   "1e-4) and a cosine schedule.",
        ),
        {
            "task": "classification",
            "dataset": {"name": "digits", "size": 32},
            "batch_size": 64,
            "epochs": 5,
            "optimizer": {"name": "sgd", "lr": 0.05, "momentum": 0.9, "weight_decay": 0.0001},
            "schedule": {"name": "cosine"},
            "loss": {"name": "cross_entropy"},
        },
    )
    _basic_block(t.block("BasicBlock", "Two 3×3 convolutions with batch norm and an identity shortcut",
                         int_params(planes=c1)))
    _exchange(t.block("Exchange2", "Fuses two branches: each gets the other resampled to its resolution",
                      int_params(c1=c1, c2=c2)), 2)
    _exchange(t.block("Exchange3", "Fuses three branches: each gets the others resampled to its resolution",
                      int_params(c1=c1, c2=c2, c3=c3)), 3)

    def down(name: str, x: str, channels: int) -> str:
        """A new, lower-resolution branch: strided 3x3 convolution, batch norm, ReLU."""
        return net.seq(x, (f"{name}_conv", "Conv2d", {"out_channels": channels, "kernel_size": 3, "stride": 2,
                                                      "padding": 1, "bias": False}),
                       (f"{name}_bn", "BatchNorm2d"), (f"{name}_relu", "ReLU"))

    net = t.network()
    x = net.seq(net.add("image", "Input", shape=[1, 32, 32]),
                ("stem_conv", "Conv2d", {"out_channels": c1, "kernel_size": 3, "padding": 1, "bias": False}),
                ("stem_bn", "BatchNorm2d"), ("stem_relu", "ReLU"), ("layer1", "BasicBlock", {"planes": c1}))
    # Stage 2: the full-resolution branch and a new one at half resolution, then an exchange.
    b1 = net.add("stage2_branch1", "BasicBlock", x, planes=c1)
    b2 = net.add("stage2_branch2", "BasicBlock", down("transition1", x, c2), planes=c2)
    net.add("fuse2", "Exchange2", b1, b2, c1=c1, c2=c2)
    # Stage 3: a third branch at a quarter of the resolution, from the lowest one so far.
    b1 = net.add("stage3_branch1", "BasicBlock", "fuse2.y1", planes=c1)
    b2 = net.add("stage3_branch2", "BasicBlock", "fuse2.y2", planes=c2)
    b3 = net.add("stage3_branch3", "BasicBlock", down("transition2", "fuse2.y2", c3), planes=c3)
    net.add("fuse3", "Exchange3", b1, b2, b3, c1=c1, c2=c2, c3=c3)
    # HRNetV2's head: every branch at full resolution, concatenated.
    up2 = net.add("head_up2", "Upsample", "fuse3.y2", scale_factor=2.0, mode="bilinear")
    up3 = net.add("head_up3", "Upsample", "fuse3.y3", scale_factor=4.0, mode="bilinear")
    net.seq(net.add("head_cat", "Concat", "fuse3.y1", up2, up3, num_inputs=3),
            ("head_conv", "Conv2d", {"out_channels": c1 + c2 + c3, "kernel_size": 1, "bias": False}),
            ("head_bn", "BatchNorm2d"), ("head_relu", "ReLU"),
            ("avgpool", "AdaptiveAvgPool2d", {"output_size": 1}), ("flatten", "Flatten"),
            ("fc", "Linear", {"out_features": 10}), ("logits", "Output"))
    return t


TEMPLATES = {"hrnet_small": hrnet_small}
