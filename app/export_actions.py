"""File > Export: one small function per format that imports its engine exporter lazily.

The exporters live in `engine/export/` (written in parallel with the editor). A
format whose exporter this build lacks is reported as "not available in this
build" instead of failing. Each exporter is called as
``function(doc, path, network=name)`` and writes one file.
"""

from __future__ import annotations

import importlib
import inspect
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.document import Document

__all__ = ["FORMATS", "ExportFormat", "ExportUnavailable", "export", "exporter", "format_by_key", "import_weights",
           "weights_importer"]


class ExportUnavailable(RuntimeError):
    """This build has no exporter for the format."""


@dataclass(frozen=True)
class ExportFormat:
    key: str
    label: str  # menu text
    suffix: str
    file_filter: str
    module: str  # under engine.export
    function: str

    @property
    def description(self) -> str:
        return self.label.rstrip("…")


FORMATS = (
    ExportFormat("python", "Python module…", ".py", "Python files (*.py)", "python", "export_python"),
    ExportFormat("train", "Training script…", ".py", "Python files (*.py)", "train_script", "export_train_script"),
    ExportFormat("onnx", "ONNX model…", ".onnx", "ONNX models (*.onnx)", "onnx", "export_onnx"),
    ExportFormat("pt2", "torch.export program…", ".pt2", "ExportedProgram (*.pt2)", "pt2", "export_pt2"),
    ExportFormat("weights", "Weights (safetensors)…", ".safetensors", "safetensors (*.safetensors)", "weights",
                 "export_weights"),
)


def format_by_key(key: str) -> ExportFormat:
    for fmt in FORMATS:
        if fmt.key == key:
            return fmt
    raise KeyError(key)


def _function(module: str, name: str, what: str) -> Callable:
    try:
        found = getattr(importlib.import_module(f"engine.export.{module}"), name)
    except (ImportError, AttributeError):
        raise ExportUnavailable(f"{what} is not available in this build.") from None
    return found


def exporter(fmt: ExportFormat) -> Callable:
    """The engine function behind `fmt`; raises ExportUnavailable when the build lacks it."""
    return _function(fmt.module, fmt.function, f"Export as {fmt.description}")


def export(fmt: ExportFormat, doc: Document, path: str | Path, network: str, module: Any = None) -> None:
    """Export `network` of `doc` to `path`. With `module` (the trained network attached to the
    session), the exporter gets its weights: as `module=` when it takes one, else as a
    safetensors file `weights=`; an exporter that takes neither exports the graph alone."""
    function = exporter(fmt)
    takes = inspect.signature(function).parameters
    if module is None or not ({"module", "weights"} & set(takes)):
        function(doc, Path(path), network=network)
        return
    if "module" in takes:
        function(doc, Path(path), network=network, module=module)
        return
    from engine.training.checkpoint import save_weights

    with tempfile.TemporaryDirectory(prefix="netsmith-weights-") as folder:
        weights = save_weights(module, Path(folder) / f"{network}.safetensors")
        function(doc, Path(path), network=network, weights=weights)


def weights_importer() -> Callable:
    return _function("weights", "import_weights", "Import weights")


def import_weights(doc: Document, path: str | Path, network: str) -> None:
    """Load weights from a safetensors file into the document's model."""
    weights_importer()(doc, Path(path), network=network)
