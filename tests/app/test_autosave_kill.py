"""Autosave against a real SIGKILL of the window: at most the autosave interval of edits is lost,
and the next start offers the work back."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from app.autosave import pending_recoveries
from app.main_window import MainWindow
from app.settings import Settings
from engine.document import Document
from engine.templates import load_template
from tests.faults.edit_window import AUTOSAVE_SECONDS

ROOT = Path(__file__).resolve().parents[2]
# Timer slack on a busy machine: a tick may come late by this much (QTimer is coarse
# and the window's analysis shares the event loop). Not a speed claim, a bound.
SLACK_SECONDS = 1.0


def _edits_until_killed(config: Path, edits_wanted: int) -> tuple[list[tuple[int, float]], float, int]:
    """Run the editing window, SIGKILL it after `edits_wanted` edits; (edits seen, kill time, pid)."""
    env = {**os.environ, "NETSMITH_CONFIG_DIR": str(config), "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-m", "tests.faults.edit_window"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in child.stdout], daemon=True).start()
    seen: list[tuple[int, float]] = []
    try:
        deadline = time.monotonic() + 180  # start-up imports torch and Qt: slow on a loaded machine
        while len(seen) < edits_wanted:
            line = lines.get(timeout=max(1.0, deadline - time.monotonic())).split()
            if line and line[0] != "ready":
                seen.append((int(line[0]), float(line[1])))
        child.send_signal(signal.SIGKILL)
        killed_at = time.time()
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    while not lines.empty():  # edits printed just before the kill
        line = lines.get().split()
        if line and line[0] != "ready":
            seen.append((int(line[0]), float(line[1])))
    return seen, killed_at, child.pid


@pytest.mark.slow
def test_a_killed_window_loses_at_most_the_autosave_interval_and_the_next_start_offers_it(
        qtbot, dialogs, private_settings):
    seen, killed_at, pid = _edits_until_killed(private_settings, edits_wanted=35)
    (recovery,) = pending_recoveries(Settings().recovery_dir)  # its pid is gone: offered
    assert recovery.meta["pid"] == pid
    kept = Document.load(recovery.path).network().nodes["fc1"].params["out_features"]
    last = seen[-1][0]
    assert 1 <= kept <= last
    # Every edit made more than one autosave interval (plus timer slack) before the kill is kept.
    lost = [(n, t) for n, t in seen if n > kept]
    if lost:
        first_lost_at = lost[0][1]
        assert killed_at - first_lost_at <= AUTOSAVE_SECONDS + SLACK_SECONDS, (kept, last, killed_at - first_lost_at)

    window = MainWindow(load_template("lenet5"), Settings())
    qtbot.addWidget(window)
    # A kill inside an autosave leaves a temporary; the next start removes it.
    assert [p.name for p in recovery.path.parent.iterdir() if p.name.endswith(".tmp")] == []
    dialogs["answers"].append(QMessageBox.StandardButton.Yes)
    assert window.offer_recovery()
    title, text = dialogs["question"][-1]
    assert title == "Restore unsaved work?" and "LeNet-5" in text
    assert window.session.doc.network().nodes["fc1"].params["out_features"] == kept
    assert window.isWindowModified()
    window.session.undo_stack.setClean()
    window.close()
