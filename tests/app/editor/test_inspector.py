"""The inspector derives editors from parameter kinds and refuses what a parameter refuses."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox

from engine.ops import get_op


def inspect(window, node_id):
    window.scene.select_ids([node_id])
    return window.inspector


def type_into(qtbot, editor, text):
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, text)


def test_editors_follow_the_parameter_kinds_and_limits(window):
    fields = inspect(window, "conv2").fields
    assert list(fields) == [p.name for p in get_op("Conv2d").params]
    spin = fields["out_channels"].editor
    assert isinstance(spin, QSpinBox) and spin.minimum() == 1 and spin.value() == 16
    assert isinstance(fields["kernel_size"].editor, QLineEdit) and fields["kernel_size"].editor.text() == "5"
    assert isinstance(fields["bias"].editor, QCheckBox) and fields["bias"].editor.isChecked()
    combo = fields["padding_mode"].editor
    assert isinstance(combo, QComboBox) and [combo.itemText(i) for i in range(combo.count())] == [
        "zeros", "reflect", "replicate", "circular"]


def test_out_of_range_values_are_refused_with_the_reason(window, qtbot):
    inspector = inspect(window, "conv2")
    before = window.session.doc.to_json()
    kernel = inspector.fields["kernel_size"]
    type_into(qtbot, kernel.editor, "-2")
    qtbot.keyClick(kernel.editor, Qt.Key.Key_Return)
    assert kernel.error.text() == "Not applied: expected a positive int or a list of 2 such ints, got -2"
    assert not kernel.error.isHidden()
    spin = inspector.fields["out_channels"]
    type_into(qtbot, spin.editor.lineEdit(), "0")
    assert spin.error.text() == "Not applied: expected a positive int, got 0"
    qtbot.keyClick(spin.editor, Qt.Key.Key_Return)
    assert spin.editor.value() == 16
    assert window.session.doc.to_json() == before
    assert window.session.undo_stack.count() == 0


def test_a_valid_value_is_one_undo_step_and_reshapes_the_graph(window, qtbot):
    inspector = inspect(window, "conv2")
    kernel = inspector.fields["kernel_size"]
    type_into(qtbot, kernel.editor, "3, 5")
    qtbot.keyClick(kernel.editor, Qt.Key.Key_Return)
    graph = window.graph
    assert graph.nodes["conv2"].params["kernel_size"] == (3, 5)
    assert kernel.error.isHidden()
    window.session.analyze_now()
    assert window.scene.nodes["conv2"].look.shape == "(16, 12, 10)"
    assert "out <b>out</b>: (16, 12, 10)" in inspector._facts.text()
    spin = inspector.fields["out_channels"].editor
    spin.stepUp()
    spin.stepUp()
    assert graph.nodes["conv2"].params["out_channels"] == 18
    assert window.session.undo_stack.count() == 2  # the two arrow steps merged
    window.session.undo_stack.undo()
    assert graph.nodes["conv2"].params["out_channels"] == 16 and spin.value() == 16


def test_floats_and_reset_to_default(window, qtbot):
    from app.editor import edits

    node = edits.add_node(window.session, "model", "Dropout", after="fc1")
    inspector = inspect(window, node)
    p = inspector.fields["p"]
    type_into(qtbot, p.editor, "1.5")
    qtbot.keyClick(p.editor, Qt.Key.Key_Return)
    assert p.error.text().startswith("Not applied: expected a number in [0")
    type_into(qtbot, p.editor, "0.2")
    qtbot.keyClick(p.editor, Qt.Key.Key_Return)
    assert window.graph.nodes[node].params == {"p": 0.2}
    assert inspector._resets["p"].isEnabled()
    inspector._resets["p"].click()
    assert window.graph.nodes[node].params == {} and p.editor.text() == "0.5"


def test_renaming_refuses_bad_names_and_follows_good_ones(window, qtbot):
    inspector = inspect(window, "fc1")
    type_into(qtbot, inspector.name_edit, "class")
    qtbot.keyClick(inspector.name_edit, Qt.Key.Key_Return)
    assert inspector.name_error.text() == "Not renamed: 'class' is a Python keyword"
    type_into(qtbot, inspector.name_edit, "fc2")
    qtbot.keyClick(inspector.name_edit, Qt.Key.Key_Return)
    assert "already a node named 'fc2'" in inspector.name_error.text()
    type_into(qtbot, inspector.name_edit, "hidden")
    qtbot.keyClick(inspector.name_edit, Qt.Key.Key_Return)
    assert "hidden" in window.graph.nodes and "hidden" in window.scene.nodes
    assert window.scene.selected_ids() == ["hidden"] and inspector.node_id == "hidden"


def test_nothing_selected_shows_the_document(window):
    inspector = inspect(window, "fc1")
    window.scene.clearSelection()
    assert inspector.node_id is None
    text = inspector._facts.text()
    assert "parameters: <b>61,706</b> (paper: 61,706)" in text and "14 nodes, 13 edges" in text
