"""Atomic saving: killed at any moment, a file holds its old or its new content; modes follow the umask."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from engine.atomic import remove_stale_temporaries, stale_temporaries, write_atomic
from engine.compiler import compile_network
from engine.document import Document
from engine.export import export
from engine.templates import load_template
from engine.training.checkpoint import load_state, save_state
from engine.weights import read_weights, save_weights

ROOT = Path(__file__).resolve().parents[2]


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask():
    """Set the process umask for one test, then put it back."""
    previous = os.umask(0o022)
    os.umask(previous)
    yield lambda mask: os.umask(mask)
    os.umask(previous)


@pytest.mark.slow
def test_sigkill_at_random_moments_never_leaves_a_torn_file_or_a_temporary(tmp_path):
    versions = tmp_path / "versions"
    versions.mkdir()
    first = load_template("lenet5")
    second = first.copy()
    second.network().set_params("fc1", {"out_features": 99})
    second.meta["notes"] = "x" * 200_000  # a longer write: more kills land inside one
    first.save(versions / "a.json")
    second.save(versions / "b.json")
    for seed, name in ((1, "a"), (2, "b")):
        torch.manual_seed(seed)
        save_weights(compile_network(first.network()), versions / f"{name}.safetensors")
    rounds = 300
    result = subprocess.run(
        [sys.executable, "-m", "tests.faults.kill_saver", str(tmp_path), str(rounds), "13"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=240,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["failures"] == []
    assert outcome["rounds"] == rounds
    # The kills did land inside writes (a temporary was left), so the check above means something.
    assert outcome["killed_mid_write"] >= rounds // 4, outcome
    assert outcome["left_after_clean_save"] == []
    assert Document.load(tmp_path / "work.json").network().nodes["fc1"].params["out_features"] == 99
    assert set(read_weights(tmp_path / "work.safetensors")) == set(compile_network(first.network()).state_dict())


def test_a_temporary_of_a_killed_process_goes_at_the_next_save_and_a_live_ones_stays(tmp_path):
    target = tmp_path / "net.json"
    dead = tmp_path / f".net.json.{_dead_pid()}.0badc0de.tmp"
    alive = tmp_path / f".net.json.{os.getppid()}.0badc0de.tmp"  # pytest's parent: another saver, still at it
    other = tmp_path / f".other.json.{_dead_pid()}.0badc0de.tmp"  # another file's: not ours to touch
    for path in (dead, alive, other):
        path.write_text("half a docu")
    assert stale_temporaries(target) == [dead]
    write_atomic(target, "{}")
    assert target.read_text() == "{}"
    assert not dead.exists() and alive.exists() and other.exists()


def test_a_folder_is_tidied_of_every_dead_processes_temporary(tmp_path):
    dead_pid = _dead_pid()
    dead = [tmp_path / f".123-1.json.{dead_pid}.0badc0de.tmp", tmp_path / f".123-1.meta.json.{dead_pid}.12345678.tmp"]
    kept = [tmp_path / f".net.json.{os.getpid()}.0badc0de.tmp",  # ours, maybe mid-write in another thread
            tmp_path / "notes.tmp", tmp_path / ".net.json.abc.0badc0de.tmp"]  # not named like ours
    for path in dead + kept:
        path.write_text("")
    assert remove_stale_temporaries(tmp_path) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in kept)


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "net.json"
    write_atomic(target, "old")

    def fail(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["net.json"]


def test_every_saved_file_honours_the_umask(tmp_path, umask):
    doc = load_template("lenet5")
    module = compile_network(doc.network())
    for mask, expected in ((0o022, 0o644), (0o077, 0o600), (0o002, 0o664)):
        umask(mask)
        folder = tmp_path / f"mask{mask:03o}"
        folder.mkdir()
        doc.save(folder / "net.json")
        save_weights(module, folder / "net.safetensors")
        save_state({"epoch": 1, "rng": torch.get_rng_state()}, folder / "checkpoint")
        (python,) = export(doc, "python", folder / "net.py")
        written = [folder / "net.json", folder / "net.safetensors", folder / "checkpoint" / "training_state.pt", python]
        assert {p.name: oct(_mode(p)) for p in written} == {p.name: oct(expected) for p in written}
        assert load_state(folder / "checkpoint")["epoch"] == 1


def test_saving_over_a_file_keeps_its_mode(tmp_path, umask):
    umask(0o022)
    path = tmp_path / "private.json"
    doc = load_template("lenet5")
    doc.save(path)
    path.chmod(0o600)  # the user made it private
    doc.meta["title"] = "changed"
    doc.save(path)
    assert _mode(path) == 0o600
    assert Document.load(path).title == "changed"
