"""`netsmith templates [--json]`: the shipped paper templates, oldest paper first."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from engine.template_catalog import TemplateInfo, template_infos

HELP = "list the paper templates (open one by name: netsmith check vgg16)"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("templates", help=HELP, description=HELP)
    parser.add_argument("--json", action="store_true", help="print a JSON list instead of a table")


def _params(info: TemplateInfo) -> str:
    total = f"{info.total_params:,}"
    return total if len(info.params) == 1 else f"{total} in {len(info.params)} networks"


def run(args: argparse.Namespace) -> int:
    infos = template_infos()
    if args.json:
        json.dump([dataclasses.asdict(i) for i in infos], sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    rows = [("name", "architecture", "year", "params", "input")]
    rows += [(i.name, i.title, str(i.year or ""), _params(i), i.inputs) for i in infos]
    widths = [max(len(row[c]) for row in rows) for c in range(5)]
    for n, row in enumerate(rows):
        cells = [row[c].rjust(widths[c]) if c == 3 else row[c].ljust(widths[c]) for c in range(5)]
        sys.stdout.write("  ".join(cells).rstrip() + "\n")
        if n == 0:
            sys.stdout.write("  ".join("-" * w for w in widths) + "\n")
    sys.stdout.write(f"\n{len(infos)} templates; open one with `netsmith check NAME`\n")
    return 0
