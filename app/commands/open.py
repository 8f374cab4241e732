"""`netsmith open [FILE|TEMPLATE] [--screenshot out.png] [--size WxH] [--train-steps N]`: the editor window.

With `--screenshot` the window opens offscreen, lays itself out, is saved as a PNG
and the command exits 0 (README images; checking the GUI without a display). With
`--train-steps N` it first trains N steps with the panels visible (the run pauses
there), so the picture shows training in progress.
`netsmith` with no command opens the default template, LeNet-5.
"""

from __future__ import annotations

import argparse
import re
import sys

from engine.templates import DEFAULT_TEMPLATE, open_document

HELP = "open the editor window on a document or template (default: LeNet-5)"


def _size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)[xX×](\d+)", text.strip())
    if not match or not (320 <= int(match[1]) <= 8000 and 240 <= int(match[2]) <= 8000):
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1440x900, got {text!r}")
    return int(match[1]), int(match[2])


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number of steps, got {text!r}")
    return value


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("open", help=HELP, description=HELP)
    parser.add_argument("document", metavar="FILE|TEMPLATE", nargs="?", default=DEFAULT_TEMPLATE,
                        help=f"a document file or a template name (default: {DEFAULT_TEMPLATE})")
    parser.add_argument("--screenshot", metavar="PNG", help="render the window offscreen to this PNG and exit")
    parser.add_argument("--size", type=_size, default=(1440, 900), metavar="WxH",
                        help="window size for --screenshot (default 1440x900)")
    parser.add_argument("--theme", choices=("light", "dark"), help="colour theme (default: the saved one)")
    parser.add_argument("--select", metavar="NODE", help="select this node (its inspector shows in a screenshot)")
    parser.add_argument("--train-steps", type=_positive, metavar="N",
                        help="with --screenshot: train N steps first and show the run in progress")


def run(args: argparse.Namespace) -> int:
    doc = open_document(args.document)
    if args.train_steps and not args.screenshot:
        print("netsmith open: --train-steps needs --screenshot (in the window, press F5 to train)", file=sys.stderr)
        return 2
    if not args.screenshot:
        # Before Qt loads: without a display or with xcb libraries missing, Qt aborts with a dump.
        from app.display_check import display_problem

        problem = display_problem()
        if problem is not None:
            print(f"netsmith open: {problem}", file=sys.stderr)
            return 2
    from app.application import run_window

    return run_window(doc, screenshot=args.screenshot, size=args.size, theme=args.theme, select=args.select,
                      steps=args.train_steps)


def default_args() -> argparse.Namespace:
    """What `netsmith` alone means: open the window on the default template."""
    return argparse.Namespace(command="open", document=DEFAULT_TEMPLATE, screenshot=None, size=(1440, 900),
                              theme=None, select=None, train_steps=None)
