"""The `netsmith` command: opens the window, or works headless through subcommands."""

from __future__ import annotations

import argparse
import importlib
import keyword
import sys
from types import ModuleType

from engine import __version__
from engine.document import DocumentError

# Subcommands, in the order `netsmith --help` lists them; each is a module under
# app/commands named like it (with a trailing _ where the name is a keyword: import_).
COMMANDS = ("open", "check", "train", "templates", "export", "import", "playground")


def command_module(name: str) -> ModuleType:
    return importlib.import_module(f"app.commands.{name}_" if keyword.iskeyword(name) else f"app.commands.{name}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="netsmith",
        description="Netsmith: build, train and export neural networks visually.",
    )
    parser.add_argument("--version", action="version", version=f"netsmith {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        command_module(name).add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # plain `netsmith`: the editor on the default template
        args = command_module("open").default_args()
    command = command_module(args.command)
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
