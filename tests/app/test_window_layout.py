"""The first window a newcomer sees: its size on the screen, the canvas's share of it, the dock
that comes forward on a selection, and what File > New starts with."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QRect

from app.main_window import STARTER_HINT, initial_geometry
from engine.graph import Endpoint

ROOT = Path(__file__).resolve().parents[2]

# A first run (no saved window state) on a 1600x1000 screen: where everything ends up.
FIRST_RUN = r'''
import json, sys
from PySide6.QtWidgets import QApplication

app = QApplication([])
from app.main_window import MainWindow
from app.settings import Settings

window = MainWindow(None, Settings())
window.show()
for _ in range(5):
    app.processEvents()
size = lambda w: [w.width(), w.height()]
json.dump({"screen": [app.primaryScreen().availableGeometry().width(), app.primaryScreen().availableGeometry().height()],
           "window": size(window), "canvas": size(window.view.viewport()),
           "docks": {d.objectName(): size(d) for d in (window.palette_dock, window.inspector_dock,
                                                       window.bottom_dock, window.inside_dock)}},
          open(sys.argv[1], "w"))
window.close()
'''


def test_the_first_window_fills_most_of_the_screen_and_the_canvas_has_the_largest_area(tmp_path):
    screens = tmp_path / "screens.json"
    screens.write_text(json.dumps({"screens": [{"name": "wide", "x": 0, "y": 0, "width": 1600, "height": 1000,
                                                "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screens}", "PYTHONPATH": str(ROOT),
           "NETSMITH_CONFIG_DIR": str(tmp_path / "config")}
    out = tmp_path / "layout.json"
    run = subprocess.run([sys.executable, "-c", FIRST_RUN, str(out)], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    layout = json.loads(out.read_text())
    assert layout["screen"] == [1600, 1000]
    width, height = layout["window"]
    assert 0.85 * 1600 <= width <= 1600 and 0.85 * 1000 <= height <= 1000  # not Qt's 2/3 (1066x666)
    canvas_w, canvas_h = layout["canvas"]
    assert canvas_w >= 800 and canvas_h >= 450, layout  # the walkthrough saw 495x230
    for name, (w, h) in layout["docks"].items():
        assert canvas_w * canvas_h > w * h, (name, layout)


def test_the_first_window_is_centred_on_the_free_area():
    assert initial_geometry(QRect(0, 0, 1600, 1000)) == QRect(96, 60, 1408, 880)
    assert initial_geometry(QRect(100, 40, 1000, 800)).center() == QRect(100, 40, 1000, 800).center()


def _shown(dock) -> bool:
    return not dock.visibleRegion().isEmpty()


def test_selecting_a_node_brings_the_inspector_over_the_training_panel(window):
    window.training_dock.raise_()
    assert _shown(window.training_dock) and not _shown(window.inspector_dock)
    window.scene.select_ids(["conv1"])
    assert _shown(window.inspector_dock) and not _shown(window.training_dock)
    window.training_dock.raise_()
    window.scene.clearSelection()  # nothing selected: the training panel stays in front
    assert _shown(window.training_dock)


def test_a_closed_inspector_stays_closed_on_a_selection(window):
    window.inspector_dock.close()
    window.scene.select_ids(["conv1"])
    assert window.inspector_dock.isHidden()


def test_new_starts_at_actual_size_and_says_what_its_two_nodes_are(window):
    window.new_file()
    assert window.view.scale_factor <= 1.0  # not blown up to 148 %
    assert window.where_label.text() == STARTER_HINT and window.where_label.isVisible()
    window.scene.select_ids(["x"])
    added = window.add_op("Flatten")  # what the hint says: select x, double-click a layer
    window.session.analyze_now()
    assert window.graph.source(Endpoint(added, "x")) == Endpoint("x", "out")
    assert window.where_label.text() == ""  # a network of one's own needs no hint
