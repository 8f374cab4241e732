"""The exported training script: runs without Netsmith, alone and under torchrun, and learns."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from engine.compiler import compile_network
from engine.data import LoadContext, load_dataset
from engine.document import Document
from engine.export import ExportError, export, export_target, load_weights
from engine.export.train_script import train_script
from engine.templates import load_template
from tests.engine.export.networks import chain, n

TORCHRUN = Path(sys.executable).parent / "torchrun"
EPOCH = re.compile(r"epoch (\d+)/(\d+)  train loss ([\d.]+)  val loss ([\d.]+)(?:  val accuracy ([\d.]+)%)?")

# Runs train.py as __main__ where `engine` and `app` cannot be imported.
BLOCKED_RUN = r'''
import runpy, sys

class NoNetsmith:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("engine", "app"):
            raise ImportError(f"{name} is not available here")

sys.meta_path.insert(0, NoNetsmith())
sys.path.insert(0, ".")
sys.argv = ["train.py", *sys.argv[1:]]
runpy.run_path("train.py", run_name="__main__")
'''


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["OMP_NUM_THREADS"] = "1"  # two cores, shared
    return env


def mlp(recipe: dict, outputs: int = 2) -> Document:
    data = {"format_version": 1, "meta": {"title": "Tiny MLP"},
            "networks": {"model": {
                "nodes": [n("point", "Input", kind="vector", shape=[2]), n("fc1", "Linear", out_features=8),
                          n("tanh", "Tanh"), n("fc2", "Linear", out_features=outputs), n("y", "Output")],
                "edges": chain("point", "fc1", "tanh", "fc2", "y")}}}
    doc = Document.from_dict(data)
    doc.training = recipe  # set afterwards: some recipes here are wrong on purpose
    return doc


def _epochs(stdout: str) -> list[tuple]:
    return [m.groups() for m in EPOCH.finditer(stdout)]


def test_lenet5_script_trains_an_epoch_of_digits_without_netsmith(tmp_path):
    doc = load_template("lenet5")
    written = export(doc, "script", tmp_path / "train.py")
    assert written == [tmp_path / "train.py", tmp_path / "model.py"]
    text = written[0].read_text()
    assert "engine" not in text and "netsmith import" not in text.lower()
    run = subprocess.run([sys.executable, "-c", BLOCKED_RUN, "--epochs", "1", "--device", "cpu", "--out", "w.safetensors"],
                         cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "training LeNet5 (61,706 parameters) on cpu\n" in run.stdout
    (epoch,) = _epochs(run.stdout)
    assert epoch[:2] == ("1", "1")
    assert float(epoch[4]) > 30.0  # ten classes: chance is 10 %
    module = compile_network(doc.network())
    load_weights(module, tmp_path / "w.safetensors")  # Netsmith's names, every shape right


@pytest.mark.skipif(not TORCHRUN.exists(), reason="torchrun is not installed beside this Python")
def test_script_runs_data_parallel_under_torchrun(tmp_path):
    doc = mlp({"task": "classification", "dataset": {"name": "playground", "kind": "xor", "points": 200},
               "batch_size": 16, "epochs": 2, "optimizer": {"name": "sgd", "lr": 0.1, "momentum": 0.9}})
    export(doc, "script", tmp_path)
    run = subprocess.run([str(TORCHRUN), "--standalone", "--nproc_per_node", "2", "train.py", "--out", "w.safetensors"],
                         cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "training TinyMLP (42 parameters) on cpu in 2 processes\n" in run.stdout
    epochs = _epochs(run.stdout)
    assert [e[0] for e in epochs] == ["1", "2"]  # printed once, by the first process
    assert float(epochs[1][2]) < float(epochs[0][2])  # the training loss falls
    load_weights(compile_network(doc.network()), tmp_path / "w.safetensors")


def test_regression_script_reports_losses_only(tmp_path):
    doc = mlp({"task": "regression", "dataset": {"name": "playground", "kind": "plane", "points": 300},
               "batch_size": 16, "epochs": 3, "optimizer": {"name": "adam", "lr": 0.01},
               "schedule": {"name": "cosine"}, "loss": {"name": "mae"}}, outputs=1)
    export(doc, "script", tmp_path / "fit.py")
    run = subprocess.run([sys.executable, "fit.py", "--out", "w.safetensors"], cwd=tmp_path, env=_env(),
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    epochs = _epochs(run.stdout)
    assert len(epochs) == 3 and all(e[4] is None for e in epochs)
    assert float(epochs[-1][3]) < float(epochs[0][3])  # validation error falls on a plane


RECIPES = {
    "sgd-step-focal": {"optimizer": {"name": "sgd", "lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 1e-4},
                       "schedule": {"name": "step", "step_size": 1, "gamma": 0.5},
                       "loss": {"name": "focal", "gamma": 2.0, "class_weights": [1.0, 2.0]}},
    "adamw-warmup-cosine": {"optimizer": {"name": "adamw", "lr": 0.01},
                            "schedule": {"name": "warmup_cosine", "warmup_epochs": 1, "min_lr": 0.001},
                            "loss": {"name": "cross_entropy", "label_smoothing": 0.1}},
    "rmsprop-warmup-nll": {"optimizer": {"name": "rmsprop", "lr": 0.01, "momentum": 0.5},
                           "schedule": {"name": "warmup", "warmup_epochs": 0.5}, "loss": {"name": "nll"},
                           "precision": "bf16", "grad_clip": 1.0, "early_stopping": {"patience": 2}},
    "adam-one-cycle": {"optimizer": {"name": "adam", "lr": 0.01}, "schedule": {"name": "one_cycle"}},
}


@pytest.mark.parametrize("name", list(RECIPES))
def test_every_optimizer_schedule_and_loss_is_written_as_working_code(name, tmp_path):
    recipe = {"task": "classification", "dataset": {"name": "playground", "kind": "circle"}, **RECIPES[name]}
    export(mlp(recipe), "script", tmp_path / "train.py")
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "--isolated", "--select", "E,F,W,I,B,UP",
                           "--line-length", "120", str(tmp_path)], capture_output=True, text=True)
    assert ruff.returncode == 0, ruff.stdout
    sys.path.insert(0, str(tmp_path))
    try:
        spec = importlib.util.spec_from_file_location(f"train_{name.replace('-', '_')}", tmp_path / "train.py")
        script = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(script)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("model", None)
    model = script.TinyMLP()
    optimizer = script.make_optimizer(model.parameters(), script.LEARNING_RATE)
    schedule = script.make_schedule(optimizer, steps_per_epoch=4, epochs=2)
    rates = []
    for _ in range(8):
        loss = script.loss_function(model(torch.randn(5, 2)), torch.randint(0, 2, (5,)))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        rates.append(optimizer.param_groups[0]["lr"])
        if schedule is not None:
            schedule.step()
    assert torch.isfinite(loss)
    assert len(set(rates)) > 1  # each of these schedules moves the rate
    train, val = script.load_data(0)
    assert (len(train), len(val)) == (250, 250)  # Playground: 500 points, half for training


def test_what_the_script_cannot_do_is_said_not_dropped():
    with pytest.raises(ExportError, match=r"not supported by the training-script exporter yet: task 'gan' "
                                          r"\(supported: classification, regression\)"):
        train_script(export_target(mlp({"task": "gan", "dataset": {"name": "digits"}})))
    with pytest.raises(ExportError, match=r"dataset 'shapes' for classification \(supported: digits, mnist"):
        train_script(export_target(mlp({"task": "classification", "dataset": {"name": "shapes"}})))
    with pytest.raises(ExportError, match=r"loss 'wasserstein' for classification \(supported: cross_entropy"):
        train_script(export_target(mlp({"task": "classification", "dataset": {"name": "playground"},
                                        "loss": {"name": "wasserstein"}})))
    with pytest.raises(ExportError, match=r"playground has 2 classes, but 'model' returns 3 logits"):
        train_script(export_target(mlp({"task": "classification", "dataset": {"name": "playground"}}, outputs=3)))
    with pytest.raises(ExportError, match=r"digits holds images \(C, H, W\), but 'model' takes \(2,\)"):
        train_script(export_target(mlp({"task": "classification", "dataset": {"name": "digits"}}, outputs=10)))
    with pytest.raises(ExportError, match="the document has no training recipe"):
        train_script(export_target(mlp({})))


def _image_folder(root: Path) -> Path:
    from PIL import Image

    for label, colour in (("cats", (200, 30, 30)), ("dogs", (30, 30, 200))):
        (root / label).mkdir(parents=True)
        for i in range(3):
            Image.new("RGB", (20, 12), colour).save(root / label / f"{i}.png")
    return root


DATASETS = {
    "digits": ({"name": "digits"}, 1797),
    "fake": ({"name": "fake", "shape": [3, 20, 20], "classes": 10, "count": 20}, 20),
    "image_folder": ({"name": "image_folder"}, 6),
    "mnist": ({"name": "mnist"}, None),  # downloads: written and checked, not loaded
    "cifar10": ({"name": "cifar10", "root": "/nowhere"}, None),
    "csv": ({"name": "csv", "target": "label"}, 10),
    "logic": ({"name": "logic", "function": "xor"}, 4),
}


@pytest.mark.parametrize("name", list(DATASETS))
def test_each_dataset_loads_in_the_networks_input_shape(name, tmp_path):
    dataset, count = DATASETS[name]
    dataset = dict(dataset)
    if name == "image_folder":
        dataset["path"] = str(_image_folder(tmp_path / "images"))
    if name == "csv":
        dataset["path"] = str(tmp_path / "points.csv")
        rows = ["a,b,label"] + [f"{i},{-i},{'yes' if i % 2 else 'no'}" for i in range(10)]
        (tmp_path / "points.csv").write_text("\n".join(rows) + "\n")
    recipe = {"task": "classification", "dataset": dataset, "validation_split": 0.5}
    if name in ("csv", "logic"):
        doc = mlp(recipe)
    else:
        doc = load_template("lenet5")
        doc.training = recipe
    export(doc, "script", tmp_path / "train.py")
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "--isolated", "--select", "E,F,W,I,B,UP",
                           "--line-length", "120", str(tmp_path / "train.py")], capture_output=True, text=True)
    assert ruff.returncode == 0, ruff.stdout
    if count is None:
        return
    sys.path.insert(0, str(tmp_path))
    try:
        spec = importlib.util.spec_from_file_location(f"train_data_{name}", tmp_path / "train.py")
        script = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(script)
        train, val = script.load_data(0)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("model", None)
    assert len(train) + (len(val) if name != "logic" else 0) == count
    x, y = train[0]
    assert tuple(x.shape) == script.INPUT_SHAPE and y.dtype == torch.int64
    if x.dim() == 3:
        assert 0.0 <= float(x.min()) and float(x.max()) <= 1.0


@pytest.mark.parametrize("kind", ["circle", "xor", "gauss", "spiral", "plane", "multi_gauss"])
def test_script_draws_the_very_playground_points_netsmith_trains_on(kind, tmp_path):
    regression = kind in ("plane", "multi_gauss")
    options = {"name": "playground", "kind": kind, "noise": 0.2, "train_ratio": 0.7}
    doc = mlp({"task": "regression" if regression else "classification", "dataset": options},
              outputs=1 if regression else 2)
    export(doc, "script", tmp_path / "train.py")
    spec = importlib.util.spec_from_file_location(f"train_points_{kind}", tmp_path / "train.py")
    script = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(tmp_path))
    try:
        spec.loader.exec_module(script)
        train, val = script.load_data(3)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("model", None)
    ours = load_dataset("playground", {k: v for k, v in options.items() if k != "name"}, LoadContext(seed=3))
    assert len(train) == len(ours.train) == (840 if regression else 350)
    for theirs, expected in ((train, ours.train), (val, ours.val)):
        for a, b in zip(theirs.tensors, expected.tensors):
            assert a.dtype == b.dtype and torch.equal(a, b)
