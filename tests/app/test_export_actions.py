"""File > Export > Python with trained weights: the `.py` loads the `.safetensors` written beside it."""

from __future__ import annotations

import subprocess
import sys

import torch
from safetensors.torch import load_file, save_file

from app.export_actions import export, format_by_key
from engine.compiler import compile_network
from engine.templates import load_template

# Runs the exported file as a script, then feeds the probe through the model it built.
RUN_AS_SCRIPT = r'''
import runpy, sys
import torch
from safetensors.torch import load_file, save_file

torch.set_num_threads(1)
names = runpy.run_path(sys.argv[1], run_name="__main__")
with torch.no_grad():
    out = names["model"](load_file(sys.argv[2])["x"])
save_file({"y": out.contiguous()}, sys.argv[3])
'''


def _run(py, probe, result):
    return subprocess.run([sys.executable, "-I", "-c", RUN_AS_SCRIPT, str(py), str(probe), str(result)],
                          cwd=py.parent, capture_output=True, text=True, timeout=300)


def test_the_exported_module_loads_the_weights_written_beside_it(tmp_path):
    doc = load_template("lenet5")
    trained = compile_network(doc.network())
    torch.manual_seed(7)
    with torch.no_grad():  # weights no fresh initialisation would give
        for parameter in trained.parameters():
            parameter.normal_(0, 0.3)
    trained.eval()
    written = export(format_by_key("python"), doc, tmp_path / "lenet5.py", "model", module=trained)
    assert [p.name for p in written] == ["lenet5.py", "lenet5.safetensors"]
    x = torch.randn(2, 1, 32, 32, generator=torch.Generator().manual_seed(3))
    save_file({"x": x}, tmp_path / "probe.safetensors")
    with torch.no_grad():
        expected = trained(x)

    run = _run(tmp_path / "lenet5.py", tmp_path / "probe.safetensors", tmp_path / "out.safetensors")
    assert run.returncode == 0, run.stderr
    assert "loaded the weights in lenet5.safetensors" in run.stdout
    assert "logits: (1, 10)" in run.stdout
    assert torch.allclose(load_file(tmp_path / "out.safetensors")["y"], expected, atol=1e-5)

    # Without the weights file the module still runs, on fresh weights, and says nothing about loading.
    (tmp_path / "lenet5.safetensors").unlink()
    run = _run(tmp_path / "lenet5.py", tmp_path / "probe.safetensors", tmp_path / "out.safetensors")
    assert run.returncode == 0, run.stderr
    assert "loaded" not in run.stdout
    assert not torch.allclose(load_file(tmp_path / "out.safetensors")["y"], expected, atol=1e-3)
