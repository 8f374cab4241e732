"""Introspection returns what the model computes, checked against direct forward passes."""

import numpy as np
import pytest
import torch
import torch.nn as nn

from engine.compiler import compile_network
from engine.inspect import (
    activation_maps,
    confusion_matrix,
    decision_boundary,
    filter_grid,
    maximize_activation,
    neuron_heatmaps,
    sample_predictions,
)
from tests.helpers import sequential_document


def mlp():
    torch.manual_seed(0)
    doc = sequential_document({"kind": "vector", "shape": [2]}, ("Linear", {"out_features": 5}), "Tanh",
                              ("Linear", {"out_features": 2}))
    return compile_network(doc.network())


def cnn():
    torch.manual_seed(0)
    doc = sequential_document({"shape": [3, 12, 12]}, ("Conv2d", {"out_channels": 6, "kernel_size": 3}), "ReLU",
                              ("Conv2d", {"out_channels": 4, "kernel_size": 3}), "Flatten",
                              ("Linear", {"out_features": 3}))
    return compile_network(doc.network())


def test_boundary_values_are_the_model_outputs_at_the_grid_points():
    model = mlp()
    grid = decision_boundary(model, (-6, 6, -4, 4), resolution=50)
    assert grid.values.shape == (50, 50)
    for i, j in [(0, 0), (10, 37), (49, 49), (25, 3)]:
        point = torch.tensor([[grid.xs[j], grid.ys[i]]])
        expected = torch.softmax(model(point), 1)[0, 1].item()
        assert grid.values[i, j] == pytest.approx(expected, abs=1e-6)
    assert grid.xs[0] == pytest.approx(-6 + 12 / 100) and grid.ys[-1] == pytest.approx(4 - 8 / 100)


def test_neuron_heatmaps_are_each_units_output():
    model = mlp()
    maps = neuron_heatmaps(model, ["fc1", "tanh1"], (-6, 6, -6, 6), resolution=20)
    assert maps["tanh1"].shape == (5, 20, 20)
    point = torch.tensor([[-6 + 12 * 3.5 / 20, -6 + 12 * 7.5 / 20]])  # column 3, row 7
    np.testing.assert_allclose(maps["tanh1"][:, 7, 3], torch.tanh(model.fc1(point))[0].detach().numpy(), atol=1e-6)


def test_activation_maps_equal_the_hooked_module_outputs():
    model = cnn()
    x = torch.randn(2, 3, 12, 12)
    maps = activation_maps(model, x, ["conv1", "relu1", "conv2"], sample=1)
    conv1 = model.conv1(x)
    np.testing.assert_allclose(maps["conv1"], conv1[1].detach().numpy(), atol=1e-6)
    np.testing.assert_allclose(maps["relu1"], torch.relu(conv1)[1].detach().numpy(), atol=1e-6)
    assert maps["conv2"].shape == (4, 8, 8)
    with pytest.raises(KeyError, match="no module 'conv9'"):
        activation_maps(model, x, ["conv9"])


def test_filter_grid_tiles_the_first_conv():
    model = cnn()
    grid = filter_grid(model)
    assert grid.shape == (2 * 3 + 1, 3 * 3 + 2, 3)  # 6 RGB filters in 3 columns, 2 rows
    w = model.conv1.weight[4].detach().permute(1, 2, 0).numpy()  # row 1, column 1
    expected = (w - w.min()) / (w.max() - w.min())
    np.testing.assert_allclose(grid[4:7, 4:7], expected, atol=1e-6)
    grey = filter_grid(model, "conv2")
    assert grey.shape == (2 * 3 + 1, 2 * 3 + 1)


def test_activation_maximisation_raises_the_channel():
    model = cnn()
    x0 = torch.randn(1, 3, 12, 12, generator=torch.Generator().manual_seed(0)) * 0.1
    before = model.conv2(torch.relu(model.conv1(x0)))[0, 2].mean().item()
    image, reached = maximize_activation(model, "conv2", 2, (3, 12, 12), steps=40)
    assert image.shape == (3, 12, 12)
    after = model.conv2(torch.relu(model.conv1(torch.from_numpy(image)[None])))[0, 2].mean().item()
    assert after == pytest.approx(reached, rel=1e-4) and reached > before + 0.3
    assert all(p.requires_grad for p in model.parameters())


def test_sample_predictions_and_confusion():
    model = nn.Sequential(nn.Linear(2, 3))
    x = torch.randn(5, 2)
    result = sample_predictions(model, x, torch.tensor([0, 1, 2, 0, 1]))
    np.testing.assert_array_equal(result["predicted"], model(x).argmax(1).numpy())
    np.testing.assert_allclose(result["probabilities"].sum(1), 1, atol=1e-6)
    matrix = confusion_matrix(np.array([0, 1, 1, 2]), np.array([0, 1, 2, 2]), 3)
    assert matrix.tolist() == [[1, 0, 0], [0, 1, 0], [0, 1, 1]]
