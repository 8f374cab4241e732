"""Weights as safetensors: saved by name, loaded back by name, every mismatch named."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest
import torch
from safetensors import safe_open

from engine.compiler import compile_network
from engine.export import WeightsError, export, export_target, load_weights, save_weights
from engine.templates import load_template
from tests.engine.export.networks import BUILT


def test_weights_round_trip_by_name(tmp_path):
    doc = BUILT["resnet_like"]()
    torch.manual_seed(1)
    trained = compile_network(doc.network())
    path = save_weights(trained, tmp_path / "w.safetensors", {"netsmith_network": "model"})
    torch.manual_seed(2)
    fresh = compile_network(doc.network())
    assert not torch.equal(fresh.conv1.weight, trained.conv1.weight)
    load_weights(fresh, path)
    for (name, a), (_, b) in zip(trained.state_dict().items(), fresh.state_dict().items(), strict=True):
        assert torch.equal(a, b), name
    with safe_open(str(path), "pt") as f:
        assert f.metadata() == {"netsmith_network": "model"}
        assert "layer1.2.conv2.weight" in f.keys()


def test_every_mismatch_is_named_and_nothing_is_loaded(tmp_path):
    doc = load_template("lenet5")
    path = save_weights(compile_network(doc.network()), tmp_path / "lenet.safetensors")
    graph = doc.network()
    graph.set_params("fc1", {"out_features": 100})
    graph.rename("fc3", "classifier")
    other = compile_network(graph)
    before = {k: v.clone() for k, v in other.state_dict().items()}
    with pytest.raises(WeightsError) as info:
        load_weights(other, path)
    assert info.value.problems == [
        "missing: classifier.weight (10, 84)",
        "missing: classifier.bias (10,)",
        "unexpected: fc3.bias (10,)",  # a safetensors file lists its tensors by name
        "unexpected: fc3.weight (10, 84)",
        "shape of fc1.weight: the network has (100, 400), the file has (120, 400)",
        "shape of fc1.bias: the network has (100,), the file has (120,)",
        "shape of fc2.weight: the network has (84, 100), the file has (84, 120)",
    ]
    assert str(info.value).startswith(f"{path}: the weights do not fit the network:\n  - missing: classifier.weight")
    assert all(torch.equal(before[k], v) for k, v in other.state_dict().items())


def test_a_file_that_is_not_safetensors_is_refused(tmp_path):
    module = compile_network(load_template("lenet5").network())
    bad = tmp_path / "model.pt"
    torch.save(module.state_dict(), bad)  # a pickle: never read
    with pytest.raises(WeightsError, match="not a safetensors file"):
        load_weights(module, bad)
    with pytest.raises(WeightsError, match="the file does not exist"):
        load_weights(module, tmp_path / "missing.safetensors")


def test_trained_weights_go_into_onnx_and_the_document_network(tmp_path):
    doc = load_template("lenet5")
    weights = tmp_path / "trained.safetensors"
    torch.manual_seed(5)
    trained = compile_network(doc.network()).eval()
    save_weights(trained, weights)
    onnx_path = tmp_path / "lenet.onnx"
    export(doc, "onnx", onnx_path, weights=weights)
    x = torch.randn(4, 1, 32, 32)
    session = ort.InferenceSession(onnx_path.read_bytes(), providers=["CPUExecutionProvider"])
    (got,) = session.run(None, {"image": x.numpy()})
    with torch.no_grad():
        np.testing.assert_allclose(got, trained(x).numpy(), rtol=1e-4, atol=1e-5)
    # The document's network with the weights loaded by name: the same function.
    loaded = export_target(doc).compile(weights)
    with torch.no_grad():
        torch.testing.assert_close(loaded(x), trained(x))
    copied = tmp_path / "copied.safetensors"
    export(doc, "safetensors", copied, weights=weights)
    assert load_weights(compile_network(doc.network()), copied) is not None
