"""The inspector: the selected node's name, parameters, shapes and errors, editable in place.

Editors come from the parameter kinds (`engine.params.Param`): spin boxes with
the parameter's limits for ints, check boxes, combo boxes for choices, and text
fields for floats and tuples ("3, 5"). A value the parameter refuses is not
applied; the reason shows under the field. Inside a block's body any field also
takes a "$name" reference to a block parameter. With nothing selected, it shows
the document: paper, totals and the training recipe.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.editor import edits
from app.editor.labels import count_text, data_size_note, flops_text
from app.editor.session import EditSession
from engine.blocks import block_of
from engine.graph import GraphEvent
from engine.names import check_identifier
from engine.params import Param, ParamError, is_reference

__all__ = ["Inspector", "ParamField", "parse_text"]

_INT_LIMIT = 2**31 - 1


def parse_text(param: Param, text: str, allow_reference: bool = False) -> Any:
    """What the user typed as a value of `param` (not yet validated): '3, 5' -> [3, 5]."""
    text = text.strip()
    if allow_reference and text.startswith("$"):
        return text
    if text.lower() in ("", "none", "null"):
        return None
    kind = param.kind
    if kind == "str":
        return text
    if kind == "choice" or (kind == "padding" and text in param.choices):
        return text
    if kind == "bool":
        return {"true": True, "false": False, "on": True, "off": False}.get(text.lower(), text)
    if kind == "float":
        try:
            return float(text)
        except ValueError:
            return text
    parts = [p for p in re.split(r"[\s,×x()\[\]]+", text) if p]
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        return text
    if kind == "int":
        return numbers[0] if len(numbers) == 1 else text
    if kind == "ints":
        return numbers
    return numbers[0] if len(numbers) == 1 else numbers  # size / padding


def format_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class ParamField(QWidget):
    """An editor for one parameter; `commit(value, merge)` is called with values it accepted."""

    def __init__(self, param: Param, commit: Callable[[Any, bool], None], references: bool = False) -> None:
        super().__init__()
        self.param = param
        self._commit = commit
        self.references = references
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        kind = param.kind
        self.editor: QWidget
        if references or kind in ("float", "str", "ints", "size", "padding"):
            self.editor = QLineEdit()
            self.editor.setPlaceholderText("none" if param.optional else format_value(param.default))
            self.editor.editingFinished.connect(self._text_done)
            self.editor.textEdited.connect(lambda _t: self._show_error(""))
        elif kind == "int":
            spin = QSpinBox()
            spin.setKeyboardTracking(False)
            low = int(param.min) if param.min is not None else -_INT_LIMIT
            if param.optional:
                low -= 1  # one below the range stands for "none"
                spin.setSpecialValueText("none")
            spin.setRange(low, int(param.max) if param.max is not None else _INT_LIMIT)
            spin.valueChanged.connect(self._spin_changed)
            spin.lineEdit().textEdited.connect(self._spin_typed)
            self.editor = spin
        elif kind == "bool":
            self.editor = QCheckBox()
            self.editor.toggled.connect(lambda on: self._try(on, False))
        else:  # choice
            combo = QComboBox()
            if param.optional:
                combo.addItem("none", None)
            for choice in param.choices:
                combo.addItem(choice, choice)
            combo.activated.connect(lambda i: self._try(combo.itemData(i), False))
            self.editor = combo
        self.editor.setToolTip(f"{param.doc}\nexpected {param.describe()}".strip())
        layout.addWidget(self.editor)
        layout.addWidget(self.error)

    # -- showing ------------------------------------------------------------------------------
    def set_value(self, value: Any) -> None:
        editor = self.editor
        editor.blockSignals(True)
        try:
            if isinstance(editor, QLineEdit):
                if not editor.hasFocus() or editor.text() != format_value(value):
                    editor.setText(format_value(value))
            elif isinstance(editor, QSpinBox):
                editor.setValue(editor.minimum() if value is None else int(value) if not is_reference(value) else 0)
            elif isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, QComboBox):
                index = editor.findData(value)
                editor.setCurrentIndex(max(index, 0))
        finally:
            editor.blockSignals(False)

    def show_error(self, message: str) -> None:
        """Say why a value was not applied (empty: clear), under the field."""
        self._show_error(message)

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        target = self.editor
        target.setProperty("invalid", bool(message))
        target.style().unpolish(target)
        target.style().polish(target)

    # -- editing -------------------------------------------------------------------------------
    def _try(self, value: Any, merge: bool) -> bool:
        """Validate `value`; apply it if the parameter takes it, else say why not."""
        if not (self.references and is_reference(value)):
            try:
                value = self.param.validate(value)
            except ParamError as exc:
                self._show_error(f"Not applied: {exc}")
                return False
        self._show_error("")
        self._commit(value, merge)
        return True

    def _text_done(self) -> None:
        text = self.editor.text()
        self._try(parse_text(self.param, text, self.references), False)

    def _spin_changed(self, value: int) -> None:
        spin = self.editor
        if self.param.optional and value == spin.minimum():
            self._try(None, True)
        else:
            self._try(value, True)

    def _spin_typed(self, text: str) -> None:
        """A spin box silently drops what is out of range; say why while the user types."""
        try:
            value = int(text.strip())
        except ValueError:
            self._show_error("" if not text.strip() else f"Not a whole number: {text!r}")
            return
        try:
            self.param.validate(value)
        except ParamError as exc:
            self._show_error(f"Not applied: {exc}")
            return
        self._show_error("")


def breakable(text: str, longest: int = 24) -> str:
    """`text` with break chances (zero-width spaces) after the punctuation of long tokens, so a
    path or a shape written without spaces wraps in the inspector instead of running off its edge."""
    def split(match: re.Match[str]) -> str:
        return re.sub(r"([,./:_×)])", "\\1\u200b", match.group(0))

    return re.sub(rf"\S{{{longest},}}", split, text)


class Inspector(QScrollArea):
    """Shows one node of the graph on the canvas, or the document when nothing is selected."""

    open_block = Signal(str)  # block name
    ungroup = Signal(str)  # node id

    def __init__(self, session: EditSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # text wraps instead
        self.session = session
        self.key = session.current_key
        self.node_id: str | None = None
        self.selection: list[str] = []
        self.fields: dict[str, ParamField] = {}
        self.name_edit: QLineEdit | None = None
        self.name_error: QLabel | None = None
        self._facts: QLabel | None = None
        self.node_error: QLabel | None = None  # the selected node's analysis error, wrapped
        self._labels: dict[str, QLabel] = {}
        self._resets: dict[str, QToolButton] = {}
        session.graph_changed.connect(self._on_graph_changed)
        session.analysis_ready.connect(lambda _a: self._update_facts())
        self.show_selection(self.key, [])

    # -- building -------------------------------------------------------------------------------
    def show_selection(self, key: str, ids: list[str]) -> None:
        self.key = key
        self.selection = list(ids)
        self.node_id = ids[0] if len(ids) == 1 else None
        self.fields, self._labels, self._resets = {}, {}, {}
        self.name_edit = self.name_error = self._facts = self.node_error = None
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 8, 12, 12)
        layout.setSpacing(8)
        if self.node_id is not None:
            self._build_node(layout)
        elif ids:
            self._build_many(layout)
        else:
            self._build_document(layout)
        layout.addStretch(1)
        self.setWidget(page)

    def _heading(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setProperty("role", "heading")
        return label

    def _section(self, text: str) -> QLabel:
        label = QLabel(text.upper())
        label.setProperty("role", "section")
        return label

    def _muted(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setProperty("role", "muted")
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _build_node(self, layout: QVBoxLayout) -> None:
        graph = self.session.graph(self.key)
        node = graph.nodes[self.node_id]
        spec = graph.spec(self.node_id)
        self.name_edit = QLineEdit(node.id)
        font = self.name_edit.font()
        font.setPointSizeF(font.pointSizeF() + 2)
        font.setBold(True)
        self.name_edit.setFont(font)
        self.name_edit.setToolTip("The node's name: its attribute in the compiled and exported model")
        self.name_edit.editingFinished.connect(self._rename)
        self.name_error = QLabel()
        self.name_error.setProperty("role", "error")
        self.name_error.setWordWrap(True)
        self.name_error.hide()
        layout.addWidget(self.name_edit)
        layout.addWidget(self.name_error)
        category = spec.category if spec else "unknown"
        layout.addWidget(self._muted(f"<b>{node.op}</b> · {category}"))
        if spec is not None and spec.doc:
            layout.addWidget(self._muted(spec.doc))
        if spec is not None and spec.paper:
            layout.addWidget(self._muted(f"Paper: {spec.paper}"))
        block = block_of(spec)
        if block is not None:
            row = QHBoxLayout()
            open_button = QPushButton("Open block")
            open_button.clicked.connect(lambda: self.open_block.emit(block.name))
            ungroup_button = QPushButton("Ungroup")
            ungroup_button.clicked.connect(lambda: self.ungroup.emit(self.node_id))
            expanded = bool(node.ui.get("expanded"))
            expand_button = QPushButton("Collapse" if expanded else "Expand")
            expand_button.clicked.connect(
                lambda: edits.set_expanded(self.session, self.key, self.node_id, not expanded))
            for button in (open_button, expand_button, ungroup_button):
                row.addWidget(button)
            layout.addLayout(row)
        if spec is not None and spec.params:
            layout.addSpacing(4)
            layout.addWidget(self._section("Parameters"))
            form = QFormLayout()
            form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setHorizontalSpacing(10)
            form.setVerticalSpacing(6)
            for param in spec.params:
                field = ParamField(param, self._committer(param.name), references=graph.is_block)
                self.fields[param.name] = field
                label = QLabel(param.name)
                label.setToolTip(param.doc)
                self._labels[param.name] = label
                reset = QToolButton()
                reset.setObjectName("reset")
                reset.setText("↺")
                reset.setAutoRaise(True)
                reset.setToolTip(f"Reset {param.name} to its default ({format_value(param.default) or 'none'})")
                reset.clicked.connect(lambda _c=False, n=param.name: self._reset(n))
                self._resets[param.name] = reset
                row = QHBoxLayout()
                row.setSpacing(2)
                row.addWidget(field, 1)
                policy = reset.sizePolicy()
                policy.setRetainSizeWhenHidden(True)  # fields stay aligned whether set or not
                reset.setSizePolicy(policy)
                row.addWidget(reset, 0, Qt.AlignmentFlag.AlignTop)
                form.addRow(label, row)
            layout.addLayout(form)
        layout.addSpacing(4)
        layout.addWidget(self._section("Tensors"))
        self._facts = self._muted("")
        self._facts.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self._facts)
        self.node_error = QLabel()
        self.node_error.setProperty("role", "error")
        self.node_error.setTextFormat(Qt.TextFormat.PlainText)
        self.node_error.setWordWrap(True)
        self.node_error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.node_error.hide()
        layout.addWidget(self.node_error)
        self._update_values()
        self._update_facts()

    def _build_many(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self._heading(f"{len(self.selection)} nodes selected"))
        self._facts = self._muted("")
        layout.addWidget(self._facts)
        layout.addWidget(self._muted("Edit → Group into block (Ctrl+G) makes them one reusable block."))
        self._update_facts()

    def _build_document(self, layout: QVBoxLayout) -> None:
        doc = self.session.doc
        meta = doc.meta
        layout.addWidget(self._heading(doc.title))
        byline = ", ".join(str(meta[k]) for k in ("authors", "year") if meta.get(k))
        if byline:
            layout.addWidget(self._muted(byline))
        if meta.get("paper"):
            link = meta.get("link")
            text = f"<a href='{link}'>{meta['paper']}</a>" if link else meta["paper"]
            label = self._muted(text)
            label.setOpenExternalLinks(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
            layout.addWidget(label)
        if meta.get("note"):
            layout.addWidget(self._muted(str(meta["note"])))
        layout.addSpacing(4)
        layout.addWidget(self._section("Network"))
        self._facts = self._muted("")
        self._facts.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self._facts)
        training = doc.training
        if training:
            layout.addSpacing(4)
            layout.addWidget(self._section("Training recipe"))
            layout.addWidget(self._muted(_recipe_text(training)))
        self._update_facts()

    # -- updating -------------------------------------------------------------------------------
    def _update_values(self) -> None:
        if self.node_id is None:
            return
        graph = self.session.graph(self.key)
        node = graph.nodes[self.node_id]
        spec = graph.spec(self.node_id)
        if spec is None:
            return
        values = spec.resolve(node.params)
        for name, field in self.fields.items():
            field.set_value(node.params.get(name, values.get(name)))
            explicit = name in node.params
            label = self._labels[name]
            font = label.font()
            font.setBold(explicit)
            label.setFont(font)
            reset = self._resets[name]
            reset.setEnabled(explicit)
            reset.setVisible(explicit)
        if self.name_edit is not None and not self.name_edit.hasFocus():
            self.name_edit.setText(node.id)

    def _update_facts(self) -> None:
        if self._facts is None:
            return
        results = self.session.results(self.key)
        if self.node_id is not None:
            graph = self.session.graph(self.key)
            if self.node_id not in graph.nodes:
                return
            lines = []
            for port, src in graph.inputs_of(self.node_id).items():
                value = results.value(src) if src is not None else None
                where = f"from {src}" if src is not None else "<i>not connected</i>"
                lines.append(f"in <b>{port}</b>: {value if value is not None else '—'} &nbsp; {where}")
            result = results.node(self.node_id)
            outs = graph.output_names(self.node_id)
            if result is not None and result.ok:
                for port, info in zip(outs, result.outputs):
                    lines.append(f"out <b>{port}</b>: {info}")
                if graph.nodes[self.node_id].op == "Output":
                    lines.append(f"returns: {result.shape_text}")
                size = self.session.data_size
                if size is not None and size.input_id == self.node_id and self.key == self.session.analysed_network():
                    lines.append(f"<i>{html.escape(data_size_note(size))}</i>")
                lines.append(f"parameters: {result.params:,} &nbsp; FLOPs: {flops_text(result.flops)}")
            failed = result is not None and not result.ok and bool(result.error)
            if failed and result.status != "error":  # unresolved: a consequence, in the muted text
                lines.append(result.error)
            self._facts.setText("<br>".join(lines) or "—")
            if self.node_error is not None:
                self.node_error.setText(breakable(result.error) if failed and result.status == "error" else "")
                self.node_error.setVisible(failed and result.status == "error")
            return
        analysis = self.session.analysis
        if analysis is None:
            self._facts.setText("analysing…")
            return
        if self.selection:
            total = sum((results.node(n).params if results.node(n) else 0) for n in self.selection)
            self._facts.setText(f"{count_text(total)} parameters together")
            return
        graph = self.session.doc.network(self.session.analysed_network())
        expected = self.session.doc.meta.get("expected_params")
        lines = [
            f"{len(graph)} nodes, {graph.edge_count} edges",
            f"parameters: <b>{analysis.total_params:,}</b>"
            + (f" (paper: {expected:,})" if isinstance(expected, int) else ""),
            f"FLOPs per sample: {flops_text(analysis.total_flops)}",
            *([f"<i>{html.escape(data_size_note(self.session.data_size))}</i>"] if self.session.data_size else []),
            f"problems: {_plural(len(analysis.errors), 'error')}, "
            f"{_plural(len(analysis.problems) - len(analysis.errors), 'warning')}",
        ]
        self._facts.setText("<br>".join(lines))

    def _on_graph_changed(self, key: str, event: GraphEvent) -> None:
        if key != self.key:
            return
        if event.kind == "node_renamed" and event.old in self.selection:
            self.selection = [event.node if n == event.old else n for n in self.selection]
            if self.node_id == event.old:
                self.node_id = event.node
                self._update_values()
            return
        if event.kind == "node_removed" and event.node in self.selection:
            self.show_selection(self.key, [n for n in self.selection if n != event.node])
            return
        if self.node_id is not None and event.node == self.node_id and event.kind == "params_changed":
            self._update_values()

    # -- edits ----------------------------------------------------------------------------------
    def _committer(self, name: str) -> Callable[[Any, bool], None]:
        def commit(value: Any, merge: bool) -> None:
            graph = self.session.graph(self.key)
            node = graph.nodes.get(self.node_id)
            if node is None or node.params.get(name, _MISSING) == value:
                return
            if not edits.set_params(self.session, self.key, self.node_id, {name: value}, merge=merge):
                self._update_values()

        return commit

    def _reset(self, name: str) -> None:
        edits.set_params(self.session, self.key, self.node_id, {name: None})

    def _rename(self) -> None:
        if self.name_edit is None or self.node_id is None:
            return
        new = self.name_edit.text().strip()
        if new == self.node_id:
            self.name_error.hide()
            return
        graph = self.session.graph(self.key)
        reason = check_identifier(new) or (f"there is already a node named '{new}'" if new in graph.nodes else None)
        if reason:
            self.name_error.setText(f"Not renamed: {reason}")
            self.name_error.show()
            return
        self.name_error.hide()
        edits.rename(self.session, self.key, self.node_id, new)

    def focus_name(self) -> None:
        if self.name_edit is not None:
            self.name_edit.setFocus()
            self.name_edit.selectAll()


_MISSING = object()


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _recipe_text(training: dict) -> str:
    parts = []
    task = training.get("task")
    if task:
        parts.append(f"task: {task}")
    dataset = training.get("dataset")
    if isinstance(dataset, dict) and dataset.get("name"):
        options = ", ".join(f"{k}={v}" for k, v in dataset.items() if k != "name")
        parts.append(f"data: {dataset['name']}" + (f" ({options})" if options else ""))
    optimizer = training.get("optimizer")
    if isinstance(optimizer, dict) and optimizer.get("name"):
        lr = f", lr {optimizer['lr']}" if "lr" in optimizer else ""
        parts.append(f"optimizer: {optimizer['name']}{lr}")
    for key in ("epochs", "batch_size"):
        if key in training:
            parts.append(f"{key.replace('_', ' ')}: {training[key]}")
    loss = training.get("loss")
    if isinstance(loss, dict) and loss.get("name"):
        parts.append(f"loss: {loss['name']}")
    return "<br>".join(parts)
