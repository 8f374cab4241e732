"""LeNet-5, exported from Netsmith.

Needs only PyTorch; run it to build the network and print the shape of its output.
"""

import torch
import torch.nn as nn


class LeNet5(nn.Module):
    """LeNet-5.

    Yann LeCun, Léon Bottou, Yoshua Bengio, Patrick Haffner (1998)
    "Gradient-Based Learning Applied to Document Recognition"
    http://yann.lecun.com/exdb/publis/pdf/lecun-01a.pdf

    The first convolutional network trained end to end with back-propagation on real
    data: alternating convolution and sub-sampling layers, then fully connected layers.
    C5 is a 5×5 convolution over a 5×5 map, which is the fully connected fc1 here.
    Average pooling and tanh follow the paper (its trainable sub-sampling coefficients
    and RBF output layer are left out, as in most modern versions).
    """

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.tanh1 = nn.Tanh()
        self.pool1 = nn.AvgPool2d(2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.tanh2 = nn.Tanh()
        self.pool2 = nn.AvgPool2d(2)
        self.fc1 = nn.Linear(400, 120)
        self.tanh3 = nn.Tanh()
        self.fc2 = nn.Linear(120, 84)
        self.tanh4 = nn.Tanh()
        self.fc3 = nn.Linear(84, 10)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        x = self.conv1(image)
        x = self.tanh1(x)
        x = self.pool1(x)
        x = self.conv2(x)
        x = self.tanh2(x)
        x = self.pool2(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = self.tanh3(x)
        x = self.fc2(x)
        x = self.tanh4(x)
        logits = self.fc3(x)
        return logits


if __name__ == "__main__":
    import pathlib

    model = LeNet5().eval()
    weights = pathlib.Path(__file__).with_suffix(".safetensors")
    if weights.exists():
        from safetensors.torch import load_file

        model.load_state_dict(load_file(weights), strict=True)
        print(f"loaded the weights in {weights.name}")
    image = torch.randn(1, 1, 32, 32)
    with torch.no_grad():
        logits = model(image)
    print("logits:", tuple(logits.shape))
