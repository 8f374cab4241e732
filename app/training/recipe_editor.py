"""The recipe editor: the document's `training` section as a form.

Fields come from the engine's typed parameters (dataset options, optimizer and
schedule options, the recipe's top-level numbers), so limits and reasons are the
validator's own. Every change is one undoable command on the editor's undo stack;
a value the validator refuses is not applied and its reason shows under the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.editor.commands import SetTraining
from app.editor.inspector import ParamField
from app.editor.session import EditSession
from app.training.jobs import JobRunner
from app.training.recipe import check, default_recipe, recipe_with
from engine.data import DATASETS
from engine.params import Param
from engine.training.config import (
    LOSSES,
    OPTIMIZERS,
    SCHEDULES,
    TASKS,
    TOP_PARAMS,
    TrainConfig,
    optimizer_params,
    schedule_params,
)
from engine.training.devices import DeviceChoice

__all__ = ["RecipeEditor"]

_TOP = {p.name: p for p in TOP_PARAMS}
_DEVICES: list[DeviceChoice] | None = None  # found once per process, off the GUI thread


class RecipeEditor(QWidget):
    """Edits `session.doc.training`; `fields` maps a recipe path ("optimizer.lr") to its field."""

    def __init__(self, session: EditSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.fields: dict[str, ParamField] = {}
        self.device_combo: QComboBox | None = None
        self._structure: tuple | None = None
        self._devices_job: JobRunner | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        # While a network trains the form is read-only, and says why with the session's own reason.
        self.read_only_note = QLabel()
        self.read_only_note.setProperty("role", "notice")
        self.read_only_note.setWordWrap(True)
        self.read_only_note.hide()
        self._layout.addWidget(self.read_only_note)
        self._page: QWidget | None = None
        session.training_changed.connect(self.refresh)
        session.read_only_changed.connect(lambda _on: self._show_read_only())
        self.refresh()
        if _DEVICES is None:
            self._find_devices()

    # -- building -------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Show the recipe as it is now: rebuild the form when its shape changed, else update values."""
        recipe = self.session.doc.training
        structure = self._structure_of(recipe)
        if structure != self._structure:
            self._structure = structure
            self._build(recipe)
            self._show_read_only()
        self._show_values(recipe)

    @staticmethod
    def _structure_of(recipe: dict[str, Any]) -> tuple:
        if not recipe:
            return ()
        try:
            config = TrainConfig.from_dict(recipe)
        except Exception:  # noqa: BLE001 - an invalid recipe from a file still shows what it can
            return ("invalid", repr(recipe))
        return (config.task, config.dataset.name, config.optimizer.name, config.schedule.name)

    def _build(self, recipe: dict[str, Any]) -> None:
        if self._page is not None:
            self._page.deleteLater()
        self.fields, self.device_combo = {}, None
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self._page = page
        self._layout.addWidget(page)
        if not recipe:
            note = QLabel("This document has no training recipe yet.")
            note.setProperty("role", "muted")
            note.setWordWrap(True)
            add = QPushButton("Add a training recipe")
            add.clicked.connect(self.add_recipe)
            layout.addWidget(note)
            layout.addWidget(add)
            return
        error = check(recipe)
        if error:
            label = QLabel(f"The recipe in the file cannot be used: {error}. Edit a field to fix it.")
            label.setProperty("role", "error")
            label.setWordWrap(True)
            layout.addWidget(label)
        task = recipe.get("task", "classification")
        dataset = recipe.get("dataset", {}).get("name", "") if isinstance(recipe.get("dataset"), dict) else ""
        optimizer = _section(recipe, "optimizer").get("name", "adam")
        schedule = _section(recipe, "schedule").get("name", "constant")

        form = self._form(layout, "Task and data")
        self._add(form, ("task",), Param("task", "choice", "classification", choices=tuple(TASKS),
                                         doc="what the network learns to do"))
        fitting = TASKS.get(task, ((),))[0]
        self._add(form, ("dataset", "name"), Param("dataset", "choice", dataset, choices=tuple(fitting),
                                                   doc="datasets that fit the task"))
        if dataset in DATASETS:
            form.addRow(_note(DATASETS[dataset].doc))
            for p in DATASETS[dataset].options:
                self._add(form, ("dataset", p.name), p)
        self._add(form, ("validation_split",), _TOP["validation_split"])

        form = self._form(layout, "Optimisation")
        self._add(form, ("epochs",), _TOP["epochs"])
        self._add(form, ("batch_size",), _TOP["batch_size"])
        self._add(form, ("optimizer", "name"), Param("optimizer", "choice", "adam", choices=OPTIMIZERS))
        if optimizer in OPTIMIZERS:
            for p in optimizer_params(optimizer):
                label = "learning rate" if p.name == "lr" else None
                self._add(form, ("optimizer", p.name), p, label)
        self._add(form, ("schedule", "name"), Param("schedule", "choice", "constant", choices=SCHEDULES,
                                                    doc="how the learning rate changes over the run"))
        if schedule in SCHEDULES:
            for p in schedule_params(schedule):
                self._add(form, ("schedule", p.name), p)
        losses = tuple(name for name, tasks in LOSSES.items() if task in tasks)
        self._add(form, ("loss", "name"), Param("loss", "choice", None, choices=losses, optional=True,
                                                doc="none: the task's usual loss"))
        self._add(form, ("grad_clip",), _TOP["grad_clip"], "gradient clip")

        form = self._form(layout, "Run")
        self.device_combo = QComboBox()
        self.device_combo.setToolTip("Where the run trains; auto picks a CUDA GPU, then Apple's GPU, then the CPU")
        self.device_combo.activated.connect(self._device_chosen)
        self.device_error = QLabel()
        self.device_error.setProperty("role", "error")
        self.device_error.setWordWrap(True)
        self.device_error.hide()
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(self.device_combo)
        box.addWidget(self.device_error)
        form.addRow("device", holder)
        self._fill_devices()
        self._add(form, ("precision",), _TOP["precision"])
        self._add(form, ("seed",), _TOP["seed"])

    def _show_read_only(self) -> None:
        """Text fields become read-only (they still take focus, so keys and Ctrl+A act on them and
        their text can be copied); choices and buttons are disabled; the note says why."""
        reason = self.session.read_only_reason
        self.read_only_note.setText(reason or "")
        self.read_only_note.setVisible(reason is not None)
        if self._page is None:
            return
        for widget in self._page.findChildren(QWidget):
            if isinstance(widget, (QLineEdit, QAbstractSpinBox)):
                widget.setReadOnly(reason is not None)
                widget.style().unpolish(widget)  # the style sheet matches spin boxes on [readOnly]
                widget.style().polish(widget)
            elif isinstance(widget, (QComboBox, QAbstractButton)):
                widget.setEnabled(reason is None)

    def _form(self, layout: QVBoxLayout, title: str) -> QFormLayout:
        label = QLabel(title.upper())
        label.setProperty("role", "section")
        layout.addSpacing(4)
        layout.addWidget(label)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(5)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(form)
        return form

    def _add(self, form: QFormLayout, path: tuple[str, ...], param: Param, label: str | None = None) -> None:
        key = ".".join(path)
        field = ParamField(param, self._committer(path))
        self.fields[key] = field
        text = QLabel(label or param.name.replace("_", " "))
        text.setToolTip(param.doc or "")
        form.addRow(text, field)

    # -- values ---------------------------------------------------------------------------------
    def _show_values(self, recipe: dict[str, Any]) -> None:
        for key, field in self.fields.items():
            path = key.split(".")
            value = _get(recipe, path)
            if value is None and not field.param.optional:
                value = field.param.default
            field.set_value(value)
        if self.device_combo is not None:
            index = self.device_combo.findData(recipe.get("device", "auto"))
            if index < 0:
                self.device_combo.addItem(str(recipe.get("device")), recipe.get("device"))
                index = self.device_combo.count() - 1
            self.device_combo.setCurrentIndex(index)

    def _committer(self, path: tuple[str, ...]) -> Callable[[Any, bool], None]:
        def commit(value: Any, merge: bool) -> None:
            self.set_value(path, value, merge)

        return commit

    def set_value(self, path: tuple[str, ...], value: Any, merge: bool = False) -> bool:
        """Change one value of the recipe (one undo step); False, with the reason shown, when refused."""
        recipe = self.session.doc.training
        new = recipe_with(recipe, path, value)
        if new == recipe:
            return True
        field = self.fields.get(".".join(path))
        reason = self.session.read_only_reason or check(new)
        if reason:
            if field is not None:
                field.show_error(f"Not applied: {reason}")
            elif path == ("device",):
                self.device_error.setText(f"Not applied: {reason}")
                self.device_error.show()
            self._show_values(recipe)
            return False
        what = "training." + ".".join(path)
        return self.session.push(SetTraining(self.session, recipe, new, what=what, merge=merge))

    def add_recipe(self) -> None:
        analysis = self.session.analysis
        shape = None
        if analysis is not None and analysis.flat.inputs:
            node = analysis.nodes.get(analysis.flat.inputs[0])
            if node is not None and node.ok:
                shape = tuple(node.outputs[0].shape)
        self.session.push(SetTraining(self.session, {}, default_recipe(shape), what="training recipe"))

    # -- devices ----------------------------------------------------------------------------------
    def _fill_devices(self) -> None:
        combo = self.device_combo
        if combo is None:
            return
        choices = _DEVICES or [DeviceChoice(v, v) for v in ("auto", "cpu", "cuda", "mps")]
        combo.blockSignals(True)
        combo.clear()
        for choice in choices:
            combo.addItem(choice.label, choice.value)
            if not choice.available:
                combo.model().item(combo.count() - 1).setEnabled(False)
        combo.blockSignals(False)
        self._show_values(self.session.doc.training)

    def _device_chosen(self, index: int) -> None:
        self.device_error.hide()
        self.set_value(("device",), self.device_combo.itemData(index))

    def _find_devices(self) -> None:
        from engine.training.devices import device_choices

        self._devices_job = JobRunner("devices", self)
        self._devices_job.done.connect(self._devices_found)
        self._devices_job.failed.connect(lambda _key, _text: QTimer.singleShot(0, self.close_jobs))
        self._devices_job.submit("devices", device_choices)

    def _devices_found(self, _key: str, choices: list[DeviceChoice]) -> None:
        global _DEVICES
        _DEVICES = choices
        self._fill_devices()
        QTimer.singleShot(0, self.close_jobs)  # its one job is done

    def close_jobs(self) -> None:
        if self._devices_job is not None:
            self._devices_job.close()
            self._devices_job = None


def _section(recipe: dict[str, Any], key: str) -> dict[str, Any]:
    value = recipe.get(key)
    if isinstance(value, str):
        return {"name": value}
    return value if isinstance(value, dict) else {}


def _get(recipe: dict[str, Any], path: list[str]) -> Any:
    value: Any = recipe
    for part in path:
        if isinstance(value, str) and part == "name":
            return value
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "muted")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
