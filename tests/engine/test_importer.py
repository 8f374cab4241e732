"""The importer: torchvision models and the user's own code, traced by torch.fx into documents."""

from __future__ import annotations

import inspect

import pytest
import torch
import torch.nn as nn

from app.cli import main
from engine.analysis import analyze
from engine.compiler import compile_network
from engine.document import Document
from engine.export import load_weights
from engine.importer import ModelImportError, import_model, import_module

# Small images keep five ImageNet models quick on two cores; every one of them pools adaptively.
SHAPE = (3, 64, 64)


@pytest.mark.parametrize("name", ["resnet18", "vgg11", "alexnet", "squeezenet1_0", "mobilenet_v2"])
def test_torchvision_model_round_trips_through_a_document(name):
    imported, model = import_model(f"torchvision:{name}", SHAPE)
    doc = Document.from_dict(imported.document.to_dict())  # what `netsmith import` writes reads back
    graph = doc.network()
    analysis = analyze(graph)
    assert analysis.ok, analysis.errors
    assert analysis.total_params == sum(p.numel() for p in model.parameters())
    compiled = compile_network(graph, analysis=analysis).eval()
    compiled.load_state_dict(imported.state_dict(model), strict=True)
    x = torch.randn(2, *SHAPE, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        torch.testing.assert_close(compiled(x), model.eval()(x), rtol=1e-5, atol=1e-5)
    positions = [(node.ui["x"], node.ui["y"]) for node in graph.nodes.values()]
    assert len(set(positions)) == len(positions)  # laid out, no two nodes on one spot
    assert graph.nodes["x"].ui["y"] == 0 and max(y for _, y in positions) > 0  # input on top, layers below


def test_node_ids_and_weight_names_follow_the_module_tree():
    imported, _ = import_model("torchvision:resnet18", SHAPE)
    graph = imported.document.network()
    assert graph.nodes["layer1_0_conv1"].op == "Conv2d"
    assert graph.nodes["layer1_0_conv1"].params == {
        "out_channels": 64, "kernel_size": 3, "stride": 1, "padding": 1, "dilation": 1, "groups": 1,
        "bias": False, "padding_mode": "zeros"}
    assert graph.nodes["add"].op == "Add" and graph.nodes["flatten"].op == "Flatten"
    assert imported.weight_names["layer1_0_conv1.weight"] == "layer1.0.conv1.weight"
    assert imported.weight_names["layer1_0_bn1.running_mean"] == "layer1.0.bn1.running_mean"
    assert imported.document.meta["imported_from"] == "torchvision:resnet18"


class Unit(nn.Module):
    """Normalises each sample to unit length: no catalog op does that."""

    def forward(self, x):
        return x / x.norm()


class Odd(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.unit = Unit()
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        x = self.unit(self.conv(x))
        return x * 0.5 + self.bias


def test_what_cannot_be_mapped_is_listed_with_its_call_site():
    with pytest.raises(ModelImportError) as info:
        import_module(Odd(), (3, 8, 8))
    unit = f"test_importer.py:{inspect.getsourcelines(Unit.forward)[1] + 1}"
    odd = f"test_importer.py:{inspect.getsourcelines(Odd.forward)[1] + 2}"
    assert info.value.problems == [
        f"norm (.norm()): no catalog op for norm at {unit}: return x / x.norm()",
        f"truediv (truediv()): no catalog op for truediv at {unit}: return x / x.norm()",
        f"mul (mul()): only the sum or product of two tensors maps (Add, Multiply) at {odd}: return x * 0.5 + self.bias",
        f"bias (get_attr): reads a parameter or buffer directly, outside any layer at {odd}: return x * 0.5 + self.bias",
    ]  # the add below them is not listed: its inputs are
    assert str(info.value).startswith("4 part(s) of Odd have no catalog op:\n  - norm")


def test_bad_specs_are_clear_errors():
    with pytest.raises(ModelImportError, match="expected torchvision:NAME or package.module:factory"):
        import_model("resnet18")
    with pytest.raises(ModelImportError, match="torchvision has no classification model 'resnet19'"):
        import_model("torchvision:resnet19")
    with pytest.raises(ModelImportError, match="cannot import no_such_package"):
        import_model("no_such_package.models:build")


FACTORY = '''
import torch
import torch.nn as nn


def build():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(144, 3))
'''


def test_cli_imports_the_users_factory_with_its_weights(tmp_path, monkeypatch, capsys):
    (tmp_path / "my_nets.py").write_text(FACTORY)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert main(["import", "my_nets:build", "-o", "net.json", "--input-shape", "1,14,14",
                 "--weights", "net.safetensors"]) == 0
    assert capsys.readouterr().out == "wrote net.json (7 nodes) and net.safetensors\n"
    doc = Document.load(tmp_path / "net.json")
    module = load_weights(compile_network(doc.network()), tmp_path / "net.safetensors").eval()
    import my_nets

    x = torch.randn(3, 1, 14, 14)
    with torch.no_grad():
        torch.testing.assert_close(module(x), my_nets.build()(x))


def test_cli_import_errors_go_to_stderr(tmp_path, capsys):
    assert main(["import", "torchvision:resnet19", "-o", str(tmp_path / "x.json")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("netsmith import: torchvision has no classification model 'resnet19'")
    assert "Traceback" not in err and not (tmp_path / "x.json").exists()
