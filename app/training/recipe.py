"""Editing the recipe (the document's `training` section) one value at a time, keeping it coherent.

Pure functions, no Qt: the recipe editor turns a changed field into a new recipe here,
checks it with the engine's validator, and pushes it as one undoable command.
"""

from __future__ import annotations

import copy
from typing import Any

from engine.document import DocumentError
from engine.training.config import LOSSES, TASKS, TrainConfig, optimizer_params

__all__ = ["check", "default_recipe", "recipe_with"]

_IMAGE_SIZES = (8, 16, 28, 32, 64)


def check(recipe: dict[str, Any]) -> str | None:
    """The validator's reason to refuse `recipe` ("training.optimizer.lr: expected ..."), or None."""
    try:
        TrainConfig.from_dict(recipe)
    except DocumentError as exc:
        return str(exc)
    return None


def recipe_with(recipe: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """A copy of `recipe` with `path` set to `value` (None removes the key), plus what must follow:
    a new task keeps the dataset and loss only where they fit it, a new dataset or schedule starts
    from its defaults, a new optimizer keeps the learning rate and weight decay."""
    out = copy.deepcopy(recipe)
    head, *rest = path
    if not rest:
        if value is None:
            out.pop(head, None)
        else:
            out[head] = value
        if head == "task":
            _fit_task(out, value)
        return out
    section = out.get(head)
    if not isinstance(section, dict):
        section = {"name": section} if isinstance(section, str) else {}
    key = rest[0]
    if key == "name" and head in ("dataset", "schedule"):
        section = {"name": value}
        if head == "dataset" and value == "playground" and out.get("task") == "regression":
            section["kind"] = "plane"
    elif key == "name" and head == "optimizer":
        keep = {p.name for p in optimizer_params(value)} | ({"betas"} if value in ("adam", "adamw") else set())
        section = {"name": value, **{k: v for k, v in section.items() if k in keep and k != "name"}}
    elif value is None:
        section.pop(key, None)
    else:
        section[key] = value
    out[head] = section
    return out


def _fit_task(recipe: dict[str, Any], task: str) -> None:
    if task not in TASKS:
        return
    datasets, _ = TASKS[task]
    dataset = recipe.get("dataset")
    name = dataset.get("name") if isinstance(dataset, dict) else None
    if name not in datasets:
        recipe["dataset"] = {"name": datasets[0]}
        if datasets[0] == "playground" and task == "regression":
            recipe["dataset"]["kind"] = "plane"
    elif name == "playground":  # classification and regression use different kinds of points
        kind = recipe["dataset"].get("kind", "circle")
        regression_kind = kind in ("plane", "multi_gauss")
        if regression_kind != (task == "regression"):
            recipe["dataset"]["kind"] = "plane" if task == "regression" else "circle"
    loss = recipe.get("loss")
    loss_name = loss.get("name") if isinstance(loss, dict) else loss
    if loss_name and task not in LOSSES.get(loss_name, ()):
        recipe.pop("loss", None)


def default_recipe(input_shape: tuple[int, ...] | None) -> dict[str, Any]:
    """A first recipe for a document without one: classification of the bundled digits, resized to fit
    an image input (C, S, S) where it can be; 2-D points for a vector input of 2."""
    if input_shape is not None and len(input_shape) == 3 and input_shape[1] == input_shape[2] \
            and input_shape[0] in (1, 3) and input_shape[1] in _IMAGE_SIZES:
        dataset = {"name": "digits", "size": input_shape[1], "channels": input_shape[0]}
    elif input_shape == (2,):
        dataset = {"name": "playground", "kind": "circle"}
    else:
        dataset = {"name": "digits"}
    return {"task": "classification", "dataset": dataset, "batch_size": 64, "epochs": 10,
            "optimizer": {"name": "adam", "lr": 0.001}}
