"""Exporters: readable Python, a training script, ONNX, torch.export programs and safetensors.

Every format starts from the same analysed network (`network.export_target`) and the
compiler's lowering, so each file holds exactly the model of the document.
`formats.export` is the entry point; `formats.FORMATS` says what each format is and
which nodes it cannot hold.
"""

from engine.export.formats import FORMATS, Format, export, unsupported_nodes
from engine.export.network import ExportError, ExportTarget, export_target
from engine.weights import WeightsError, load_weights, save_weights

__all__ = [
    "FORMATS",
    "ExportError",
    "ExportTarget",
    "Format",
    "WeightsError",
    "export",
    "export_target",
    "load_weights",
    "save_weights",
    "unsupported_nodes",
]
