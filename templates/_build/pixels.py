"""Networks whose output is an image: SRCNN and ESPCN (super-resolution), and the spatial transformer."""

from __future__ import annotations

from templates._build.builder import Template, meta


def srcnn() -> Template:
    t = Template(
        meta(
            title="SRCNN 9-1-5",
            authors="Chao Dong, Chen Change Loy, Kaiming He, Xiaoou Tang",
            year=2014,
            paper="Learning a Deep Convolutional Network for Image Super-Resolution",
            link="https://arxiv.org/abs/1501.00092",
            task="super_resolution",
            input_shape=[1, 32, 32],
            expected_params=8129,
            params_source="Hand count of the 9-1-5 network with n1=64, n2=32 on one (luminance) channel: "
                          "5,248 + 2,080 + 801; the paper's 8,032 leaves out the 97 biases. Checked against a "
                          "hand-written nn.Module.",
            note="Three convolutions read as the steps of sparse-coding super-resolution: patch extraction "
                 "(9×9, 64 filters), non-linear mapping (1×1, 32) and reconstruction (5×5). The input is the "
                 "low-resolution image already up-scaled by bicubic interpolation, so the network only "
                 "restores detail. The paper trains without padding (a 33×33 input gives 21×21); here every "
                 "convolution pads to 'same' so the output has the input's size.",
            recipe="Digits at 32x32, down-scaled by 2 and bicubically up-scaled back as the input; MSE loss, "
                   "Adam (the paper used SGD with lr 1e-4).",
        ),
        {
            "task": "super_resolution",
            "dataset": {"name": "super_resolution", "source": "digits", "size": 32, "scale": 2,
                        "bicubic_input": True},
            "batch_size": 64,
            "epochs": 20,
            "optimizer": {"name": "adam", "lr": 0.001},
            "loss": {"name": "mse"},
        },
    )
    net = t.network()
    net.seq(net.add("image", "Input", shape=[1, 32, 32]),
            ("conv1", "Conv2d", {"out_channels": 64, "kernel_size": 9, "padding": "same"}), ("relu1", "ReLU"),
            ("conv2", "Conv2d", {"out_channels": 32, "kernel_size": 1}), ("relu2", "ReLU"),
            ("conv3", "Conv2d", {"out_channels": 1, "kernel_size": 5, "padding": "same"}), ("high_res", "Output"))
    return t


def espcn() -> Template:
    t = Template(
        meta(
            title="ESPCN (sub-pixel convolution)",
            authors="Wenzhe Shi, Jose Caballero, Ferenc Huszár, Johannes Totz, Andrew P. Aitken, Rob Bishop, "
                    "Daniel Rueckert, Zehan Wang",
            year=2016,
            paper="Real-Time Single Image and Video Super-Resolution Using an Efficient Sub-Pixel "
                  "Convolutional Neural Network",
            link="https://arxiv.org/abs/1609.05158",
            task="super_resolution",
            input_shape=[1, 16, 16],
            expected_params=21284,
            params_source="Hand count of the paper's network (5×5 with 64 filters, 3×3 with 32, 3×3 with r² "
                          "outputs, tanh) for r=2 on one channel: 1,664 + 18,464 + 1,156 (r=3 gives 22,729). "
                          "Checked against a hand-written nn.Module.",
            note="All convolutions run at the low resolution; the last layer outputs r² channels per output "
                 "channel, which the sub-pixel shuffle (PixelShuffle) rearranges into an image r times "
                 "larger. Convolving the small image instead of a bicubically up-scaled one (as SRCNN does) "
                 "divides the cost by r², fast enough for real-time 1080p video.",
            recipe="Digits at 32x32 as targets and their 16x16 down-scaled versions as inputs (scale 2, no "
                   "bicubic pre-scaling); MSE loss with Adam.",
        ),
        {
            "task": "super_resolution",
            "dataset": {"name": "super_resolution", "source": "digits", "size": 32, "scale": 2,
                        "bicubic_input": False},
            "batch_size": 64,
            "epochs": 20,
            "optimizer": {"name": "adam", "lr": 0.001},
            "loss": {"name": "mse"},
        },
    )
    net = t.network()
    net.seq(net.add("low_res", "Input", shape=[1, 16, 16]),
            ("conv1", "Conv2d", {"out_channels": 64, "kernel_size": 5, "padding": 2}), ("tanh1", "Tanh"),
            ("conv2", "Conv2d", {"out_channels": 32, "kernel_size": 3, "padding": 1}), ("tanh2", "Tanh"),
            ("conv3", "Conv2d", {"out_channels": 4, "kernel_size": 3, "padding": 1}),
            ("pixel_shuffle", "PixelShuffle", {"upscale_factor": 2}), ("high_res", "Output"))
    return t


def stn() -> Template:
    t = Template(
        meta(
            title="Spatial transformer network",
            authors="Max Jaderberg, Karen Simonyan, Andrew Zisserman, Koray Kavukcuoglu",
            year=2015,
            paper="Spatial Transformer Networks",
            link="https://arxiv.org/abs/1506.02025",
            task="classification",
            input_shape=[1, 28, 28],
            expected_params=27360,
            params_source="Hand count of the MNIST spatial transformer of PyTorch's STN tutorial (localisation "
                          "5,520 + classifier 21,840); checked against a hand-written nn.Module.",
            note="A localisation network looks at the image and predicts the 6 numbers of an affine "
                 "transform; a differentiable sampler warps the image by it before the classifier sees it, "
                 "so the network learns to crop, rotate and scale digits upright without any labels for "
                 "the transform. As in the paper, the transform's regressor starts at the identity (init "
                 "'identity_affine'). The layer sizes follow PyTorch's MNIST tutorial; the paper's "
                 "MNIST networks differ in widths.",
            recipe="Digits at 28x28 (MNIST's size) with SGD at lr 0.01, as in the tutorial.",
        ),
        {
            "task": "classification",
            "dataset": {"name": "digits", "size": 28},
            "batch_size": 64,
            "epochs": 20,
            "optimizer": {"name": "sgd", "lr": 0.01},
            "loss": {"name": "cross_entropy"},
        },
    )
    loc = t.block("Localisation", "Predicts the affine transform theta (6 numbers) from the image")
    loc.seq(loc.add("x", "BlockInput"),
            ("conv1", "Conv2d", {"out_channels": 8, "kernel_size": 7}), ("pool1", "MaxPool2d"), ("relu1", "ReLU"),
            ("conv2", "Conv2d", {"out_channels": 10, "kernel_size": 5}), ("pool2", "MaxPool2d"), ("relu2", "ReLU"),
            ("flatten", "Flatten"), ("fc1", "Linear", {"out_features": 32}), ("relu3", "ReLU"),
            ("fc2", "Linear", {"out_features": 6, "init": "identity_affine"}), ("theta", "BlockOutput"))
    net = t.network()
    x = net.add("image", "Input", shape=[1, 28, 28])
    theta = net.add("localisation", "Localisation", x)
    warped = net.add("transformer", "SpatialTransformer", x, f"{theta}.theta")
    net.seq(warped,
            ("conv1", "Conv2d", {"out_channels": 10, "kernel_size": 5}), ("pool1", "MaxPool2d"), ("relu1", "ReLU"),
            ("conv2", "Conv2d", {"out_channels": 20, "kernel_size": 5}), ("dropout2d", "Dropout2d"),
            ("pool2", "MaxPool2d"), ("relu2", "ReLU"), ("flatten", "Flatten"),
            ("fc1", "Linear", {"out_features": 50}), ("relu3", "ReLU"), ("dropout", "Dropout"),
            ("fc2", "Linear", {"out_features": 10}), ("logits", "Output"))
    return t


TEMPLATES = {"srcnn": srcnn, "espcn": espcn, "stn": stn}
