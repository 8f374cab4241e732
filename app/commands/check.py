"""`netsmith check FILE|TEMPLATE [--json]`: shapes, parameters and FLOPs of every node."""

from __future__ import annotations

import argparse
import json
import sys

from engine.summary import format_table, summarize
from engine.templates import open_document

HELP = "print every node's output shape, parameters and FLOPs, and every error"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("check", help=HELP, description=HELP)
    parser.add_argument("document", metavar="FILE|TEMPLATE", help="a document file or a template name")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")


def run(args: argparse.Namespace) -> int:
    doc = open_document(args.document)
    summary = summarize(doc)
    if args.json:
        json.dump(summary, sys.stdout)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_table(summary, doc.title))
    return 1 if any(net["errors"] for net in summary["networks"].values()) else 0
