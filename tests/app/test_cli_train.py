import json

import pytest
import torch

from app.cli import main
from tests.helpers import sequential_document

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture
def circle_doc(tmp_path):
    doc = sequential_document({"kind": "vector", "shape": [2]}, ("Linear", {"out_features": 8}), "Tanh",
                              ("Linear", {"out_features": 2}),
                              training={"task": "classification", "dataset": {"name": "playground", "kind": "circle"},
                                        "batch_size": 25, "epochs": 5, "optimizer": {"name": "adam", "lr": 0.02}})
    path = tmp_path / "circle.json"
    doc.save(path)
    return path


def test_train_json_prints_an_object_per_epoch_and_saves_weights(circle_doc, tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", str(circle_doc), "--epochs", "2", "--device", "cpu", "--out", str(out), "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["event"] for line in lines] == ["epoch", "epoch", "finished"]
    assert lines[1]["epoch"] == 2 and 0 <= lines[1]["val"]["accuracy"] <= 1
    assert lines[-1]["metrics"]["val_accuracy"] == lines[1]["val"]["accuracy"]
    assert lines[-1]["weights"] == {"model": str(out / "model.safetensors")} and (out / "model.safetensors").exists()


def test_train_reports_failures_without_traceback(circle_doc, capsys):
    assert main(["train", str(circle_doc), "--device", "cuda:7" if not torch.cuda.is_available() else "mps"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("netsmith train: ") and "Traceback" not in err


def test_train_refuses_a_bad_recipe_with_its_place(circle_doc, capsys):
    data = json.loads(circle_doc.read_text())
    data["training"]["batch_size"] = 0
    circle_doc.write_text(json.dumps(data))
    assert main(["train", str(circle_doc)]) == 2
    assert "training.batch_size: expected a positive int, got 0" in capsys.readouterr().err
