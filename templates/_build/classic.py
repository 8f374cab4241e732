"""Perceptron, the Playground MLP, LeNet-5, AlexNet, Network in Network, SELU and Swish networks."""

from __future__ import annotations

from templates._build.builder import Template, int_params, meta

DIGITS_RGB_64 = {"name": "digits", "size": 64, "channels": 3}
# ImageNet networks keep their 1000-way head; their recipes say so through this.
HEAD_1000 = (" The 1000-way ImageNet head is kept, so digits use 10 of its logits; set the last layer's "
             "out_features to 10 for a digit classifier.")


def perceptron() -> Template:
    t = Template(
        meta(
            title="Perceptron",
            authors="Frank Rosenblatt",
            year=1958,
            paper="The Perceptron: A Probabilistic Model for Information Storage and Organization in the Brain",
            link="https://doi.org/10.1037/h0042519",
            task="perceptron",
            input_shape=[2],
            expected_params=3,
            params_source="Two weights and a threshold (bias); checked against nn.Linear(2, 1).",
            note="A single threshold unit: the weighted sum of the inputs goes through a unit step. "
                 "Rosenblatt's learning rule (w += lr * (target - output) * x) finds weights for any "
                 "linearly separable truth table, such as AND, and none for XOR (Minsky & Papert 1969). "
                 "The step has no gradient, so the recipe trains with the perceptron rule, not backprop.",
            recipe="The AND truth table, one example at a time with the perceptron rule.",
        ),
        {
            "task": "perceptron",
            "dataset": {"name": "logic", "function": "and"},
            "batch_size": 1,
            "epochs": 20,
            "optimizer": {"name": "sgd", "lr": 0.1},
        },
    )
    net = t.network()
    net.seq(net.add("x", "Input", kind="vector", shape=[2]),
            ("fc", "Linear", {"out_features": 1}), ("step", "Step"), ("y", "Output"))
    return t


def playground_mlp() -> Template:
    t = Template(
        meta(
            title="Playground MLP",
            authors="Daniel Smilkov, Shan Carter (TensorFlow Playground)",
            year=2016,
            paper="TensorFlow Playground: tinker with a neural network in your browser",
            link="https://playground.tensorflow.org",
            task="classification",
            input_shape=[2],
            expected_params=28,
            params_source="Hand count: 2·4+4 + 4·2+2 + 2·2+2 = 28; checked against a hand-written nn.Module.",
            note="The Playground's default network: the inputs x1 and x2, two tanh hidden layers of 4 and "
                 "2 neurons. Switch on more features (x1², x1·x2, sin x1...) in the features node to see how "
                 "engineered inputs replace hidden units; x1·x2 alone solves XOR. The Playground's single "
                 "tanh output neuron is two logits here, as every Netsmith classifier returns logits.",
            recipe="Playground's XOR set (500 points, half for training), batch 10, SGD at the "
                   "Playground's default learning rate 0.03.",
        ),
        {
            "task": "classification",
            "dataset": {"name": "playground", "kind": "xor", "noise": 0.0, "train_ratio": 0.5, "points": 500},
            "batch_size": 10,
            "epochs": 100,
            "optimizer": {"name": "sgd", "lr": 0.03},
            "loss": {"name": "cross_entropy"},
        },
    )
    net = t.network()
    net.seq(net.add("x", "Input", kind="vector", shape=[2]),
            ("features", "PlaygroundFeatures"),
            ("fc1", "Linear", {"out_features": 4}), ("tanh1", "Tanh"),
            ("fc2", "Linear", {"out_features": 2}), ("tanh2", "Tanh"),
            ("fc3", "Linear", {"out_features": 2}), ("logits", "Output"))
    return t


def playground_spiral() -> Template:
    features = {name: True for name in ("x1", "x2", "x1_squared", "x2_squared", "x1_times_x2", "sin_x1", "sin_x2")}
    t = Template(
        meta(
            title="Playground MLP for the spiral",
            authors="Daniel Smilkov, Shan Carter (TensorFlow Playground)",
            year=2016,
            paper="TensorFlow Playground: tinker with a neural network in your browser",
            link="https://playground.tensorflow.org",
            task="classification",
            input_shape=[2],
            expected_params=154,
            params_source="Hand count: 7·8+8 + 8·8+8 + 8·2+2 = 154; checked against a hand-written nn.Module "
                          "that computes the seven features itself.",
            note="The Playground's hardest set, two interleaved spirals, is out of reach of a small network "
                 "fed only x1 and x2; with all seven input features (squares, product and sines) two tanh "
                 "layers of 8 neurons separate it. Turn features off in the features node to watch the "
                 "decision boundary lose its curls.",
            recipe="Playground's spiral set (500 points, half for training), batch 10, Adam at lr 0.01.",
        ),
        {
            "task": "classification",
            "dataset": {"name": "playground", "kind": "spiral", "noise": 0.0, "train_ratio": 0.5, "points": 500},
            "batch_size": 10,
            "epochs": 100,
            "optimizer": {"name": "adam", "lr": 0.01},
            "loss": {"name": "cross_entropy"},
        },
    )
    net = t.network()
    net.seq(net.add("x", "Input", kind="vector", shape=[2]), ("features", "PlaygroundFeatures", features),
            ("fc1", "Linear", {"out_features": 8}), ("tanh1", "Tanh"),
            ("fc2", "Linear", {"out_features": 8}), ("tanh2", "Tanh"),
            ("fc3", "Linear", {"out_features": 2}), ("logits", "Output"))
    return t


def lenet5() -> Template:
    t = Template(
        meta(
            title="LeNet-5",
            authors="Yann LeCun, Léon Bottou, Yoshua Bengio, Patrick Haffner",
            year=1998,
            paper="Gradient-Based Learning Applied to Document Recognition",
            link="http://yann.lecun.com/exdb/publis/pdf/lecun-01a.pdf",
            task="classification",
            input_shape=[1, 32, 32],
            expected_params=61706,
            params_source="Hand count of the paper's layers with C3 fully connected to S2 (the paper's sparse C3 "
                          "table gives 60,000): 156 + 2,416 + 48,120 + 10,164 + 850; checked against a "
                          "hand-written nn.Module.",
            note="The first convolutional network trained end to end with back-propagation on real data: "
                 "alternating convolution and sub-sampling layers, then fully connected layers. C5 is a 5×5 "
                 "convolution over a 5×5 map, which is the fully connected fc1 here. Average pooling and tanh "
                 "follow the paper (its trainable sub-sampling coefficients and RBF output layer are left out, "
                 "as in most modern versions).",
            recipe="scikit-learn's digits resized to 32x32, the paper's input size: trains in seconds.",
        ),
        {
            "task": "classification",
            "dataset": {"name": "digits", "size": 32},
            "batch_size": 64,
            "epochs": 10,
            "optimizer": {"name": "adam", "lr": 0.001},
            "loss": {"name": "cross_entropy"},
        },
    )
    net = t.network()
    net.seq(net.add("image", "Input", shape=[1, 32, 32]),
            ("conv1", "Conv2d", {"out_channels": 6, "kernel_size": 5}), ("tanh1", "Tanh"), ("pool1", "AvgPool2d"),
            ("conv2", "Conv2d", {"out_channels": 16, "kernel_size": 5}), ("tanh2", "Tanh"), ("pool2", "AvgPool2d"),
            ("flatten", "Flatten"),
            ("fc1", "Linear", {"out_features": 120}), ("tanh3", "Tanh"),
            ("fc2", "Linear", {"out_features": 84}), ("tanh4", "Tanh"),
            ("fc3", "Linear", {"out_features": 10}), ("logits", "Output"))
    return t


def alexnet() -> Template:
    t = Template(
        meta(
            title="AlexNet",
            authors="Alex Krizhevsky, Ilya Sutskever, Geoffrey E. Hinton",
            year=2012,
            paper="ImageNet Classification with Deep Convolutional Neural Networks",
            link="https://papers.nips.cc/paper/4824-imagenet-classification-with-deep-convolutional-neural-networks",
            task="classification",
            input_shape=[3, 224, 224],
            expected_params=61100840,
            params_source="torchvision.models.alexnet (weights=None): equal parameter count, output shape "
                          "and outputs on the same weights.",
            note="The network that won ILSVRC 2012 by a wide margin: ReLU instead of saturating units, "
                 "dropout in the classifier, overlapping max pooling and GPU training. This is torchvision's "
                 "version, which follows Krizhevsky's 'One weird trick' paper (2014): 64-192-384-256-256 "
                 "filters, no local response normalisation, no split across two GPUs, and an adaptive "
                 "pooling to 6×6 before the classifier.",
            recipe="A smoke test on scikit-learn's digits resized to 64x64 RGB, with the paper's SGD settings "
                   "(momentum 0.9, weight decay 5e-4)." + HEAD_1000,
        ),
        {
            "task": "classification",
            "dataset": DIGITS_RGB_64,
            "batch_size": 64,
            "epochs": 5,
            "optimizer": {"name": "sgd", "lr": 0.01, "momentum": 0.9, "weight_decay": 0.0005},
            "loss": {"name": "cross_entropy"},
        },
    )
    net = t.network()
    net.seq(net.add("image", "Input", shape=[3, 224, 224]),
            ("conv1", "Conv2d", {"out_channels": 64, "kernel_size": 11, "stride": 4, "padding": 2}),
            ("relu1", "ReLU"), ("pool1", "MaxPool2d", {"kernel_size": 3, "stride": 2}),
            ("conv2", "Conv2d", {"out_channels": 192, "kernel_size": 5, "padding": 2}),
            ("relu2", "ReLU"), ("pool2", "MaxPool2d", {"kernel_size": 3, "stride": 2}),
            ("conv3", "Conv2d", {"out_channels": 384, "kernel_size": 3, "padding": 1}), ("relu3", "ReLU"),
            ("conv4", "Conv2d", {"out_channels": 256, "kernel_size": 3, "padding": 1}), ("relu4", "ReLU"),
            ("conv5", "Conv2d", {"out_channels": 256, "kernel_size": 3, "padding": 1}),
            ("relu5", "ReLU"), ("pool5", "MaxPool2d", {"kernel_size": 3, "stride": 2}),
            ("avgpool", "AdaptiveAvgPool2d", {"output_size": 6}), ("flatten", "Flatten"),
            ("dropout6", "Dropout"), ("fc6", "Linear", {"out_features": 4096}), ("relu6", "ReLU"),
            ("dropout7", "Dropout"), ("fc7", "Linear", {"out_features": 4096}), ("relu7", "ReLU"),
            ("fc8", "Linear", {"out_features": 1000}), ("logits", "Output"))
    return t


def alexnet_paper() -> Template:
    t = Template(
        meta(
            title="AlexNet (as in the paper)",
            authors="Alex Krizhevsky, Ilya Sutskever, Geoffrey E. Hinton",
            year=2012,
            paper="ImageNet Classification with Deep Convolutional Neural Networks",
            link="https://papers.nips.cc/paper/4824-imagenet-classification-with-deep-convolutional-neural-networks",
            task="classification",
            input_shape=[3, 227, 227],
            expected_params=60965224,
            params_source="Hand count of the paper's Figure 2 with its two-GPU split as grouped convolutions "
                          "(conv2, conv4 and conv5 see only their own GPU's half); checked against a "
                          "hand-written nn.Module. The paper rounds it to 60 million.",
            note="The original AlexNet: 96-256-384-384-256 filters, local response normalisation after the "
                 "first two convolutions (k=2, n=5, α=1e-4, β=0.75; torch's LocalResponseNorm divides alpha by "
                 "n where the paper sums, so alpha is 5e-4 here), overlapping 3×3 max pooling with stride 2, "
                 "dropout after the first two fully connected layers, and the two-GPU split kept as groups=2 "
                 "in the layers that the paper wires to one GPU only. The input is 227×227 (the paper's "
                 "'224' does not fit its 11×11 stride-4 convolution); the classifier takes exactly 6×6×256.",
            recipe="A smoke test on 256 random 227x227 images (torchvision's FakeData), since the flattened "
                   "6×6×256 classifier input fixes the image size; the paper's SGD settings.",
        ),
        {
            "task": "classification",
            "dataset": {"name": "fake", "shape": [3, 227, 227], "classes": 1000, "count": 256},
            "batch_size": 32,
            "epochs": 2,
            "optimizer": {"name": "sgd", "lr": 0.01, "momentum": 0.9, "weight_decay": 0.0005},
            "loss": {"name": "cross_entropy"},
        },
    )
    net = t.network()
    lrn = {"size": 5, "alpha": 0.0005, "beta": 0.75, "k": 2.0}
    net.seq(net.add("image", "Input", shape=[3, 227, 227]),
            ("conv1", "Conv2d", {"out_channels": 96, "kernel_size": 11, "stride": 4}),
            ("relu1", "ReLU"), ("lrn1", "LocalResponseNorm", lrn),
            ("pool1", "MaxPool2d", {"kernel_size": 3, "stride": 2}),
            ("conv2", "Conv2d", {"out_channels": 256, "kernel_size": 5, "padding": 2, "groups": 2}),
            ("relu2", "ReLU"), ("lrn2", "LocalResponseNorm", lrn),
            ("pool2", "MaxPool2d", {"kernel_size": 3, "stride": 2}),
            ("conv3", "Conv2d", {"out_channels": 384, "kernel_size": 3, "padding": 1}), ("relu3", "ReLU"),
            ("conv4", "Conv2d", {"out_channels": 384, "kernel_size": 3, "padding": 1, "groups": 2}),
            ("relu4", "ReLU"),
            ("conv5", "Conv2d", {"out_channels": 256, "kernel_size": 3, "padding": 1, "groups": 2}),
            ("relu5", "ReLU"), ("pool5", "MaxPool2d", {"kernel_size": 3, "stride": 2}),
            ("flatten", "Flatten"),
            ("fc6", "Linear", {"out_features": 4096}), ("relu6", "ReLU"), ("dropout6", "Dropout"),
            ("fc7", "Linear", {"out_features": 4096}), ("relu7", "ReLU"), ("dropout7", "Dropout"),
            ("fc8", "Linear", {"out_features": 1000}), ("logits", "Output"))
    return t


def nin() -> Template:
    t = Template(
        meta(
            title="Network in Network",
            authors="Min Lin, Qiang Chen, Shuicheng Yan",
            year=2013,
            paper="Network In Network",
            link="https://arxiv.org/abs/1312.4400",
            task="classification",
            input_shape=[3, 32, 32],
            expected_params=966986,
            params_source="Hand count of the authors' CIFAR-10 model (Caffe model zoo, 'NIN cifar10'); "
                          "checked against a hand-written nn.Module.",
            note="Replaces each linear convolution by an 'mlpconv' layer, a convolution followed by 1×1 "
                 "convolutions (a small MLP slid over the image), and replaces the fully connected "
                 "classifier by global average pooling over one feature map per class. The 1×1 "
                 "convolution became a standard building block (GoogLeNet, ResNet, SqueezeNet). The "
                 "authors' model keeps a ReLU after the last 1×1 convolution, as here.",
            recipe="Digits at 32x32 RGB, the CIFAR-10 input size, with Adam.",
        ),
        {
            "task": "classification",
            "dataset": {"name": "digits", "size": 32, "channels": 3},
            "batch_size": 64,
            "epochs": 10,
            "optimizer": {"name": "adam", "lr": 0.001},
            "loss": {"name": "cross_entropy"},
        },
    )
    params = int_params(channels=192, kernel_size=5, cccp1=160, cccp2=96)
    params["padding"] = {"kind": "int", "default": 2, "min": 0}
    body = t.block("MlpConv", "mlpconv layer: a convolution, then two 1×1 convolutions, each with ReLU", params)
    body.seq(body.add("x", "BlockInput"),
             ("conv", "Conv2d", {"out_channels": "$channels", "kernel_size": "$kernel_size",
                                 "padding": "$padding"}), ("relu", "ReLU"),
             ("cccp1", "Conv2d", {"out_channels": "$cccp1", "kernel_size": 1}), ("relu_cccp1", "ReLU"),
             ("cccp2", "Conv2d", {"out_channels": "$cccp2", "kernel_size": 1}), ("relu_cccp2", "ReLU"),
             ("out", "BlockOutput"))
    net = t.network()
    net.seq(net.add("image", "Input", shape=[3, 32, 32]),
            ("mlpconv1", "MlpConv", {"channels": 192, "kernel_size": 5, "padding": 2, "cccp1": 160, "cccp2": 96}),
            ("pool1", "MaxPool2d", {"kernel_size": 3, "stride": 2, "ceil_mode": True}),
            ("dropout1", "Dropout"),
            ("mlpconv2", "MlpConv", {"channels": 192, "kernel_size": 5, "padding": 2, "cccp1": 192, "cccp2": 192}),
            ("pool2", "AvgPool2d", {"kernel_size": 3, "stride": 2, "ceil_mode": True}),
            ("dropout2", "Dropout"),
            ("mlpconv3", "MlpConv", {"channels": 192, "kernel_size": 3, "padding": 1, "cccp1": 192, "cccp2": 10}),
            ("gap", "GlobalAvgPool"), ("logits", "Output"))
    return t


def selu_mlp() -> Template:
    t = Template(
        meta(
            title="Self-normalising MLP (SELU)",
            authors="Günter Klambauer, Thomas Unterthiner, Andreas Mayr, Sepp Hochreiter",
            year=2017,
            paper="Self-Normalizing Neural Networks",
            link="https://arxiv.org/abs/1706.02515",
            task="classification",
            input_shape=[1, 8, 8],
            expected_params=216586,
            params_source="Hand count: 64·256+256 + 3·(256·256+256) + 256·10+10; checked against a "
                          "hand-written nn.Module.",
            note="Scaled exponential linear units keep activations near zero mean and unit variance "
                 "through many layers without batch normalisation, provided the weights start as "
                 "LeCun-normal (std 1/sqrt(fan_in): init 'lecun_normal') and dropout is alpha dropout, "
                 "which preserves those moments. Four hidden layers of 256 units are one repeated block.",
            recipe="scikit-learn's 8x8 digits with plain SGD, as in the paper.",
        ),
        {
            "task": "classification",
            "dataset": {"name": "digits", "size": 8},
            "batch_size": 64,
            "epochs": 30,
            "optimizer": {"name": "sgd", "lr": 0.05},
            "loss": {"name": "cross_entropy"},
        },
    )
    body = t.block("SeluLayer", "Fully connected layer with LeCun-normal weights, SELU and alpha dropout",
                   {**int_params(units=256), "p": {"kind": "float", "default": 0.05, "min": 0.0, "max": 1.0}})
    body.seq(body.add("x", "BlockInput"),
             ("fc", "Linear", {"out_features": "$units", "init": "lecun_normal"}), ("selu", "SELU"),
             ("dropout", "AlphaDropout", {"p": "$p"}), ("out", "BlockOutput"))
    net = t.network()
    net.seq(net.add("image", "Input", shape=[1, 8, 8]), ("flatten", "Flatten"),
            ("hidden", "SeluLayer", {"units": 256, "repeat": 4}),
            ("fc_out", "Linear", {"out_features": 10, "init": "lecun_normal"}), ("logits", "Output"))
    return t


def swish_cnn() -> Template:
    t = Template(
        meta(
            title="Small CNN with Swish",
            authors="Prajit Ramachandran, Barret Zoph, Quoc V. Le",
            year=2017,
            paper="Searching for Activation Functions",
            link="https://arxiv.org/abs/1710.05941",
            task="classification",
            input_shape=[1, 28, 28],
            expected_params=421834,
            params_source="Hand count: 320 + 64 + 18,496 + 128 + 401,536 + 1,290; checked against a "
                          "hand-written nn.Module.",
            note="Swish, x·sigmoid(x) (SiLU), was found by an automated search over activation functions "
                 "and matched or beat ReLU across models. Here it replaces ReLU in a small two-stage CNN "
                 "(convolution, batch norm, Swish, max pooling): swap the activations back to ReLU to compare.",
            recipe="Digits at 28x28 (MNIST's size) with Adam.",
        ),
        {
            "task": "classification",
            "dataset": {"name": "digits", "size": 28},
            "batch_size": 64,
            "epochs": 10,
            "optimizer": {"name": "adam", "lr": 0.001},
            "loss": {"name": "cross_entropy"},
        },
    )
    body = t.block("ConvSwish", "3×3 convolution, batch norm, Swish and 2×2 max pooling", int_params(channels=32))
    body.seq(body.add("x", "BlockInput"),
             ("conv", "Conv2d", {"out_channels": "$channels", "kernel_size": 3, "padding": 1}),
             ("bn", "BatchNorm2d"), ("swish", "SiLU"), ("pool", "MaxPool2d"), ("out", "BlockOutput"))
    net = t.network()
    net.seq(net.add("image", "Input", shape=[1, 28, 28]),
            ("stage1", "ConvSwish", {"channels": 32}), ("stage2", "ConvSwish", {"channels": 64}),
            ("flatten", "Flatten"), ("fc1", "Linear", {"out_features": 128}), ("swish", "SiLU"),
            ("dropout", "Dropout"), ("fc2", "Linear", {"out_features": 10}), ("logits", "Output"))
    return t


TEMPLATES = {
    "perceptron": perceptron,
    "playground_mlp": playground_mlp,
    "playground_spiral": playground_spiral,
    "lenet5": lenet5,
    "alexnet": alexnet,
    "alexnet_paper": alexnet_paper,
    "nin": nin,
    "selu_mlp": selu_mlp,
    "swish_cnn": swish_cnn,
}
