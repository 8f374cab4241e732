"""Generated magnitude spectrograms of a singing voice over an accompaniment, for source separation.

No audio ships with Netsmith, so the mixtures are drawn directly as spectrograms with the
structure that makes vocal separation learnable (Jansson et al. 2017 train on real
multitrack songs):
- the voice is a harmonic stack whose pitch glides and wobbles (vibrato), sung in notes
  with rests between them, its harmonics shaped by a formant-like envelope;
- the accompaniment is sustained chords of steady harmonic stacks, which change
  pitch only at chord changes, plus drum hits: broadband columns that decay in a few
  frames.
Magnitudes add (phase is ignored, as in the paper's magnitude-mask model). The input is
the mixture (1, bins, frames), the target the voice alone, both scaled so that each
mixture peaks at 1; a network that separates learns a mask in [0, 1] over the mixture.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import torch

from engine.data.bundle import DataBundle, DatasetSpec, LoadContext, split_tensors
from engine.params import Param

__all__ = ["SPECS", "voice_and_accompaniment"]


def _harmonics(f0: np.ndarray, bins: int, amplitude: np.ndarray,
               envelope: Callable[[np.ndarray], np.ndarray] | None = None) -> np.ndarray:
    """A harmonic stack over time: (bins, frames), one Gaussian ridge per harmonic k*f0(t).

    `f0` and `amplitude` are per frame; `envelope(freq)` weighs harmonics by frequency."""
    k = np.arange(1, int(bins / max(float(f0.min()), 1.0)) + 1, dtype=np.float32)[:, None]
    centre = k * f0[None, :]  # (harmonics, frames)
    weight = (1.0 / k) * (envelope(centre) if envelope is not None else 1.0)
    freq = np.arange(bins, dtype=np.float32)[:, None, None]
    ridges = np.exp(-0.5 * ((freq - centre[None]) / 0.8) ** 2)  # (bins, harmonics, frames)
    return (amplitude[None, :] * np.einsum("bkt,kt->bt", ridges, weight)).astype(np.float32)


def voice_and_accompaniment(count: int, bins: int, frames: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """`count` mixtures and their voices, each (N, 1, bins, frames) with magnitudes in [0, 1]."""
    rng = np.random.default_rng(seed)
    t = np.arange(frames, dtype=np.float32)
    mixes = np.empty((count, 1, bins, frames), np.float32)
    voices = np.empty_like(mixes)
    for i in range(count):
        # Voice: notes of a gliding, vibrating pitch, rests between them.
        base = rng.uniform(0.04, 0.09) * bins
        glide = base * (1 + 0.25 * np.sin(2 * np.pi * t / rng.uniform(frames, 3 * frames) + rng.uniform(0, 6.3)))
        f0 = glide * (1 + 0.03 * np.sin(2 * np.pi * t / rng.uniform(4, 8) + rng.uniform(0, 6.3)))
        sung = np.zeros(frames, np.float32)
        start = int(rng.integers(0, frames // 8 + 1))
        while start < frames:
            length = int(rng.integers(frames // 8, frames // 3 + 1))
            sung[start:start + length] = rng.uniform(0.6, 1.0)
            start += length + int(rng.integers(1, frames // 6 + 1))
        formant = rng.uniform(0.15, 0.35) * bins
        voice = _harmonics(f0.astype(np.float32), bins, sung,
                           lambda f, c=formant: 0.3 + np.exp(-0.5 * ((f - c) / (0.12 * bins)) ** 2))
        # Accompaniment: chords of steady tones, changing a few times, and decaying drum hits.
        accompaniment = np.zeros((bins, frames), np.float32)
        edges = np.sort(rng.choice(np.arange(1, frames), size=int(rng.integers(1, 4)), replace=False))
        for a, b in zip(np.r_[0, edges], np.r_[edges, frames]):
            span = np.zeros(frames, np.float32)
            span[a:b] = 1.0
            for _ in range(int(rng.integers(2, 4))):
                # A steady tone: one frame's harmonic profile, held over the chord's span.
                profile = _harmonics(np.array([rng.uniform(0.03, 0.12) * bins], np.float32), bins, np.ones(1))
                accompaniment += profile * (span * rng.uniform(0.2, 0.4))[None, :]
        decay = np.exp(-np.arange(frames, dtype=np.float32) / 1.5)
        tilt = np.exp(-np.arange(bins, dtype=np.float32) / (0.5 * bins))[:, None]
        for hit in rng.choice(frames, size=int(rng.integers(frames // 16, frames // 6 + 1)), replace=False):
            column = np.zeros(frames, np.float32)
            column[hit:] = decay[: frames - hit]
            accompaniment += rng.uniform(0.15, 0.35) * tilt * column[None, :]
        mix = voice + accompaniment
        scale = 1.0 / max(float(mix.max()), 1e-6)
        mixes[i, 0], voices[i, 0] = mix * scale, voice * scale
    return torch.from_numpy(mixes), torch.from_numpy(voices)


def _load_spectrograms(options: Mapping[str, Any], ctx: LoadContext) -> DataBundle:
    mix, voice = voice_and_accompaniment(options["count"], options["bins"], options["frames"], ctx.seed)
    train, val = split_tensors((mix, voice), ctx.validation_split, ctx.seed)
    return DataBundle("voice spectrograms", train, val, tuple(mix.shape[1:]), target="value",
                      extras={"display": "spectrogram"})


SPECS = (
    DatasetSpec(
        "spectrograms",
        "Generated magnitude spectrograms: a sung melody over chords and drums (input) and the voice alone "
        "(target), for source separation.",
        (
            Param("bins", "int", 128, min=16, max=1024, doc="frequency bins (the image's height)"),
            Param("frames", "int", 64, min=16, max=1024, doc="time frames (the image's width)"),
            Param("count", "int", 256, min=2, doc="spectrograms generated"),
        ),
        _load_spectrograms,
        targets="value",
    ),
)
