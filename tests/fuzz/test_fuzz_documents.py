"""Hostile documents through every entry point: only success or a clear refusal, in bounded time.

The budget is fixed and the order derandomized, so a run in CI is reproducible; set
NETSMITH_FUZZ_EXAMPLES for a longer hunt (`make fuzz` sets it to 2000) with hypothesis
shrinking a failure down to a minimal file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from engine.resources import templates_dir
from tests.fuzz.entry_points import feed
from tests.fuzz.strategies import documents, random_json_bytes

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("one_torch_thread", "private_settings")]

LONG = int(os.environ.get("NETSMITH_FUZZ_EXAMPLES", "0"))


def _budget(ci_examples: int) -> settings:
    return settings(
        max_examples=LONG or ci_examples,
        derandomize=not LONG,
        deadline=None,  # STEP_SECONDS in the harness bounds each step instead
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.target] + ([Phase.shrink] if LONG else []),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                               HealthCheck.function_scoped_fixture],
    )


@pytest.fixture
def private_settings(monkeypatch):
    """The CLI's playground and settings never touch the user's configuration."""
    monkeypatch.setenv("NETSMITH_CONFIG_DIR", tempfile.mkdtemp(prefix="netsmith-fuzz-"))


def _clean(raw: bytes) -> None:
    with tempfile.TemporaryDirectory(prefix="netsmith-fuzz-") as folder:
        failures = feed(raw, Path(folder))
    assert not failures, f"{len(raw)} bytes, starting {raw[:300]!r}:\n" + "\n".join(failures)


@_budget(ci_examples=40)
@given(documents())
def test_mutated_templates_are_read_cleanly_everywhere(raw):
    _clean(raw)


@_budget(ci_examples=40)
@given(random_json_bytes())
def test_random_json_and_bytes_are_refused_cleanly(raw):
    _clean(raw)


def _template_with(name: str, change) -> bytes:
    doc = json.loads((templates_dir() / f"{name}.json").read_text(encoding="utf-8"))
    change(doc)
    return json.dumps(doc).encode()  # ASCII: a lone surrogate is the valid JSON escape "\\ud800"


def _node(doc: dict, node_id: str) -> dict:
    return next(n for n in doc["networks"]["model"]["nodes"] if n["id"] == node_id)


def _rename(doc: dict, old: str, new: str) -> None:
    _node(doc, old)["id"] = new
    for edge in doc["networks"]["model"]["edges"]:
        for end in ("src", "dst"):
            node, port = edge[end].split(".")
            edge[end] = f"{new if node == old else node}.{port}"


# The defects issue 13 found, as files: they must stay fixed.
ISSUE_13 = {
    "id-code": _template_with("lenet5", lambda d: _rename(d, "conv1", "code")),
    "id-recompile": _template_with("lenet5", lambda d: _rename(d, "conv2", "recompile")),
    "id-_tracer_cls": _template_with("lenet5", lambda d: _rename(d, "fc1", "_tracer_cls")),
    "title-surrogate": _template_with("lenet5", lambda d: d["meta"].update(title="LeNet \ud800")),
    "lstm-huge-hidden": _template_with("lstm_char", lambda d: _node(d, "lstm")["params"].update(hidden_size=10**7)),
    "conv-1e7-channels": _template_with("lenet5", lambda d: _node(d, "conv1")["params"].update(out_channels=10**7)),
}


@pytest.mark.parametrize("raw", list(ISSUE_13.values()), ids=list(ISSUE_13))
def test_the_files_issue_13_found_are_read_cleanly(raw):
    _clean(raw)


@pytest.mark.parametrize("raw", [
    b"[" * 10_000 + b"]" * 10_000,
    b'{"format_version": 1, "networks": {"model": {"nodes": []}}, "ui": ' + b'{"a": ' * 10_000 + b"0" + b"}" * 10_001,
    b'{"format_version": 1, "networks": {"model": {"nodes": []}}, "ui": ' + b"[" * 900 + b"]" * 900 + b"}",
    # Deep enough to load, too deep for the writer's recursion: found by `make fuzz`.
    b'{"format_version": 1, "networks": {"model": {"nodes": []}}, "ui": {"deep": ' + b"[" * 600 + b"]" * 600 + b"}}",
    b'{"format_version": 1, "meta": {"title": "\\ud800"}, "networks": {"model": {"nodes": []}}}',
    b'{"format_version": 1e400, "networks": {}}',
    b'{"format_version": NaN}',
    b"\xef\xbb\xbf{}",
    b"\x00" * 64,
], ids=["deep-list", "deep-object", "deep-ui-900", "deep-ui-600-saves", "lone-surrogate-title", "huge-float", "nan", "bom", "nul-bytes"])
def test_known_hard_files_are_read_cleanly(raw):
    _clean(raw)


# The files that once asked for gigabytes (a 10**7-channel conv, a huge LSTM), fed in a
# fresh process so that its peak resident memory is theirs alone (in the suite's own
# process it would count every earlier test).
_PEAK_SCRIPT = """
import sys, tempfile
from pathlib import Path
from tests.fuzz.entry_points import feed
for name in sys.argv[1:]:
    with open(name, "rb") as fh, tempfile.TemporaryDirectory() as folder:
        failures = feed(fh.read(), Path(folder))
    assert not failures, failures
# VmHWM is this process's own peak. ru_maxrss is not: Linux carries it across exec, so a
# child of the suite's process would report the suite's peak.
status = Path("/proc/self/status").read_text()
print(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
"""


def test_files_that_once_asked_for_gigabytes_stay_within_memory(tmp_path):
    files = []
    for name in ("lstm-huge-hidden", "conv-1e7-channels"):
        files.append(tmp_path / f"{name}.json")
        files[-1].write_bytes(ISSUE_13[name])
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
           "NETSMITH_CONFIG_DIR": str(tmp_path / "config")}
    done = subprocess.run([sys.executable, "-c", _PEAK_SCRIPT, *map(str, files)], capture_output=True, text=True,
                          env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    peak_gb = int(done.stdout.split()[-1]) / 2**20
    assert peak_gb < 3, f"peak resident memory {peak_gb:.1f} GB (conv1 alone would take 92 GB a batch)"
