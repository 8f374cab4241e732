"""Hostile weights files: every defect refused in one line naming the file, nothing unpickled."""

from __future__ import annotations

import json
import pickle
import struct
from pathlib import Path

import pytest
import torch
from safetensors.torch import save

from app.cli import main
from engine.compiler import compile_network
from engine.templates import load_template
from engine.training.checkpoint import CheckpointError, load_state, save_state
from engine.weights import WeightsError, load_weights, read_weights, save_weights


class Payload:
    """Unpickled, it creates `sentinel`: what a malicious 'weights' file would do instead."""

    def __init__(self, sentinel: Path) -> None:
        self.sentinel = sentinel

    def __reduce__(self):
        return (Path.touch, (self.sentinel,))


@pytest.fixture
def lenet():
    torch.manual_seed(0)
    return compile_network(load_template("lenet5").network())


@pytest.fixture
def sentinel(tmp_path):
    """The file a malicious pickle would create; `malicious(path)` writes one that does."""
    path = tmp_path / "SENTINEL"
    proof = tmp_path / "proof"
    pickle.loads(pickle.dumps(Payload(proof)))  # the payload is live: unpickling it does create the file
    assert proof.exists()
    return path


def _split(data: bytes) -> tuple[dict, bytes]:
    (length,) = struct.unpack("<Q", data[:8])
    return json.loads(data[8:8 + length]), data[8 + length:]


def _join(header: dict, body: bytes) -> bytes:
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + body


def _good(lenet) -> bytes:
    return save({k: v.contiguous() for k, v in lenet.state_dict().items()})


def _with_entry(lenet, key: str, **changes) -> bytes:
    header, body = _split(_good(lenet))
    header[key] = {**header[key], **changes}
    return _join(header, body)


HOSTILE = {
    "empty": (lambda m, s: b"", "0 bytes is too short for a safetensors header"),
    "truncated header": (lambda m, s: _good(m)[:40], "the file is truncated: the header declares"),
    "truncated data": (lambda m, s: _good(m)[:-1000], "the file is truncated: tensor '"),
    "huge header": (lambda m, s: struct.pack("<Q", 2**40) + b'{"a":', "the header declares 1,099,511,627,776 bytes"),
    "header not json": (lambda m, s: struct.pack("<Q", 4) + b"{{{{", "the header is not JSON"),
    "unknown dtype": (lambda m, s: _with_entry(m, "conv1.weight", dtype="Q7"), "tensor 'conv1.weight': unknown dtype \"Q7\""),
    "shape beyond its bytes": (lambda m, s: _with_entry(m, "conv1.weight", shape=[6, 1, 5, 500]),
                               "tensor 'conv1.weight': shape (6, 1, 5, 500) of F32 needs 60,000 bytes, the file holds 600"),
    "torch.save pickle": (lambda m, s: _torch_save({"conv1.weight": Payload(s)}),
                          "a zip archive as torch.save writes (pickled objects), which Netsmith never unpickles"),
    "raw pickle": (lambda m, s: pickle.dumps({"conv1.weight": Payload(s)}), "a Python pickle, which Netsmith never unpickles"),
}


def _torch_save(obj) -> bytes:
    import io

    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_weights_file_is_refused_in_one_line_naming_the_file(case, lenet, sentinel, tmp_path):
    make, reason = HOSTILE[case]
    path = tmp_path / "w.safetensors"
    path.write_bytes(make(lenet, sentinel))
    before = {k: v.clone() for k, v in lenet.state_dict().items()}
    with pytest.raises(WeightsError) as info:
        load_weights(lenet, path)
    message = str(info.value)
    assert message.startswith(f"{path}: not a safetensors file: ")
    assert reason in message and "\n" not in message
    assert not sentinel.exists()
    assert all(torch.equal(before[k], v) for k, v in lenet.state_dict().items())


def test_a_tensor_of_the_wrong_kind_is_named_and_a_wider_float_is_cast(lenet, tmp_path):
    state = {k: v.contiguous() for k, v in lenet.state_dict().items()}
    path = tmp_path / "w.safetensors"
    path.write_bytes(save({**state, "conv1.weight": state["conv1.weight"].to(torch.int32),
                           "fc3.bias": state["fc3.bias"].to(torch.complex64)}))
    with pytest.raises(WeightsError) as info:
        load_weights(lenet, path)
    assert info.value.problems == ["dtype of conv1.weight: the network has float32, the file has int32",
                                   "dtype of fc3.bias: the network has float32, the file has complex64"]
    path.write_bytes(save({k: v.double() for k, v in state.items()}))
    load_weights(lenet, path)
    assert lenet.conv1.weight.dtype == torch.float32
    torch.testing.assert_close(lenet.conv1.weight, state["conv1.weight"])


def test_read_weights_says_why_a_file_cannot_be_read(tmp_path):
    with pytest.raises(WeightsError, match="cannot read the weights: the file does not exist$"):
        read_weights(tmp_path / "missing.safetensors")
    with pytest.raises(WeightsError, match="cannot read the weights: Is a directory$"):
        read_weights(tmp_path)


def test_export_refuses_pickled_weights_on_stderr(lenet, sentinel, tmp_path, capsys):
    path = tmp_path / "trained.safetensors"
    path.write_bytes(pickle.dumps({"conv1.weight": Payload(sentinel)}))
    out = tmp_path / "lenet.onnx"
    assert main(["export", "lenet5", "-f", "onnx", "-o", str(out), "--weights", str(path)]) == 1
    err = capsys.readouterr().err
    assert err == f"netsmith export: {path}: not a safetensors file: it is a Python pickle, which Netsmith never unpickles\n"
    assert not sentinel.exists() and not out.exists()


def _checkpoint(folder: Path, lenet) -> Path:
    save_weights(lenet, folder / "model.safetensors")
    save_state({"epoch": 1, "step": 10}, folder)
    return folder


@pytest.mark.parametrize("bad", ["state", "weights"])
def test_train_resume_refuses_a_pickled_checkpoint(bad, lenet, sentinel, tmp_path, capsys, one_torch_thread):
    folder = _checkpoint(tmp_path / "ckpt", lenet)
    victim = folder / ("training_state.pt" if bad == "state" else "model.safetensors")
    victim.write_bytes(_torch_save({"optimizers": Payload(sentinel)}))
    code = main(["train", "lenet5", "--epochs", "1", "--device", "cpu", "--resume", str(folder),
                 "--out", str(tmp_path / "run")])
    err = capsys.readouterr().err
    assert code == 1
    expected = (f"{victim}: refused to read the training state: it holds objects other than tensors and numbers"
                if bad == "state" else f"{victim}: not a safetensors file: it is a zip archive as torch.save writes")
    assert err.startswith(f"netsmith train: {expected}"), err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not sentinel.exists()


def test_load_state_refuses_a_raw_pickle_and_garbage(tmp_path, sentinel):
    (tmp_path / "training_state.pt").write_bytes(pickle.dumps(Payload(sentinel)))
    with pytest.raises(CheckpointError, match="refused to read the training state"):
        load_state(tmp_path)
    (tmp_path / "training_state.pt").write_bytes(b"PK\x03\x04 torn")
    with pytest.raises(CheckpointError, match="training_state.pt: not a training state"):
        load_state(tmp_path)
    assert not sentinel.exists()
