"""`netsmith import SPEC -o FILE`: a PyTorch model (torchvision's or your own) as a document."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.importer import DEFAULT_INPUT_SHAPE, ModelImportError, import_model

HELP = "turn a PyTorch model into a document: torchvision:NAME or package.module:factory"


def _shape(text: str) -> tuple[int, ...]:
    try:
        shape = tuple(int(part) for part in text.replace("x", ",").split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes like 3,224,224, got {text!r}") from None
    if not shape or any(d < 1 for d in shape):
        raise argparse.ArgumentTypeError(f"expected positive sizes like 3,224,224, got {text!r}")
    return shape


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import", help=HELP,
        description=f"{HELP}. A factory is called without arguments; importing it runs its code.",
    )
    parser.add_argument("spec", metavar="SPEC", help="torchvision:resnet18, or package.module:factory")
    parser.add_argument("-o", "--output", required=True, metavar="FILE", help="the document to write (.json)")
    parser.add_argument("--input-shape", type=_shape, default=DEFAULT_INPUT_SHAPE, metavar="C,H,W",
                        help="one sample's shape, without the batch (default: 3,224,224)")
    parser.add_argument("--weights", metavar="FILE.safetensors",
                        help="also save the model's weights under the document's names")


def run(args: argparse.Namespace) -> int:
    if str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))  # so `mymodels.net:build` finds the user's package here
    try:
        imported, model = import_model(args.spec, args.input_shape)
    except ModelImportError as exc:
        print(f"netsmith import: {exc}", file=sys.stderr)
        return 1
    doc = imported.document
    try:
        doc.save(args.output)
        if args.weights:
            from safetensors.torch import save_file

            state = {k: v.detach().cpu().contiguous() for k, v in imported.state_dict(model).items()}
            save_file(state, args.weights)
    except OSError as exc:
        print(f"netsmith import: cannot write {exc.filename}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    for warning in imported.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    nodes = len(doc.network())
    print(f"wrote {args.output} ({nodes} nodes)" + (f" and {args.weights}" if args.weights else ""))
    return 0
