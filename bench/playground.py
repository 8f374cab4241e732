"""Playground frames per second: one epoch of 500 points at batch size 10 (25 steps at a 50 %
training ratio), the 100 x 100 output map and every neuron's map, and the repaint.

TensorFlow Playground advances one epoch and redraws every heatmap per animation frame;
goals on the 2-core reference machine: >= 30 frames/s for the 4-2 network, >= 15 for 6 x 8.
"playing" is the window as it runs (a worker thread trains and maps the next frame while
the GUI thread paints this one); "one thread" times the parts of a frame one after another.
Our epoch steps with `MLPBackprop` (numpy, on the module's parameters); it is also timed
against the same session on autograd and against a bare PyTorch loop. The baseline, in the
same process, is the same frame made from the general engine: one epoch through
`Trainer.run` (events, metrics, validation) and the maps through `engine.inspect`
(`decision_boundary`, `neuron_heatmaps`, one forward each).
Run offscreen: `QT_QPA_PLATFORM=offscreen python bench/playground.py`.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

import app  # noqa: E402, F401 - guards None's reference count before Qt paints
from engine.inspect.boundary import decision_boundary, neuron_heatmaps  # noqa: E402
from engine.playground import PlaygroundSession, PlaygroundSettings  # noqa: E402
from engine.training import Trainer  # noqa: E402

NETWORKS = {"4-2": (4, 2), "6 x 8": (8,) * 6, "8 x 64": (64,) * 8}
GOALS = {"4-2": 30.0, "6 x 8": 15.0}  # 8 x 64, beyond Playground's limits, is measured without a goal


def _median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1e3


def epoch_against_bare(layers: tuple[int, ...], rounds: int) -> tuple[float, float, float]:
    """Median seconds of our epoch (`PlaygroundSession.step`, MLPBackprop on the CPU), of the same
    session stepping with autograd, and of a plain PyTorch loop's on the same network shape and
    data (nn.Sequential, F.cross_entropy, SGD, 25 batches of 10), interleaved. The bare loop is
    the floor for any design that trains with autograd."""
    session = PlaygroundSession(PlaygroundSettings(layers=layers), device="cpu")
    autograd = PlaygroundSession(PlaygroundSettings(layers=layers), device="cpu", backprop="autograd")
    x, y = (torch.from_numpy(a[:session.train_count]) for a in (session.points, session.labels))
    sizes = (2, *layers)
    modules: list[torch.nn.Module] = []
    for a, b in zip(sizes, sizes[1:]):
        modules += [torch.nn.Linear(a, b), torch.nn.Tanh()]
    net = torch.nn.Sequential(*modules, torch.nn.Linear(sizes[-1], 2))
    opt = torch.optim.SGD(net.parameters(), lr=0.03)
    ours, bare, slow = [], [], []
    for i in range(rounds + 2):
        start = time.perf_counter()
        order = torch.randperm(len(x))
        for k in range(0, len(x), 10):
            index = order[k:k + 10]
            loss = torch.nn.functional.cross_entropy(net(x[index]), y[index])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        middle = time.perf_counter()
        session.step()
        end = time.perf_counter()
        autograd.step()
        if i >= 2:
            bare.append(middle - start)
            ours.append(end - middle)
            slow.append(time.perf_counter() - end)
    return statistics.median(ours), statistics.median(slow), statistics.median(bare)


def against_engine(layers: tuple[int, ...], rounds: int) -> tuple[float, float]:
    """Median seconds of our frame without the paint (`step()` + `frame()`) and of the same made from
    the general engine (an epoch through `Trainer.run` with its events, metrics and validation, then
    `decision_boundary` and `neuron_heatmaps`, one forward each), interleaved."""
    session = PlaygroundSession(PlaygroundSettings(layers=layers), device="cpu")
    recipe = session.document.training | {"epochs": 1, "validation_split": 0.5}
    trainer = Trainer(session.document, recipe, snapshot_every=None)
    trainer.prepare()
    model = trainer.models["model"]
    ours, theirs = [], []
    for i in range(rounds + 2):
        start = time.perf_counter()
        trainer.config = trainer.config.replace(epochs=trainer.start_epoch + 1)
        trainer.run()
        trainer.start_epoch += 1
        decision_boundary(model, resolution=100)
        neuron_heatmaps(model, session.neuron_ids, resolution=100)
        middle = time.perf_counter()
        session.step()
        session.frame()
        end = time.perf_counter()
        if i >= 2:
            theirs.append(middle - start)
            ours.append(end - middle)
    return statistics.median(ours), statistics.median(theirs)


def playground_parts(window, frames: int) -> dict[str, float]:
    """Median seconds of each part of a frame done one after another on one thread (the Step button)."""
    parts: dict[str, list[float]] = {"epoch": [], "maps": [], "paint": []}
    for i in range(frames + 2):
        t0 = time.perf_counter()
        window.session.step()
        t1 = time.perf_counter()
        window.refresh()
        t2 = time.perf_counter()
        window.repaint()  # paints every widget of the window now, offscreen
        t3 = time.perf_counter()
        if i >= 2:
            for name, value in (("epoch", t1 - t0), ("maps", t2 - t1), ("paint", t3 - t2)):
                parts[name].append(value)
    return {name: statistics.median(values) for name, values in parts.items()}


def playing(window, qapp, frames: int) -> dict[str, float]:
    """Frames per second while playing, as the app runs: the worker trains and maps frame k+1 while
    the GUI thread shows frame k (images, then the paint the event loop does)."""
    from PySide6.QtCore import QEventLoop

    view = window.network_view
    window.play()
    while window.frames_shown < 3:  # warm up
        qapp.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    shown, epoch, paints, links = window.frames_shown, window.session.epoch, view.paints, view.link_redraws
    start, cpu = time.perf_counter(), time.process_time()
    while window.frames_shown - shown < frames:
        qapp.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    qapp.processEvents()  # the last frame's paint
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    epochs = window.session.epoch - epoch
    window.pause()
    window.frames_shown = 0
    return {"fps": frames / seconds, "epochs": epochs, "paints": view.paints - paints,
            "links": view.link_redraws - links, "cpu": cpu / seconds}


def one_thread(window, qapp, frames: int) -> dict[str, float]:
    """Frames per second with everything on the GUI thread: epoch, maps, images, paint."""
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(frames):
        window.tick()
        qapp.processEvents()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    # On a shared machine the CPU time a frame takes is what an idle core would need (about).
    return {"fps": frames / seconds, "cpu": cpu / seconds, "cpu_fps": frames / cpu}


def main(frames: int = 40) -> None:
    from PySide6.QtWidgets import QApplication

    from app.playground.window import PlaygroundWindow

    torch.set_num_threads(1)
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; {frames} frames each, medians")
    for name, layers in NETWORKS.items():
        count = frames if name in GOALS else max(5, frames // 3)
        window = PlaygroundWindow(PlaygroundSettings(layers=layers), device="cpu")
        window.show()
        qapp.processEvents()
        parts = playground_parts(window, count)
        window.session.reset()
        live, serial_runs = [], []
        for _ in range(3):  # interleaved, so the machine's load hits both alike
            live.append(playing(window, qapp, count))
            serial_runs.append(one_thread(window, qapp, count))
        window.close()
        best = max(live, key=lambda r: r["fps"])
        fps = statistics.median(r["fps"] for r in live)
        serial_fps = statistics.median(r["fps"] for r in serial_runs)
        cpu_fps = statistics.median(r["cpu_fps"] for r in serial_runs)
        ours, theirs = against_engine(layers, max(6, count // 3))
        ours_epoch, autograd_epoch, floor = epoch_against_bare(layers, count)
        serial = sum(parts.values())
        goal = f"goal >= {GOALS[name]:.0f}; " if name in GOALS else ""
        print(f"{name:6s} playing: {fps:5.1f} frames/s ({goal}best run {best['fps']:.1f}); "
              f"epochs per frame {best['epochs'] / count:.2f}, links redrawn in {best['links']} of {count} frames, "
              f"CPU busy {best['cpu']:.2f} cores")
        print(f"{'':6s} all on the GUI thread: {serial_fps:5.1f} frames/s ({cpu_fps:.1f} by the CPU time a frame "
              f"takes); parts: epoch {parts['epoch'] * 1e3:.1f} ms "
              f"+ maps {parts['maps'] * 1e3:.1f} ms + paint (whole window) {parts['paint'] * 1e3:.1f} ms "
              f"= {serial * 1e3:.1f} ms")
        print(f"{'':6s} baseline, Trainer epoch + engine.inspect maps: {theirs * 1e3:.1f} ms against our "
              f"{ours * 1e3:.1f} ms (interleaved, no paint); baseline / ours {theirs / ours:.2f}")
        print(f"{'':6s} epoch: ours {ours_epoch * 1e3:.1f} ms, ours with autograd {autograd_epoch * 1e3:.1f} ms, "
              f"a bare PyTorch loop {floor * 1e3:.1f} ms (interleaved); ours / bare {ours_epoch / floor:.2f}, "
              f"autograd / bare {autograd_epoch / floor:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
