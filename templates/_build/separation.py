"""Source separation: the singing-voice U-Net of Jansson et al. (ISMIR 2017) on magnitude spectrograms."""

from __future__ import annotations

from templates._build.builder import Net, Template, int_params, meta

ENCODER = (16, 32, 64, 128, 256, 512)
PARAMS = 9823313


def _up(body: Net, dropout: bool) -> None:
    x, skip = body.add("x", "BlockInput"), body.add("skip", "BlockInput")
    layers = [("deconv", "ConvTranspose2d", {"out_channels": "$channels", "kernel_size": 5, "stride": 2, "padding": 2,
                                             "output_padding": 1}),
              ("bn", "BatchNorm2d"), ("relu", "ReLU")]
    if dropout:
        layers.append(("dropout", "Dropout", {"p": 0.5}))
    y = body.seq(x, *layers)
    body.seq(body.add("cat", "Concat", y, skip), ("out", "BlockOutput"))


def singing_voice_unet() -> Template:
    t = Template(
        meta(
            title="U-Net for singing voice separation",
            authors="Andreas Jansson, Eric Humphrey, Nicola Montecchio, Rachel Bittner, Aparna Kumar, Tillman Weyde",
            year=2017,
            paper="Singing Voice Separation with Deep U-Net Convolutional Networks",
            link="https://archives.ismir.net/ismir2017/paper/000171.pdf",
            task="regression",
            input_shape=[1, 512, 128],
            expected_params=PARAMS,
            params_source="Hand count of the paper's section 3: six 5×5 stride-2 convolutions (16 to 512 "
                          "channels) with batch norm, 4,368,224; six 5×5 stride-2 transposed convolutions back "
                          "to one channel over the concatenated skips, with batch norm but the last, 5,455,089; "
                          "biases kept. Checked against a hand-written nn.Module.",
            note="Separating a voice from its accompaniment is treated as image-to-image translation on the "
                 "mixture's magnitude spectrogram (512 frequency bins × 128 frames). The encoder halves both "
                 "axes six times with strided 5×5 convolutions, batch norm and leaky ReLU (0.2); the decoder "
                 "doubles them back with strided transposed convolutions, batch norm, ReLU and 50 % dropout "
                 "in its first three layers, concatenating the encoder's map of the same size at each step "
                 "as U-Net does. A sigmoid makes the last layer a soft mask, and the network's output is the "
                 "mask times the mixture; the paper trains it with the L1 loss against the voice's spectrogram.",
            recipe="Generated spectrograms (a sung melody with vibrato over chords and drums) at 128 bins × 64 "
                   "frames, the L1 loss as in the paper, Adam.",
        ),
        {
            "task": "regression",
            "dataset": {"name": "spectrograms", "bins": 128, "frames": 64, "count": 256},
            "batch_size": 16,
            "epochs": 10,
            "optimizer": {"name": "adam", "lr": 0.001},
            "loss": {"name": "mae"},
        },
    )
    down = t.block("Down", "Strided 5×5 convolution, batch norm, leaky ReLU (0.2): halves height and width",
                   int_params(channels=16))
    down.seq(down.add("x", "BlockInput"),
             ("conv", "Conv2d", {"out_channels": "$channels", "kernel_size": 5, "stride": 2, "padding": 2}),
             ("bn", "BatchNorm2d"), ("lrelu", "LeakyReLU", {"negative_slope": 0.2}), ("out", "BlockOutput"))
    _up(t.block("UpDropout", "Strided 5×5 transposed convolution, batch norm, ReLU and 50 % dropout, then the "
                "encoder's map of the same size concatenated", int_params(channels=256)), dropout=True)
    _up(t.block("Up", "Strided 5×5 transposed convolution, batch norm and ReLU, then the encoder's map of the "
                "same size concatenated", int_params(channels=32)), dropout=False)

    net = t.network()
    mixture = net.add("mixture", "Input", shape=[1, 512, 128])
    skips = []
    x = mixture
    for i, channels in enumerate(ENCODER, start=1):
        x = net.add(f"enc{i}", "Down", x, channels=channels)
        skips.append(x)
    for i, (channels, skip) in enumerate(zip(reversed(ENCODER[:-1]), reversed(skips[:-1])), start=1):
        x = net.add(f"dec{i}", "UpDropout" if i <= 3 else "Up", x, skip, channels=channels)
    mask = net.seq(x, ("dec6", "ConvTranspose2d", {"out_channels": 1, "kernel_size": 5, "stride": 2, "padding": 2,
                                                   "output_padding": 1}),
                   ("mask", "Sigmoid"))
    net.seq(net.add("voice", "Multiply", mask, mixture), ("estimate", "Output"))
    return t


TEMPLATES = {"singing_voice_unet": singing_voice_unet}
