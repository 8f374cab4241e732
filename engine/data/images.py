"""Image datasets: scikit-learn's bundled digits, torchvision's sets, FakeData, a folder of images.

Every image tensor is float32 in [0, 1], shaped (C, H, W). Sets small enough are
held in memory as tensors (batched without a DataLoader); a user's image folder is
read lazily through one.
"""

from __future__ import annotations

import os
import urllib.error
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset, TensorDataset, random_split

from engine.data.bundle import DataBundle, DataError, DatasetSpec, LoadContext, split_tensors
from engine.params import Param

__all__ = ["SPECS", "default_root", "digits_images", "resize_images", "sample_shape"]

DIGIT_CLASSES = tuple(str(i) for i in range(10))


def default_root() -> Path:
    """Where torchvision datasets are kept: $NETSMITH_DATA or ~/.cache/netsmith/datasets."""
    return Path(os.environ.get("NETSMITH_DATA") or Path.home() / ".cache" / "netsmith" / "datasets")


def resize_images(images: torch.Tensor, size: int | None, channels: int | None = None) -> torch.Tensor:
    """(N, C, H, W) in [0, 1] to `size` x `size` (bilinear, antialiased when shrinking) and `channels`."""
    if size is not None and images.shape[-1] != size:
        shrink = size < images.shape[-1]
        out = []
        for chunk in images.split(4096):  # bounded memory for 60,000 MNIST images
            out.append(F.interpolate(chunk, size=(size, size), mode="bilinear", align_corners=False,
                                     antialias=shrink))
        images = torch.cat(out).clamp_(0.0, 1.0)
    if channels is not None and images.shape[1] != channels:
        if images.shape[1] == 1:
            images = images.expand(-1, channels, -1, -1).contiguous()
        elif channels == 1:
            weights = torch.tensor([0.299, 0.587, 0.114])[: images.shape[1]]  # ITU-R 601 luma
            images = (images * weights.view(1, -1, 1, 1)).sum(1, keepdim=True)
        else:
            raise DataError(f"cannot turn {images.shape[1]}-channel images into {channels} channels")
    return images


@cache
def _digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    digits = load_digits()
    return digits.images, digits.target


def digits_images(size: int = 8, channels: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    """scikit-learn's 1,797 handwritten digits (shipped with it, no download), scaled to [0, 1]."""
    images, target = _digits()
    x = torch.from_numpy(images).float().unsqueeze(1) / 16.0
    return resize_images(x, size, channels), torch.from_numpy(target).long()


def _load_digits(options: Mapping[str, Any], ctx: LoadContext) -> DataBundle:
    x, y = digits_images(options["size"], options["channels"])
    train, val = split_tensors((x, y), ctx.validation_split, ctx.seed)
    return DataBundle("digits", train, val, tuple(x.shape[1:]), num_classes=10, class_names=DIGIT_CLASSES)


_TORCHVISION = {
    # name -> (torchvision class, classes)
    "mnist": ("MNIST", DIGIT_CLASSES),
    "fashion_mnist": ("FashionMNIST", ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
                                       "Shirt", "Sneaker", "Bag", "Ankle boot")),
    "cifar10": ("CIFAR10", ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
                            "ship", "truck")),
}


def _torchvision_split(name: str, root: Path, train: bool) -> tuple[torch.Tensor, torch.Tensor]:
    import torchvision.datasets as tvd

    cls = getattr(tvd, _TORCHVISION[name][0])
    try:
        data = cls(str(root), train=train, download=True)
    except (urllib.error.URLError, OSError, RuntimeError) as exc:
        raise DataError(
            f"{name}: the files are not in {root} and could not be downloaded ({exc}). "
            "Connect to the internet once, copy the files there, or use the offline set 'digits'."
        ) from None
    images = torch.as_tensor(data.data)
    if images.dim() == 3:  # MNIST-like: (N, H, W) uint8
        images = images.unsqueeze(1)
    else:  # CIFAR: (N, H, W, C) uint8
        images = images.permute(0, 3, 1, 2)
    return images.float().div_(255.0), torch.as_tensor(data.targets).long()


def _load_torchvision(name: str):
    def load(options: Mapping[str, Any], ctx: LoadContext) -> DataBundle:
        root = Path(options["root"]).expanduser() if options["root"] else default_root()
        x, y = _torchvision_split(name, root, train=True)
        vx, vy = _torchvision_split(name, root, train=False)
        x, vx = (resize_images(t, options["size"], options["channels"]) for t in (x, vx))
        return DataBundle(name, TensorDataset(x, y), TensorDataset(vx, vy), tuple(x.shape[1:]),
                          num_classes=10, class_names=_TORCHVISION[name][1])

    return load


def _load_fake(options: Mapping[str, Any], ctx: LoadContext) -> DataBundle:
    from torchvision.datasets import FakeData
    from torchvision.transforms.functional import pil_to_tensor

    shape = tuple(options["shape"])
    if len(shape) != 3:
        raise DataError(f"fake: shape is (C, H, W), got {list(shape)}")
    fake = FakeData(options["count"], shape, options["classes"], random_offset=ctx.seed)
    images, labels = [], []
    for image, label in fake:  # PIL images; 512 of them take a fraction of a second
        images.append(pil_to_tensor(image))
        labels.append(int(label))
    x = torch.stack(images).float().div_(255.0)
    if x.shape[1] != shape[0]:
        x = resize_images(x, None, shape[0])
    y = torch.tensor(labels, dtype=torch.int64)
    train, val = split_tensors((x, y), ctx.validation_split, ctx.seed)
    return DataBundle("fake", train, val, tuple(x.shape[1:]), num_classes=options["classes"],
                      class_names=tuple(str(i) for i in range(options["classes"])))


class _Converted(Dataset):
    """An ImageFolder whose samples come out as (image tensor, label)."""

    def __init__(self, folder: Dataset, size: int, channels: int) -> None:
        self.folder, self.size, self.channels = folder, size, channels

    def __len__(self) -> int:
        return len(self.folder)  # type: ignore[arg-type]

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        from torchvision.transforms.functional import pil_to_tensor

        image, label = self.folder[index]
        image = image.convert("RGB" if self.channels == 3 else "L")
        x = pil_to_tensor(image).float().div_(255.0).unsqueeze(0)
        return resize_images(x, self.size)[0], torch.tensor(label)


def _load_image_folder(options: Mapping[str, Any], ctx: LoadContext) -> DataBundle:
    from torchvision.datasets import ImageFolder

    path = Path(options["path"]).expanduser()
    if not path.is_dir():
        raise DataError(f"image_folder: {path} is not a folder")
    try:
        folder = ImageFolder(str(path))
    except (FileNotFoundError, OSError) as exc:
        raise DataError(f"image_folder: {exc} (expected one sub-folder of images per class)") from None
    data = _Converted(folder, options["size"], options["channels"])
    n_val = int(round(len(data) * ctx.validation_split))
    generator = torch.Generator().manual_seed(ctx.seed)
    train, val = random_split(data, [len(data) - n_val, n_val], generator=generator)
    shape = (options["channels"], options["size"], options["size"])
    return DataBundle(f"images in {path.name}", train, val if n_val else None, shape,
                      num_classes=len(folder.classes), class_names=tuple(folder.classes))


_SIZE = Param("size", "int", None, min=4, max=512, optional=True, doc="resize to size x size")
_CHANNELS = Param("channels", "int", None, min=1, max=3, optional=True, doc="1 (grey) or 3 (RGB)")

SPECS = (
    DatasetSpec(
        "digits",
        "scikit-learn's 1,797 handwritten 8x8 digits (ships with it): the offline image set.",
        (
            Param("size", "int", 8, min=4, max=256, doc="resize to size x size (e.g. 28 or 32)"),
            Param("channels", "int", 1, min=1, max=3),
        ),
        _load_digits,
    ),
    *(
        DatasetSpec(name, f"torchvision's {cls} (downloaded once; the official test set validates).",
                    (Param("root", "str", None, optional=True, doc="folder of the files"), _SIZE, _CHANNELS),
                    _load_torchvision(name))
        for name, (cls, _) in _TORCHVISION.items()
    ),
    DatasetSpec(
        "fake",
        "torchvision's FakeData: random images with random labels (for tests and smoke runs).",
        (
            Param("shape", "ints", (3, 32, 32), min=1, length=3),
            Param("classes", "int", 10, min=2),
            Param("count", "int", 512, min=2),
        ),
        _load_fake,
    ),
    DatasetSpec(
        "image_folder",
        "Your own images: one sub-folder per class (torchvision's ImageFolder).",
        (
            Param("path", "str", ""),
            Param("size", "int", 64, min=4, max=1024),
            Param("channels", "int", 3, min=1, max=3),
        ),
        _load_image_folder,
    ),
)

# The (C, H, W) each set's images have before any resize (the torchvision sets as published).
_NATIVE = {"mnist": (1, 28, 28), "fashion_mnist": (1, 28, 28), "cifar10": (3, 32, 32)}


def sample_shape(name: str, options: Mapping[str, Any]) -> tuple[int, int, int] | None:
    """The (C, H, W) that image set `name` feeds with `options` (defaults filled), without
    loading it; None for a set this module does not serve."""
    if name == "fake":
        return tuple(options["shape"])  # type: ignore[return-value]
    if name in ("digits", "image_folder"):
        return options["channels"], options["size"], options["size"]
    if name in _NATIVE:
        channels, height, width = _NATIVE[name]
        size = options.get("size")
        return options.get("channels") or channels, size or height, size or width
    return None

