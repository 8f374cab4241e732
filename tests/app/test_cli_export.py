"""`netsmith export`: every format from the command line; user errors on stderr, never a traceback."""

from __future__ import annotations

import pytest

from app.cli import main
from engine.templates import load_template


@pytest.mark.parametrize(("fmt", "name"), [("python", "lenet.py"), ("onnx", "lenet.onnx"), ("pt2", "lenet.pt2"),
                                           ("safetensors", "lenet.safetensors")])
def test_export_writes_each_format(fmt, name, tmp_path, capsys):
    out = tmp_path / name
    assert main(["export", "lenet5", "--format", fmt, "-o", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out}\n"
    assert out.stat().st_size > 0


def test_script_export_writes_the_model_beside_it(tmp_path, capsys):
    assert main(["export", "lenet5", "-f", "script", "-o", str(tmp_path / "run")]) == 0
    assert capsys.readouterr().out == f"wrote {tmp_path / 'run' / 'train.py'}\nwrote {tmp_path / 'run' / 'model.py'}\n"
    assert "from model import LeNet5" in (tmp_path / "run" / "train.py").read_text()


def test_export_errors_are_listed_on_stderr(tmp_path, capsys):
    doc = load_template("lenet5")
    doc.network().set_params("conv2", {"kernel_size": 15})
    broken = tmp_path / "broken.json"
    doc.save(broken)
    assert main(["export", str(broken), "--format", "python", "-o", str(tmp_path / "x.py")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("netsmith export: network 'model' has errors:\n  - conv2: Conv2d cannot take input (6, 14, 14)")
    assert "Traceback" not in err and not (tmp_path / "x.py").exists()

    assert main(["export", "lenet5", "--format", "onnx", "-o", str(tmp_path / "x.onnx"), "--network", "critic"]) == 1
    assert capsys.readouterr().err == "netsmith export: the document has no network 'critic' (it has: model)\n"

    weights = tmp_path / "w.safetensors"
    assert main(["export", str(broken.with_name("none.json")), "-f", "onnx", "-o", "x"]) == 2  # no such file
    capsys.readouterr()
    assert main(["export", "lenet5", "-f", "onnx", "-o", str(tmp_path / "x.onnx"), "--weights", str(weights)]) == 1
    assert capsys.readouterr().err == f"netsmith export: {weights}: cannot read the weights: the file does not exist\n"


def test_an_unknown_format_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as info:
        main(["export", "lenet5", "--format", "tflite", "-o", "x"])
    assert info.value.code == 2
    assert "invalid choice: 'tflite'" in capsys.readouterr().err
