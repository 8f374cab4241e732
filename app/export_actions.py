"""File > Export and File > Import Weights: the window's side of `engine.export`.

Every format is the engine's (`engine.export.FORMATS`); this module adds the menu
text and file filter, and hands over the weights of the last training run: as a
safetensors file to the formats that embed weights (ONNX, pt2, safetensors), and as
a `.safetensors` file written beside a Python export, so the exported module can
load them (`model.load_state_dict(safetensors.torch.load_file(...))`).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import torch.nn as nn

from engine.document import Document
from engine.export import FORMATS as ENGINE_FORMATS
from engine.export import export as engine_export
from engine.export.network import export_target
from engine.weights import load_weights, save_weights

__all__ = ["FORMATS", "ExportFormat", "export", "format_by_key", "read_weights_into"]


@dataclass(frozen=True)
class ExportFormat:
    key: str  # the engine's format name
    label: str  # menu text
    file_filter: str

    @property
    def suffix(self) -> str:
        return ENGINE_FORMATS[self.key].suffix

    @property
    def description(self) -> str:
        return self.label.rstrip("…")

    @property
    def takes_weights(self) -> bool:
        return ENGINE_FORMATS[self.key].takes_weights


FORMATS = (
    ExportFormat("python", "Python module…", "Python files (*.py)"),
    ExportFormat("script", "Training script…", "Python files (*.py)"),
    ExportFormat("onnx", "ONNX model…", "ONNX models (*.onnx)"),
    ExportFormat("pt2", "torch.export program…", "ExportedProgram (*.pt2)"),
    ExportFormat("safetensors", "Weights (safetensors)…", "safetensors (*.safetensors)"),
)


def format_by_key(key: str) -> ExportFormat:
    for fmt in FORMATS:
        if fmt.key == key:
            return fmt
    raise KeyError(key)


def export(fmt: ExportFormat, doc: Document, path: str | Path, network: str,
           module: nn.Module | None = None) -> list[Path]:
    """Export `network` of `doc`; returns the files written.

    With `module` (the trained network), formats that hold weights get its weights,
    and a Python export gets them beside it as `<name>.safetensors`. Raises the
    engine's ExportError or WeightsError, whose messages list every problem.
    """
    path = Path(path)
    if module is None:
        return engine_export(doc, fmt.key, path, network=network)
    if not fmt.takes_weights:
        written = engine_export(doc, fmt.key, path, network=network)
        if fmt.key == "python":
            written.append(save_weights(module, path.with_suffix(".safetensors")))
        return written
    with tempfile.TemporaryDirectory(prefix="netsmith-weights-") as folder:
        weights = save_weights(module, Path(folder) / f"{network}.safetensors")
        return engine_export(doc, fmt.key, path, network=network, weights=weights)


def read_weights_into(doc: Document, path: str | Path, network: str) -> nn.Module:
    """The network compiled with the weights of a safetensors file.

    Raises WeightsError naming every missing, unexpected or mis-shaped tensor.
    """
    module = export_target(doc, network).compile()
    return load_weights(module, path)
