"""The devices a recipe can name here, described for people ("cuda:0: NVIDIA H100 80GB HBM3")."""

from __future__ import annotations

from dataclasses import dataclass

import torch

__all__ = ["DeviceChoice", "device_choices"]


@dataclass(frozen=True)
class DeviceChoice:
    value: str  # what training.device takes
    label: str  # what a menu shows
    available: bool = True


def device_choices() -> list[DeviceChoice]:
    """auto (saying what it picks), cpu, each CUDA GPU by name, MPS, in that order.

    Asking CUDA for device names initialises it, which can take seconds: call this off the GUI thread.
    """
    gpus = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())] \
        if torch.cuda.is_available() else []
    mps = bool(torch.backends.mps.is_available())
    if gpus:
        auto = f"auto: cuda ({gpus[0]})"
    elif mps:
        auto = "auto: Apple GPU (mps)"
    else:
        auto = "auto: CPU (no GPU found)"
    choices = [DeviceChoice("auto", auto), DeviceChoice("cpu", "cpu")]
    if gpus:
        choices.append(DeviceChoice("cuda", f"cuda ({gpus[0]})"))
        if len(gpus) > 1:
            choices += [DeviceChoice(f"cuda:{i}", f"cuda:{i} ({name})") for i, name in enumerate(gpus)]
    else:
        choices.append(DeviceChoice("cuda", "cuda (not available here)", available=False))
    choices.append(DeviceChoice("mps", "mps (Apple GPU)" if mps else "mps (not available here)", available=mps))
    return choices
