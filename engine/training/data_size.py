"""The input size a recipe trains at, and the analysis of a network there.

Templates declare the paper's input (VGG: 3x224x224) while recipes train on small bundled
images (digits at 32x32). When the graph analyses cleanly at the data's image size and every
layer is built the same there (adaptive pooling, fully convolutional nets; not LeNet, whose
fc1 takes 400 inputs only at 32x32), the same compiled module trains at the data's size.
The Trainer trains at that size and the editor shows the shapes of that size: one rule, here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.analysis import Analysis, Analyzer
from engine.data import DATASETS, images
from engine.document import DocumentError
from engine.graph import Graph, Problem
from engine.ops.spec import format_shape
from engine.training.config import TrainConfig

__all__ = ["DataSize", "at_data_size", "recipe_input_shape", "same_layers"]


@dataclass(frozen=True)
class DataSize:
    """Input `input_id` declares `declared`; the data comes at `data`, which the network accepts."""

    input_id: str
    declared: tuple[int, ...]
    data: tuple[int, ...]

    def note(self, network: str) -> str:
        return (f"{network}: Input '{self.input_id}' declares {format_shape(self.declared)}; training at "
                f"{format_shape(self.data)}, which the network also accepts")


def recipe_input_shape(recipe: Mapping[str, Any] | None) -> tuple[int, ...] | None:
    """The sample shape the recipe's image set feeds, known without loading it; None when the
    recipe is missing or invalid, or its data is not one of the image sets."""
    if not recipe:
        return None
    try:
        dataset = TrainConfig.from_dict(recipe).dataset
    except DocumentError:
        return None
    if dataset.name not in DATASETS:
        return None
    return images.sample_shape(dataset.name, dataset.options)


def same_layers(a: Analysis, b: Analysis) -> bool:
    """Whether every module of the network gets the same constructor arguments in both analyses."""
    for node_id, node in a.flat.nodes.items():
        if node.spec.module is None:
            continue
        if node.spec.constructor(node.params, a.input_infos(node_id)) != node.spec.constructor(
                node.params, b.input_infos(node_id)):
            return False
    return True


def at_data_size(graph: Graph, analysis: Analysis, analyzer: Analyzer, problems: Sequence[Problem],
                 data_shape: tuple[int, ...]) -> tuple[Analysis, DataSize | None]:
    """`analysis` redone with an image Input at `data_shape`, when the network accepts that with
    the same layers (the same channels, another height and width); else `analysis` and None.
    A network with errors keeps its declared shapes: its errors are those of the declared input."""
    if not analysis.ok:
        return analysis, None
    for input_id in analysis.flat.inputs:
        result = analysis.nodes[input_id]
        declared = tuple(result.outputs[0].shape) if result.ok else None
        if (analysis.flat.nodes[input_id].params["kind"] != "image" or declared is None
                or len(declared) != 3 or len(data_shape) != 3
                or declared == data_shape or declared[0] != data_shape[0]):
            continue
        trial = graph.copy()
        trial.set_params(input_id, {"shape": list(data_shape)})
        trial_analysis = analyzer.analyze(trial, problems)
        if trial_analysis.ok and same_layers(analysis, trial_analysis):
            return trial_analysis, DataSize(input_id, declared, tuple(data_shape))
    return analysis, None
