"""TensorFlow Playground links: the set-up a teacher shares, read into Playground settings and written back.

TensorFlow Playground keeps its whole state in the URL's hash, `name=value` pairs joined by
`&` in the order of its `State.PROPS` (src/state.ts), then one `<control>_hide=true|false`
per control hidden for a classroom. Reading follows its rules: booleans are true unless
"false", numbers are plain decimals, `networkShape` is comma-separated (empty: no hidden
layer), and an empty value leaves the default. What Netsmith cannot act on is said in the
notes, never an error; what it carries without acting on (the other problem's dataset, a
seed that is not a whole number, `initZero`, `collectStats`, ...) rides in `PlaygroundView.kept`
so that a link written back gives TensorFlow Playground the very set-up it came from.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

from engine.playground import FEATURES, PlaygroundError, PlaygroundSettings

__all__ = ["CONTROLS", "PLAYGROUND_URL", "PlaygroundView", "format_link", "parse_link", "seed_of"]

PLAYGROUND_URL = "https://playground.tensorflow.org/"

# TensorFlow Playground's hidable controls (its HIDABLE_CONTROLS), by the name its `_hide` keys use.
CONTROLS = {
    "showTestData": "Show test data",
    "discretize": "Discretize output",
    "playButton": "Play button",
    "stepButton": "Step button",
    "resetButton": "Reset button",
    "learningRate": "Learning rate",
    "activation": "Activation",
    "regularization": "Regularization",
    "regularizationRate": "Regularization rate",
    "problem": "Problem type",
    "dataset": "Which dataset",
    "percTrainData": "Ratio train data",
    "noise": "Noise level",
    "batchSize": "Batch size",
    "numHiddenLayers": "# of hidden layers",
}

# Playground's feature names -> ours; cosX and cosY are in its state but not in its feature column.
_FEATURES = {"x": "x1", "y": "x2", "xTimesY": "x1_times_x2", "xSquared": "x1_squared",
             "ySquared": "x2_squared", "sinX": "sin_x1", "sinY": "sin_x2"}
_CLASSIFICATION = {"circle": "circle", "xor": "xor", "gauss": "gauss", "spiral": "spiral"}
_REGRESSION = {"reg-plane": "plane", "reg-gauss": "multi_gauss"}
_REGULARIZATION = {"none": "none", "L1": "l1", "L2": "l2"}
_ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
_PROBLEMS = ("classification", "regression")
# Keys Netsmith reads but does not act on: written back as they came.
_CARRIED = ("cosX", "cosY", "collectStats", "tutorial", "initZero", "hideText")
# The order of TensorFlow Playground's State.PROPS, which its own links follow.
_ORDER = ("activation", "regularization", "batchSize", "dataset", "regDataset", "learningRate",
          "regularizationRate", "noise", "networkShape", "seed", "showTestData", "discretize",
          "percTrainData", "x", "y", "xTimesY", "xSquared", "ySquared", "cosX", "sinX", "cosY", "sinY",
          "collectStats", "tutorial", "problem", "initZero", "hideText")
_HIDE = "_hide"


@dataclass(frozen=True)
class PlaygroundView:
    """What a Playground link holds besides the training settings: how the output shows, which
    controls a classroom hides (TensorFlow Playground's names, see CONTROLS), and the keys carried unread."""

    show_test_data: bool = False
    discretize: bool = False
    hidden: tuple[str, ...] = ()
    kept: tuple[tuple[str, str], ...] = field(default=())

    def with_hidden(self, control: str, hide: bool) -> PlaygroundView:
        names = (set(self.hidden) | {control}) if hide else (set(self.hidden) - {control})
        return PlaygroundView(self.show_test_data, self.discretize, _ordered(names), self.kept)

    def to_json(self) -> dict[str, Any]:
        """For a document's ui section."""
        return {"show_test_data": self.show_test_data, "discretize": self.discretize,
                "hidden": list(self.hidden), "kept": dict(self.kept)}

    @classmethod
    def from_json(cls, data: Any) -> PlaygroundView:
        """From `to_json`'s form; PlaygroundError names what is malformed."""
        if not isinstance(data, dict):
            raise PlaygroundError("ui.playground.view: expected an object")
        flags = {k: data.get(k, False) for k in ("show_test_data", "discretize")}
        hidden, kept = data.get("hidden", []), data.get("kept", {})
        if not all(isinstance(v, bool) for v in flags.values()):
            raise PlaygroundError("ui.playground.view: show_test_data and discretize are true or false")
        if not isinstance(hidden, list) or not all(isinstance(h, str) for h in hidden):
            raise PlaygroundError("ui.playground.view.hidden: expected a list of control names")
        if not isinstance(kept, dict) or not all(isinstance(v, str) for v in kept.values()):
            raise PlaygroundError("ui.playground.view.kept: expected an object of strings")
        return cls(flags["show_test_data"], flags["discretize"], _ordered(hidden), tuple(sorted(kept.items())))


def _ordered(names) -> tuple[str, ...]:
    """Known controls in Playground's order, then any others alphabetically: one spelling per set."""
    known = [c for c in CONTROLS if c in names]
    return tuple(known + sorted(set(names) - set(CONTROLS)))


def seed_of(text: str) -> int:
    """Our data seed for Playground's seed string: the number itself when it is a whole number,
    otherwise a stable number drawn from the text (Playground seeds its own random generator with
    the text, which no other generator reproduces)."""
    if text.isdigit():
        return int(text)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big") % 1_000_000


def _js_number(value: float) -> str:
    """A number as JavaScript writes it (0.00001, not 1e-05; 3, not 3.0)."""
    if float(value).is_integer():
        return str(int(value))
    return format(Decimal(repr(float(value))), "f")


def _hash(text: str) -> str:
    text = text.strip()
    if "#" in text:
        return text.split("#", 1)[1]
    if "=" in text and "://" not in text:
        return text  # the hash alone
    raise PlaygroundError(f"not a TensorFlow Playground link (no #settings after the address): {text!r}")


def parse_link(text: str) -> tuple[PlaygroundSettings, PlaygroundView, list[str]]:
    """Settings and view of a Playground link (the whole URL, or its hash), and notes on what
    Netsmith does differently or does not know (unknown keys all in one note)."""
    pairs: dict[str, str] = {}
    for part in _hash(text).split("&"):
        if part:
            name, _, value = part.partition("=")
            pairs[unquote(name)] = unquote(value)
    notes: list[str] = []
    unknown = [k for k in pairs if k not in _ORDER and not k.endswith(_HIDE)]
    given = {k: v for k, v in pairs.items() if k in _ORDER and (v.strip() != "" or k == "networkShape")}
    changes: dict[str, Any] = {}
    kept: dict[str, str] = {}

    def number(name: str, low: float, high: float, scale: float = 1.0) -> float | None:
        if name not in given:
            return None
        try:
            value = float(given[name])
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and low <= value <= high):
            notes.append(f"{name}={given[name]}: expected a number from {low:g} to {high:g}; kept the default")
            return None
        return value * scale

    def choice(name: str, options) -> str | None:
        if name not in given:
            return None
        if given[name] not in options:
            notes.append(f"{name}={given[name]}: Netsmith knows {', '.join(options)}; kept the default")
            return None
        return options[given[name]] if isinstance(options, dict) else given[name]

    problem = choice("problem", _PROBLEMS) or "classification"
    changes["problem"] = problem
    for name, setting in (("activation", "activation"), ("regularization", "regularization")):
        value = choice(name, _ACTIVATIONS if name == "activation" else _REGULARIZATION)
        if value is not None:
            changes[setting] = value
    classification, regression = choice("dataset", _CLASSIFICATION), choice("regDataset", _REGRESSION)
    if problem == "classification":
        changes["dataset"] = classification or "circle"
        if regression not in (None, "plane"):
            kept["regDataset"] = given["regDataset"]
    else:
        changes["dataset"] = regression or "plane"
        if classification not in (None, "circle"):
            kept["dataset"] = given["dataset"]
    for name, setting, low, high, scale in (("learningRate", "learning_rate", 1e-9, 10.0, 1.0),
                                            ("regularizationRate", "regularization_rate", 0.0, 10.0, 1.0),
                                            ("noise", "noise", 0.0, 50.0, 0.01),
                                            ("percTrainData", "train_ratio", 10.0, 90.0, 0.01)):
        value = number(name, low, high, scale)
        if value is not None:
            changes[setting] = round(value, 12)  # 0.35, not 0.35000000000000003
    batch = number("batchSize", 1, 10_000)
    if batch is not None:
        if batch.is_integer():
            changes["batch_size"] = int(batch)
        else:
            notes.append(f"batchSize={given['batchSize']}: expected a whole number; kept the default")
    if "networkShape" in given:
        try:
            changes["layers"] = tuple(int(v) for v in given["networkShape"].split(",")) \
                if given["networkShape"].strip() else ()
        except ValueError:
            notes.append(f"networkShape={given['networkShape']}: expected sizes like 4,2; kept 4,2")
    if "seed" in given:
        changes["seed"] = seed_of(given["seed"])
        if not given["seed"].isdigit():
            kept["seed"] = given["seed"]
    on = {k: given[k] != "false" for k in _FEATURES if k in given}
    if on:
        features = tuple(ours for theirs, ours in _FEATURES.items() if on.get(theirs, theirs in ("x", "y")))
        if features:
            changes["features"] = tuple(f for f in FEATURES if f in features)
        else:
            notes.append("no input feature is switched on; Netsmith keeps X1 and X2")
    for name in _CARRIED:
        if name in given and given[name] != "false":  # "false" is each one's default
            kept[name] = given[name]
            if name in ("cosX", "cosY"):
                notes.append(f"{name}: Netsmith has no cosine feature, so its network leaves it out")
            if name == "initZero":
                notes.append("initZero: Netsmith starts from random weights")
    settings = _settings(changes, notes)
    hidden = [k[: -len(_HIDE)] for k, v in pairs.items() if k.endswith(_HIDE) and v == "true"]
    strange = sorted(set(hidden) - set(CONTROLS))
    if strange:
        notes.append(f"hides controls Netsmith does not have: {', '.join(strange)}")
    view = PlaygroundView(given.get("showTestData", "false") != "false", given.get("discretize", "false") != "false",
                          _ordered(hidden), tuple(sorted(kept.items())))
    if unknown:
        notes.append(f"ignored {len(unknown)} unknown key{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}")
    return settings, view, notes


def _settings(changes: dict[str, Any], notes: list[str]) -> PlaygroundSettings:
    """Settings with every change that validates; a change that does not is noted and left at its default."""
    settings = PlaygroundSettings().replace(problem=changes.pop("problem"), dataset=changes.pop("dataset"))
    for name, value in changes.items():
        try:
            settings = settings.replace(**{name: value}).validate()
        except PlaygroundError as exc:
            notes.append(f"{exc}; kept {getattr(settings, name)!r}")
    return settings.validate()


def format_link(settings: PlaygroundSettings, view: PlaygroundView | None = None) -> str:
    """The link TensorFlow Playground opens on this set-up (points of one's own do not travel in a link:
    a custom dataset is written as the problem's first dataset)."""
    view = view or PlaygroundView()
    kept = dict(view.kept)
    s = settings
    regression = s.problem == "regression"
    if regression:
        reg = {v: k for k, v in _REGRESSION.items()}.get(s.dataset, "reg-plane")
        classification = kept.get("dataset", "circle")
    else:
        classification = s.dataset if s.dataset in _CLASSIFICATION else "circle"
        reg = kept.get("regDataset", "reg-plane")
    seed = kept["seed"] if "seed" in kept and seed_of(kept["seed"]) == s.seed else str(s.seed)
    on = {theirs: ours in s.features for theirs, ours in _FEATURES.items()}
    values = {
        "activation": s.activation,
        "regularization": {v: k for k, v in _REGULARIZATION.items()}[s.regularization],
        "batchSize": str(s.batch_size), "dataset": classification, "regDataset": reg,
        "learningRate": _js_number(s.learning_rate), "regularizationRate": _js_number(s.regularization_rate),
        "noise": _js_number(round(s.noise * 100, 9)), "networkShape": ",".join(str(n) for n in s.layers),
        "seed": seed, "showTestData": _flag(view.show_test_data), "discretize": _flag(view.discretize),
        "percTrainData": _js_number(round(s.train_ratio * 100, 9)),
        **{k: _flag(v) for k, v in on.items()},
        "cosX": kept.get("cosX", "false"), "cosY": kept.get("cosY", "false"),
        "collectStats": kept.get("collectStats", "false"), "problem": s.problem,
        "initZero": kept.get("initZero", "false"), "hideText": kept.get("hideText", "false"),
    }
    if "tutorial" in kept:
        values["tutorial"] = kept["tutorial"]
    parts = [f"{name}={values[name]}" for name in _ORDER if name in values]
    parts += [f"{control}{_HIDE}=true" for control in view.hidden]
    return f"{PLAYGROUND_URL}#{'&'.join(parts)}"


def _flag(value: bool) -> str:
    return "true" if value else "false"
