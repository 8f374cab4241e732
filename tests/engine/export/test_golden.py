"""Golden files: the exported Python of LeNet-5, ResNet-18 and GoogLeNet, reviewed in diffs.

A change to the exporter that changes how these read shows up as a diff of
tests/golden/*.py. When the change is meant, regenerate them with

    NETSMITH_REGENERATE_GOLDEN=1 python -m pytest tests/engine/export/test_golden.py

and review the diff like code.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.export import export_target
from engine.export.python_code import python_source
from engine.templates import load_template

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
REGENERATE = "NETSMITH_REGENERATE_GOLDEN"


@pytest.mark.parametrize("template", ["lenet5", "resnet18", "googlenet"])
def test_exported_python_matches_its_golden_file(template):
    source = python_source(export_target(load_template(template)))
    golden = GOLDEN / f"{template}.py"
    if os.environ.get(REGENERATE):
        golden.write_text(source, encoding="utf-8")
    if not golden.exists():
        pytest.fail(f"{golden} is missing: run {REGENERATE}=1 python -m pytest {Path(__file__).name} and review it")
    assert source == golden.read_text(encoding="utf-8"), (
        f"the export of {template} changed; if that is meant, run "
        f"{REGENERATE}=1 python -m pytest tests/engine/export/test_golden.py and review the diff of {golden.name}"
    )
