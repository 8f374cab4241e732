"""`netsmith train FILE|TEMPLATE [--epochs N] [--device D] [--out DIR] [--json]`: train a document's recipe.

A progress bar per epoch shows the loss and throughput; each epoch's metrics are
printed after it (with --json, one JSON object per epoch and a final one). The
final weights go to DIR as safetensors. Ctrl-C stops after the current batch and
keeps the last epoch's checkpoint; a second Ctrl-C quits at once.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
from pathlib import Path
from typing import Any

from engine.templates import open_document
from engine.training import (
    BatchEnd,
    EpochEnd,
    Event,
    Failed,
    Finished,
    RunStarted,
    Stopped,
    TrainConfig,
    Trainer,
)

HELP = "train a document's network with its recipe and save the weights"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("train", help=HELP, description=HELP)
    parser.add_argument("document", metavar="FILE|TEMPLATE", help="a document file or a template name")
    parser.add_argument("--epochs", type=int, metavar="N", help="override the recipe's epochs")
    parser.add_argument("--device", metavar="D", help="auto, cpu, cuda, cuda:N or mps (overrides the recipe)")
    parser.add_argument("--out", metavar="DIR", help="where checkpoints and weights go (default runs/<name>)")
    parser.add_argument("--resume", metavar="CHECKPOINT", help="continue from a checkpoint folder")
    parser.add_argument("--json", action="store_true", help="print one JSON object per epoch and a final one")


def _out_dir(args: argparse.Namespace, title: str) -> Path:
    if args.out:
        return Path(args.out)
    stem = Path(args.document).stem if args.document.endswith(".json") else args.document
    return Path("runs") / (re.sub(r"[^A-Za-z0-9_.-]+", "_", stem) or "run")


def _format(metrics: dict[str, float]) -> str:
    return "  ".join(f"{k} {v:.4g}" for k, v in metrics.items())


class _Printer:
    """Turns events into a tqdm bar and lines (or JSON objects) on stdout."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json
        self.bar: Any = None
        self.epochs = 0
        self.steps = 0

    def __call__(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            self.epochs, self.steps = event.epochs, event.steps_per_epoch
            if not self.as_json:
                print(f"training on {event.device} ({event.precision}): {event.params:,} parameters, "
                      f"{event.dataset}: {event.train_size:,} train / {event.val_size:,} validation samples")
                for note in event.notes:
                    print(f"note: {note}")
        elif isinstance(event, BatchEnd) and not self.as_json:
            if self.bar is None:
                from tqdm import tqdm

                self.bar = tqdm(total=self.steps, desc=f"epoch {event.epoch + 1}/{self.epochs}", unit="batch",
                                leave=False, file=sys.stderr, dynamic_ncols=True)
            self.bar.n = event.batch
            self.bar.set_postfix_str(f"loss {event.loss:.4f}  {event.samples_per_s:,.0f} samples/s", refresh=True)
        elif isinstance(event, EpochEnd):
            self._close_bar()
            if self.as_json:
                payload = {"event": "epoch", "epoch": event.epoch + 1, "train": event.train, "val": event.val,
                           "lr": event.lr, "seconds": round(event.seconds, 3), "best": event.best}
                if event.confusion is not None:
                    payload["confusion"] = event.confusion.tolist()
                print(json.dumps(payload), flush=True)
            else:
                mark = " *" if event.best else ""
                val = f"  |  val: {_format(event.val)}" if event.val else ""
                print(f"epoch {event.epoch + 1}/{self.epochs}  train: {_format(event.train)}{val}  "
                      f"({event.seconds:.1f} s){mark}", flush=True)
        elif isinstance(event, (Finished, Stopped, Failed)):
            self._close_bar()

    def _close_bar(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def run(args: argparse.Namespace) -> int:
    doc = open_document(args.document)
    recipe = dict(doc.training)
    if not recipe:
        print(f"netsmith train: {args.document} has no training recipe", file=sys.stderr)
        return 2
    if args.epochs is not None:
        recipe["epochs"] = args.epochs
    if args.device is not None:
        recipe["device"] = args.device
    config = TrainConfig.from_dict(recipe)
    out = _out_dir(args, doc.title)
    trainer = Trainer(doc, config, out_dir=out, resume=args.resume, snapshot_every=None)
    printer = _Printer(args.json)

    def interrupt(signum: int, frame: Any) -> None:
        trainer.cancel()
        signal.signal(signal.SIGINT, signal.default_int_handler)  # a second Ctrl-C quits at once

    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        final = trainer.run(printer)
    finally:
        signal.signal(signal.SIGINT, previous)
    if isinstance(final, Finished):
        if args.json:
            print(json.dumps({"event": "finished", "epochs": final.epochs, "metrics": final.metrics,
                              "best": final.best, "early_stopped": final.early_stopped, "weights": final.weights,
                              "checkpoint": final.checkpoint, "seconds": round(final.seconds, 3)}), flush=True)
        else:
            print(f"done in {final.seconds:.1f} s: {_format(final.metrics)}")
            for name, path in final.weights.items():
                print(f"weights of {name}: {path}")
        return 0
    if isinstance(final, Stopped):
        where = f"; last checkpoint: {final.checkpoint}" if final.checkpoint else ""
        if args.json:
            print(json.dumps({"event": "stopped", "epoch": final.epoch + 1, "step": final.step,
                              "checkpoint": final.checkpoint}), flush=True)
        print(f"netsmith train: stopped at step {final.step}{where}", file=sys.stderr)
        return 130
    if args.json:
        print(json.dumps({"event": "failed", "message": final.message, "step": final.step}), flush=True)
    print(f"netsmith train: {final.message}", file=sys.stderr)
    return 1
