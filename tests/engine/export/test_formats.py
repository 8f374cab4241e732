"""ONNX (run in onnxruntime), torch.export programs, and the table of what each format cannot hold."""

from __future__ import annotations

import warnings

import numpy as np
import onnxruntime as ort
import pytest
import torch

from engine.compiler import example_inputs
from engine.document import Document
from engine.export import FORMATS, ExportError, export, export_target, unsupported_nodes
from engine.export.onnx import write_onnx
from engine.export.torch_export import export_program
from engine.templates import load_template
from tests.engine.export.networks import BUILT, shrink_input
from tests.engine.test_ops import CASES
from tests.helpers import single_op_graph

# ONNX and .pt2 for LeNet-5, ResNet-18 and U-Net (the templates), and graphs of the same
# shape built here (blocks with repeats and projections; skips by Concat).
NETWORKS = ["template:lenet5", "template:resnet18", "template:unet", "built:resnet_like", "built:unet_like",
            "built:vae_like"]


def _document(name: str) -> Document:
    kind, _, what = name.partition(":")
    if kind == "template":
        return shrink_input(load_template(what), largest=128)
    return BUILT[what]()


def _outputs(value) -> list[torch.Tensor]:
    return list(value) if isinstance(value, tuple) else [value]


def _onnx_run(data: bytes, names: list[str], inputs) -> list[np.ndarray]:
    session = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    present = {i.name for i in session.get_inputs()}  # an input the graph ignores in eval mode is dropped
    return session.run(None, {n: x.numpy() for n, x in zip(names, inputs) if n in present})


@pytest.mark.parametrize("name", NETWORKS)
def test_onnx_in_onnxruntime_matches_torch(name, tmp_path):
    doc = _document(name)
    path = tmp_path / "model.onnx"
    assert export(doc, "onnx", path) == [path]
    target = export_target(doc)
    module = target.compile()  # the same seeded weights as the export
    inputs = example_inputs(target.graph, batch_size=2, generator=torch.Generator().manual_seed(2),
                            analysis=target.analysis)  # batch 2: the export traced batch 1
    with torch.no_grad():
        expected = _outputs(module(*inputs))
    got = _onnx_run(path.read_bytes(), target.analysis.flat.inputs, inputs)
    assert [tuple(g.shape) for g in got] == [tuple(e.shape) for e in expected]
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e.numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", NETWORKS)
def test_torch_export_program_matches_torch(name, tmp_path):
    doc = _document(name)
    path = tmp_path / "model.pt2"
    assert export(doc, "pt2", path) == [path]
    target = export_target(doc)
    module = target.compile()
    program = torch.export.load(str(path))  # our own file, written a line above
    inputs = example_inputs(target.graph, batch_size=3, generator=torch.Generator().manual_seed(2),
                            analysis=target.analysis)
    with torch.no_grad():
        expected = _outputs(module(*inputs))
        got = _outputs(program.module()(*inputs))
    for g, e in zip(got, expected, strict=True):
        torch.testing.assert_close(g, e)


def _op_cases():
    for op, cases in CASES.items():
        for i in range(len(cases)):
            yield f"{op}-{i}"


@pytest.mark.parametrize("case", list(_op_cases()))
def test_every_op_exports_to_onnx_or_is_listed_as_unsupported(case, tmp_path):
    """Keeps the ONNX row of the table true: what it lists fails, everything else runs."""
    op, _, i = case.rpartition("-")
    params, input_params = CASES[op][int(i)]
    doc = Document()
    single_op_graph(op, params, input_params, doc)
    target = export_target(doc)
    module = target.compile()
    # Batch 3, where the export traced batch 2: the batch dimension must stay free.
    inputs = example_inputs(target.graph, batch_size=3, generator=torch.Generator().manual_seed(3),
                            analysis=target.analysis)
    listed = unsupported_nodes(target, "onnx")
    path = tmp_path / "op.onnx"
    if listed:
        assert listed[0].startswith(f"node ({op}): ")
        with pytest.raises(Exception), warnings.catch_warnings():  # noqa: B017 - torch's own exception types
            warnings.simplefilter("ignore")
            write_onnx(target, path, module)
        return
    write_onnx(target, path, module)
    with torch.no_grad():
        expected = _outputs(module(*inputs))
    got = _onnx_run(path.read_bytes(), target.analysis.flat.inputs, inputs)
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_allclose(g, e.numpy(), rtol=1e-4, atol=1e-5)


# torch.export takes about a second an op here, so the catalog's own modules and the
# recurrent layers (the ops most likely to trip it) stand for the rest.
PT2_OPS = ["Add", "Concat", "Split", "Chunk", "Reshape", "Permute", "GlobalAvgPool", "Step", "PlaygroundFeatures",
           "Reparameterize", "SpatialTransformer", "GraphConv", "LSTM", "Embedding", "Upsample"]


@pytest.mark.parametrize("op", PT2_OPS)
def test_the_catalogs_own_modules_export_with_torch_export(op):
    params, input_params = CASES[op][-1]
    doc = Document()
    single_op_graph(op, params, input_params, doc)
    target = export_target(doc)
    assert not unsupported_nodes(target, "pt2")
    module = target.compile()
    program = export_program(target, module)
    inputs = example_inputs(target.graph, batch_size=3, generator=torch.Generator().manual_seed(3),
                            analysis=target.analysis)
    with torch.no_grad():
        for g, e in zip(_outputs(program.module()(*inputs)), _outputs(module(*inputs)), strict=True):
            torch.testing.assert_close(g, e)


def test_unsupported_nodes_are_listed_by_name_and_nothing_is_written(tmp_path):
    doc = BUILT["inception_like"]()
    doc.network().set_params("pool", {"output_size": 3})  # 16x16 maps do not divide into 3x3 in ONNX
    path = tmp_path / "model.onnx"
    with pytest.raises(ExportError) as info:
        export(doc, "onnx", path)
    assert info.value.problems == [
        "pool (AdaptiveAvgPool2d): ONNX has adaptive pooling only where the output size divides the input size"]
    assert "onnx cannot hold these nodes of 'model'" in str(info.value)
    assert not path.exists()
    assert export(doc, "python", tmp_path / "model.py")  # Python holds everything


def test_every_format_is_in_the_table_with_its_suffix():
    assert list(FORMATS) == ["python", "script", "onnx", "pt2", "safetensors"]
    assert {f.suffix for f in FORMATS.values()} == {".py", ".onnx", ".pt2", ".safetensors"}


def test_unknown_format_and_network_are_clear_errors(tmp_path):
    doc = load_template("lenet5")
    with pytest.raises(ExportError, match="unknown format 'tflite' \\(formats: python, script, onnx, pt2, safetensors\\)"):
        export(doc, "tflite", tmp_path / "x")
    with pytest.raises(ExportError, match="the document has no network 'generator' \\(it has: model\\)"):
        export(doc, "onnx", tmp_path / "x.onnx", network="generator")
    with pytest.raises(ExportError, match="weights go into onnx, pt2, safetensors exports"):
        export(doc, "python", tmp_path / "x.py", weights=tmp_path / "w.safetensors")
