"""A small file cannot make analysis, compilation or training allocate or run without bound."""

from __future__ import annotations

import copy
import time

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from engine.analysis import MEMORY_LIMIT, analyze, format_bytes
from engine.compiler import CompileError, compile_network, example_inputs
from engine.document import Document
from engine.templates import load_template
from engine.training import Failed, Trainer
from tests.helpers import chain, single_op_graph


def _conv_doc(channels: int, size: int, kernel: int = 3, batch: int = 64) -> Document:
    doc = Document()
    graph = doc.add_network()
    graph.add_node("Input", {"kind": "image", "shape": [1, size, size]}, id="x")
    ids = chain(graph, ("Conv2d", {"out_channels": channels, "kernel_size": kernel}), ("MaxPool2d", {"kernel_size": 2}),
                "Flatten", ("Linear", {"out_features": 10}), "Output", start="x")
    assert ids[0] == "conv1"
    doc.training = {"task": "classification", "dataset": {"name": "digits", "size": size}, "batch_size": batch,
                    "epochs": 1, "optimizer": {"name": "adam", "lr": 0.001}, "loss": {"name": "cross_entropy"}}
    return doc


def test_weights_over_the_limit_are_an_error_on_the_node_saying_how_much():
    graph = single_op_graph("Conv2d", {"out_channels": 10**9, "kernel_size": 3}, [{"kind": "image",
                                                                                    "shape": [3, 8, 8]}])
    analysis = analyze(graph)
    need = (10**9 * 3 * 3 * 3 + 10**9) * 4  # weight and bias, float32
    assert need == 112 * 10**9
    assert [p.message for p in analysis.errors] == ["node: weights would need 112 GB (more than the 4 GB limit)"]
    assert analysis.nodes["result0"].status == "unresolved"
    with pytest.raises(CompileError, match="weights would need 112 GB"):
        compile_network(graph, analysis=analysis)


def test_an_output_over_the_limit_is_an_error_at_the_analysed_batch():
    doc = _conv_doc(10**7, 32)
    analysis = analyze(doc.network())
    need = 2 * 10**7 * 30 * 30 * 4  # batch of 2, float32
    assert [p.message for p in analysis.errors] == [
        f"conv1: its output would need {format_bytes(need)} for a batch of 2 (more than the 4 GB limit)"]
    assert format_bytes(need) == "72 GB"
    assert analysis.nodes["conv1"].weight_bytes == (10**7 * 9 + 10**7) * 4  # known, and under the limit
    with pytest.raises(CompileError, match="conv1: its output would need 72 GB"):
        compile_network(doc.network())


def test_a_huge_input_is_refused_before_example_inputs_allocate_it():
    graph = single_op_graph("ReLU", {}, [{"kind": "image", "shape": [3, 100_000, 100_000]}])
    analysis = analyze(graph)
    assert [p.message for p in analysis.errors] == [
        "in0: its output would need 240 GB for a batch of 2 (more than the 4 GB limit)"]


def test_sizes_under_the_limit_are_the_real_tensor_sizes():
    doc = load_template("lenet5")
    analysis = analyze(doc.network())
    module = compile_network(doc.network(), analysis=analysis)
    out = module.conv1(example_inputs(doc.network(), batch_size=1, analysis=analysis)[0])
    result = analysis.nodes["conv1"]
    assert result.output_bytes == out.numel() * out.element_size() == 6 * 28 * 28 * 4
    assert result.weight_bytes == sum(p.numel() * p.element_size() for p in module.conv1.parameters())
    assert MEMORY_LIMIT == 4 * 10**9 and format_bytes(38_112_000_000) == "38.1 GB"


def test_lstm_with_a_million_units_is_refused_quickly():
    doc = load_template("lstm_char")
    doc.network().set_params("lstm", {"hidden_size": 10**6})
    started = time.perf_counter()
    analysis = analyze(doc.network())
    assert time.perf_counter() - started < 60
    assert [p.message for p in analysis.errors] == ["lstm: weights would need 48 TB (more than the 4 GB limit)"]


RECURRENT = [("LSTM", {"hidden_size": 5, "num_layers": 3, "bidirectional": True}),
             ("GRU", {"hidden_size": 4, "num_layers": 4, "output": "last"}),
             ("RNN", {"hidden_size": 6, "num_layers": 1}),
             ("LSTM", {"hidden_size": 3, "num_layers": 2, "dropout": 0.5})]


@pytest.mark.parametrize(("op", "params"), RECURRENT, ids=[f"{op}-{i}" for i, (op, _) in enumerate(RECURRENT)])
@pytest.mark.parametrize("steps", [1, 2, 9])
def test_recurrent_analysis_equals_a_full_run_on_meta(op, params, steps):
    # Analysis runs 1-2 steps and layers and extrapolates; torch on the whole sequence decides.
    graph = single_op_graph(op, params, [{"kind": "sequence", "shape": [steps, 7]}])
    analysis = analyze(graph)
    assert analysis.ok, analysis.problems
    module = copy.deepcopy(compile_network(graph, analysis=analysis).node).to("meta").eval()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        out = module(torch.empty(3, steps, 7, device="meta"))
    result = analysis.nodes["node"]
    assert result.outputs[0].shape == tuple(out.shape[1:])
    assert result.flops == counter.get_total_flops() // 3


def test_deep_and_long_recurrent_layers_analyse_in_bounded_time():
    # Each step of each layer used to cost ~20 ms on meta: 200 layers x 2000 steps ran for hours.
    doc = load_template("lstm_char")
    doc.network().set_params("tokens", {"shape": [2000]})
    doc.network().set_params("lstm", {"num_layers": 200, "hidden_size": 16})
    started = time.perf_counter()
    analysis = analyze(doc.network())
    assert time.perf_counter() - started < 30
    assert analysis.ok, analysis.problems
    per_step = 2 * 4 * 16 * (64 + 16) + 199 * 2 * 4 * 16 * (16 + 16)  # the gate matmuls of every layer
    assert analysis.nodes["lstm"].flops == 2000 * per_step
    assert analysis.nodes["lstm"].outputs[0].shape == (2000, 16)


def test_training_refuses_a_batch_whose_output_exceeds_the_limit_before_allocating():
    doc = _conv_doc(10**7, 8)  # 1.44 GB a sample: fine for analysis's 2, not for a batch of 64
    assert analyze(doc.network()).ok
    events = []
    final = Trainer(doc, snapshot_every=None).run(events.append)
    assert isinstance(final, Failed) and events[-1] is final
    need = 64 * 10**7 * 6 * 6 * 4
    assert final.message == (f"conv1's output needs {format_bytes(need)} for one batch of 64 (more than the 4 GB "
                             "limit); try a smaller batch (training.batch_size) or fewer channels")
    assert format_bytes(need) == "92.2 GB"


@pytest.mark.parametrize("error", [
    RuntimeError("[enforce fail at alloc_cpu.cpp:121] data. DefaultCPUAllocator: can't allocate memory: "
                 "you tried to allocate 2880000000 bytes. Error code 12 (Cannot allocate memory)"),
    torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"),
])
def test_out_of_memory_names_the_largest_node_and_its_batch(error):
    doc = load_template("lenet5")
    doc.training = {**doc.training, "batch_size": 32, "epochs": 1}
    trainer = Trainer(doc, snapshot_every=None)
    trainer.prepare()
    model = trainer.models["model"]
    before = {k: v.clone() for k, v in model.state_dict().items()}
    x = torch.zeros(32, *trainer.inputs["model"][0].shape)
    conv1_out = model.conv1(x)

    def fail(*args, **kwargs):
        raise error

    model.conv2.forward = fail  # an allocation failing somewhere in the middle of the step
    events = []
    final = trainer.run(events.append)
    assert isinstance(final, Failed) and events[-1] is final and final.step == 1
    need = conv1_out.numel() * conv1_out.element_size()  # the largest activation, measured by torch
    assert final.message == (f"out of memory on cpu at step 1: conv1's output needs {format_bytes(need)} for one "
                             "batch of 32; try a smaller batch size (training.batch_size) or fewer channels")
    assert format_bytes(need) == "602 kB"
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())  # the weights stay
