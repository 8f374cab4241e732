"""Training in the window against the same Trainer headless, and how fluid the window stays.

LeNet-5 on the bundled digits (32x32, batch 64, Adam), in the same process, alternating:
  - headless: `Trainer(doc).run()` on a plain thread, no snapshots, no GUI;
  - in the window: Train clicked in a 1440x900 main window (offscreen), with the Training
    panel, the curves and the "Inside the network" views visible (conv2 selected, so every
    snapshot carries its activations and filters; the views' tabs are cycled every second so
    each one is painted), the mailbox drained at <= 30 Hz.
Step throughput = steps / (time from the first to the last step), validation included, for
both. GUI lag: a 20 ms QTimer probe runs during the run in the window; lag = how late each
tick fires. Goals: throughput ratio >= 0.90; lag p95 <= 16 ms, p99 <= 50 ms, max <= 100 ms.

    python bench/gui_training.py [--epochs 10] [--rounds 5] [--threads 1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("NETSMITH_CONFIG_DIR", str(Path("/tmp") / f"netsmith-bench-{os.getpid()}"))

import torch  # noqa: E402

from engine.templates import load_template  # noqa: E402
from engine.training import BatchEnd, Trainer  # noqa: E402


def lenet(epochs: int):
    doc = load_template("lenet5")
    doc.training = {**doc.training, "epochs": epochs}
    return doc


def headless(epochs: int) -> tuple[float, int]:
    """Steps per second of the Trainer alone (on a worker thread, as in the app)."""
    stamps: list[float] = []

    def on_event(event) -> None:
        if isinstance(event, BatchEnd):
            stamps.append(time.perf_counter())

    trainer = Trainer(lenet(epochs), snapshot_every=None)
    thread = threading.Thread(target=trainer.run, args=(on_event,))
    thread.start()
    thread.join()
    return (len(stamps) - 1) / (stamps[-1] - stamps[0]), len(stamps)


busy: list[float] = []  # the GUI thread's CPU time / wall time, per run in the window


def in_window(app, epochs: int) -> tuple[float, int, list[float], int]:
    """Steps per second in the window, the probe's lags (ms) and how many drains found something."""
    from PySide6.QtCore import QEventLoop, QTimer

    import app.training.controller as controller_module
    from app.main_window import MainWindow
    from app.settings import Settings

    window = MainWindow(lenet(epochs), Settings())
    window.resize(1440, 900)
    window.show()
    app.processEvents()
    window.session.analyze_now()
    window.scene.select_ids(["conv2"])
    for _ in range(20):  # let the idle introspection of the untrained weights finish first
        app.processEvents()
        time.sleep(0.05)
    window.controller.probes.wait_idle()
    app.processEvents()

    stamps: list[float] = []
    controller = window.controller

    class StampedMailbox(controller_module.Mailbox):
        """Times each step on the training thread, as headless does, then files it as usual."""

        def put(self, event) -> None:
            if isinstance(event, BatchEnd):
                stamps.append(time.perf_counter())
            super().put(event)

    lags: list[float] = []
    probe = QTimer()
    probe.setInterval(20)
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        lags.append(max(0.0, (now - last[0]) * 1e3 - 20.0))
        last[0] = now

    probe.timeout.connect(tick)
    tabs = window.inside
    cycle = QTimer()
    cycle.setInterval(1000)
    order = [tabs.indexOf(w) for w in (tabs.activations, tabs.filters, tabs.samples, tabs.confusion)]
    cycle.timeout.connect(lambda: tabs.setCurrentIndex(order[(order.index(tabs.currentIndex()) + 1) % len(order)]
                                                       if tabs.currentIndex() in order else order[0]))
    loop = QEventLoop()
    controller.run_ended.connect(lambda _record: loop.quit())
    controller_module.Mailbox = StampedMailbox
    try:
        window.train()
    finally:
        controller_module.Mailbox = StampedMailbox.__mro__[1]
    last[0] = time.perf_counter()
    probe.start()
    cycle.start()
    cpu, wall = time.thread_time(), time.perf_counter()
    loop.exec()
    cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
    busy.append(cpu / wall)
    probe.stop()
    cycle.stop()
    drains = controller.drains
    window.session.undo_stack.setClean()
    window.close()
    app.processEvents()
    return (len(stamps) - 1) / (stamps[-1] - stamps[0]), len(stamps), lags[1:], drains


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10, help="the template's own recipe has 10")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (the same for both)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    from app.application import create_application

    app = create_application(offscreen=True)
    headless(1)  # warm-up: imports, data, first kernels
    ours, theirs, all_lags = [], [], []
    steps = 0
    for _ in range(args.rounds):  # alternating, so drift in machine speed hits both
        rate, steps = headless(args.epochs)
        theirs.append(rate)
        rate, steps_gui, lags, drains = in_window(app, args.epochs)
        assert steps_gui == steps, (steps_gui, steps)
        ours.append(rate)
        all_lags += lags
    a, b = statistics.median(ours), statistics.median(theirs)
    lags = np.array(all_lags)
    print(f"LeNet-5 on 32x32 digits, batch 64, Adam, {args.epochs} epochs ({steps} steps), "
          f"{args.rounds} rounds, {torch.get_num_threads()} torch thread(s); load: {os.getloadavg()[0]:.2f}")
    print(f"headless        {b:8.1f} steps/s (median)")
    print(f"in the window   {a:8.1f} steps/s (median)")
    print(f"ratio window / headless  {a / b:6.3f}   (goal >= 0.90); per round: "
          + ", ".join(f"{x / y:.2f}" for x, y in zip(ours, theirs)))
    print(f"GUI lag (20 ms probe, {len(lags)} ticks): p50 {np.percentile(lags, 50):.1f} ms, "
          f"p95 {np.percentile(lags, 95):.1f} ms (goal <= 16), p99 {np.percentile(lags, 99):.1f} ms (goal <= 50), "
          f"max {lags.max():.1f} ms (goal <= 100)")
    print(f"GUI thread busy (CPU time / wall time) during the runs: median {100 * statistics.median(busy):.0f} %")


if __name__ == "__main__":
    main()
