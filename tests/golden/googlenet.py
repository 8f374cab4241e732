"""GoogLeNet (Inception v1), exported from Netsmith.

Needs only PyTorch; run it to build the network and print the shape of its output.
"""

import torch
import torch.nn as nn


class BasicConv2d(nn.Module):
    """Convolution without bias, batch norm (eps 0.001) and ReLU."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int = 64,
        kernel_size: int = 1,
        stride: int = 1,
        padding: int = 0,
    ) -> None:
        super().__init__()
        self.conv = nn.Conv2d(
            in_channels, out_channels, kernel_size, stride=stride, padding=padding, bias=False
        )
        self.bn = nn.BatchNorm2d(out_channels, eps=0.001)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv(x)
        x = self.bn(x)
        return self.relu(x)


class Inception(nn.Module):
    """Inception module: 1×1, 3×3 and '5×5' convolutions and a pooling branch side by side,
    concatenated along channels.
    """

    def __init__(
        self,
        in_channels: int,
        ch1x1: int = 64,
        ch3x3red: int = 96,
        ch3x3: int = 128,
        ch5x5red: int = 16,
        ch5x5: int = 32,
        pool_proj: int = 32,
    ) -> None:
        super().__init__()
        self.branch1x1 = BasicConv2d(in_channels, out_channels=ch1x1)
        self.branch3x3_reduce = BasicConv2d(in_channels, out_channels=ch3x3red)
        self.branch3x3 = BasicConv2d(ch3x3red, out_channels=ch3x3, kernel_size=3, padding=1)
        self.branch5x5_reduce = BasicConv2d(in_channels, out_channels=ch5x5red)
        self.branch5x5 = BasicConv2d(ch5x5red, out_channels=ch5x5, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(3, stride=1, padding=1, ceil_mode=True)
        self.pool_proj = BasicConv2d(in_channels, out_channels=pool_proj)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        branch1x1 = self.branch1x1(x)
        branch3x3 = self.branch3x3_reduce(x)
        branch3x3 = self.branch3x3(branch3x3)
        branch5x5 = self.branch5x5_reduce(x)
        branch5x5 = self.branch5x5(branch5x5)
        pool = self.pool(x)
        pool = self.pool_proj(pool)
        return torch.cat([branch1x1, branch3x3, branch5x5, pool], dim=1)


class GoogLeNet(nn.Module):
    """GoogLeNet (Inception v1).

    Christian Szegedy, Wei Liu, Yangqing Jia, Pierre Sermanet, Scott Reed, Dragomir
    Anguelov, Dumitru Erhan, Vincent Vanhoucke, Andrew Rabinovich (2015)
    "Going Deeper with Convolutions"
    https://arxiv.org/abs/1409.4842

    Inception modules run 1×1, 3×3 and 5×5 convolutions and a pooling branch in
    parallel, with 1×1 'reduce' convolutions in front of the expensive ones, so a
    22-layer network costs about 1.5 billion multiply-adds with 12 times fewer weights
    than AlexNet. This is torchvision's version: every convolution is a BasicConv2d (no
    bias, batch norm with eps 0.001, ReLU) and the '5×5' branch uses a 3×3 kernel, a
    known torchvision quirk (pytorch/vision#906) kept so the weights match
    torchvision's. Without the paper's auxiliary classifiers (see googlenet_aux), as
    torchvision builds it with aux_logits=False.
    """

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = BasicConv2d(3, out_channels=64, kernel_size=7, stride=2, padding=3)
        self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.conv2 = BasicConv2d(64, out_channels=64)
        self.conv3 = BasicConv2d(64, out_channels=192, kernel_size=3, padding=1)
        self.maxpool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception3a = Inception(
            192, ch1x1=64, ch3x3red=96, ch3x3=128, ch5x5red=16, ch5x5=32, pool_proj=32
        )
        self.inception3b = Inception(
            256, ch1x1=128, ch3x3red=128, ch3x3=192, ch5x5red=32, ch5x5=96, pool_proj=64
        )
        self.maxpool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception4a = Inception(
            480, ch1x1=192, ch3x3red=96, ch3x3=208, ch5x5red=16, ch5x5=48, pool_proj=64
        )
        self.inception4b = Inception(
            512, ch1x1=160, ch3x3red=112, ch3x3=224, ch5x5red=24, ch5x5=64, pool_proj=64
        )
        self.inception4c = Inception(
            512, ch1x1=128, ch3x3red=128, ch3x3=256, ch5x5red=24, ch5x5=64, pool_proj=64
        )
        self.inception4d = Inception(
            512, ch1x1=112, ch3x3red=144, ch3x3=288, ch5x5red=32, ch5x5=64, pool_proj=64
        )
        self.inception4e = Inception(
            528, ch1x1=256, ch3x3red=160, ch3x3=320, ch5x5red=32, ch5x5=128, pool_proj=128
        )
        self.maxpool4 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
        self.inception5a = Inception(
            832, ch1x1=256, ch3x3red=160, ch3x3=320, ch5x5red=32, ch5x5=128, pool_proj=128
        )
        self.inception5b = Inception(
            832, ch1x1=384, ch3x3red=192, ch3x3=384, ch5x5red=48, ch5x5=128, pool_proj=128
        )
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(p=0.2)
        self.fc = nn.Linear(1024, 1000)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        x = self.conv1(image)
        x = self.maxpool1(x)
        x = self.conv2(x)
        x = self.conv3(x)
        x = self.maxpool2(x)
        x = self.inception3a(x)
        x = self.inception3b(x)
        x = self.maxpool3(x)
        x = self.inception4a(x)
        x = self.inception4b(x)
        x = self.inception4c(x)
        x = self.inception4d(x)
        x = self.inception4e(x)
        x = self.maxpool4(x)
        x = self.inception5a(x)
        x = self.inception5b(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        x = self.dropout(x)
        logits = self.fc(x)
        return logits


if __name__ == "__main__":
    import pathlib

    model = GoogLeNet().eval()
    weights = pathlib.Path(__file__).with_suffix(".safetensors")
    if weights.exists():
        from safetensors.torch import load_file

        model.load_state_dict(load_file(weights), strict=True)
        print(f"loaded the weights in {weights.name}")
    image = torch.randn(1, 3, 224, 224)
    with torch.no_grad():
        logits = model(image)
    print("logits:", tuple(logits.shape))
