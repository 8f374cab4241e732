"""Write every generated template into templates/, or with --check list the ones that differ."""

from __future__ import annotations

import argparse
import sys

from engine.resources import templates_dir
from templates._build import builders, render


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m templates._build", description=__doc__)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file is out of date")
    parser.add_argument("names", nargs="*", help="templates to build (default: all)")
    args = parser.parse_args(argv)
    stale = []
    for name in args.names or builders():
        path = templates_dir() / f"{name}.json"
        text = render(name)
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(name)
        if not args.check:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if args.check and stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
