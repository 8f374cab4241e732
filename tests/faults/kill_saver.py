"""A process that saves a document and a weights file in a loop, SIGKILLed at random moments.

    python -m tests.faults.kill_saver FOLDER ROUNDS SEED

FOLDER/versions/ holds two versions of a document (``a.json``, ``b.json``) and of a
weights file (``a.safetensors``, ``b.safetensors``), as Document.save and save_weights
wrote them. Each round forks a child that writes them over FOLDER/work.json and
FOLDER/work.safetensors, A then B then A..., through `write_atomic` (the one writer
behind Document.save and save_weights), until the parent kills it after a random delay
of up to 20 ms. After each kill the parent checks what is on disk: each file holds
exactly version A or B, byte for byte (never a torn mix), and what the kill left behind
is at most one temporary file per target, named for a killed process. At the end one
clean write must leave no temporary file at all. Prints one JSON object with the counts.

Torch-free on purpose: a fork of this small process takes milliseconds (one of a
process holding torch takes hundreds), so hundreds of kills fit in seconds.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import time
from pathlib import Path

from engine.atomic import write_atomic

TARGETS = ("work.json", "work.safetensors")


def _versions(folder: Path, target: str) -> list[bytes]:
    suffix = Path(target).suffix
    return [(folder / "versions" / f"{v}{suffix}").read_bytes() for v in ("a", "b")]


def _write_forever(folder: Path, versions: dict[str, list[bytes]]) -> None:
    while True:
        for i in (0, 1):
            for target in TARGETS:
                write_atomic(folder / target, versions[target][i])


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def main(folder: Path, rounds: int, seed: int) -> dict:
    rng = random.Random(seed)
    versions = {target: _versions(folder, target) for target in TARGETS}
    for target in TARGETS:
        write_atomic(folder / target, versions[target][0])
    failures: list[str] = []
    killed_mid_write = 0
    killed: set[int] = set()
    start = time.monotonic()
    for i in range(rounds):
        pid = os.fork()
        if pid == 0:
            try:
                _write_forever(folder, versions)
            finally:
                os._exit(1)
        time.sleep(rng.uniform(0.0, 0.02))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        killed.add(pid)
        for target in TARGETS:
            data = (folder / target).read_bytes()
            if data not in versions[target]:
                failures.append(f"round {i}: {target} holds neither version ({len(data)} bytes)")
        left = _temporaries(folder)
        killed_mid_write += bool(left)
        for target in TARGETS:
            mine = [name for name in left if name.startswith(f".{target}.")]
            if len(mine) > 1:
                failures.append(f"round {i}: temporaries pile up for {target}: {mine}")
        # .<target>.<pid>.<random>.tmp
        strangers = [name for name in left if int(name.split(".")[-3]) not in killed]
        if strangers:
            failures.append(f"round {i}: temporaries of processes that were not killed: {strangers}")
    seconds = time.monotonic() - start
    for target in TARGETS:  # the next save after a crash tidies up
        write_atomic(folder / target, versions[target][1])
    return {"rounds": rounds, "killed_mid_write": killed_mid_write, "failures": failures,
            "left_after_clean_save": _temporaries(folder), "seconds": round(seconds, 2)}


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))))
