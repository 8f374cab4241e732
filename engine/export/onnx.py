"""ONNX export: the network in eval mode, with a dynamic batch dimension.

Inputs and outputs carry the node ids as names (`image`, `logits`). The file is
written with torch's TorchScript-based exporter (`dynamo=False`): it needs no
package beyond `onnx`, and it is about a hundred times faster than the
torch.export-based exporter on small graphs, which keeps `netsmith export` and
the tests quick. Ops it cannot express are listed in `engine.export.formats`.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import torch
import torch.nn as nn

from engine.compiler import example_inputs
from engine.export.network import ExportTarget

__all__ = ["OPSET", "write_onnx"]

OPSET = 17
# Ops that need a newer opset than OPSET: affine_grid arrived in opset 20.
_MIN_OPSET = {"SpatialTransformer": 20}


def opset_for(target: ExportTarget) -> int:
    """The lowest opset that holds every op of the network."""
    ops = {node.op for node in target.analysis.flat.nodes.values()}
    return max([OPSET, *(v for op, v in _MIN_OPSET.items() if op in ops)])


def write_onnx(target: ExportTarget, path: str | Path, module: nn.Module | None = None) -> Path:
    """Write `module` (default: the compiled network, eval mode) as an ONNX file."""
    path = Path(path)
    module = (module if module is not None else target.compile()).eval()
    flat = target.analysis.flat
    # One sample is enough to trace (the batch dimension is declared dynamic below).
    inputs = example_inputs(target.graph, batch_size=1, analysis=target.analysis)
    names = list(flat.inputs) + list(flat.outputs)
    with warnings.catch_warnings():
        # The TorchScript-based exporter warns that it is no longer the default, and about
        # recurrent layers and batch sizes; tests/engine/export/test_formats.py runs every op
        # in onnxruntime at another batch size than the one traced.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        warnings.filterwarnings("ignore", category=UserWarning, module=r"torch\.onnx")
        torch.onnx.export(
            module,
            inputs,
            str(path),
            dynamo=False,
            input_names=list(flat.inputs),
            output_names=list(flat.outputs),
            dynamic_axes={name: {0: "batch"} for name in names},
            opset_version=opset_for(target),
        )
    return path
