"""File > Import Weights with a hostile file: the loader's one-line refusal, nothing unpickled, the work kept."""

from __future__ import annotations

import pickle

from PySide6.QtWidgets import QFileDialog

from app.editor import edits
from tests.engine.test_weights_files import Payload


def test_importing_a_pickle_as_weights_is_refused_and_runs_nothing(window, tmp_path, monkeypatch):
    sentinel = tmp_path / "SENTINEL"
    path = tmp_path / "trained.safetensors"
    path.write_bytes(pickle.dumps({"conv1.weight": Payload(sentinel)}))
    edits.set_params(window.session, "model", "fc1", {"out_features": 99})
    before = window.session.doc.to_json()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    assert not window.import_weights()
    assert window.dialogs["critical"] == [
        ("Import failed", f"{path}: not a safetensors file: it is a Python pickle, which Netsmith never unpickles")]
    assert not sentinel.exists()
    assert window.session.doc.to_json() == before and window.isWindowModified()
