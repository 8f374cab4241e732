"""`netsmith playground`: the Playground window, or a headless run that prints its outcome as JSON.

    netsmith playground                                  # the window
    netsmith playground --dataset spiral --features x1,x2,sin1,sin2 --layers 8,8 --lr 0.1 --epochs 150
    netsmith playground --epochs 100 --screenshot playground.png
    netsmith playground --link "https://playground.tensorflow.org/#activation=relu&networkShape=8,8&..."

With --epochs, --json or --screenshot it runs without a window (the screenshot renders the
window offscreen) and prints one JSON object: the final training and test loss, and the
accuracies for classification. --document opens a document whose network is a Playground
MLP (e.g. the playground_mlp template); --link opens a TensorFlow Playground link (its
set-up, and the controls it hides); the other options override either's settings.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from engine.playground import ACTIVATIONS, FEATURES, PlaygroundError, PlaygroundSession, PlaygroundSettings
from engine.training.regularization import PENALTIES

HELP = "TensorFlow Playground on a Netsmith graph: the window, or a headless run"

FEATURE_ALIASES = {
    "x1": "x1", "x2": "x2",
    "x1sq": "x1_squared", "x1^2": "x1_squared", "x1_squared": "x1_squared",
    "x2sq": "x2_squared", "x2^2": "x2_squared", "x2_squared": "x2_squared",
    "x1x2": "x1_times_x2", "x1*x2": "x1_times_x2", "x1_times_x2": "x1_times_x2",
    "sin1": "sin_x1", "sin(x1)": "sin_x1", "sin_x1": "sin_x1",
    "sin2": "sin_x2", "sin(x2)": "sin_x2", "sin_x2": "sin_x2",
}
DATASETS = ("circle", "xor", "gauss", "spiral", "plane", "multi_gauss")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("playground", help=HELP, description=HELP)
    parser.add_argument("--dataset", choices=DATASETS, help="Playground's datasets (default circle)")
    parser.add_argument("--noise", type=float, metavar="P", help="0 to 50 (percent) or 0 to 0.5")
    parser.add_argument("--ratio", type=float, metavar="P", help="training share: 10 to 90 (percent) or 0.1 to 0.9")
    parser.add_argument("--batch-size", type=int, metavar="N")
    parser.add_argument("--features", metavar="LIST", help="comma-separated: x1,x2,x1sq,x2sq,x1x2,sin1,sin2")
    parser.add_argument("--layers", metavar="LIST", help="hidden layer sizes, e.g. 8,8 (empty: none)")
    parser.add_argument("--activation", choices=tuple(ACTIVATIONS))
    parser.add_argument("--lr", type=float, metavar="RATE", help="learning rate (default 0.03)")
    parser.add_argument("--regularization", choices=PENALTIES)
    parser.add_argument("--reg-rate", type=float, metavar="RATE")
    parser.add_argument("--seed", type=int, help="the data's seed")
    parser.add_argument("--document", metavar="FILE|TEMPLATE", help="start from a Playground-shaped document")
    parser.add_argument("--link", metavar="URL", help="start from a TensorFlow Playground link (its #settings)")
    parser.add_argument("--epochs", type=int, metavar="N", help="run N epochs headless and print the outcome")
    parser.add_argument("--screenshot", metavar="PNG", help="render the window offscreen to PNG (after --epochs)")
    parser.add_argument("--size", default="1400x760", metavar="WxH", help="window size for --screenshot")
    parser.add_argument("--json", action="store_true", help="headless: print the outcome as JSON")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps")


def _percent(value: float) -> float:
    return value / 100.0 if value > 1.0 else value


def _features(text: str) -> tuple[str, ...]:
    names = []
    for part in (p.strip().lower() for p in text.split(",") if p.strip()):
        if part not in FEATURE_ALIASES:
            raise PlaygroundError(f"--features: unknown feature '{part}' (use {', '.join(sorted(FEATURE_ALIASES))})")
        names.append(FEATURE_ALIASES[part])
    return tuple(f for f in FEATURES if f in names)


def _layers(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in text.split(",") if p.strip())
    except ValueError:
        raise PlaygroundError(f"--layers: expected sizes like 8,8, got {text!r}") from None


def settings_from(args: argparse.Namespace, base: PlaygroundSettings) -> PlaygroundSettings:
    """`base` with every option the user gave."""
    changes: dict[str, Any] = {}
    if args.dataset is not None:
        changes["dataset"] = args.dataset
        changes["problem"] = "regression" if args.dataset in ("plane", "multi_gauss") else "classification"
    for key, value in (("noise", args.noise), ("train_ratio", args.ratio)):
        if value is not None:
            changes[key] = _percent(value)
    for key, value in (("batch_size", args.batch_size), ("activation", args.activation),
                       ("learning_rate", args.lr), ("regularization", args.regularization),
                       ("regularization_rate", args.reg_rate), ("seed", args.seed)):
        if value is not None:
            changes[key] = value
    if args.features is not None:
        changes["features"] = _features(args.features)
    if args.layers is not None:
        changes["layers"] = _layers(args.layers)
    return base.replace(**changes).validate()


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise PlaygroundError(f"--size: expected WIDTHxHEIGHT, got {text!r}") from None
    return w, h


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except PlaygroundError as exc:
        print(f"netsmith playground: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    headless = args.epochs is not None or args.json or args.screenshot is not None
    weights, points, notes = None, None, []
    base, view = PlaygroundSettings(), None
    if args.document is not None and args.link is not None:
        raise PlaygroundError("give --document or --link, not both")
    if args.link is not None:
        from engine.playground_link import parse_link

        base, view, notes = parse_link(args.link)
    if args.document is not None:
        from app.playground.documents import read_playground
        from engine.templates import open_document

        loaded = read_playground(open_document(args.document))
        base, weights, points, notes = loaded.settings, loaded.weights, loaded.points, loaded.notes
        view = loaded.view
    settings = settings_from(args, base)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if not headless:
        from app.display_check import display_problem

        problem = display_problem(command="netsmith playground")
        if problem is not None:
            print(f"netsmith playground: {problem}", file=sys.stderr)
            return 2
        from app.playground.launch import run_playground

        return run_playground(settings, weights=weights, points=points, device=args.device, view=view)
    epochs = max(0, args.epochs or 0)
    session = PlaygroundSession(settings, points=points if settings.dataset == "custom" else None,
                                device=args.device)
    if weights is not None:
        session.load_weights(weights)
    start = time.perf_counter()
    session.evaluate()
    for _ in range(epochs):
        session.step()
        session.evaluate()  # the loss curve's point for this epoch (a forward over 500 points)
    seconds = time.perf_counter() - start
    frame = session.frame()
    outcome: dict[str, Any] = {
        "dataset": settings.dataset, "problem": settings.problem, "epochs": session.epoch,
        "train_loss": round(frame.train_loss, 6), "test_loss": round(frame.test_loss, 6),
    }
    if frame.test_accuracy is not None:
        outcome["train_accuracy"] = round(frame.train_accuracy, 6)
        outcome["test_accuracy"] = round(frame.test_accuracy, 6)
    outcome.update({"seconds": round(seconds, 3), "device": str(session.device),
                    "features": list(settings.features), "layers": list(settings.layers),
                    "activation": settings.activation, "learning_rate": settings.learning_rate})
    if view is not None and view.hidden:
        outcome["hidden"] = list(view.hidden)
    if args.screenshot is not None:
        from app.playground.launch import playground_screenshot

        playground_screenshot(session, args.screenshot, _size(args.size), view=view)
        outcome["screenshot"] = args.screenshot
    print(json.dumps(outcome))
    return 0
