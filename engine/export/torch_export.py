"""torch.export: the network as an ExportedProgram (`.pt2`) with a dynamic batch dimension.

The program is captured in eval mode (dropout off, batch norm on its running
statistics, Reparameterize returning mu). `torch.export.load` reads it back; that
loader is torch's own and, as its documentation says, meant for files you trust.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import torch
import torch.nn as nn

from engine.compiler import example_inputs
from engine.export.network import ExportTarget

__all__ = ["export_program", "write_program"]


def export_program(target: ExportTarget, module: nn.Module | None = None) -> torch.export.ExportedProgram:
    module = (module if module is not None else target.compile()).eval()
    inputs = example_inputs(target.graph, batch_size=2, analysis=target.analysis)
    batch = torch.export.Dim("batch")
    with warnings.catch_warnings():
        # Recurrent layers rebuild their flat weight list while traced; harmless here.
        warnings.filterwarnings("ignore", message="The tensor attributes .* were assigned during export")
        return torch.export.export(module, inputs, dynamic_shapes=tuple({0: batch} for _ in inputs))


def write_program(target: ExportTarget, path: str | Path, module: nn.Module | None = None) -> Path:
    path = Path(path)
    torch.export.save(export_program(target, module), str(path))
    return path
