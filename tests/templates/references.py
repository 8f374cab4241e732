"""Hand-written PyTorch versions of the templates that torchvision does not have.

Each follows the paper (or the reference code named in the template's meta), written
independently of the template, with attribute names chosen so that its state_dict
keys equal the compiled template's: the tests load one into the other and compare
outputs as well as parameter counts.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F


class Perceptron(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 1)

    def forward(self, x):
        return (self.fc(x) > 0).float()


class PlaygroundMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(2, 4), nn.Linear(4, 2), nn.Linear(2, 2)

    def forward(self, x):
        return self.fc3(torch.tanh(self.fc2(torch.tanh(self.fc1(x)))))


class PlaygroundSpiral(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(7, 8), nn.Linear(8, 8), nn.Linear(8, 2)

    def forward(self, x):
        x1, x2 = x[:, 0], x[:, 1]
        x = torch.stack([x1, x2, x1 ** 2, x2 ** 2, x1 * x2, torch.sin(x1), torch.sin(x2)], dim=1)
        return self.fc3(torch.tanh(self.fc2(torch.tanh(self.fc1(x)))))


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 6, 5), nn.Conv2d(6, 16, 5)
        self.fc1, self.fc2, self.fc3 = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10)

    def forward(self, x):
        x = F.avg_pool2d(torch.tanh(self.conv1(x)), 2)
        x = F.avg_pool2d(torch.tanh(self.conv2(x)), 2).flatten(1)
        return self.fc3(torch.tanh(self.fc2(torch.tanh(self.fc1(x)))))


def paper_lrn(a, n=5, k=2.0, alpha=1e-4, beta=0.75):
    """Krizhevsky et al. 2012, section 3.3: alpha multiplies the plain sum over n adjacent channels."""
    squares = F.pad(a * a, (0, 0, 0, 0, n // 2, n // 2))
    total = sum(squares[:, i:i + a.shape[1]] for i in range(n))
    return a / (k + alpha * total) ** beta


class AlexNetPaper(nn.Module):
    """Figure 2 of the paper, the two GPUs' halves as groups=2 where the paper wires within one GPU."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 96, 11, stride=4)
        self.conv2 = nn.Conv2d(96, 256, 5, padding=2, groups=2)
        self.conv3 = nn.Conv2d(256, 384, 3, padding=1)
        self.conv4 = nn.Conv2d(384, 384, 3, padding=1, groups=2)
        self.conv5 = nn.Conv2d(384, 256, 3, padding=1, groups=2)
        self.fc6, self.fc7, self.fc8 = nn.Linear(9216, 4096), nn.Linear(4096, 4096), nn.Linear(4096, 1000)

    def forward(self, x):
        x = F.max_pool2d(paper_lrn(F.relu(self.conv1(x))), 3, 2)
        x = F.max_pool2d(paper_lrn(F.relu(self.conv2(x))), 3, 2)
        x = F.relu(self.conv4(F.relu(self.conv3(x))))
        x = F.max_pool2d(F.relu(self.conv5(x)), 3, 2).flatten(1)
        x = F.dropout(F.relu(self.fc6(x)), 0.5, self.training)
        x = F.dropout(F.relu(self.fc7(x)), 0.5, self.training)
        return self.fc8(x)


class MlpConv(nn.Module):
    def __init__(self, cin, c, k, pad, c1, c2):
        super().__init__()
        self.conv = nn.Conv2d(cin, c, k, padding=pad)
        self.cccp1, self.cccp2 = nn.Conv2d(c, c1, 1), nn.Conv2d(c1, c2, 1)

    def forward(self, x):
        return F.relu(self.cccp2(F.relu(self.cccp1(F.relu(self.conv(x))))))


class NiN(nn.Module):
    """The authors' Caffe CIFAR-10 model (Caffe pools round up)."""

    def __init__(self):
        super().__init__()
        self.mlpconv1 = MlpConv(3, 192, 5, 2, 160, 96)
        self.mlpconv2 = MlpConv(96, 192, 5, 2, 192, 192)
        self.mlpconv3 = MlpConv(192, 192, 3, 1, 192, 10)

    def forward(self, x):
        x = F.max_pool2d(self.mlpconv1(x), 3, 2, ceil_mode=True)
        x = F.avg_pool2d(self.mlpconv2(F.dropout(x, 0.5, self.training)), 3, 2, ceil_mode=True)
        x = self.mlpconv3(F.dropout(x, 0.5, self.training))
        return x.mean(dim=(2, 3))


class SeluLayer(nn.Module):
    def __init__(self, cin, units):
        super().__init__()
        self.fc = nn.Linear(cin, units)

    def forward(self, x):
        return F.alpha_dropout(F.selu(self.fc(x)), 0.05, self.training)


class SeluMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Sequential(SeluLayer(64, 256), *[SeluLayer(256, 256) for _ in range(3)])
        self.fc_out = nn.Linear(256, 10)

    def forward(self, x):
        return self.fc_out(self.hidden(x.flatten(1)))


class ConvSwish(nn.Module):
    def __init__(self, cin, c):
        super().__init__()
        self.conv, self.bn = nn.Conv2d(cin, c, 3, padding=1), nn.BatchNorm2d(c)

    def forward(self, x):
        x = self.bn(self.conv(x))
        return F.max_pool2d(x * torch.sigmoid(x), 2)


class SwishCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.stage1, self.stage2 = ConvSwish(1, 32), ConvSwish(32, 64)
        self.fc1, self.fc2 = nn.Linear(64 * 7 * 7, 128), nn.Linear(128, 10)

    def forward(self, x):
        x = self.fc1(self.stage2(self.stage1(x)).flatten(1))
        return self.fc2(F.dropout(x * torch.sigmoid(x), 0.5, self.training))


class DepthwiseSeparable(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.dw = nn.Conv2d(cin, cin, 3, stride, 1, groups=cin, bias=False)
        self.dw_bn = nn.BatchNorm2d(cin)
        self.pw = nn.Conv2d(cin, cout, 1, bias=False)
        self.pw_bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.relu(self.pw_bn(self.pw(F.relu(self.dw_bn(self.dw(x))))))


class MobileNetV1(nn.Module):
    """Table 1 of the paper (width 1.0)."""

    def __init__(self):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(3, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32)
        rows = [(32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2), (256, 256, 1), (256, 512, 2)]
        for i, (cin, cout, stride) in enumerate(rows, start=1):
            setattr(self, f"ds{i}", DepthwiseSeparable(cin, cout, stride))
        self.ds7_11 = nn.Sequential(*[DepthwiseSeparable(512, 512, 1) for _ in range(5)])
        self.ds12, self.ds13 = DepthwiseSeparable(512, 1024, 2), DepthwiseSeparable(1024, 1024, 1)
        self.fc = nn.Linear(1024, 1000)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        for name in ("ds1", "ds2", "ds3", "ds4", "ds5", "ds6", "ds7_11", "ds12", "ds13"):
            x = getattr(self, name)(x)
        return self.fc(x.mean(dim=(2, 3)))


class UpBlock(nn.Module):
    def __init__(self, cin, cout, stride=2, padding=1):
        super().__init__()
        self.deconv = nn.ConvTranspose2d(cin, cout, 4, stride, padding, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.relu(self.bn(self.deconv(x)))


class DCGANGenerator(nn.Module):
    """PyTorch's DCGAN example (nz=100, ngf=64, nc=3), the paper's 64x64 generator."""

    def __init__(self):
        super().__init__()
        self.block1 = UpBlock(100, 512, 1, 0)
        self.block2, self.block3, self.block4 = UpBlock(512, 256), UpBlock(256, 128), UpBlock(128, 64)
        self.to_image = nn.ConvTranspose2d(64, 3, 4, 2, 1, bias=False)

    def forward(self, z):
        x = self.block4(self.block3(self.block2(self.block1(z[:, :, None, None]))))
        return torch.tanh(self.to_image(x))


class DownBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv, self.bn = nn.Conv2d(cin, cout, 4, 2, 1, bias=False), nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.leaky_relu(self.bn(self.conv(x)), 0.2)


class DCGANDiscriminator(nn.Module):
    def __init__(self, sigmoid=True):
        super().__init__()
        self.sigmoid = sigmoid
        self.conv1 = nn.Conv2d(3, 64, 4, 2, 1, bias=False)
        self.block2, self.block3, self.block4 = DownBlock(64, 128), DownBlock(128, 256), DownBlock(256, 512)
        self.conv5 = nn.Conv2d(512, 1, 4, 1, 0, bias=False)

    def forward(self, x):
        x = self.block4(self.block3(self.block2(F.leaky_relu(self.conv1(x), 0.2))))
        x = self.conv5(x).flatten(1)
        return torch.sigmoid(x) if self.sigmoid else x


class _Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc, self.fc_mu, self.fc_logvar = nn.Linear(784, 500), nn.Linear(500, 20), nn.Linear(500, 20)


class _Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(20, 500), nn.Linear(500, 784)


class VAE(nn.Module):
    """Appendix C of the paper: Gaussian MLP encoder, Bernoulli MLP decoder, tanh hidden layers."""

    def __init__(self):
        super().__init__()
        self.encoder, self.decoder = _Encoder(), _Decoder()

    def forward(self, x):
        h = torch.tanh(self.encoder.fc(x.flatten(1)))
        mu, logvar = self.encoder.fc_mu(h), self.encoder.fc_logvar(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar) if self.training else mu
        recon = torch.sigmoid(self.decoder.fc2(torch.tanh(self.decoder.fc1(z))))
        return recon.view(-1, 1, 28, 28), mu, logvar


class SRCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 64, 9, padding=4)
        self.conv2 = nn.Conv2d(64, 32, 1)
        self.conv3 = nn.Conv2d(32, 1, 5, padding=2)

    def forward(self, x):
        return self.conv3(F.relu(self.conv2(F.relu(self.conv1(x)))))


class ESPCN(nn.Module):
    def __init__(self, r=2):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 64, 5, padding=2)
        self.conv2 = nn.Conv2d(64, 32, 3, padding=1)
        self.conv3 = nn.Conv2d(32, r * r, 3, padding=1)
        self.r = r

    def forward(self, x):
        return F.pixel_shuffle(self.conv3(torch.tanh(self.conv2(torch.tanh(self.conv1(x))))), self.r)


class DoubleConv(nn.Module):
    def __init__(self, cin, c):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(cin, c, 3), nn.Conv2d(c, c, 3)

    def forward(self, x):
        return F.relu(self.conv2(F.relu(self.conv1(x))))


class Down(nn.Module):
    def __init__(self, cin, c):
        super().__init__()
        self.convs = DoubleConv(cin, c)

    def forward(self, x):
        return self.convs(F.max_pool2d(x, 2))


class Up(nn.Module):
    def __init__(self, cin, c):
        super().__init__()
        self.up = nn.ConvTranspose2d(cin, c, 2, stride=2)
        self.convs = DoubleConv(2 * c, c)

    def forward(self, x, skip):
        x = self.up(x)
        dh, dw = (skip.shape[2] - x.shape[2]) // 2, (skip.shape[3] - x.shape[3]) // 2
        skip = skip[:, :, dh:dh + x.shape[2], dw:dw + x.shape[3]]
        return self.convs(torch.cat([skip, x], dim=1))


class UNet(nn.Module):
    """Figure 1 of the paper: valid 3x3 convolutions, cropped skip connections, 2 classes."""

    def __init__(self):
        super().__init__()
        self.enc1 = DoubleConv(1, 64)
        self.down1, self.down2, self.down3, self.down4 = Down(64, 128), Down(128, 256), Down(256, 512), Down(512, 1024)
        self.up1, self.up2, self.up3, self.up4 = Up(1024, 512), Up(512, 256), Up(256, 128), Up(128, 64)
        self.head = nn.Conv2d(64, 2, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        d1 = self.down1(e1)
        d2 = self.down2(d1)
        d3 = self.down3(d2)
        x = F.dropout(self.down4(d3), 0.5, self.training)
        x = self.up4(self.up3(self.up2(self.up1(x, d3), d2), d1), e1)
        return self.head(x)


class Localisation(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 8, 7), nn.Conv2d(8, 10, 5)
        self.fc1, self.fc2 = nn.Linear(90, 32), nn.Linear(32, 6)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2(x), 2))
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


class STN(nn.Module):
    """PyTorch's spatial transformer tutorial (MNIST)."""

    def __init__(self):
        super().__init__()
        self.localisation = Localisation()
        self.conv1, self.conv2 = nn.Conv2d(1, 10, 5), nn.Conv2d(10, 20, 5)
        self.fc1, self.fc2 = nn.Linear(320, 50), nn.Linear(50, 10)

    def forward(self, x):
        theta = self.localisation(x).view(-1, 2, 3)
        grid = F.affine_grid(theta, list(x.size()), align_corners=False)
        x = F.grid_sample(x, grid, align_corners=False)
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(F.dropout2d(self.conv2(x), 0.5, self.training), 2))
        x = F.dropout(F.relu(self.fc1(x.flatten(1))), 0.5, self.training)
        return self.fc2(x)


class CharRNN(nn.Module):
    def __init__(self, cell, vocab=128):
        super().__init__()
        self.embedding = nn.Embedding(vocab, 64)
        rnn = getattr(nn, cell)(64, 256, num_layers=2, dropout=0.2, batch_first=True)
        setattr(self, cell.lower(), rnn)
        self.cell = cell.lower()
        self.fc = nn.Linear(256, vocab)

    def forward(self, tokens):
        out, _ = getattr(self, self.cell)(self.embedding(tokens))
        return self.fc(out)


class GCNLayer(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(cin, cout) * 0.1)
        self.bias = nn.Parameter(torch.zeros(cout))

    def forward(self, x, a_hat):
        return a_hat @ x @ self.weight + self.bias


class GCN(nn.Module):
    """Kipf & Welling, equation 9: Z = softmax(Â ReLU(Â X W0) W1), without the softmax (logits)."""

    def __init__(self):
        super().__init__()
        self.gc1, self.gc2 = GCNLayer(34, 16), GCNLayer(16, 2)

    def forward(self, x, adj):
        a = adj + torch.eye(adj.shape[-1], device=adj.device)
        d = torch.diag_embed(a.sum(-1) ** -0.5)
        a_hat = d @ a @ d
        h = F.dropout(F.relu(self.gc1(F.dropout(x, 0.5, self.training), a_hat)), 0.5, self.training)
        return self.gc2(h, a_hat)


class HRBasicBlock(nn.Module):
    def __init__(self, planes):
        super().__init__()
        self.conv1 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)

    def forward(self, x):
        return F.relu(self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))) + x)


class HRExchange(nn.Module):
    """HRNet's fuse layers (HighResolutionModule._make_fuse_layers in the authors' code), one
    attribute per path: 1x1 conv + BN + nearest upsampling up, strided 3x3 convs + BN down."""

    def __init__(self, widths):
        super().__init__()
        self.widths = widths
        n = len(widths)
        for i in range(n):
            for j in range(n):
                name = f"to{i + 1}_from{j + 1}"
                if j > i:
                    setattr(self, f"{name}_conv", nn.Conv2d(widths[j], widths[i], 1, bias=False))
                    setattr(self, f"{name}_bn", nn.BatchNorm2d(widths[i]))
                elif j < i:
                    steps = i - j
                    for k in range(1, steps + 1):
                        suffix = "" if steps == 1 else str(k)
                        out = widths[i] if k == steps else widths[j]
                        setattr(self, f"{name}_conv{suffix}", nn.Conv2d(widths[j], out, 3, 2, 1, bias=False))
                        setattr(self, f"{name}_bn{suffix}", nn.BatchNorm2d(out))

    def forward(self, *xs):
        n = len(xs)
        outs = []
        for i in range(n):
            total = 0
            for j in range(n):
                name = f"to{i + 1}_from{j + 1}"
                if j == i:
                    y = xs[j]
                elif j > i:
                    y = getattr(self, f"{name}_bn")(getattr(self, f"{name}_conv")(xs[j]))
                    y = F.interpolate(y, scale_factor=2 ** (j - i), mode="nearest")
                else:
                    y, steps = xs[j], i - j
                    for k in range(1, steps + 1):
                        suffix = "" if steps == 1 else str(k)
                        y = getattr(self, f"{name}_bn{suffix}")(getattr(self, f"{name}_conv{suffix}")(y))
                        if k < steps:
                            y = F.relu(y)
                total = total + y
            outs.append(F.relu(total))
        return outs


class HRNetSmall(nn.Module):
    """Sun et al. 2019 scaled to 32x32 digits: branches of 16/32/64 channels, HRNetV2's head."""

    def __init__(self):
        super().__init__()
        self.stem_conv, self.stem_bn = nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16)
        self.layer1 = HRBasicBlock(16)
        self.stage2_branch1 = HRBasicBlock(16)
        self.transition1_conv, self.transition1_bn = nn.Conv2d(16, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32)
        self.stage2_branch2 = HRBasicBlock(32)
        self.fuse2 = HRExchange((16, 32))
        self.stage3_branch1, self.stage3_branch2 = HRBasicBlock(16), HRBasicBlock(32)
        self.transition2_conv, self.transition2_bn = nn.Conv2d(32, 64, 3, 2, 1, bias=False), nn.BatchNorm2d(64)
        self.stage3_branch3 = HRBasicBlock(64)
        self.fuse3 = HRExchange((16, 32, 64))
        self.head_conv, self.head_bn = nn.Conv2d(112, 112, 1, bias=False), nn.BatchNorm2d(112)
        self.fc = nn.Linear(112, 10)

    def forward(self, x):
        x = self.layer1(F.relu(self.stem_bn(self.stem_conv(x))))
        x1 = self.stage2_branch1(x)
        x2 = self.stage2_branch2(F.relu(self.transition1_bn(self.transition1_conv(x))))
        x1, x2 = self.fuse2(x1, x2)
        x3 = F.relu(self.transition2_bn(self.transition2_conv(x2)))
        x1, x2, x3 = self.fuse3(self.stage3_branch1(x1), self.stage3_branch2(x2), self.stage3_branch3(x3))
        size = x1.shape[-2:]
        x = torch.cat([x1, F.interpolate(x2, size=size, mode="bilinear", align_corners=False),
                       F.interpolate(x3, size=size, mode="bilinear", align_corners=False)], 1)
        x = F.relu(self.head_bn(self.head_conv(x)))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


class SingingVoiceUNet(nn.Module):
    """Jansson et al. 2017, section 3: a mask over the mixture's magnitude spectrogram."""

    def __init__(self):
        super().__init__()
        widths = (1, 16, 32, 64, 128, 256, 512)
        for i in range(1, 7):
            setattr(self, f"enc{i}", nn.Module())
            getattr(self, f"enc{i}").conv = nn.Conv2d(widths[i - 1], widths[i], 5, 2, 2)
            getattr(self, f"enc{i}").bn = nn.BatchNorm2d(widths[i])
        for i, (cin, cout) in enumerate(((512, 256), (512, 128), (256, 64), (128, 32), (64, 16)), start=1):
            setattr(self, f"dec{i}", nn.Module())
            getattr(self, f"dec{i}").deconv = nn.ConvTranspose2d(cin, cout, 5, 2, 2, output_padding=1)
            getattr(self, f"dec{i}").bn = nn.BatchNorm2d(cout)
        self.dec6 = nn.ConvTranspose2d(32, 1, 5, 2, 2, output_padding=1)

    def forward(self, mixture):
        skips, x = [], mixture
        for i in range(1, 7):
            block = getattr(self, f"enc{i}")
            x = F.leaky_relu(block.bn(block.conv(x)), 0.2)
            skips.append(x)
        for i in range(1, 6):
            block = getattr(self, f"dec{i}")
            x = F.relu(block.bn(block.deconv(x)))
            if i <= 3:
                x = F.dropout(x, 0.5, self.training)
            x = torch.cat([x, skips[5 - i]], 1)
        return torch.sigmoid(self.dec6(x)) * mixture
