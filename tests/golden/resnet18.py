"""ResNet-18, exported from Netsmith.

Needs only PyTorch; run it to build the network and print the shape of its output.
"""

import torch
import torch.nn as nn


class BasicBlock(nn.Module):
    """Two 3×3 convolutions with batch norm and an identity shortcut."""

    def __init__(self, planes: int = 64) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.relu2 = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv1(x)
        out = self.bn1(out)
        out = self.relu1(out)
        out = self.conv2(out)
        out = self.bn2(out)
        out = out + x
        return self.relu2(out)


class BasicBlockDown(nn.Module):
    """Basic block whose shortcut is a strided 1×1 convolution with batch norm (it changes
    resolution and width).
    """

    def __init__(self, in_channels: int, planes: int = 128, stride: int = 2) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = nn.Conv2d(in_channels, planes, 1, stride=stride, bias=False)
        self.downsample_bn = nn.BatchNorm2d(planes)
        self.relu2 = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv1(x)
        out = self.bn1(out)
        out = self.relu1(out)
        out = self.conv2(out)
        out = self.bn2(out)
        downsample = self.downsample(x)
        downsample = self.downsample_bn(downsample)
        out = out + downsample
        return self.relu2(out)


class ResNet18(nn.Module):
    """ResNet-18.

    Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun (2016)
    "Deep Residual Learning for Image Recognition"
    https://arxiv.org/abs/1512.03385

    Each block learns a residual F(x) that is added to its input, so a deeper network
    can always fall back to the identity: networks of 152 layers still train and
    improve. ResNet-18 and -34 stack basic blocks of two 3×3 convolutions; the first
    block of stages 2-4 halves the resolution and widens the channels, and its shortcut
    is a strided 1×1 convolution with batch norm (the paper's option B). About 1.8
    GFLOPs (multiply-adds) per 224×224 image in the paper's counting.
    """

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        self.layer1_0 = BasicBlock(planes=64)
        self.layer1_1 = BasicBlock(planes=64)
        self.layer2_0 = BasicBlockDown(64, planes=128, stride=2)
        self.layer2_1 = BasicBlock(planes=128)
        self.layer3_0 = BasicBlockDown(128, planes=256, stride=2)
        self.layer3_1 = BasicBlock(planes=256)
        self.layer4_0 = BasicBlockDown(256, planes=512, stride=2)
        self.layer4_1 = BasicBlock(planes=512)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, 1000)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        x = self.conv1(image)
        x = self.bn1(x)
        x = self.relu(x)
        x = self.maxpool(x)
        x = self.layer1_0(x)
        x = self.layer1_1(x)
        x = self.layer2_0(x)
        x = self.layer2_1(x)
        x = self.layer3_0(x)
        x = self.layer3_1(x)
        x = self.layer4_0(x)
        x = self.layer4_1(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        logits = self.fc(x)
        return logits


if __name__ == "__main__":
    import pathlib

    model = ResNet18().eval()
    weights = pathlib.Path(__file__).with_suffix(".safetensors")
    if weights.exists():
        from safetensors.torch import load_file

        model.load_state_dict(load_file(weights), strict=True)
        print(f"loaded the weights in {weights.name}")
    image = torch.randn(1, 3, 224, 224)
    with torch.no_grad():
        logits = model(image)
    print("logits:", tuple(logits.shape))
