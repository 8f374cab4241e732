"""Every edit is one undo step that restores the document exactly (Document.to_json)."""

from __future__ import annotations

import pytest

from app.editor import clipboard, edits, grouping
from app.editor.session import EditSession, block_key
from engine.graph import Endpoint
from engine.templates import load_template


@pytest.fixture
def session(qapp):
    doc = load_template("lenet5")
    s = EditSession(doc)
    s.ensure_positions("model")
    s.messages = []
    s.message.connect(s.messages.append)
    yield s
    s.close()


def positions(session, key="model"):
    return {n: dict(node.ui) for n, node in session.graph(key).nodes.items()}


def test_every_command_undoes_and_redoes_exactly(session):
    g = session.graph("model")
    steps = []

    def step(name, action):
        result = action()
        assert result, (name, session.messages)
        steps.append((name, session.doc.to_json()))
        return result

    start = session.doc.to_json()
    drop = step("add after", lambda: edits.add_node(session, "model", "Dropout", after="fc1"))
    assert g.source(Endpoint(drop, "x")) == Endpoint("fc1", "out")
    step("delete edge", lambda: edits.delete(session, "model", [], [Endpoint("tanh3", "x")]))
    step("connect", lambda: edits.connect(session, "model", Endpoint(drop, "out"), Endpoint("tanh3", "x")))
    step("params", lambda: edits.set_params(session, "model", "fc1", {"out_features": 100}))
    step("reset param", lambda: edits.set_params(session, "model", "conv1", {"kernel_size": None}))
    step("rename", lambda: edits.rename(session, "model", "fc2", "hidden"))
    before = positions(session)
    after = {n: {**before[n], "x": before[n]["x"] + 100} for n in ("conv1", "conv2")}
    step("move", lambda: edits.move(session, "model", before, after))
    step("layout", lambda: edits.auto_layout(session, "model", "right"))
    assert session.doc.ui["flow"] == "right"
    add = step("add merge", lambda: edits.add_node(session, "model", "Add", (0, 0), params={"num_inputs": 3}))
    for port in ("in1", "in2", "in3"):
        step(f"connect {port}", lambda p=port: edits.connect(session, "model", Endpoint("pool1", "out"), Endpoint(add, p)))
    step("fewer inputs drops an edge", lambda: edits.set_params(session, "model", add, {"num_inputs": 2}))
    assert g.source(Endpoint(add, "in3")) is None
    block = step("group", lambda: grouping.group(session, "model", ["conv2", "tanh2", "pool2"], "Features"))
    step("expand", lambda: edits.set_expanded(session, "model", block, True))
    step("rename block port", lambda: edits.rename(session, block_key("Features"), "x", "image_in"))
    assert g.source(Endpoint(block, "image_in")) == Endpoint("pool1", "out")
    step("delete block output", lambda: edits.delete(session, block_key("Features"), ["out"]))
    assert g.consumers(Endpoint(block, "out")) == []
    step("paste", lambda: clipboard.paste_payload(session, "model", clipboard.payload(session, "model",
                                                                                       ["conv1", "tanh1"])))
    step("ungroup", lambda: grouping.ungroup(session, "model", block))
    step("delete nodes", lambda: edits.delete(session, "model", ["pool1", drop]))

    stack = session.undo_stack
    assert stack.count() == len(steps)
    snapshots = [start] + [json for _name, json in steps]
    for i in range(len(steps), 0, -1):
        stack.undo()
        assert session.doc.to_json() == snapshots[i - 1], f"undo of {steps[i - 1][0]}"
    for i in range(1, len(steps) + 1):
        stack.redo()
        assert session.doc.to_json() == snapshots[i], f"redo of {steps[i - 1][0]}"


def test_grouping_keeps_the_network_and_names_weights_after_the_block(session):
    total = session.analyze_now().total_params
    node = grouping.group(session, "model", ["conv2", "tanh2", "pool2"], "Features")
    analysis = session.analyze_now()
    assert analysis.ok, analysis.problems
    assert analysis.total_params == total == 61706
    assert analysis.nodes[node].outputs[0].shape == (16, 5, 5)
    assert "features1.conv2" in analysis.flat.nodes
    assert list(session.doc.blocks["Features"].body.nodes) == ["x", "conv2", "tanh2", "pool2", "out"]
    inner = grouping.ungroup(session, "model", node)
    assert inner == ["conv2", "tanh2", "pool2"]
    assert session.analyze_now().total_params == 61706
    assert "conv2" in session.analysis.flat.nodes


def test_refused_edits_change_nothing_and_say_why(session):
    g = session.graph("model")
    g.add_node("Add", id="merge")
    g.connect(("fc3", "out"), ("merge", "in1"))
    g.add_node("ReLU", id="act")
    g.connect(("merge", "out"), ("act", "x"))
    before = session.doc.to_json()
    assert not edits.connect(session, "model", Endpoint("act", "out"), Endpoint("merge", "in2"))
    assert "connecting act.out to merge.in2 would make a cycle" in session.messages[-1]
    assert not edits.connect(session, "model", Endpoint("image", "out"), Endpoint("conv2", "x"))
    assert "conv2.x already has an input from pool1.out" in session.messages[-1]
    assert not edits.set_params(session, "model", "conv1", {"out_channels": 0})
    assert "expected a positive int, got 0" in session.messages[-1]
    assert not edits.rename(session, "model", "conv1", "class")
    assert "Python keyword" in session.messages[-1]
    assert grouping.group(session, "model", ["image", "conv1"], "Stem") is None
    assert "Input and Output nodes stay outside a block" in session.messages[-1]
    assert session.doc.to_json() == before
    assert session.undo_stack.count() == 0


def test_spin_box_steps_merge_into_one_undo_step(session):
    for value in (7, 8, 9):
        assert edits.set_params(session, "model", "conv1", {"out_channels": value}, merge=True)
    assert session.undo_stack.count() == 1
    session.undo_stack.undo()
    assert session.graph("model").nodes["conv1"].params["out_channels"] == 6


def test_paste_renames_clashing_ids_and_brings_blocks_along(session):
    node = grouping.group(session, "model", ["conv2", "tanh2"], "Pair")
    data = clipboard.payload(session, "model", [node, "fc1"])
    other = EditSession(load_template("lenet5"))
    new = clipboard.paste_payload(other, "model", data, pos=(400, 40))
    assert new == ["pair1", "fc4"]  # fc1 to fc3 are taken there
    assert "Pair" in other.doc.blocks
    assert other.doc.blocks["Pair"].body.nodes["conv2"].params == {"out_channels": 16, "kernel_size": 5}
    assert other.graph("model").nodes[new[0]].ui["x"] == 400
    other.undo_stack.undo()
    assert "Pair" not in other.doc.blocks and new[0] not in other.graph("model").nodes
    other.close()


def test_paste_refuses_bad_data_with_the_loaders_message(session):
    before = session.doc.to_json()
    bad = {"netsmith": "nodes", "nodes": [{"id": "c", "op": "Conv2d", "params": {"kernel_size": -2}}], "edges": []}
    assert clipboard.paste_payload(session, "model", bad) == []
    assert "clip.nodes[0].params.kernel_size: expected a positive int" in session.messages[-1]
    assert clipboard.paste_payload(session, "model", {"netsmith": "nodes", "nodes": [{"id": "e", "op": "exec"}]}) == []
    assert "unknown op 'exec'" in session.messages[-1]
    assert session.doc.to_json() == before


def test_ungroup_puts_a_parametrised_block_back_with_the_instance_values(qapp):
    from engine.document import Document
    from tests.engine.test_blocks import resnet_doc

    doc = Document.from_dict(resnet_doc(repeat=1, channels=8))
    session = EditSession(doc)
    session.ensure_positions("model")
    before = session.analyze_now()
    inner = grouping.ungroup(session, "model", "layer1")
    assert inner == ["conv1", "bn1", "relu1", "conv2", "bn2", "add", "relu2"]
    graph = session.graph("model")
    assert graph.nodes["conv1"].params == {"out_channels": 8, "padding": 1, "bias": False}  # "$channels" -> 8
    assert graph.source(Endpoint("add", "in2")) == Endpoint("x", "out")  # the skip connection, re-wired
    assert graph.consumers(Endpoint("relu2", "out")) == [Endpoint("gap", "x")]
    after = session.analyze_now()
    assert after.ok and after.total_params == before.total_params == 2 * (8 * 8 * 9 + 16)
    session.undo_stack.undo()
    assert list(graph.nodes) == ["x", "layer1", "gap", "y"]
    session.close()


def test_ungroup_refuses_a_repeated_block(qapp):
    from engine.document import Document
    from tests.engine.test_blocks import resnet_doc

    session = EditSession(Document.from_dict(resnet_doc(repeat=2)))
    seen = []
    session.message.connect(seen.append)
    assert grouping.ungroup(session, "model", "layer1") is None
    assert seen == ["layer1 repeats its block 2 times; set repeat to 1 first"]
    session.close()
