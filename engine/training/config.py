"""The training recipe: a document's `training` section, validated into a `TrainConfig`.

Every value is checked when the recipe is read, and a bad one raises a
`DocumentError` that says where, e.g.
``training.optimizer.lr: expected a positive number, got -1``.
Keys left out take the defaults below; `TrainConfig.to_dict()` writes them all.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.data import DATASETS
from engine.document import DocumentError
from engine.params import Param, ParamError

__all__ = [
    "DEVICES", "LOSSES", "OPTIMIZERS", "PRECISIONS", "SCHEDULES", "TASKS", "TOP_PARAMS",
    "DatasetConfig", "EarlyStopping", "GanConfig", "LossConfig", "OptimizerConfig",
    "ScheduleConfig", "TrainConfig", "optimizer_params", "schedule_params",
]

# Task -> the datasets that fit it, and its loss when the recipe names none.
TASKS: dict[str, tuple[tuple[str, ...], str]] = {
    "classification": (("digits", "mnist", "fashion_mnist", "cifar10", "fake", "image_folder", "playground",
                        "logic", "csv"), "cross_entropy"),
    "regression": (("playground", "csv", "spectrograms"), "mse"),
    "reconstruction": (("digits", "mnist", "fashion_mnist", "cifar10", "fake", "image_folder", "shapes"), "mse"),
    "vae": (("digits", "mnist", "fashion_mnist", "cifar10", "fake", "image_folder", "shapes"), "vae"),
    "gan": (("digits", "mnist", "fashion_mnist", "cifar10", "fake", "image_folder", "shapes"), "bce"),
    "super_resolution": (("super_resolution",), "mse"),
    "segmentation": (("shapes",), "cross_entropy"),
    "sequence": (("text",), "cross_entropy"),
    "node_classification": (("karate",), "cross_entropy"),
    "perceptron": (("logic", "playground", "csv"), "perceptron"),
}

# Loss -> the tasks it serves.
_CLASSES = ("classification", "segmentation", "sequence", "node_classification")
LOSSES: dict[str, tuple[str, ...]] = {
    "cross_entropy": _CLASSES,
    "nll": _CLASSES,
    "focal": _CLASSES,
    "bce": ("gan", "reconstruction"),
    "bce_with_logits": ("gan",),
    "mse": ("regression", "reconstruction", "super_resolution"),
    "mae": ("regression", "reconstruction", "super_resolution"),
    "vae": ("vae",),
    "wasserstein": ("gan",),
    "perceptron": ("perceptron",),
}

OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop")
SCHEDULES = ("constant", "step", "cosine", "warmup", "warmup_cosine", "one_cycle")
DEVICES = ("auto", "cpu", "cuda", "mps")
PRECISIONS = ("fp32", "bf16", "fp16")
_REGRESSION_KINDS = ("plane", "multi_gauss")


class _Positive(Param):
    """A float that must be > 0 (Param's bounds are inclusive)."""

    def describe(self) -> str:
        text = "a positive number"
        return text + ", or null" if self.optional else text

    def validate(self, value: Any) -> Any:
        value = super().validate(value)
        if value is not None and value <= 0:
            raise ParamError(f"expected {self.describe()}, got {value:g}")
        return value


def _positive(name: str, default: float | None, optional: bool = False, doc: str = "") -> Param:
    return _Positive(name, "float", default, min=0.0, optional=optional, doc=doc)


_OPTIMIZER_PARAMS: dict[str, tuple[Param, ...]] = {
    "common": (_positive("lr", 0.001), Param("weight_decay", "float", 0.0, min=0.0)),
    "sgd": (Param("momentum", "float", 0.0, min=0.0, max=0.999), Param("nesterov", "bool", False)),
    "adam": (_positive("eps", 1e-8),),
    "adamw": (_positive("eps", 1e-8),),
    "rmsprop": (Param("momentum", "float", 0.0, min=0.0, max=0.999), Param("alpha", "float", 0.99, min=0.0, max=1.0),
                _positive("eps", 1e-8)),
}
_SCHEDULE_PARAMS: dict[str, tuple[Param, ...]] = {
    "constant": (),
    "step": (Param("step_size", "int", 10, min=1, doc="epochs between decays"),
             _positive("gamma", 0.1, doc="factor at each decay")),
    "cosine": (Param("min_lr", "float", 0.0, min=0.0),),
    "warmup": (Param("warmup_epochs", "float", 1.0, min=0.0),),
    "warmup_cosine": (Param("warmup_epochs", "float", 1.0, min=0.0), Param("min_lr", "float", 0.0, min=0.0)),
    "one_cycle": (Param("pct_start", "float", 0.3, min=0.0, max=1.0, doc="share of steps spent rising"),
                  _positive("div_factor", 25.0, doc="peak lr / initial lr"),
                  _positive("final_div_factor", 1e4, doc="initial lr / final lr"),
                  Param("cycle_momentum", "bool", True, doc="momentum (or Adam's beta1) cycles 0.95 -> 0.85 -> 0.95")),
}

# The recipe's top-level numbers (device is checked apart: 'cuda:N' is open-ended).
TOP_PARAMS: tuple[Param, ...] = (
    Param("validation_split", "float", 0.2, min=0.0, max=0.9, doc="share of the data held out for validation"),
    Param("batch_size", "int", 64, min=1),
    Param("epochs", "int", 10, min=1),
    _positive("grad_clip", None, optional=True, doc="maximum gradient norm"),
    Param("device", "str", "auto"),
    Param("precision", "choice", "fp32", choices=PRECISIONS),
    Param("seed", "int", 0, min=0),
)


def optimizer_params(name: str) -> tuple[Param, ...]:
    """The options of optimizer `name` (lr first), as the recipe validates them; betas apart."""
    return _OPTIMIZER_PARAMS["common"] + _OPTIMIZER_PARAMS[name]


def schedule_params(name: str) -> tuple[Param, ...]:
    """The options of learning-rate schedule `name`."""
    return _SCHEDULE_PARAMS[name]


@dataclass(frozen=True)
class DatasetConfig:
    name: str
    options: dict[str, Any] = field(default_factory=dict)  # every option, defaults filled


@dataclass(frozen=True)
class OptimizerConfig:
    name: str = "adam"
    lr: float = 0.001
    weight_decay: float = 0.0
    momentum: float = 0.0
    nesterov: bool = False
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    alpha: float = 0.99


@dataclass(frozen=True)
class ScheduleConfig:
    name: str = "constant"
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LossConfig:
    name: str = ""  # "" = the task's default
    label_smoothing: float = 0.0
    class_weights: tuple[float, ...] | None = None
    gamma: float = 2.0  # focal loss focusing parameter (Lin et al. 2017)
    beta: float = 1.0  # weight of the VAE's KL term (beta-VAE; 1 is the ELBO)


@dataclass(frozen=True)
class GanConfig:
    variant: str = "dcgan"
    latent_dim: int = 100
    critic_iters: int = 5
    clip: float | None = 0.01


@dataclass(frozen=True)
class EarlyStopping:
    patience: int = 5
    metric: str = "val_loss"
    min_delta: float = 0.0


@dataclass(frozen=True)
class TrainConfig:
    task: str
    dataset: DatasetConfig
    validation_split: float = 0.2
    batch_size: int = 64
    epochs: int = 10
    optimizer: OptimizerConfig = OptimizerConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    loss: LossConfig = LossConfig()
    gan: GanConfig = GanConfig()
    grad_clip: float | None = None
    early_stopping: EarlyStopping | None = None
    device: str = "auto"
    precision: str = "fp32"
    seed: int = 0

    @property
    def loss_name(self) -> str:
        if self.loss.name:
            return self.loss.name
        if self.task == "gan":
            return "wasserstein" if self.gan.variant == "wgan" else "bce"
        return TASKS[self.task][1]

    @classmethod
    def from_dict(cls, data: Any, where: str = "training") -> TrainConfig:
        """Validate a recipe; raises DocumentError naming the key at fault."""
        return _Reader(where).config(data)

    def to_dict(self) -> dict[str, Any]:
        """The recipe with every default written out (JSON-ready)."""
        def plain(value: Any) -> Any:
            if dataclasses.is_dataclass(value):
                out = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
                options = out.pop("options", None)
                if isinstance(options, dict):
                    out.update(options)
                return out
            if isinstance(value, tuple):
                return [plain(v) for v in value]
            return value

        out = plain(self)
        out["optimizer"] = _optimizer_dict(self.optimizer)
        out["loss"]["name"] = self.loss_name
        return out

    def replace(self, **changes: Any) -> TrainConfig:
        return dataclasses.replace(self, **changes)


def _optimizer_dict(opt: OptimizerConfig) -> dict[str, Any]:
    keys = ["name"] + [p.name for p in _OPTIMIZER_PARAMS["common"] + _OPTIMIZER_PARAMS[opt.name]]
    if opt.name in ("adam", "adamw"):
        keys.append("betas")
    return {k: list(getattr(opt, k)) if k == "betas" else getattr(opt, k) for k in keys}


class _Reader:
    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, key: str, message: str) -> DocumentError:
        return DocumentError(f"{self.where}.{key}" if key else self.where, message)

    def object(self, value: Any, key: str) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(key, f"expected an object, got {_kind(value)}")
        return dict(value)

    def params(self, data: Mapping[str, Any], params: tuple[Param, ...], key: str,
               skip: tuple[str, ...] = ("name",)) -> dict[str, Any]:
        """Validate `data` against `params` (defaults filled); unknown keys are errors."""
        known = {p.name: p for p in params}
        for name in data:
            if name not in known and name not in skip:
                expected = ", ".join(sorted(known)) or "no other keys"
                raise self.fail(f"{key}.{name}" if key else name, f"unknown key (expected {expected})")
        out = {}
        for p in params:
            try:
                out[p.name] = p.validate(data[p.name]) if p.name in data else p.default
            except ParamError as exc:
                raise self.fail(f"{key}.{p.name}" if key else p.name, str(exc)) from None
        return out

    def choice(self, value: Any, choices: tuple[str, ...], key: str) -> str:
        try:
            return Param(key, "choice", choices=choices).validate(value)
        except ParamError as exc:
            raise self.fail(key, str(exc)) from None

    # -- sections ---------------------------------------------------------------------------
    def config(self, data: Any) -> TrainConfig:
        data = self.object(data, "")
        if "task" not in data:
            raise self.fail("task", f"missing (expected one of {', '.join(TASKS)})")
        if "dataset" not in data:
            raise self.fail("dataset", "missing (an object with a 'name')")
        task = self.choice(data["task"], tuple(TASKS), "task")
        top = self.params(data, TOP_PARAMS, "",
                          skip=("task", "dataset", "optimizer", "schedule", "loss", "gan", "early_stopping"))
        device = top["device"]
        if device not in DEVICES and not (device.startswith("cuda:") and device[5:].isdigit()):
            raise self.fail("device", f"expected one of {', '.join(map(repr, DEVICES))} or 'cuda:N', got {device!r}")
        gan = self.gan(data.get("gan", {}))
        config = TrainConfig(
            task=task,
            dataset=self.dataset(data["dataset"], task),
            optimizer=self.optimizer(data.get("optimizer", {})),
            schedule=self.schedule(data.get("schedule", {"name": "constant"})),
            loss=self.loss(data.get("loss", {}), task),
            gan=gan,
            early_stopping=self.early_stopping(data.get("early_stopping")),
            **top,
        )
        return config

    def dataset(self, value: Any, task: str) -> DatasetConfig:
        data = self.object(value, "dataset")
        if "name" not in data:
            raise self.fail("dataset.name", f"missing (expected one of {', '.join(DATASETS)})")
        fits = TASKS[task][0]
        name = self.choice(data["name"], tuple(DATASETS), "dataset.name")
        if name not in fits:
            raise self.fail("dataset.name", f"'{name}' does not fit task {task} (use one of {', '.join(fits)})")
        options = self.params(data, DATASETS[name].options, "dataset")
        if name == "playground":
            regression = options["kind"] in _REGRESSION_KINDS
            if regression != (task == "regression"):
                kinds = "plane, multi_gauss" if task == "regression" else "circle, xor, gauss, spiral"
                raise self.fail("dataset.kind", f"'{options['kind']}' does not fit task {task} (use {kinds})")
        for key in ("path",):
            if key in options and name in ("csv", "image_folder") and not options[key]:
                raise self.fail(f"dataset.{key}", f"{name} needs a path")
        return DatasetConfig(name, options)

    def optimizer(self, value: Any) -> OptimizerConfig:
        data = self.object(value, "optimizer")
        name = self.choice(data.get("name", "adam"), OPTIMIZERS, "optimizer.name")
        params = _OPTIMIZER_PARAMS["common"] + _OPTIMIZER_PARAMS[name]
        skip = ("name", "betas") if name in ("adam", "adamw") else ("name",)
        values = self.params(data, params, "optimizer", skip=skip)
        if "betas" in data:
            betas = data["betas"]
            ok = (isinstance(betas, list) and len(betas) == 2
                  and all(isinstance(b, (int, float)) and not isinstance(b, bool) and 0 <= b < 1 for b in betas))
            if not ok:
                raise self.fail("optimizer.betas", f"expected a list of 2 numbers in [0, 1), got {_show(betas)}")
            values["betas"] = (float(betas[0]), float(betas[1]))
        if values.get("nesterov") and values.get("momentum", 0.0) == 0.0:
            raise self.fail("optimizer.nesterov", "Nesterov momentum needs a momentum above 0")
        return OptimizerConfig(name=name, **values)

    def schedule(self, value: Any) -> ScheduleConfig:
        if isinstance(value, str):  # "schedule": "cosine" is a fair shorthand
            value = {"name": value}
        data = self.object(value, "schedule")
        name = self.choice(data.get("name", "constant"), SCHEDULES, "schedule.name")
        return ScheduleConfig(name, self.params(data, _SCHEDULE_PARAMS[name], "schedule"))

    def loss(self, value: Any, task: str) -> LossConfig:
        if isinstance(value, str):
            value = {"name": value}
        data = self.object(value, "loss")
        name = ""
        if "name" in data:
            name = self.choice(data["name"], tuple(LOSSES), "loss.name")
            if task not in LOSSES[name]:
                fitting = [loss for loss, tasks in LOSSES.items() if task in tasks]
                raise self.fail("loss.name", f"'{name}' does not fit task {task} (use one of {', '.join(fitting)})")
        values = self.params(data, (
            Param("label_smoothing", "float", 0.0, min=0.0, max=0.999),
            _positive("gamma", 2.0, doc="focal loss focusing parameter"),
            Param("beta", "float", 1.0, min=0.0, doc="weight of the VAE's KL term"),
        ), "loss", skip=("name", "class_weights"))
        weights = data.get("class_weights")
        if weights is not None:
            ok = (isinstance(weights, list) and weights and all(
                isinstance(w, (int, float)) and not isinstance(w, bool) and math.isfinite(w) and w >= 0
                for w in weights))
            if not ok:
                raise self.fail("loss.class_weights", f"expected a list of non-negative numbers, or null, "
                                                      f"got {_show(weights)}")
            weights = tuple(float(w) for w in weights)
        return LossConfig(name=name, class_weights=weights, **values)

    def gan(self, value: Any) -> GanConfig:
        data = self.object(value, "gan")
        values = self.params(data, (
            Param("variant", "choice", "dcgan", choices=("dcgan", "wgan")),
            Param("latent_dim", "int", 100, min=1),
            Param("critic_iters", "int", 5, min=1, doc="critic steps per generator step (WGAN)"),
            _positive("clip", 0.01, optional=True, doc="critic weight clipping (WGAN)"),
        ), "gan", skip=())
        return GanConfig(**values)

    def early_stopping(self, value: Any) -> EarlyStopping | None:
        if value is None or value is False:
            return None
        data = self.object(value, "early_stopping")
        values = self.params(data, (
            Param("patience", "int", 5, min=1, doc="epochs without improvement"),
            Param("metric", "str", "val_loss"),
            Param("min_delta", "float", 0.0, min=0.0),
        ), "early_stopping", skip=())
        return EarlyStopping(**values)


def _kind(value: Any) -> str:
    names = {list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number",
             type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, bool) else str(value).lower()
    return "null" if value is None else (text if len(text) <= 60 else text[:57] + "...")
