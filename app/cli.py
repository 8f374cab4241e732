"""The `netsmith` command: opens the window, or works headless through subcommands."""

from __future__ import annotations

import argparse
import importlib
import sys

from engine import __version__
from engine.document import DocumentError

# Subcommand modules under app/commands, in the order `netsmith --help` lists them.
COMMANDS = ("check", "train", "playground")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="netsmith",
        description="Netsmith: build, train and export neural networks visually.",
    )
    parser.add_argument("--version", action="version", version=f"netsmith {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"app.commands.{name}").add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    command = importlib.import_module(f"app.commands.{args.command}")
    try:
        return command.run(args)
    except DocumentError as exc:
        print(f"netsmith {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"netsmith {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `netsmith check x | head`: the reader left, which is fine
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
