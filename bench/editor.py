"""The editor on a large graph: open, first paint, pan/zoom and drag frame times, edit-to-labels.

Graphs: `branching_graph(..., concat_every=1)`, about 500 nodes / 600 edges and
200 nodes / 240 edges, in a 1440x900 window on the offscreen platform (software
rendering: what a frame costs the CPU). A frame is one synchronous repaint of the
canvas after the change (`viewport().repaint()`), timed together with the change.
Zoom steps are interactive (as from the wheel: items draw scaled cached pixmaps until
the gesture settles). Baseline in the same process: the same scene with item caching
switched off.
Goals: p95 frame <= 16 ms at 200 nodes and <= 33 ms at 500 nodes; a parameter edit
to updated shape labels <= 100 ms (including the 30 ms analysis debounce).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("NETSMITH_CONFIG_DIR", tempfile.mkdtemp(prefix="netsmith-bench-"))

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import torch  # noqa: E402
from PySide6.QtCore import QEvent, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QMouseEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QGraphicsItem  # noqa: E402

from app.application import create_application  # noqa: E402
from app.editor import edits  # noqa: E402
from app.main_window import MainWindow  # noqa: E402
from app.settings import Settings  # noqa: E402
from bench.graphs import branching_graph  # noqa: E402
from engine.document import Document  # noqa: E402
from engine.graph import Endpoint  # noqa: E402

FRAMES = 80


def document(nodes: int) -> Document:
    doc = Document()
    doc.networks["model"] = branching_graph(nodes, concat_every=1)
    doc.networks["model"].resolve = doc.resolve
    return doc


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def frames(window: MainWindow, change) -> list[float]:
    viewport = window.view.viewport()
    app = QApplication.instance()
    times = []
    for i in range(FRAMES):
        t0 = time.perf_counter()
        change(i)
        viewport.repaint()
        times.append((time.perf_counter() - t0) * 1e3)
        app.processEvents()
    return times[5:]  # the first few fill the item caches


def pan(window: MainWindow):
    def step(i: int) -> None:
        dx = 24 if (i // 20) % 2 == 0 else -24
        window.view.pan_by(dx, 9 if i % 2 else -9)

    return step


def zoom(window: MainWindow):
    def step(i: int) -> None:
        view = window.view
        anchor = QPointF(view.viewport().width() * 0.4, view.viewport().height() * 0.6)
        view.set_zoom(view.scale_factor * (1.1 if (i // 10) % 2 == 0 else 1 / 1.1), anchor=anchor, interactive=True)

    return step


def send(window: MainWindow, kind: str, scene_pos: QPointF) -> None:
    view = window.view
    pos = QPointF(view.mapFromScene(scene_pos))
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    event_type, button, buttons = {
        "press": (QEvent.Type.MouseButtonPress, left, left),
        "move": (QEvent.Type.MouseMove, none, left),
        "release": (QEvent.Type.MouseButtonRelease, left, none),
    }[kind]
    global_pos = QPointF(view.viewport().mapToGlobal(pos.toPoint()))
    QApplication.sendEvent(view.viewport(), QMouseEvent(event_type, pos, global_pos, button, buttons,
                                                        Qt.KeyboardModifier.NoModifier))


def drag_frames(window: MainWindow, node_id: str) -> list[float]:
    ui = window.graph.nodes[node_id].ui
    start = QPointF(ui["x"] + 100, ui["y"] + 30)
    window.view.centerOn(start)
    send(window, "press", start)

    def step(i: int) -> None:
        send(window, "move", QPointF(start.x() + 4 * (i + 1), start.y() + 2 * (i % 7)))

    times = frames(window, step)
    send(window, "release", QPointF(start.x() + 4 * FRAMES, start.y()))
    return times


def edit_to_labels(window: MainWindow, node_id: str, param: str, values) -> list[float]:
    """From the edit (as the inspector makes it) until the scene shows the new shapes."""
    app = QApplication.instance()
    scene = window.scene
    graph = window.graph
    out = Endpoint(node_id, "out")
    watched = [scene.edges[dst] for dst in graph.consumers(out)]
    times = []
    for value in values:
        t0 = time.perf_counter()
        edits.set_params(window.session, "model", node_id, {param: value})
        while not all(str(value) in item.label.text for item in watched):
            app.processEvents()
            time.sleep(0.0005)
            if time.perf_counter() - t0 > 5:
                raise RuntimeError("labels never updated")
        times.append((time.perf_counter() - t0) * 1e3)
    return times


def set_item_cache(window: MainWindow, mode) -> None:
    for item in window.scene.items():
        if item.cacheMode() != mode and not isinstance(item, type(None)):
            item.setCacheMode(mode)


def run(nodes: int, goal: float) -> dict[str, float]:
    app = QApplication.instance()
    doc = document(nodes)
    t0 = time.perf_counter()
    window = MainWindow(doc, Settings())
    window.resize(1440, 900)
    window.show()
    app.processEvents()
    window.view.viewport().repaint()
    first_paint = (time.perf_counter() - t0) * 1e3
    while window.session.analysis is None:
        app.processEvents()
        time.sleep(0.001)
    window.view.viewport().repaint()
    with_shapes = (time.perf_counter() - t0) * 1e3
    graph = window.graph
    print(f"\n== {len(graph)} nodes, {len(graph.edges)} edges (goal: p95 frame <= {goal:.0f} ms)")
    print(f"open to first paint            {first_paint:8.1f} ms")
    print(f"open to shapes on screen       {with_shapes:8.1f} ms")

    results = {"first_paint": first_paint, "shapes": with_shapes}
    window.view.reset_zoom()
    window.view.centerOn(window.scene.nodes[list(graph.nodes)[len(graph) // 2]])
    cases = [("pan at 100%", pan(window)), ("wheel zoom at the cursor", zoom(window))]
    for name, change in cases:
        times = frames(window, change)
        results[name] = percentile(times, 0.95)
        print(f"{name:30} median {statistics.median(times):6.2f} ms   p95 {results[name]:6.2f} ms"
              f"   p95/goal {results[name] / goal:5.2f}")
    window.view.fit(max_scale=1.0)
    times = frames(window, pan(window))
    results["pan, whole graph"] = percentile(times, 0.95)
    print(f"{'pan, whole graph in view':30} median {statistics.median(times):6.2f} ms   "
          f"p95 {results['pan, whole graph']:6.2f} ms   p95/goal {results['pan, whole graph'] / goal:5.2f}"
          f"   (zoom {window.view.scale_factor:.2f})")
    window.view.reset_zoom()
    middle = [n for n in graph.nodes if graph.nodes[n].op == "Conv2d"][len(graph) // 16]
    times = drag_frames(window, middle)
    results["drag"] = percentile(times, 0.95)
    print(f"{'drag a node':30} median {statistics.median(times):6.2f} ms   p95 {results['drag']:6.2f} ms"
          f"   p95/goal {results['drag'] / goal:5.2f}")

    # Baseline: the same pan without item caching.
    window.view.centerOn(window.scene.nodes[middle])
    cached = frames(window, pan(window))
    set_item_cache(window, QGraphicsItem.CacheMode.NoCache)
    uncached = frames(window, pan(window))
    set_item_cache(window, QGraphicsItem.CacheMode.DeviceCoordinateCache)
    ratio = statistics.median(cached) / statistics.median(uncached)
    print(f"{'pan, no item cache (baseline)':30} median {statistics.median(uncached):6.2f} ms   "
          f"p95 {percentile(uncached, 0.95):6.2f} ms   cached/uncached median {ratio:5.2f}")

    fc = next(n for n in reversed(graph.nodes) if graph.nodes[n].op == "Linear")
    near = edit_to_labels(window, fc, "out_features", range(11, 31))
    results["edit near output"] = statistics.median(near)
    print(f"{'edit -> labels, near output':30} median {statistics.median(near):6.1f} ms   "
          f"max {max(near):6.1f} ms   median/goal {statistics.median(near) / 100:5.2f}")
    conv = [n for n in graph.nodes if graph.nodes[n].op == "Conv2d"][-6]
    late = edit_to_labels(window, conv, "out_channels", range(40, 48))
    results["edit late conv"] = statistics.median(late)
    print(f"{'edit -> labels, a late conv':30} median {statistics.median(late):6.1f} ms   "
          f"max {max(late):6.1f} ms   median/goal {statistics.median(late) / 100:5.2f}")
    window.session.undo_stack.setClean()
    window.close()
    return results


def main() -> None:
    torch.set_num_threads(2)
    create_application(offscreen=True)
    run(200, 16.0)
    run(500, 33.0)


if __name__ == "__main__":
    main()
