"""The export formats, and the one table of what each cannot express.

Before anything is written, `export` lists every node that the chosen format cannot
hold, by name, and stops with that list: nothing is dropped silently. The limits
below were found by exporting every op of the catalog at the settings of
tests/engine/test_ops.py and running the result (onnxruntime for ONNX,
torch.export.load for .pt2); tests/engine/export/test_formats.py keeps them true.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.document import Document
from engine.export.network import ExportError, ExportTarget, export_target
from engine.export.onnx import write_onnx
from engine.export.python_code import write_python
from engine.export.torch_export import write_program
from engine.export.train_script import write_script
from engine.ops.spec import TensorInfo
from engine.weights import save_weights

__all__ = ["FORMATS", "Format", "Limit", "export", "unsupported_nodes"]


@dataclass(frozen=True)
class Limit:
    """Why a format cannot hold an op; `applies` narrows it to some settings (None: always)."""

    reason: str
    applies: Callable[[Mapping[str, Any], Sequence[TensorInfo]], bool] | None = None


def _adaptive_size_does_not_divide(params: Mapping[str, Any], inputs: Sequence[TensorInfo]) -> bool:
    size = params["output_size"]
    out = (size, size) if isinstance(size, int) else tuple(size)
    return any(dim % o for dim, o in zip(inputs[0].shape[-2:], out))


_ADAPTIVE = Limit(
    "ONNX has adaptive pooling only where the output size divides the input size",
    _adaptive_size_does_not_divide,
)


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str
    help: str
    write: Callable[[ExportTarget, Path, str | Path | None], list[Path]]
    limits: Mapping[str, Limit] = field(default_factory=dict)
    takes_weights: bool = True


def _python(target: ExportTarget, path: Path, weights: str | Path | None) -> list[Path]:
    return [write_python(target, path)]


def _script(target: ExportTarget, path: Path, weights: str | Path | None) -> list[Path]:
    return write_script(target, path)


def _onnx(target: ExportTarget, path: Path, weights: str | Path | None) -> list[Path]:
    return [write_onnx(target, path, target.compile(weights))]


def _pt2(target: ExportTarget, path: Path, weights: str | Path | None) -> list[Path]:
    return [write_program(target, path, target.compile(weights))]


def _safetensors(target: ExportTarget, path: Path, weights: str | Path | None) -> list[Path]:
    metadata = {"netsmith_network": target.name, "title": target.doc.title}
    return [save_weights(target.compile(weights), path, metadata)]


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("python", ".py", "a standalone Python file with the network as an nn.Module (needs only torch)",
               _python, takes_weights=False),
        Format("script", ".py", "train.py with the document's recipe, and model.py beside it "
               "(runs alone or under torchrun)", _script, takes_weights=False),
        Format("onnx", ".onnx", "ONNX, eval mode, dynamic batch", _onnx,
               {"AdaptiveAvgPool2d": _ADAPTIVE, "AdaptiveMaxPool2d": _ADAPTIVE}),
        Format("pt2", ".pt2", "a torch.export program, eval mode, dynamic batch", _pt2),
        Format("safetensors", ".safetensors", "the weights, by parameter name", _safetensors),
    )
}


def unsupported_nodes(target: ExportTarget, fmt: str) -> list[str]:
    """'node (Op): reason' for every node of the network that `fmt` cannot hold."""
    limits = FORMATS[fmt].limits
    analysis = target.analysis
    found = []
    for node_id in analysis.flat.needed():
        node = analysis.flat.nodes[node_id]
        limit = limits.get(node.op)
        if limit is None:
            continue
        if limit.applies is None or limit.applies(node.params, analysis.input_infos(node_id)):
            found.append(f"{node_id} ({node.op}): {limit.reason}")
    return found


def export(
    doc: Document,
    fmt: str,
    path: str | Path,
    network: str | None = None,
    weights: str | Path | None = None,
) -> list[Path]:
    """Export one network of `doc` to `path` as `fmt`; returns the files written.

    Raises ExportError listing every problem (graph errors, nodes the format cannot
    hold) before anything is written, and WeightsError when `weights` do not fit.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format '{fmt}' (formats: {', '.join(FORMATS)})")
    spec = FORMATS[fmt]
    if weights is not None and not spec.takes_weights:
        takes = ", ".join(f.name for f in FORMATS.values() if f.takes_weights)
        raise ExportError(f"weights go into {takes} exports; the {fmt} export builds the network fresh")
    target = export_target(doc, network)
    unsupported = unsupported_nodes(target, fmt)
    if unsupported:
        raise ExportError(f"{fmt} cannot hold these nodes of '{target.name}'", unsupported)
    return spec.write(target, Path(path), weights)
