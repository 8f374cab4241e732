"""The real main window, offscreen, editing on its own until it is SIGKILLed.

    NETSMITH_CONFIG_DIR=DIR QT_QPA_PLATFORM=offscreen python -m tests.faults.edit_window

With autosave every second (set through Settings, as the Autosave Interval menu does),
it opens LeNet-5 and, every 100 ms, sets fc1's out_features to 1, 2, 3, ... through
the editor's undoable edits, printing "<n> <unix time>" after each. The parent kills it
and compares the recovery file with the edits it saw.
"""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.editor import edits
from app.main_window import MainWindow
from app.settings import Settings
from engine.templates import load_template

AUTOSAVE_SECONDS = 1
EDIT_EVERY_MS = 100


def main() -> None:
    app = QApplication(sys.argv)
    settings = Settings()
    settings.autosave_seconds = AUTOSAVE_SECONDS
    window = MainWindow(load_template("lenet5"), settings)
    window.resize(1280, 800)
    window.show()
    count = 0

    def edit() -> None:
        nonlocal count
        count += 1
        edits.set_params(window.session, "model", "fc1", {"out_features": count})
        print(f"{count} {time.time():.3f}", flush=True)

    timer = QTimer()
    timer.timeout.connect(edit)
    timer.start(EDIT_EVERY_MS)
    print("ready", flush=True)
    app.exec()


if __name__ == "__main__":
    main()
