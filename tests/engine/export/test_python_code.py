"""The exported Python file: standalone (torch only), ruff-clean, and exactly the compiled network.

Every template, the graphs of networks.py and every op of the catalog (the cases of
tests/engine/test_ops.py) are exported and run in ONE fresh subprocess that cannot
import Netsmith (`python -I`, a blocked `engine`/`app`, cwd in a temporary folder).
There each class is built under the seed the compiler used, so its weights must come
out identical (compared as a digest), the compiled state_dict is loaded with
strict=True (for networks up to a few million weights; beyond that the identical
digest already proves the keys, shapes and values), and its outputs must equal the
compiled module's on the same input.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch

from engine.compiler import example_inputs
from engine.document import Document
from engine.export import ExportError, export_target
from engine.export.python_code import python_source, write_python
from engine.templates import list_templates, load_template
from tests.engine.export.networks import BUILT, document, e, n
from tests.engine.test_ops import CASES
from tests.helpers import single_op_graph

LOAD_LIMIT = 5_000_000  # weights sent to the subprocess as a file up to this many values

RUNNER = r'''
import contextlib, importlib.util, io, json, runpy, sys


class NoNetsmith:
    """The exported files must run where Netsmith is not installed."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("engine", "app"):
            raise ImportError(f"{name} is not available here")


sys.meta_path.insert(0, NoNetsmith())
import torch

# The same thread count as the test process: a convolution's sums depend on how they are split.
torch.set_num_threads(int(sys.argv[3]))

results = {}
try:
    import engine  # noqa: F401
    results["<engine importable>"] = True
except ImportError:
    results["<engine importable>"] = False
for case in json.load(open(sys.argv[1])):
    try:
        spec = importlib.util.spec_from_file_location(case["module"], case["file"])
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        torch.manual_seed(0)
        model = getattr(module, case["class"])()
        state = model.state_dict()
        digest = {k: [list(v.shape), float(v.double().sum())] for k, v in state.items()}
        if case["weights"]:
            model.load_state_dict(torch.load(case["weights"], weights_only=True), strict=True)
        model.eval()
        inputs = torch.load(case["inputs"], weights_only=True)
        expected = torch.load(case["outputs"], weights_only=True)
        with torch.no_grad():
            out = model(*inputs)
        out = out if isinstance(out, tuple) else (out,)
        equal = len(out) == len(expected) and all(torch.equal(a, b) for a, b in zip(out, expected))
        diff = max(((a.double() - b.double()).abs().max().item() if a.numel() else 0.0)
                   for a, b in zip(out, expected))
        printed = None
        if case["run_main"]:
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer):
                runpy.run_path(case["file"], run_name="__main__")
            printed = buffer.getvalue()
        results[case["name"]] = {"keys": list(state), "digest": digest, "equal": equal, "diff": diff,
                                 "printed": printed}
    except Exception as exc:
        results[case["name"]] = {"error": f"{type(exc).__name__}: {exc}"}
json.dump(results, open(sys.argv[2], "w"))
'''


def _op_documents() -> dict[str, Document]:
    docs = {}
    for op, cases in CASES.items():
        for i, (params, inputs) in enumerate(cases):
            doc = Document()
            single_op_graph(op, params, inputs, doc)
            doc.meta["title"] = f"{op} {i}"
            docs[f"op-{op}-{i}"] = doc
    return docs


def _documents() -> dict[str, tuple[Document, str]]:
    """name -> (document, network) for every case the subprocess runs."""
    docs: dict[str, tuple[Document, str]] = {}
    for name in list_templates():
        doc = load_template(name)
        for network in doc.networks:
            docs[f"template-{name}-{network}"] = (doc, network)
    for name, build in BUILT.items():
        docs[f"built-{name}"] = (build(), "model")
    for name, doc in _op_documents().items():
        docs[name] = (doc, "model")
    return docs


def _test_inputs(target, module: torch.nn.Module) -> tuple[torch.Tensor, ...]:
    """Random inputs; a big image network runs on one small image where it can (VGG at 224 or
    U-Net at 572 take seconds per image on two cores). Its weights do not depend on the
    input size, so it is the same model either way."""
    generator = torch.Generator().manual_seed(1)
    inputs = example_inputs(target.graph, batch_size=2, generator=generator, analysis=target.analysis)
    if len(inputs) != 1 or inputs[0].dim() != 4 or inputs[0][0].numel() <= 50_000:
        return inputs
    channels, size = inputs[0].shape[1], inputs[0].shape[-1]
    for smaller in (64, 128, 188):
        if smaller >= size:
            break
        x = torch.randn(1, channels, smaller, smaller, generator=generator)
        try:
            with torch.no_grad():
                module(x)
        except RuntimeError:  # too small for its pooling, or a fixed-size upsampling
            continue
        return (x,)
    return (inputs[0][:1],)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Export every case, run them all in one subprocess; returns (cases, results, folder)."""
    folder = tmp_path_factory.mktemp("exported")
    cases = []
    expected = {}
    for i, (name, (doc, network)) in enumerate(_documents().items()):
        target = export_target(doc, network)
        file = write_python(target, folder / f"net{i}.py")
        module = target.compile()  # seeds 0 before building, as the runner does
        digest = {k: [list(v.shape), float(v.double().sum())] for k, v in module.state_dict().items()}
        inputs = _test_inputs(target, module)
        with torch.no_grad():
            out = module(*inputs)
        out = out if isinstance(out, tuple) else (out,)
        torch.save(list(inputs), folder / f"net{i}.in.pt")
        torch.save(list(out), folder / f"net{i}.out.pt")
        size = target.analysis.total_params
        weights = None
        if size <= LOAD_LIMIT:
            weights = str(folder / f"net{i}.weights.pt")
            torch.save(module.state_dict(), weights)
        small = size <= LOAD_LIMIT and all(x.numel() <= 200_000 for x in inputs)
        cases.append({"name": name, "module": f"net{i}", "file": str(file), "class": target.class_name,
                      "weights": weights, "inputs": str(folder / f"net{i}.in.pt"),
                      "outputs": str(folder / f"net{i}.out.pt"), "run_main": small})
        shapes = [(1, *target.analysis.nodes[o].outputs[0].shape) for o in target.analysis.flat.outputs]
        expected[name] = {"keys": list(module.state_dict()), "digest": digest, "outputs": target.analysis.flat.outputs,
                          "shapes": shapes}
    (folder / "cases.json").write_text(json.dumps(cases))
    run = subprocess.run([sys.executable, "-I", "-c", RUNNER, str(folder / "cases.json"), str(folder / "results.json"),
                          str(torch.get_num_threads())],
                         cwd=folder, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    return expected, json.loads((folder / "results.json").read_text()), folder


CASE_NAMES = list(_documents())


def test_the_subprocess_cannot_import_netsmith(exported):
    assert exported[1]["<engine importable>"] is False


@pytest.mark.parametrize("name", CASE_NAMES)
def test_exported_file_is_the_compiled_network(exported, name):
    expected, results, _ = exported
    result = results[name]
    assert "error" not in result, result.get("error")
    assert result["keys"] == expected[name]["keys"]  # same state_dict keys, in the same order
    assert result["digest"] == expected[name]["digest"]  # built under one seed, the weights are identical
    assert result["equal"], f"outputs differ by up to {result['diff']}"
    if result["printed"] is not None:
        lines = [f"{o}: {shape}" for o, shape in zip(expected[name]["outputs"], expected[name]["shapes"])]
        assert result["printed"].splitlines() == lines


def test_exported_files_pass_ruff(exported):
    folder = exported[2]
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "--isolated", "--select", "E,F,W,I,B,UP,A",
                          "--line-length", "120", str(folder)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_lenet5_reads_like_hand_written_code():
    source = python_source(export_target(load_template("lenet5")))
    assert "class LeNet5(nn.Module):" in source
    assert '"Gradient-Based Learning Applied to Document Recognition"' in source
    assert "        self.conv1 = nn.Conv2d(1, 6, 5)\n" in source
    assert "        x = self.conv1(image)\n        x = self.tanh1(x)\n" in source
    assert "        x = torch.flatten(x, 1)\n" in source
    assert "self.flatten" not in source  # written inline, and so not a module
    assert "        logits = self.fc3(x)\n        return logits\n" in source
    for leftover in ("getattr(self", "= None", "import *", "pickle", "fx"):
        assert leftover not in source


def test_blocks_become_classes_with_what_differs_as_arguments():
    source = python_source(export_target(BUILT["resnet_like"]()))
    assert "class BasicBlock(nn.Module):" in source and "class Stage(nn.Module):" in source
    # in_channels is inferred and differs between the stages; channels is the block's parameter.
    assert "    def __init__(self, in_channels: int, channels: int = 64) -> None:\n" in source
    assert "self.layer1 = nn.Sequential(*(BasicBlock(channels=16) for _ in range(3)))" in source
    assert "self.layer2 = Stage(16, channels=32)" in source
    assert "self.blocks = nn.Sequential(BasicBlock(channels=channels), BasicBlock(channels=channels))" in source
    # named temporaries only where the graph branches, as torchvision writes a residual block
    assert "        out = self.conv1(x)\n" in source and "        out = out + x\n" in source
    assert "        downsample = self.downsample_conv(x)\n" in source


def test_branches_are_named_after_their_nodes():
    source = python_source(export_target(BUILT["inception_like"]()))
    assert "return torch.cat([branch1, branch2, branch3, branch4], dim=1)" in source
    assert "self.inception3b = Inception(\n            20, ch1x1=8, ch3x3red=6, ch3x3=8, ch5x5red=2, ch5x5=4, pool_proj=4\n" in source
    unet = python_source(export_target(BUILT["unet_like"]()))
    assert "        enc1_relu2 = self.enc1_relu2(x)\n        x = self.pool1(enc1_relu2)\n" in unet
    assert "        x = torch.cat([x, enc1_relu2], dim=1)\n" in unet
    vae = python_source(export_target(BUILT["vae_like"]()))
    assert "        mu = self.fc_mu(relu1)\n        logvar = self.fc_logvar(relu1)\n" in vae
    assert "        return recon, mu, logvar\n" in vae
    assert "class Reparameterize(nn.Module):" in vae  # copied from engine/ops/modules.py


def test_inplace_only_where_the_value_has_one_reader():
    nodes = [n("x", "Input", shape=[3, 8, 8]), n("conv1", "Conv2d", out_channels=4), n("relu1", "ReLU"),
             n("relu2", "ReLU"), n("sigmoid", "Sigmoid"), n("y", "Output"), n("z", "Output")]
    edges = [e("x.out", "conv1.x"), e("conv1.out", "relu1.x"), e("relu1.out", "relu2.x"), e("conv1.out", "sigmoid.x"),
             e("relu2.out", "y.x"), e("sigmoid.out", "z.x")]
    source = python_source(export_target(document(nodes, edges)))
    assert "self.relu1 = nn.ReLU()\n" in source  # conv1 is read twice
    assert "self.relu2 = nn.ReLU()\n" in source  # ReLU's own output is needed by its backward
    single = document(nodes[:3] + [nodes[5]], [e("x.out", "conv1.x"), e("conv1.out", "relu1.x"), e("relu1.out", "y.x")])
    assert "self.relu1 = nn.ReLU(inplace=True)\n" in python_source(export_target(single))


def test_a_block_whose_copies_differ_in_use_gets_a_class_per_variant():
    body = {"params": {}, "nodes": [n("x", "BlockInput"), n("fc_a", "Linear", out_features=4),
                                    n("fc_b", "Linear", out_features=3), n("a", "BlockOutput"), n("b", "BlockOutput")],
            "edges": [e("x.out", "fc_a.x"), e("x.out", "fc_b.x"), e("fc_a.out", "a.x"), e("fc_b.out", "b.x")]}
    nodes = [n("x", "Input", kind="vector", shape=[5]), n("both", "Heads"), n("one", "Heads"), n("add", "Add"),
             n("y", "Output"), n("z", "Output")]
    edges = [e("x.out", "both.x"), e("x.out", "one.x"), e("both.a", "y.x"), e("both.b", "add.in1"),
             e("one.b", "add.in2"), e("add.out", "z.x")]
    doc = document(nodes, edges, {"Heads": body})
    target = export_target(doc)
    source = python_source(target)
    assert "class Heads(nn.Module):" in source and "class Heads2(nn.Module):" in source
    assert "self.both = Heads()\n" in source and "self.one = Heads2()\n" in source
    assert "        y, both_b = self.both(x)\n" in source
    namespace: dict = {}
    exec(compile(source, "heads.py", "exec"), namespace)
    model = namespace["Net"]()
    compiled = target.compile()
    assert list(model.state_dict()) == list(compiled.state_dict())  # one.fc_a is left out of both


def test_export_refuses_a_broken_network_listing_every_error():
    nodes = [n("x", "Input", shape=[3, 8, 8]), n("fc", "Linear"), n("conv", "Conv2d"), n("y", "Output")]
    with pytest.raises(ExportError) as info:
        export_target(document(nodes, [e("x.out", "fc.x"), e("fc.out", "y.x")]))
    assert "conv: input 'x' is not connected" in info.value.problems
