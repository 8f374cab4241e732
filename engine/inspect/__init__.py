"""Introspection: pure functions over a module and inputs that return small numpy arrays.

Node ids are submodule names, so `activation_maps(model, x, ["conv1", "layer1_0.conv1"])`
works on any compiled network.
"""

from __future__ import annotations

from engine.inspect.activations import activation_maps
from engine.inspect.boundary import Boundary, decision_boundary, neuron_heatmaps
from engine.inspect.filters import conv_layers, filter_grid
from engine.inspect.latent import latent_sweep
from engine.inspect.maximize import maximize_activation
from engine.inspect.predictions import confusion_matrix, sample_predictions

__all__ = [
    "Boundary", "activation_maps", "confusion_matrix", "conv_layers", "decision_boundary", "filter_grid",
    "latent_sweep", "maximize_activation", "neuron_heatmaps", "sample_predictions",
]
