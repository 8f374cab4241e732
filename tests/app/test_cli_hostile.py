"""Hostile documents through check, export, train and open: one line, exit 1 or 2, no traceback.

These are the reproductions of issue 13: node ids that are attributes of the compiled
module, a title with a lone surrogate, an LSTM of a million units, conv channels of 10**7.
"""

from __future__ import annotations

import json

import pytest

from app.cli import main
from engine.templates import load_template

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _perceptron_text(node_id: str = "fc", title: str = "Perceptron") -> str:
    data = load_template("perceptron").to_dict()
    data["meta"]["title"] = title
    return json.dumps(data).replace('"fc"', f'"{node_id}"').replace('"fc.', f'"{node_id}.')


def _lstm_text() -> str:
    doc = load_template("lstm_char")
    doc.network().set_params("lstm", {"hidden_size": 10**6})
    return doc.to_json()


def _conv_text(size: int) -> str:
    data = {"format_version": 1, "meta": {"title": "big conv"},
            "networks": {"model": {"nodes": [
                {"id": "x", "op": "Input", "params": {"kind": "image", "shape": [1, size, size]}},
                {"id": "conv1", "op": "Conv2d", "params": {"out_channels": 10**7, "kernel_size": 3}},
                {"id": "pool", "op": "AdaptiveAvgPool2d", "params": {"output_size": [1, 1]}},
                {"id": "flat", "op": "Flatten"},
                {"id": "fc", "op": "Linear", "params": {"out_features": 10}},
                {"id": "y", "op": "Output"}],
                "edges": [{"src": "x.out", "dst": "conv1.x"}, {"src": "conv1.out", "dst": "pool.x"},
                          {"src": "pool.out", "dst": "flat.x"}, {"src": "flat.out", "dst": "fc.x"},
                          {"src": "fc.out", "dst": "y.x"}]}},
            "training": {"task": "classification", "dataset": {"name": "digits", "size": size}, "batch_size": 64,
                         "epochs": 1, "optimizer": {"name": "adam", "lr": 0.001}, "loss": {"name": "cross_entropy"}}}
    return json.dumps(data)


COMPILED = "'{}' is an attribute of the compiled module (torch.fx.GraphModule); pick another name"
DOCUMENTS = {
    "id_code": (lambda: _perceptron_text("code"), 2, COMPILED.format("code")),
    "id_recompile": (lambda: _perceptron_text("recompile"), 2, COMPILED.format("recompile")),
    "id_tracer_cls": (lambda: _perceptron_text("_tracer_cls"), 2, COMPILED.format("_tracer_cls")),
    "surrogate": (lambda: _perceptron_text(title="\ud800"), 2,
                  "meta.title: contains a lone surrogate U+D800 at character 1"),
    "lstm_huge": (_lstm_text, 1, "lstm: weights would need 48 TB (more than the 4 GB limit)"),
    "conv_huge": (lambda: _conv_text(32), 1,
                  "conv1: its output would need 72 GB for a batch of 2 (more than the 4 GB limit)"),
}


def _write(tmp_path, name: str) -> str:
    path = tmp_path / f"{name}.json"
    path.write_text(DOCUMENTS[name][0](), encoding="utf-8")
    return str(path)


def _message(text: str, command: str) -> str:
    """One line, or a headline and one "  - " line per problem when a network has several."""
    lines = text.strip().splitlines()
    assert lines and lines[0].startswith(f"netsmith {command}: ") and "Traceback" not in text, text
    assert all(line.startswith("  - ") for line in lines[1:]), text
    return text


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_check(name, tmp_path, capsys):
    _, code, message = DOCUMENTS[name]
    assert main(["check", _write(tmp_path, name)]) == code
    out, err = capsys.readouterr()
    if code == 2:  # refused at load
        assert message in _message(err, "check") and out == ""
    else:  # the table, with the error on the node
        assert f"error: {message}" in out and err == ""


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_export_python(name, tmp_path, capsys):
    _, code, message = DOCUMENTS[name]
    target = tmp_path / "out.py"
    assert main(["export", _write(tmp_path, name), "-f", "python", "-o", str(target)]) == code
    _, err = capsys.readouterr()
    if code == 2:
        assert message in _message(err, "export")
    else:
        assert _message(err, "export").startswith("netsmith export: network 'model' has errors") and message in err
    assert not target.exists()


@pytest.mark.parametrize("name", ["id_code", "id_recompile", "surrogate", "lstm_huge", "conv_huge"])
def test_train(name, tmp_path, capsys):
    _, code, message = DOCUMENTS[name]
    assert main(["train", _write(tmp_path, name), "--out", str(tmp_path / "run")]) == code
    assert message in _message(capsys.readouterr().err, "train")


def test_train_refuses_a_batch_too_big_for_memory(tmp_path, capsys):
    # 1.44 GB a sample: analysis (a batch of 2) accepts it, a batch of 64 would take 92 GB.
    path = tmp_path / "conv.json"
    path.write_text(_conv_text(8))
    assert main(["check", str(path)]) == 0
    capsys.readouterr()
    assert main(["train", str(path), "--out", str(tmp_path / "run")]) == 1
    assert _message(capsys.readouterr().err, "train") == (
        "netsmith train: conv1's output needs 92.2 GB for one batch of 64 (more than the 4 GB limit); try a "
        "smaller batch (training.batch_size) or fewer channels\n")
    assert not (tmp_path / "run" / "model.safetensors").exists()


@pytest.mark.parametrize("name", ["id_code", "surrogate"])
def test_open_refuses_at_load(name, tmp_path, capsys):
    assert main(["open", _write(tmp_path, name), "--screenshot", str(tmp_path / "shot.png")]) == 2
    assert DOCUMENTS[name][2] in _message(capsys.readouterr().err, "open")
    assert not (tmp_path / "shot.png").exists()
