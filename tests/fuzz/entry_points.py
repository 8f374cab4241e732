"""One hostile file through every entry point that reads a document, in this process.

`feed(raw, folder)` writes `raw` as a document file and runs, in order: the loader
(`Document.loads` and `Document.load`), a save round trip of whatever loaded, `netsmith
check`, `netsmith export --format python` (and Python's own `compile` of what it
wrote), the exporter and compiler on every network, the recipe's validation (what
`netsmith train` reads before it trains) and `netsmith playground --document` headless
with no epochs. It returns what went wrong, one line each; an empty list is a pass.

What counts as clean:
- the library raises only DocumentError (loading), ExportError (export of a network
  with errors), PlaygroundError (a document that is not a Playground MLP); analysis
  reports problems on nodes and raises nothing;
- a command returns 0, 1 or 2, never raises, and writes no traceback: its stderr is
  one line `netsmith <command>: ...`, possibly followed by `  - ...` items of a list
  (ExportError's problems) or `note: ...` lines;
- whatever loads can be saved and loads again to the same text, and exported Python
  compiles;
- every step ends within `STEP_SECONDS` (a SIGALRM timer stops it otherwise).
"""

from __future__ import annotations

import contextlib
import io
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import torch

from app.cli import main
from engine.compiler import example_inputs
from engine.document import Document, DocumentError
from engine.export import ExportError, export_target
from engine.export.python_code import python_source
from engine.playground import PlaygroundError
from engine.training.config import TrainConfig

__all__ = ["STEP_SECONDS", "feed"]

# Generous: a step of a small document takes well under a second; this catches a hang
# (an analysis that runs for minutes) without a wall-clock assertion on speed.
STEP_SECONDS = 30
# The compiler allocates real weights; above this it is the analysis budget's job to
# refuse the network first (issue 13), not the harness's to allocate it.
COMPILE_PARAMS_LIMIT = 20_000_000
# A forward pass on one sample, for networks this cheap (LeNet-5 is 0.4 MFLOPs, ResNet-18 1.8 GFLOPs).
FORWARD_FLOPS_LIMIT = 200_000_000


class Hang(BaseException):
    """A step ran past STEP_SECONDS (a BaseException so no `except Exception` swallows it)."""


class _GiveUp(Exception):
    """After a hang the later steps would hang too: `feed` stops there."""


@contextlib.contextmanager
def _time_limit(what: str) -> Iterator[None]:
    def alarm(signum: int, frame: Any) -> None:
        raise Hang(f"{what}: still running after {STEP_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, STEP_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _step(failures: list[str], what: str, call: Callable[[], Any], clean: tuple[type[BaseException], ...] = ()) -> Any:
    """Run one entry point; anything but success or a `clean` exception is a failure."""
    try:
        with _time_limit(what):
            return call()
    except clean:
        return None
    except Hang as exc:
        failures.append(str(exc))
        raise _GiveUp from None
    except BaseException as exc:  # noqa: BLE001 - every escape is what the harness reports
        failures.append(f"{what}: {type(exc).__name__}: {str(exc)[:300]}")
    return None


def _stream(errors: str) -> io.TextIOWrapper:
    # Like a terminal's sys.stdout (strict UTF-8) and sys.stderr (backslashreplace): a
    # StringIO would take text that the real streams cannot encode (lone surrogates).
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors=errors, write_through=True)


def _text(stream: io.TextIOWrapper) -> str:
    return stream.buffer.getvalue().decode("utf-8", "replace")


def _cli(failures: list[str], args: list[str]) -> int | None:
    out, err = _stream("strict"), _stream("backslashreplace")

    def run() -> int:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            return main(args)

    command = args[0]
    code = _step(failures, f"netsmith {command}", run)
    text = _text(err)
    if code is None:
        return None
    if code not in (0, 1, 2):
        failures.append(f"netsmith {command}: exit code {code}")
    lines = text.splitlines()
    if "Traceback" in text:
        failures.append(f"netsmith {command}: a traceback on stderr: {text[-300:]!r}")
    elif lines:
        first, rest = lines[0], lines[1:]
        if not first.startswith((f"netsmith {command}: ", "note: ")):
            failures.append(f"netsmith {command}: stderr does not start with the command's name: {first[:200]!r}")
        stray = [line for line in rest if not line.startswith(("  - ", "note: ", f"netsmith {command}: "))]
        if stray:
            failures.append(f"netsmith {command}: stderr is not one message: {stray[0][:200]!r}")
    if code != 0 and not text and not _text(out).strip():  # check's exit 1 lists the errors on stdout
        failures.append(f"netsmith {command}: exit code {code} and not a word why")
    return code


def _forward(module: Any, target: Any) -> None:
    inputs = example_inputs(target.graph, batch_size=1, analysis=target.analysis)
    with torch.no_grad():
        module(*inputs)


def feed(raw: bytes, folder: Path) -> list[str]:
    """Everything that went wrong with document `raw` at every entry point (empty: all clean)."""
    failures: list[str] = []
    try:
        _feed(raw, folder, failures)
    except _GiveUp:
        pass
    return failures


def _feed(raw: bytes, folder: Path, failures: list[str]) -> None:
    path = folder / "hostile.json"
    path.write_bytes(raw)

    doc = _step(failures, "Document.loads", lambda: Document.loads(raw), (DocumentError,))
    from_file = _step(failures, "Document.load", lambda: Document.load(path), (DocumentError,))
    if (doc is None) != (from_file is None):
        failures.append("Document.load and Document.loads disagree on whether the file is a document")

    if doc is not None:
        def round_trip() -> None:
            text = doc.to_json()
            again = Document.loads(text)
            assert again.to_json() == text, "a saved document reads back differently"

        _step(failures, "saving what loaded", round_trip)

    code = _cli(failures, ["check", str(path)])
    if doc is None and code not in (None, 2):
        failures.append(f"netsmith check: exit code {code} for a file the loader refuses (expected 2)")

    out = folder / "exported.py"
    out.unlink(missing_ok=True)
    if _cli(failures, ["export", str(path), "--format", "python", "-o", str(out)]) == 0:
        _step(failures, "compiling the exported Python",
              lambda: compile(out.read_text(encoding="utf-8"), str(out), "exec"))

    if doc is not None:
        for name in list(doc.networks):
            target = _step(failures, f"export_target({name})", lambda n=name: export_target(doc, n), (ExportError,))
            if target is None:
                continue
            source = _step(failures, f"python_source({name})", lambda t=target: python_source(t))
            if source is not None:
                _step(failures, f"compiling python_source({name})", lambda s=source: compile(s, "<export>", "exec"))
            if target.analysis.total_params <= COMPILE_PARAMS_LIMIT:
                module = _step(failures, f"compiling network {name}", lambda t=target: t.compile())
                if module is not None and target.analysis.total_flops <= FORWARD_FLOPS_LIMIT:
                    # What `open` and `train` do first: a forward pass of the compiled module.
                    _step(failures, f"a forward pass of network {name}", lambda m=module, t=target: _forward(m, t))
        if doc.training:
            _step(failures, "the recipe", lambda: TrainConfig.from_dict(doc.training), (DocumentError,))
        from app.playground.documents import read_playground

        _step(failures, "read_playground", lambda: read_playground(doc), (PlaygroundError, DocumentError))

    _cli(failures, ["playground", "--document", str(path), "--epochs", "0", "--json", "--device", "cpu"])

