"""TensorFlow Playground on a Netsmith graph: the network as a document, and a session that
trains it one epoch at a time and maps what every neuron computes over the input square.

The network is an ordinary graph, Input(2) -> PlaygroundFeatures -> (Linear -> activation)
x L -> Linear -> Output, so it opens in the editor and exports like any other. A classifier
returns two logits, as every Netsmith classifier does; Playground's single tanh output
neuron is their difference z = l1 - l0 seen through tanh(z / 2) = P(class 1) - P(class 0),
and that is what the output map shows (in [-1, 1], Playground's colour scale).

`PlaygroundSession` steps with the training engine's own pieces (the task's loss and
`Runtime.optimize` around an SGD optimizer from `build_optimizer`, the engine's batch
iterator, and Playground's L1/L2 step from `engine.training.regularization`) without the
Trainer's events. On the CPU the gradient step itself is `MLPBackprop`'s: the same SGD
update written out in numpy on the module's own parameters, 6-7x faster than autograd at
Playground's sizes, so an epoch of 25 steps plus every heatmap fits in an animation frame.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset

from engine.analysis import Analyzer
from engine.compiler import compile_network
from engine.data import DataBundle
from engine.data.playground import CLASSIFICATION_KINDS, EXTENT, REGRESSION_KINDS, playground_points
from engine.document import Document
from engine.inspect.boundary import grid_points
from engine.ops.modules import PlaygroundFeatures
from engine.training.config import DatasetConfig, OptimizerConfig, TrainConfig
from engine.training.loader import batch_indices
from engine.training.mlp_backprop import MLPBackprop
from engine.training.optim import build_optimizer
from engine.training.regularization import PENALTIES, apply_penalty, penalised_weights
from engine.training.tasks import TASK_CLASSES, Runtime, Task
from engine.training.trainer import resolve_device

__all__ = [
    "ACTIVATIONS", "FEATURES", "LEARNING_RATES", "LIVE_SETTINGS", "MAX_LAYERS", "MAX_NEURONS", "REGULARIZATION_RATES",
    "History", "Mark", "PlaygroundError", "PlaygroundFrame", "PlaygroundSession", "PlaygroundSettings",
    "playground_document", "read_document", "read_points_csv",
]

FEATURES = PlaygroundFeatures.names  # x1, x2, x1_squared, x2_squared, x1_times_x2, sin_x1, sin_x2
ACTIVATIONS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "linear": None}  # Playground's -> op
PROBLEMS = ("classification", "regression")
MAX_LAYERS = 8  # Playground stops at 6
MAX_NEURONS = 64  # Playground stops at 8
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)  # Playground's menu
REGULARIZATION_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)


class PlaygroundError(ValueError):
    """Settings, data or a document the Playground cannot use; the message says which and why."""


@dataclass(frozen=True)
class PlaygroundSettings:
    """Everything Playground's controls set. `dataset` "custom" means points given by the user."""

    dataset: str = "circle"
    noise: float = 0.0  # 0 to 0.5: the slider's 0-50 %
    train_ratio: float = 0.5
    batch_size: int = 10
    features: tuple[str, ...] = ("x1", "x2")
    layers: tuple[int, ...] = (4, 2)
    activation: str = "tanh"
    learning_rate: float = 0.03
    regularization: str = "none"
    regularization_rate: float = 0.0
    problem: str = "classification"
    seed: int = 0  # the data's; Regenerate draws a new one

    def replace(self, **changes: Any) -> PlaygroundSettings:
        return dataclasses.replace(self, **changes)

    def validate(self) -> PlaygroundSettings:
        """Raise PlaygroundError naming the first setting out of range; returns self."""
        kinds = {"classification": CLASSIFICATION_KINDS, "regression": REGRESSION_KINDS}
        if self.problem not in PROBLEMS:
            raise PlaygroundError(f"problem: expected classification or regression, got {self.problem!r}")
        if self.dataset != "custom" and self.dataset not in kinds[self.problem]:
            raise PlaygroundError(f"dataset: '{self.dataset}' is not a {self.problem} set "
                                  f"(use one of {', '.join(kinds[self.problem])}, or custom points)")
        if not 0.0 <= self.noise <= 0.5:
            raise PlaygroundError(f"noise: expected 0 to 0.5 (0-50 %), got {self.noise:g}")
        if not 0.1 <= self.train_ratio <= 0.9:
            raise PlaygroundError(f"train_ratio: expected 0.1 to 0.9, got {self.train_ratio:g}")
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise PlaygroundError(f"batch_size: expected a whole number from 1, got {self.batch_size!r}")
        unknown = [f for f in self.features if f not in FEATURES]
        if unknown:
            raise PlaygroundError(f"features: unknown {', '.join(unknown)} (known: {', '.join(FEATURES)})")
        if not self.features:
            raise PlaygroundError("features: switch on at least one feature")
        if len(self.layers) > MAX_LAYERS:
            raise PlaygroundError(f"layers: at most {MAX_LAYERS} hidden layers, got {len(self.layers)}")
        for i, n in enumerate(self.layers):
            if not isinstance(n, int) or not 1 <= n <= MAX_NEURONS:
                raise PlaygroundError(f"layers[{i}]: expected 1 to {MAX_NEURONS} neurons, got {n!r}")
        if self.activation not in ACTIVATIONS:
            raise PlaygroundError(f"activation: expected one of {', '.join(ACTIVATIONS)}, got {self.activation!r}")
        if not (math.isfinite(self.learning_rate) and 0.0 < self.learning_rate <= 10.0):
            raise PlaygroundError(f"learning_rate: expected a number in (0, 10], got {self.learning_rate:g}")
        if self.regularization not in PENALTIES:
            raise PlaygroundError(f"regularization: expected one of {', '.join(PENALTIES)}, "
                                  f"got {self.regularization!r}")
        if not (math.isfinite(self.regularization_rate) and 0.0 <= self.regularization_rate <= 10.0):
            raise PlaygroundError(f"regularization_rate: expected 0 to 10, got {self.regularization_rate:g}")
        return self

    @property
    def outputs(self) -> int:
        return 2 if self.problem == "classification" else 1


# -- the network as a document -----------------------------------------------------------------


def _activation_id(activation: str, layer: int) -> str:
    return f"{activation}{layer}"


def playground_document(settings: PlaygroundSettings, title: str = "Playground MLP") -> Document:
    """The network of `settings` as a document, with a recipe that trains it as the Playground does.

    L2 is written as the optimizer's weight decay (for SGD the same step, but on biases too);
    L1 has no place in the recipe and is left out.
    """
    settings.validate()
    doc = Document()
    doc.meta = {"title": title, "task": settings.problem, "input_shape": [2],
                "link": "https://playground.tensorflow.org"}
    graph = doc.add_network("model")
    graph.add_node("Input", {"kind": "vector", "shape": [2]}, id="x")
    graph.add_node("PlaygroundFeatures", {name: name in settings.features for name in FEATURES}, id="features")
    graph.connect(("x", "out"), ("features", "x"))
    previous = "features"
    op = ACTIVATIONS[settings.activation]
    for i, units in enumerate(settings.layers, start=1):
        graph.add_node("Linear", {"out_features": units}, id=f"fc{i}")
        graph.connect((previous, "out"), (f"fc{i}", "x"))
        previous = f"fc{i}"
        if op is not None:
            act = _activation_id(settings.activation, i)
            graph.add_node(op, {}, id=act)
            graph.connect((previous, "out"), (act, "x"))
            previous = act
    last = f"fc{len(settings.layers) + 1}"
    graph.add_node("Linear", {"out_features": settings.outputs}, id=last)
    graph.connect((previous, "out"), (last, "x"))
    output = "logits" if settings.problem == "classification" else "prediction"
    graph.add_node("Output", {}, id=output)
    graph.connect((last, "out"), (output, "x"))
    dataset = ({"name": "playground", "kind": settings.dataset, "noise": settings.noise,
                "train_ratio": settings.train_ratio} if settings.dataset != "custom"
               else {"name": "playground", "kind": "circle" if settings.problem == "classification" else "plane"})
    optimizer: dict[str, Any] = {"name": "sgd", "lr": settings.learning_rate}
    if settings.regularization == "l2" and settings.regularization_rate > 0:
        optimizer["weight_decay"] = settings.regularization_rate
    doc.training = {"task": settings.problem, "dataset": dataset, "batch_size": settings.batch_size,
                    "epochs": 100, "optimizer": optimizer, "seed": settings.seed}
    return doc


def _effective_params(doc: Document, node) -> dict[str, Any]:
    spec = doc.resolve(node.op)
    return {p.name: node.params.get(p.name, p.default) for p in spec.params} if spec is not None else {}


def read_document(doc: Document, network: str | None = None) -> tuple[PlaygroundSettings, list[str]]:
    """The Playground settings of a document whose network is a Playground-shaped MLP, and notes
    on what the Playground changes (e.g. its optimizer); PlaygroundError says why any other is refused.

    Accepted: Input (a vector of 2) -> PlaygroundFeatures -> up to 8 x (Linear [-> ReLU | Tanh |
    Sigmoid], one activation for all) -> Linear (2 logits or 1 value) -> Output, in one chain.
    """
    try:
        graph = doc.network(network)
    except KeyError as exc:
        raise PlaygroundError(str(exc.args[0])) from None
    where = f"network '{network or 'model'}'"
    refuse = "the Playground opens only Input(2) -> PlaygroundFeatures -> Linear/activation layers -> Linear -> Output"

    def fail(message: str) -> PlaygroundError:
        return PlaygroundError(f"{where}: {message}; {refuse}")

    blocks = [n.id for n in graph.nodes.values() if n.op in doc.blocks]
    if blocks:
        raise fail(f"{', '.join(blocks)} {'is a block' if len(blocks) == 1 else 'are blocks'}")
    inputs = [n for n in graph.nodes.values() if n.op == "Input"]
    if len(inputs) != 1:
        raise fail(f"it has {len(inputs)} Input nodes, not 1")
    chain = [inputs[0]]
    while True:
        node = chain[-1]
        ends = [e.dst for e in graph.edges if e.src.node == node.id]
        if not ends:
            break
        if len(ends) > 1:
            names = ", ".join(e.node for e in ends)
            raise fail(f"'{node.id}' feeds {len(ends)} nodes ({names}), so the graph branches")
        chain.append(graph.nodes[ends[0].node])
    if len(chain) != len(graph.nodes):
        stray = sorted(set(graph.nodes) - {n.id for n in chain})
        raise fail(f"{', '.join(stray)} {'is' if len(stray) == 1 else 'are'} not on the chain from the Input")
    ops = [n.op for n in chain]
    params = [_effective_params(doc, n) for n in chain]
    if params[0].get("kind") not in ("vector", "tensor") or list(params[0].get("shape", ())) != [2]:
        raise fail(f"the Input '{chain[0].id}' is not a vector of 2 (shape {list(params[0].get('shape', ()))})")
    if len(chain) < 4 or ops[1] != "PlaygroundFeatures":
        raise fail("the Input does not feed a PlaygroundFeatures node")
    if ops[-1] != "Output" or ops[-2] != "Linear":
        raise fail("it does not end with Linear -> Output")
    features = tuple(name for name in FEATURES if params[1][name])
    reverse = {op: name for name, op in ACTIVATIONS.items() if op is not None}
    layers: list[int] = []
    activations: list[str] = []
    i = 2
    body = chain[:-2]
    while i < len(body):
        node, p = body[i], params[i]
        if node.op != "Linear":
            raise fail(f"'{node.id}' is {node.op} where a Linear layer should be")
        if not p["bias"]:
            raise fail(f"'{node.id}' has no bias (Playground's neurons all have one)")
        layers.append(int(p["out_features"]))
        following = body[i + 1] if i + 1 < len(body) else None
        if following is not None and following.op in reverse:
            activations.append(reverse[following.op])
            i += 2
        elif following is None or following.op == "Linear":
            activations.append("linear")
            i += 1
        else:
            raise fail(f"'{following.id}' is {following.op}; hidden layers use ReLU, Tanh, Sigmoid or nothing")
    if not params[-2]["bias"]:
        raise fail(f"'{chain[-2].id}' has no bias (Playground's neurons all have one)")
    if len(set(activations)) > 1:
        named = ", ".join(f"layer {k + 1}: {a}" for k, a in enumerate(activations))
        raise fail(f"the hidden layers use different activations ({named}), the Playground one for all")
    if len(layers) > MAX_LAYERS:
        raise fail(f"it has {len(layers)} hidden layers, the Playground at most {MAX_LAYERS}")
    wide = [f"layer {k + 1} has {n}" for k, n in enumerate(layers) if n > MAX_NEURONS]
    if wide:
        raise fail(f"{', '.join(wide)} neurons, the Playground at most {MAX_NEURONS}")
    outputs = int(params[-2]["out_features"])
    recipe = doc.training or {}
    task = recipe.get("task")
    problem = "regression" if task == "regression" else "classification"
    if task not in (None, "classification", "regression"):
        raise fail(f"its recipe's task is {task}, the Playground does classification or regression")
    if problem == "regression" and outputs != 1:
        raise fail(f"a regression network ends with 1 value, '{chain[-2].id}' gives {outputs}")
    if problem == "classification" and outputs not in (1, 2):
        raise fail(f"a Playground classifier ends with 2 logits (or 1), '{chain[-2].id}' gives {outputs}")
    notes: list[str] = []
    values: dict[str, Any] = {"features": features, "layers": tuple(layers),
                              "activation": activations[0] if activations else "tanh", "problem": problem}
    dataset = recipe.get("dataset") or {}
    if dataset.get("name") == "playground":
        kind = dataset.get("kind", "circle" if problem == "classification" else "plane")
        if kind in (CLASSIFICATION_KINDS if problem == "classification" else REGRESSION_KINDS):
            values["dataset"] = kind
        values["noise"] = float(dataset.get("noise", 0.0))
        values["train_ratio"] = float(dataset.get("train_ratio", 0.5))
    elif dataset:
        notes.append(f"the recipe's dataset '{dataset.get('name')}' is not a Playground set: showing "
                     f"{'circle' if problem == 'classification' else 'plane'}")
    if "dataset" not in values:
        values["dataset"] = "circle" if problem == "classification" else "plane"
    if "batch_size" in recipe:
        values["batch_size"] = int(recipe["batch_size"])
    optimizer = recipe.get("optimizer") or {}
    if "lr" in optimizer:
        values["learning_rate"] = float(optimizer["lr"])
    if optimizer.get("name", "sgd") != "sgd":
        notes.append(f"the recipe trains with {optimizer['name']}; the Playground uses SGD at its learning rate")
    if optimizer.get("weight_decay"):
        values["regularization"] = "l2"
        values["regularization_rate"] = float(optimizer["weight_decay"])
    if "seed" in recipe:
        values["seed"] = int(recipe["seed"])
    try:
        settings = PlaygroundSettings(**values).validate()
    except PlaygroundError as exc:
        raise PlaygroundError(f"{where}: {exc}") from None
    return settings, notes


# -- custom points ------------------------------------------------------------------------------


def read_points_csv(path: str | Path) -> tuple[np.ndarray, np.ndarray, str]:
    """2-D points with labels from a CSV file: x1, x2, label per row (a header row is optional).

    Labels 0/1 or -1/+1 make a classification set (class 1 is +1); any other numbers
    a regression set. Returns (points (N, 2), labels (N,), problem). Points must lie in
    Playground's square [-6, 6]².
    """
    path = Path(path).expanduser()
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            rows = [row for row in csv.reader(fh) if row and any(cell.strip() for cell in row)]
    except OSError as exc:
        raise PlaygroundError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise PlaygroundError(f"{path}: not UTF-8 text") from None
    values: list[tuple[float, float, float]] = []
    for line, row in enumerate(rows, start=1):
        if len(row) < 3:
            raise PlaygroundError(f"{path.name} line {line}: expected 3 columns (x1, x2, label), got {len(row)}")
        try:
            x1, x2, label = (float(cell) for cell in row[:3])
        except ValueError:
            if line == 1 and not values:
                continue  # a header
            raise PlaygroundError(f"{path.name} line {line}: {', '.join(row[:3])} are not all numbers") from None
        if not all(math.isfinite(v) for v in (x1, x2, label)):
            raise PlaygroundError(f"{path.name} line {line}: values must be finite numbers")
        if abs(x1) > 6 or abs(x2) > 6:
            raise PlaygroundError(f"{path.name} line {line}: the point ({x1:g}, {x2:g}) lies outside "
                                  "Playground's square [-6, 6]²; scale the data to fit")
        values.append((x1, x2, label))
    if len(values) < 2:
        raise PlaygroundError(f"{path.name}: needs at least 2 points, found {len(values)}")
    array = np.array(values, dtype=np.float64)
    labels = array[:, 2]
    if set(np.unique(labels)) <= {0.0, 1.0} or set(np.unique(labels)) <= {-1.0, 1.0}:
        return array[:, :2].astype(np.float32), (labels > 0).astype(np.int64), "classification"
    return array[:, :2].astype(np.float32), labels.astype(np.float32), "regression"


# -- the session --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaygroundFrame:
    """What one animation frame shows. Maps are (R, R) with row i at ys[i] (rows go up in y),
    column j at xs[j], as `engine.inspect.boundary.grid_points` lays them out."""

    epoch: int
    output: np.ndarray  # Playground's output neuron: P(1) - P(0) = tanh(z / 2), or the regressed value
    neurons: list[np.ndarray]  # per hidden layer: (units, R, R), each neuron's activation
    train_loss: float
    test_loss: float
    train_accuracy: float | None = None
    test_accuracy: float | None = None


@dataclass
class _Data:
    points: np.ndarray  # (N, 2), training points first
    labels: np.ndarray  # (N,)
    train_count: int

    @property
    def train(self) -> tuple[np.ndarray, np.ndarray]:
        return self.points[: self.train_count], self.labels[: self.train_count]

    @property
    def test(self) -> tuple[np.ndarray, np.ndarray]:
        return self.points[self.train_count:], self.labels[self.train_count:]


@dataclass(frozen=True)
class Mark:
    """A change made while training, drawn on the loss curve."""

    epoch: int
    text: str


@dataclass
class History:
    """The loss curve: both losses at each epoch a frame was taken, and the changes made on the way."""

    epochs: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)


LIVE_SETTINGS = ("learning_rate", "regularization", "regularization_rate", "batch_size")  # change while training
_NETWORK = ("features", "layers", "activation", "problem")
_DATA = ("dataset", "noise", "train_ratio", "seed")


class PlaygroundSession:
    """A Playground network with its data, trained an epoch at a time; Qt-free.

    `step()` trains one epoch (Playground's step button), `frame()` evaluates the output
    map, every neuron's map and both losses in one batched forward, `update()` changes
    settings as Playground does (the learning rate and regularisation live, the rest by
    resetting). `threads` is the number of torch threads while stepping (tiny models are
    fastest on one; None leaves torch's setting alone). `backprop` is "auto" (`MLPBackprop`
    on the CPU, autograd elsewhere) or "autograd" (always the optimizer and `backward()`).
    """

    def __init__(
        self,
        settings: PlaygroundSettings | None = None,
        *,
        points: tuple[np.ndarray, np.ndarray] | None = None,
        device: str | torch.device = "auto",
        resolution: int = 100,
        threads: int | None = 1,
        weights: Mapping[str, torch.Tensor] | None = None,
        backprop: str = "auto",
    ) -> None:
        if backprop not in ("auto", "autograd"):
            raise PlaygroundError(f"backprop must be 'auto' or 'autograd', not {backprop!r}")
        self.backprop = backprop
        settings = (settings or PlaygroundSettings()).validate()
        if points is not None and settings.dataset != "custom":
            settings = settings.replace(dataset="custom")
        self.settings = settings
        self.device = resolve_device(device) if isinstance(device, str) else torch.device(device)
        self.resolution = int(resolution)
        self.threads = threads
        self.extent = EXTENT
        self.xs, self.ys, grid = grid_points(EXTENT, self.resolution)
        self._grid = grid.to(self.device)
        self._resets = 0
        self._analyzer = Analyzer()  # its cache makes + and - rebuild only the layers that changed
        self.epoch = 0
        self.history = History()
        self._custom = points
        self._data = self._make_data()
        self._build()
        if weights is not None:
            self.load_weights(weights)

    # -- data -------------------------------------------------------------------------------
    def _make_data(self) -> _Data:
        s = self.settings
        if s.dataset == "custom":
            if self._custom is None:
                raise PlaygroundError("dataset 'custom' needs points (load a CSV or draw them)")
            xy, labels = self._custom
            order = np.random.default_rng(s.seed).permutation(len(xy))
            xy, labels = np.asarray(xy, np.float32)[order], np.asarray(labels)[order]
        else:
            xy, labels = playground_points(s.dataset, s.noise, seed=s.seed)
        labels = labels.astype(np.int64 if s.problem == "classification" else np.float32)
        return _Data(xy.astype(np.float32), labels, int(math.floor(len(xy) * s.train_ratio)))

    @property
    def points(self) -> np.ndarray:
        return self._data.points

    @property
    def labels(self) -> np.ndarray:
        return self._data.labels

    @property
    def train_count(self) -> int:
        return self._data.train_count

    def _tensors(self, xy: np.ndarray, labels: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        x = torch.from_numpy(np.ascontiguousarray(xy)).to(self.device)
        y = torch.from_numpy(np.ascontiguousarray(labels)).to(self.device)
        return x, (y if self.settings.problem == "classification" else y.reshape(-1, 1))

    # -- network ----------------------------------------------------------------------------
    def _build(self) -> None:
        """Compile the network afresh (new weights) and set up its task and optimizer."""
        s = self.settings
        self.document = playground_document(s)
        graph = self.document.network()
        analysis = self._analyzer.analyze(graph)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(s.seed * 1009 + self._resets)
            self.module = compile_network(graph, analysis=analysis, class_name="PlaygroundMLP").to(self.device)
        self.linear_ids = [f"fc{i}" for i in range(1, len(s.layers) + 2)]
        op = ACTIVATIONS[s.activation]
        self.neuron_ids = [_activation_id(s.activation, i) if op is not None else f"fc{i}"
                           for i in range(1, len(s.layers) + 1)]
        self.epoch = 0
        self.history = History()
        self._bind()

    def _bind(self) -> None:
        """The task, optimizer and data tensors the steps use (after a new network or new data)."""
        s = self.settings
        classes = s.problem == "classification"
        # The data sets are filled in by _bind_data, which also serves new points for this network.
        bundle = DataBundle("playground", None, None, (2,), target="class" if classes else "value",
                            num_classes=2 if classes else None, extent=EXTENT)
        optimizer_cfg = OptimizerConfig(name="sgd", lr=s.learning_rate)
        config = TrainConfig(task=s.problem, dataset=DatasetConfig("playground", {"kind": s.dataset}),
                             batch_size=s.batch_size, optimizer=optimizer_cfg, seed=s.seed)
        self.optimizer = build_optimizer(self.module.parameters(), optimizer_cfg)
        for group in self.optimizer.param_groups:
            # One multi-tensor update instead of a Python loop over parameters (torch picks the
            # loop on CPU); the same arithmetic, a tenth of a millisecond less per step here.
            group["foreach"] = True
        generator = torch.Generator().manual_seed(s.seed * 7919 + self._resets)
        runtime = Runtime(self.device, {"model": self.optimizer},
                          {"model": torch.amp.GradScaler(self.device.type, enabled=False)}, generator=generator)
        self.task: Task = TASK_CLASSES[s.problem](config, bundle, {"model": self.module})
        self.task.bind(runtime)
        self._weights = penalised_weights(self.module)
        self._loss = self.task.loss if classes else lambda out, y: self.task.loss_fn(out.float(), y)
        linears = [self.module.get_submodule(i) for i in self.linear_ids]
        self._backprop = (MLPBackprop(linears, s.activation, config.loss_name)
                          if self.backprop == "auto" and MLPBackprop.supports(linears) else None)
        self._bind_data()

    # -- controls -----------------------------------------------------------------------------
    def update(self, **changes: Any) -> str:
        """Change settings; returns what that did: "none", "live" (learning rate, regularisation,
        batch size: applied from the next step and marked on the loss curve), "network" (a new
        network) or "data" (new points and a new network)."""
        new = self.settings.replace(**changes).validate()
        changed = {k for k in changes if getattr(new, k) != getattr(self.settings, k)}
        if not changed:
            return "none"
        old, self.settings = self.settings, new
        if changed & set(_DATA) or (changed & {"problem"} and new.dataset != "custom"):
            self._data = self._make_data()
            self._build()
            return "data"
        if changed & set(_NETWORK):
            if "problem" in changed:
                self._data = self._make_data()
            self._build()
            return "network"
        if "learning_rate" in changed:
            for group in self.optimizer.param_groups:
                group["lr"] = new.learning_rate
        if "batch_size" in changed:
            self.task.config = self.task.config.replace(batch_size=new.batch_size)
        self.history.marks.append(Mark(self.epoch, _describe_change(old, new, changed)))
        return "live"

    def reset(self) -> None:
        """New random weights, epoch 0 (Playground's reset button)."""
        self._resets += 1
        self._build()

    def regenerate(self, seed: int | None = None) -> None:
        """New points of the same kind (a new seed) for the same network, which trains on from where it
        is, as Playground's Regenerate does; the loss curve marks where the data changed."""
        self.settings = self.settings.replace(seed=self.settings.seed + 1 if seed is None else seed)
        self._data = self._make_data()
        self._bind_data()
        self.history.marks.append(Mark(self.epoch, "new data"))

    def set_points(self, points: np.ndarray, labels: np.ndarray, problem: str | None = None) -> None:
        """Use these points (split by the training ratio after a seeded shuffle) and a new network."""
        points = np.asarray(points, np.float32).reshape(-1, 2)
        labels = np.asarray(labels)
        if len(points) != len(labels) or len(points) < 2:
            raise PlaygroundError(f"expected as many labels as points, and 2 points or more "
                                  f"(got {len(points)} points, {len(labels)} labels)")
        self._custom = (points, labels)
        self.settings = self.settings.replace(dataset="custom", problem=problem or self.settings.problem).validate()
        self._data = self._make_data()
        self._build()

    def add_point(self, x: float, y: float, label: float) -> None:
        """Add a training point (class 1 or 0, or a value) without resetting anything."""
        d = self._data
        value = np.array([label], dtype=d.labels.dtype)
        d.points = np.insert(d.points, d.train_count, np.array([[x, y]], np.float32), axis=0)
        d.labels = np.insert(d.labels, d.train_count, value)
        d.train_count += 1
        self._custom = (d.points, d.labels)
        if self.settings.dataset != "custom":
            self.settings = self.settings.replace(dataset="custom")
        self._bind_data()

    def _bind_data(self) -> None:
        """New data tensors for the same network, task and optimizer."""
        train_x, train_y = self._tensors(*self._data.train)
        test_x, test_y = self._tensors(*self._data.test)
        self._train, self._test = (train_x, train_y), (test_x, test_y)
        self.task.data.train = TensorDataset(train_x, train_y)
        self.task.data.val = TensorDataset(test_x, test_y) if len(test_x) else None
        self._probe = torch.cat([self._grid, train_x, test_x])
        if self._backprop is not None:
            # The features have no parameters: computed once by the graph's own op, not every step.
            with torch.no_grad():
                features = self.module.get_submodule("features")(train_x)
            # As numpy arrays: a batch is then a numpy gather (about a microsecond; torch's cost several).
            self._features = (features.numpy(), train_y.numpy())

    # -- training -------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _threads(self) -> Iterator[None]:
        before = torch.get_num_threads()
        if self.threads is None or self.threads == before:
            yield
            return
        torch.set_num_threads(self.threads)
        try:
            yield
        finally:
            torch.set_num_threads(before)

    def step(self, epochs: int = 1) -> None:
        """Train `epochs` epochs: shuffled batches, one optimizer step and one penalty step each."""
        s, task = self.settings, self.task
        penalty = None
        if s.regularization != "none" and s.regularization_rate > 0:
            def penalty() -> None:
                apply_penalty(self._weights, s.regularization, s.regularization_rate, s.learning_rate)
        with self._threads():
            self.module.train()
            for _ in range(epochs):
                if self._backprop is not None:
                    # The batches task.batches would give (same order, same generator), of features.
                    x, y = self._features
                    indices = batch_indices(len(x), task.config.batch_size, shuffle=True, generator=task.rt.generator)
                    batches = ((x[i], y[i]) for i in map(torch.Tensor.numpy, indices))
                    self._backprop.epoch(batches, s.learning_rate, penalty)
                else:
                    for x, y in task.batches("train"):
                        # Classification.train_step without its running metrics and auxiliary outputs:
                        # frame() measures both losses on every point anyway.
                        task.rt.optimize("model", self._loss(self.module(x), y))
                        if penalty is not None:
                            penalty()
                self.epoch += 1

    @torch.no_grad()
    def frame(self, record: bool = True) -> PlaygroundFrame:
        """Output map, neuron maps and the losses, from one forward pass over grid, training and test points.

        With `record`, the losses join the history (the loss curve) unless this epoch is there already.
        """
        caught: dict[str, torch.Tensor] = {}
        handles = []
        r2 = self.resolution * self.resolution

        for node_id in self.neuron_ids:
            def hook(module: nn.Module, args: tuple, output: torch.Tensor, node_id: str = node_id) -> None:
                caught[node_id] = output[:r2]

            handles.append(self.module.get_submodule(node_id).register_forward_hook(hook))
        with self._threads():
            self.module.eval()
            try:
                out = self.module(self._probe)
            finally:
                for handle in handles:
                    handle.remove()
                self.module.train()
            out = out[0] if isinstance(out, (tuple, list)) else out
            n_train = len(self._train[0])
            grid_out, train_out, test_out = out[:r2], out[r2:r2 + n_train], out[r2 + n_train:]
            shape = (self.resolution, self.resolution)
            output = self.output_value(grid_out).reshape(shape)
            neurons = [caught[i].T.reshape(-1, *shape) for i in self.neuron_ids]
            train_loss, train_acc = self._metrics(train_out, self._train[1])
            test_loss, test_acc = self._metrics(test_out, self._test[1])
            frame = PlaygroundFrame(self.epoch, output.float().cpu().numpy(),
                                    [n.float().cpu().numpy() for n in neurons],
                                    train_loss, test_loss, train_acc, test_acc)
        if record:
            self._record(train_loss, test_loss)
        return frame

    @torch.no_grad()
    def evaluate(self, record: bool = True) -> tuple[float, float, float | None, float | None]:
        """Training and test loss (and accuracy) without the maps: one forward over the data points."""
        with self._threads():
            self.module.eval()
            try:
                out = self.module(self._probe[self.resolution * self.resolution:])
            finally:
                self.module.train()
            out = out[0] if isinstance(out, (tuple, list)) else out
            n_train = len(self._train[0])
            train_loss, train_acc = self._metrics(out[:n_train], self._train[1])
            test_loss, test_acc = self._metrics(out[n_train:], self._test[1])
        if record:
            self._record(train_loss, test_loss)
        return train_loss, test_loss, train_acc, test_acc

    def _record(self, train_loss: float, test_loss: float) -> None:
        """Add this epoch's losses to the history (the loss curve), once per epoch."""
        if not self.history.epochs or self.history.epochs[-1] != self.epoch:
            self.history.epochs.append(self.epoch)
            self.history.train_loss.append(train_loss)
            self.history.test_loss.append(test_loss)

    def output_value(self, out: torch.Tensor) -> torch.Tensor:
        """Playground's output neuron from the network's output: tanh(z / 2) of the logit margin, or the value."""
        if self.settings.problem == "regression":
            return out[:, 0]
        z = out[:, 1] - out[:, 0] if out.shape[1] == 2 else out[:, 0]
        return torch.tanh(z / 2)

    def _metrics(self, out: torch.Tensor, target: torch.Tensor) -> tuple[float, float | None]:
        if len(out) == 0:
            return float("nan"), None
        if self.settings.problem == "regression":
            return float(self.task.loss_fn(out.float(), target)), None
        loss = self.task.loss(out, target)
        accuracy = (self.task.predict(out) == target).float().mean()
        return float(loss), float(accuracy)

    def predict(self, points: np.ndarray | torch.Tensor) -> np.ndarray:
        """Playground's output value at each (x1, x2) point."""
        x = torch.as_tensor(np.asarray(points, np.float32)).reshape(-1, 2).to(self.device)
        with torch.no_grad(), self._threads():
            self.module.eval()
            try:
                out = self.module(x)
            finally:
                self.module.train()
        return self.output_value(out).float().cpu().numpy()

    def feature_maps(self) -> dict[str, np.ndarray]:
        """Every feature over the grid, (R, R) each, whether switched on or not (the first column)."""
        everything = PlaygroundFeatures(**{name: True for name in FEATURES})
        values = everything(self._grid.cpu())
        shape = (self.resolution, self.resolution)
        return {name: values[:, i].reshape(shape).numpy() for i, name in enumerate(FEATURES)}

    # -- weights ----------------------------------------------------------------------------------
    def layer_weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """(weight (out, in), bias (out,)) of every Linear layer; the output layer as Playground's single
        neuron (for two logits, their difference: the weights of z = l1 - l0)."""
        result = []
        for k, node_id in enumerate(self.linear_ids):
            layer = self.module.get_submodule(node_id)
            w, b = layer.weight.detach().float().cpu().numpy(), layer.bias.detach().float().cpu().numpy()
            if k == len(self.linear_ids) - 1 and w.shape[0] == 2:
                w, b = (w[1] - w[0])[None, :], np.array([b[1] - b[0]], np.float32)
            result.append((w, b))
        return result

    @torch.no_grad()
    def set_weight(self, layer: int, target: int, source: int, value: float) -> None:
        """Set the weight from neuron `source` of the layer before to neuron `target` of Linear layer `layer`.

        For the two-logit output, the difference of the two logits' weights becomes `value` (their sum stays).
        """
        module = self.module.get_submodule(self.linear_ids[layer])
        w = module.weight
        if layer == len(self.linear_ids) - 1 and w.shape[0] == 2:
            middle = float(w[0, source] + w[1, source]) / 2
            w[0, source], w[1, source] = middle - value / 2, middle + value / 2
        else:
            w[target, source] = value

    @torch.no_grad()
    def set_bias(self, layer: int, target: int, value: float) -> None:
        module = self.module.get_submodule(self.linear_ids[layer])
        b = module.bias
        if layer == len(self.linear_ids) - 1 and b.shape[0] == 2:
            middle = float(b[0] + b[1]) / 2
            b[0], b[1] = middle - value / 2, middle + value / 2
        else:
            b[target] = value

    def state_dict(self) -> dict[str, torch.Tensor]:
        """The weights by parameter name (the node ids: fc1.weight, ...), on the CPU."""
        return {k: v.detach().cpu().clone() for k, v in self.module.state_dict().items()}

    def load_weights(self, weights: Mapping[str, torch.Tensor]) -> None:
        """Load weights by name; PlaygroundError lists what does not fit (nothing is loaded then)."""
        expected = self.module.state_dict()
        problems = [f"missing {k}" for k in expected if k not in weights]
        problems += [f"unexpected {k}" for k in weights if k not in expected]
        problems += [f"{k}: the network has {tuple(v.shape)}, the weights {tuple(weights[k].shape)}"
                     for k, v in expected.items() if k in weights and tuple(weights[k].shape) != tuple(v.shape)]
        if problems:
            raise PlaygroundError("the weights do not fit the network: " + "; ".join(problems))
        self.module.load_state_dict({k: torch.as_tensor(v, dtype=torch.float32) for k, v in weights.items()})

    def to_document(self, title: str = "Playground MLP") -> Document:
        """The current network as a document (its recipe trains it as here); weights travel separately."""
        return playground_document(self.settings, title)


def _describe_change(old: PlaygroundSettings, new: PlaygroundSettings, changed: set[str]) -> str:
    parts = []
    if "learning_rate" in changed:
        parts.append(f"lr {new.learning_rate:g}")
    if changed & {"regularization", "regularization_rate"}:
        parts.append("no reg." if new.regularization == "none" or new.regularization_rate == 0
                     else f"{new.regularization.upper()} {new.regularization_rate:g}")
    if "batch_size" in changed:
        parts.append(f"batch {new.batch_size}")
    return ", ".join(parts)
