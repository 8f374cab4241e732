import json

from app.cli import main
from engine.templates import load_template


def test_check_json_matches_the_documented_schema(capsys):
    assert main(["check", "lenet5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    net = out["networks"]["model"]
    assert net["total_params"] == 61706
    assert net["errors"] == []
    conv1 = net["nodes"][1]
    assert conv1 == {"id": "conv1", "op": "Conv2d", "output_shapes": [[6, 28, 28]], "params": 156,
                     "flops": 235200, "error": None}


def test_check_table_and_exit_status_on_errors(tmp_path, capsys):
    assert main(["check", "lenet5"]) == 0
    table = capsys.readouterr().out
    assert "conv2    Conv2d     (16, 10, 10)   2,416" in table
    assert "total params: 61,706" in table
    doc = load_template("lenet5")
    doc.network().set_params("fc1", {"out_features": 7})
    doc.network().set_params("conv2", {"kernel_size": 15})
    path = tmp_path / "broken.json"
    doc.save(path)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "error: conv2: Conv2d cannot take input (6, 14, 14)" in out


def test_check_reports_bad_files_without_traceback(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text("{")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("netsmith check: ") and "not valid JSON" in err and "Traceback" not in err
