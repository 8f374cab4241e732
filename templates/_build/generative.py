"""DCGAN and WGAN (one document, a generator and a discriminator each) and the VAE."""

from __future__ import annotations

from templates._build.builder import Template, int_params, meta

DCGAN_AUTHORS = "Alec Radford, Luke Metz, Soumith Chintala"
DCGAN_LINK = "https://arxiv.org/abs/1511.06434"


def _gan(t: Template, critic: bool) -> None:
    up = t.block("UpBlock", "Transposed 4×4 convolution (weights N(0, 0.02)), batch norm and ReLU",
                 {**int_params(out_channels=256, stride=2), "padding": {"kind": "int", "default": 1, "min": 0}})
    up.seq(up.add("x", "BlockInput"),
           ("deconv", "ConvTranspose2d", {"out_channels": "$out_channels", "kernel_size": 4, "stride": "$stride",
                                          "padding": "$padding", "bias": False, "init": "normal_0.02"}),
           ("bn", "BatchNorm2d"), ("relu", "ReLU"), ("out", "BlockOutput"))
    down = t.block("DownBlock", "Strided 4×4 convolution (weights N(0, 0.02)), batch norm and LeakyReLU(0.2)",
                   int_params(out_channels=128))
    down.seq(down.add("x", "BlockInput"),
             ("conv", "Conv2d", {"out_channels": "$out_channels", "kernel_size": 4, "stride": 2, "padding": 1,
                                 "bias": False, "init": "normal_0.02"}),
             ("bn", "BatchNorm2d"), ("lrelu", "LeakyReLU", {"negative_slope": 0.2}), ("out", "BlockOutput"))

    g = t.network("generator")
    g.seq(g.add("z", "Input", kind="vector", shape=[100]), ("reshape", "Reshape", {"shape": [100, 1, 1]}),
          ("block1", "UpBlock", {"out_channels": 512, "stride": 1, "padding": 0}),
          ("block2", "UpBlock", {"out_channels": 256}), ("block3", "UpBlock", {"out_channels": 128}),
          ("block4", "UpBlock", {"out_channels": 64}),
          ("to_image", "ConvTranspose2d", {"out_channels": 3, "kernel_size": 4, "stride": 2, "padding": 1,
                                           "bias": False, "init": "normal_0.02"}),
          ("tanh", "Tanh"), ("fake", "Output"))

    d = t.network("discriminator")
    x = d.seq(d.add("image", "Input", shape=[3, 64, 64]),
              ("conv1", "Conv2d", {"out_channels": 64, "kernel_size": 4, "stride": 2, "padding": 1, "bias": False,
                                   "init": "normal_0.02"}),
              ("lrelu1", "LeakyReLU", {"negative_slope": 0.2}),
              ("block2", "DownBlock", {"out_channels": 128}), ("block3", "DownBlock", {"out_channels": 256}),
              ("block4", "DownBlock", {"out_channels": 512}),
              ("conv5", "Conv2d", {"out_channels": 1, "kernel_size": 4, "bias": False, "init": "normal_0.02"}),
              ("flatten", "Flatten"))
    if critic:
        d.add("score", "Output", x)
    else:
        d.seq(x, ("sigmoid", "Sigmoid"), ("prob", "Output"))


GAN_PARAMS = {"generator": 3576704, "discriminator": 2765568}
GAN_SHAPES = {"generator": [100], "discriminator": [3, 64, 64]}
GAN_SOURCE = ("Hand count of the paper's 64×64 architecture with nz=100, ngf=ndf=64 and 3 channels (as in "
              "the DCGAN reference code and PyTorch's DCGAN example); checked against hand-written "
              "nn.Modules.")


def dcgan() -> Template:
    t = Template(
        meta(
            title="DCGAN",
            authors=DCGAN_AUTHORS,
            year=2015,
            paper="Unsupervised Representation Learning with Deep Convolutional Generative Adversarial Networks",
            link=DCGAN_LINK,
            task="gan",
            input_shape=GAN_SHAPES,
            expected_params=GAN_PARAMS,
            params_source=GAN_SOURCE,
            note="The architecture guidelines that made GANs train stably: strided convolutions instead of "
                 "pooling, transposed convolutions to up-sample, batch norm in both networks (except the "
                 "generator's output and the discriminator's input), ReLU in the generator with Tanh at the "
                 "output, LeakyReLU(0.2) in the discriminator, no fully connected hidden layers, and weights "
                 "drawn from N(0, 0.02) (init 'normal_0.02'; the batch-norm scales keep PyTorch's default of 1).",
            recipe="scikit-learn's digits at 64x64 RGB, Adam with the paper's lr 0.0002 and beta1 0.5.",
        ),
        {
            "task": "gan",
            "dataset": {"name": "digits", "size": 64, "channels": 3},
            "batch_size": 64,
            "epochs": 10,
            "optimizer": {"name": "adam", "lr": 0.0002, "betas": [0.5, 0.999]},
            "loss": {"name": "bce"},
            "gan": {"variant": "dcgan", "latent_dim": 100},
        },
    )
    _gan(t, critic=False)
    return t


def wgan() -> Template:
    t = Template(
        meta(
            title="Wasserstein GAN",
            authors="Martin Arjovsky, Soumith Chintala, Léon Bottou",
            year=2017,
            paper="Wasserstein GAN",
            link="https://arxiv.org/abs/1701.07875",
            task="gan",
            input_shape=GAN_SHAPES,
            expected_params=GAN_PARAMS,
            params_source=GAN_SOURCE + " The critic is the discriminator without its Sigmoid.",
            note="The discriminator becomes a critic that scores images with an unbounded number: its "
                 "difference of means estimates the Wasserstein-1 distance, which gives the generator useful "
                 "gradients even when the two distributions do not overlap. The critic's weights are clipped "
                 "to [-0.01, 0.01] to keep it Lipschitz, and it trains 5 steps per generator step. Same "
                 "DCGAN networks as the paper's main experiments, without the final Sigmoid.",
            recipe="scikit-learn's digits at 64x64 RGB, RMSprop at the paper's lr 5e-5, clipping 0.01, "
                   "5 critic steps per generator step.",
        ),
        {
            "task": "gan",
            "dataset": {"name": "digits", "size": 64, "channels": 3},
            "batch_size": 64,
            "epochs": 10,
            "optimizer": {"name": "rmsprop", "lr": 5e-05},
            "loss": {"name": "wasserstein"},
            "gan": {"variant": "wgan", "latent_dim": 100, "critic_iters": 5, "clip": 0.01},
        },
    )
    _gan(t, critic=True)
    return t


def vae() -> Template:
    t = Template(
        meta(
            title="Variational autoencoder",
            authors="Diederik P. Kingma, Max Welling",
            year=2013,
            paper="Auto-Encoding Variational Bayes",
            link="https://arxiv.org/abs/1312.6114",
            task="vae",
            input_shape=[1, 28, 28],
            expected_params=815824,
            params_source="Hand count of the paper's MNIST model (appendix C: one tanh hidden layer of 500 units "
                          "in encoder and decoder), with 20 latent dimensions, one of the sizes the paper "
                          "compares: 392,500 + 2·10,020 + 10,500 + 392,784; checked against a hand-written "
                          "nn.Module.",
            note="An autoencoder whose encoder outputs a Gaussian (mean and log-variance) instead of a code. "
                 "The reparameterisation trick, z = mu + sigma·eps, makes the sample differentiable, so the "
                 "evidence lower bound (reconstruction plus KL divergence to N(0, I)) trains by plain "
                 "back-propagation. The decoder is the paper's Bernoulli MLP (sigmoid output). The network "
                 "returns (recon, mu, logvar); in eval mode it decodes the mean.",
            recipe="Digits at 28x28 (MNIST's size), the VAE loss, Adam (the paper used Adagrad), "
                   "minibatches of 100 as in the paper.",
        ),
        {
            "task": "vae",
            "dataset": {"name": "digits", "size": 28},
            "batch_size": 100,
            "epochs": 20,
            "optimizer": {"name": "adam", "lr": 0.001},
            "loss": {"name": "vae"},
        },
    )
    enc = t.block("GaussianEncoder", "MLP from the image to the mean and log-variance of q(z|x)",
                  int_params(hidden=500, latent=20))
    h = enc.seq(enc.add("x", "BlockInput"), ("fc", "Linear", {"out_features": "$hidden"}), ("tanh", "Tanh"))
    enc.seq(h, ("fc_mu", "Linear", {"out_features": "$latent"}), ("mu", "BlockOutput"))
    enc.seq(h, ("fc_logvar", "Linear", {"out_features": "$latent"}), ("logvar", "BlockOutput"))
    dec = t.block("BernoulliDecoder", "MLP from z to the pixel probabilities of p(x|z)",
                  int_params(hidden=500, pixels=784))
    dec.seq(dec.add("z", "BlockInput"), ("fc1", "Linear", {"out_features": "$hidden"}), ("tanh", "Tanh"),
            ("fc2", "Linear", {"out_features": "$pixels"}), ("sigmoid", "Sigmoid"), ("out", "BlockOutput"))
    net = t.network()
    net.seq(net.add("image", "Input", shape=[1, 28, 28]), ("flatten", "Flatten"), ("encoder", "GaussianEncoder"))
    z = net.add("reparameterize", "Reparameterize", "encoder.mu", "encoder.logvar")
    net.seq(f"{z}.z", ("decoder", "BernoulliDecoder"), ("reshape", "Reshape", {"shape": [1, 28, 28]}),
            ("recon", "Output"))
    net.add("mu", "Output", "encoder.mu")
    net.add("logvar", "Output", "encoder.logvar")
    return t


TEMPLATES = {"dcgan": dcgan, "wgan": wgan, "vae": vae}
