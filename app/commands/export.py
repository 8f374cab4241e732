"""`netsmith export FILE|TEMPLATE --format F -o OUT`: Python, a training script, ONNX, .pt2 or weights."""

from __future__ import annotations

import argparse
import sys

from engine.export import FORMATS, ExportError, WeightsError, export
from engine.templates import open_document

HELP = "write a network as Python, a training script, ONNX, a torch.export program or safetensors weights"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    formats = "\n".join(f"  {f.name:<12} {f.help}" for f in FORMATS.values())
    parser = subparsers.add_parser(
        "export", help=HELP, description=f"{HELP}.\n\nformats:\n{formats}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("document", metavar="FILE|TEMPLATE", help="a document file or a template name")
    parser.add_argument("--format", "-f", required=True, choices=list(FORMATS), help="what to write")
    parser.add_argument("-o", "--output", required=True, metavar="OUT",
                        help="the file to write (for script: train.py, or a folder; model.py goes beside it)")
    parser.add_argument("--network", metavar="NAME", help="which network of the document (default: model)")
    parser.add_argument("--weights", metavar="FILE.safetensors",
                        help="trained weights to put into an onnx, pt2 or safetensors export")


def run(args: argparse.Namespace) -> int:
    doc = open_document(args.document)
    try:
        written = export(doc, args.format, args.output, network=args.network, weights=args.weights)
    except (ExportError, WeightsError) as exc:
        print(f"netsmith export: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"netsmith export: cannot write {exc.filename or args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    return 0
