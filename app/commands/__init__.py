"""One module per `netsmith` subcommand; each has `add_parser(subparsers)` and `run(args) -> int`."""
