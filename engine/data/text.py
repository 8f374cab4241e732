"""Character-level text: the bundled corpus (Shakespeare's Sonnets) or a file of your own."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch
from torch.utils.data import TensorDataset

from engine.data.bundle import DataBundle, DataError, DatasetSpec, LoadContext
from engine.params import Param
from engine.resources import assets_dir

__all__ = ["CORPORA", "SPECS", "corpus_text", "unigram_entropy"]

# Corpus name -> file in assets/text (sources in assets/README.md).
CORPORA = {"tiny": "sonnets.txt"}


def corpus_text(name: str = "tiny", path: str | None = None) -> str:
    file = Path(path).expanduser() if path else assets_dir() / "text" / CORPORA[name]
    try:
        return file.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"text: cannot read {file}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise DataError(f"text: {file} is not UTF-8 text") from None


def unigram_entropy(text: str) -> float:
    """Entropy of the character distribution in nats: the loss of a model that ignores context."""
    counts = Counter(text)
    n = len(text)
    return -sum(c / n * math.log(c / n) for c in counts.values())


def _load_text(options: Mapping[str, Any], ctx: LoadContext) -> DataBundle:
    text = corpus_text(options["corpus"], options["path"])
    vocab = "".join(sorted(set(text)))
    index = {ch: i for i, ch in enumerate(vocab)}
    ids = torch.tensor([index[ch] for ch in text], dtype=torch.int64)
    seq = options["seq_len"]
    # Validation is the end of the text, so no window of it was seen in training.
    n_val = int(len(ids) * ctx.validation_split)
    parts = (ids[: len(ids) - n_val], ids[len(ids) - n_val:])
    if len(parts[0]) < seq + 1:
        raise DataError(f"text: {len(parts[0])} characters are too few for seq_len {seq}")

    def windows(part: torch.Tensor) -> TensorDataset | None:
        count = (len(part) - 1) // seq
        if count == 0:
            return None
        x = part[: count * seq].view(count, seq)
        y = part[1: count * seq + 1].view(count, seq)
        return TensorDataset(x, y)

    return DataBundle(
        f"text {options['path'] or options['corpus']}", windows(parts[0]), windows(parts[1]), (seq,),
        target="tokens", num_classes=len(vocab), vocab=vocab,
        extras={"unigram_entropy": unigram_entropy(text), "text": text},
    )


SPECS = (
    DatasetSpec(
        "text",
        "Characters of a text for next-character models: the bundled corpus or your own file.",
        (
            Param("corpus", "choice", "tiny", choices=tuple(CORPORA), doc="tiny: Shakespeare's Sonnets, 96 KB"),
            Param("seq_len", "int", 64, min=2, max=4096),
            Param("path", "str", None, optional=True, doc="a UTF-8 text file instead of the corpus"),
        ),
        _load_text,
        targets="tokens",
    ),
)
