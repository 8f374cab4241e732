"""The Playground window: TensorFlow Playground's layout around a `PlaygroundSession`.

Data on the left, the network (features -> hidden layers -> output) in the middle, the
output map, losses and loss curve on the right, the run controls on top. While it plays,
a timer on the GUI thread runs one epoch and one frame per tick, as Playground does per
animation frame; a frame is a few tens of milliseconds, so the window stays responsive.

`open_in_editor` is the hook to the main window: a callable that receives a Document
(the network with its weights in `ui.playground`). Without it, "Open in editor" saves the
document where the user says, for `netsmith open`.

File > Open Link… and Copy Link read and write TensorFlow Playground links
(`engine.playground_link`); the Classroom menu hides controls as the links' `*_hide` keys do,
and what it hides travels in the link and in the saved document.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QGuiApplication, QKeySequence, QLinearGradient, QPainter, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.playground.colors import BLUE, GREY, ORANGE, heatmap_images
from app.playground.controls import DataPanel, TopBar
from app.playground.documents import document_of, open_session
from app.playground.loss_curve import LossCurve
from app.playground.network_view import FEATURE_LABELS, Hit, NetworkView
from app.playground.output_view import OutputView
from app.playground.runner import FrameRunner, Shot, capture
from engine.document import Document, DocumentError
from engine.playground import (
    FEATURES,
    LIVE_SETTINGS,
    PlaygroundError,
    PlaygroundFrame,
    PlaygroundSession,
    PlaygroundSettings,
    read_points_csv,
)
from engine.playground_link import CONTROLS, PlaygroundView, format_link, parse_link

__all__ = ["PlaygroundWindow"]

FIRST_KIND = {"classification": "circle", "regression": "plane"}

STYLE = """
QMainWindow, QWidget#page { background: #ffffff; }
QWidget { color: #3c4043; font-size: 9.5pt; }
QWidget#topBar { background: #f1f3f4; border-bottom: 1px solid #e0e3e6; }
QLabel#caption { color: #80868b; font-size: 7.5pt; font-weight: bold; letter-spacing: 0.5px; }
QLabel#columnTitle { color: #202124; font-size: 10.5pt; font-weight: bold; letter-spacing: 0.5px; }
QLabel#muted { color: #80868b; font-size: 8.5pt; }
QLabel#epoch { color: #202124; font-size: 19pt; font-weight: 300; }
QLabel#lossValue { color: #202124; font-size: 11pt; }
QToolButton#playButton { background: #183d4e; border: none; border-radius: 29px; }
QToolButton#playButton:hover { background: #0f2c39; }
QToolButton#sideButton { background: #ffffff; border: 1px solid #dadce0; border-radius: 19px; }
QToolButton#sideButton:hover { background: #e8eaed; }
QToolButton#roundButton { background: #e8eaed; border: none; color: #3c4043; font-weight: bold;
                          font-size: 11pt; border-radius: 10px; padding: 0; }
QToolButton#roundButton:hover { background: #d2d6da; }
QToolButton#roundButton:disabled { color: #bdc1c6; background: #f1f3f4; }
QToolButton#datasetButton { border: 2px solid transparent; border-radius: 4px; background: #ffffff; }
QToolButton#datasetButton:checked { border: 2px solid #202124; }
QToolButton#datasetButton:hover { border: 2px solid #9aa0a6; }
QComboBox { background: transparent; border: none; border-bottom: 1px solid #bdc1c6;
            padding: 2px 2px; color: #202124; font-size: 10pt; }
QComboBox QAbstractItemView { padding: 0; border: 1px solid #dadce0; border-radius: 0; background: #ffffff;
                              selection-background-color: #e8f0fe; selection-color: #202124; outline: 0; }
QComboBox QAbstractItemView::item { padding: 3px 10px 3px 6px; }
QPushButton { background: #ffffff; border: 1px solid #dadce0; border-radius: 4px; padding: 6px 12px;
              color: #3c4043; }
QPushButton:hover { background: #f1f3f4; }
QPushButton#primary { background: #1a73e8; border: 1px solid #1a73e8; color: #ffffff; font-weight: bold; }
QPushButton#primary:hover { background: #1765cc; }
QLineEdit#valueEditor { border: 1px solid #1a73e8; border-radius: 3px; padding: 2px 4px; background: #ffffff; }
QSlider::groove:horizontal { height: 4px; background: #dadce0; border-radius: 2px; }
QSlider::sub-page:horizontal { background: #80868b; border-radius: 2px; }
QSlider::handle:horizontal { background: #3c4043; width: 12px; height: 12px; margin: -4px 0; border-radius: 6px; }
QStatusBar { background: #ffffff; color: #80868b; }
"""


class _Legend(QWidget):
    """The colour scale from -1 (orange) to 1 (blue), as under Playground's output."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedHeight(30)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        bar = QRectF(24, 4, min(self.width() - 48, 200), 9)
        gradient = QLinearGradient(bar.topLeft(), bar.topRight())
        for stop, rgb in ((0.0, ORANGE), (0.5, GREY), (1.0, BLUE)):
            gradient.setColorAt(stop, QColor(*rgb))
        p.fillRect(bar, gradient)
        p.setPen(QColor("#80868b"))
        for text, x in (("-1", bar.left()), ("0", bar.center().x()), ("1", bar.right())):
            p.drawText(QRectF(x - 12, bar.bottom() + 1, 24, 14), Qt.AlignmentFlag.AlignCenter, text)
        p.end()


class PlaygroundWindow(QMainWindow):
    def __init__(
        self,
        settings: PlaygroundSettings | None = None,
        *,
        session: PlaygroundSession | None = None,
        document: Document | None = None,
        open_in_editor: Callable[[Document], None] | None = None,
        device: str = "auto",
    ) -> None:
        super().__init__()
        self.setWindowTitle("Netsmith Playground")
        self.setStyleSheet(STYLE)
        self.open_in_editor = open_in_editor
        self.device = device
        self.view = PlaygroundView()
        self.document_path: Path | None = None  # the file the network came from, if any
        self.frame: PlaygroundFrame | None = None
        self.hovered: Hit | None = None
        self._neuron_images: list[list] = []
        self._output_image = None
        self.runner = FrameRunner()
        self.frames_shown = 0
        self.timer = QTimer(self)  # while playing, collects the worker's frames
        self.timer.setInterval(4)
        self.timer.timeout.connect(self._poll)
        self._build()
        notes: list[str] = []
        view = PlaygroundView()
        if document is not None:
            session, view, notes = open_session(document, device=device)
        elif session is None:
            session = PlaygroundSession(settings, device=device)
        self.set_session(session)
        self.set_view(view)
        for note in notes:
            self.statusBar().showMessage(note, 8000)
        self.resize(1400, 760)

    # -- layout -------------------------------------------------------------------------------------
    def _build(self) -> None:
        page = QWidget()
        page.setObjectName("page")
        outer = QVBoxLayout(page)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.top = TopBar()
        outer.addWidget(self.top)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        self.data_panel = DataPanel()
        body.addWidget(self.data_panel)
        body.addWidget(self._rule())
        self.network_view = NetworkView()
        body.addWidget(self.network_view, 1)
        body.addWidget(self._rule())
        body.addWidget(self._output_column())
        outer.addLayout(body, 1)
        self.setCentralWidget(page)
        self._menus()
        self._connect()

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        for text, slot, keys in (("&Open…", self.open_document, QKeySequence.StandardKey.Open),
                                 ("Open &Link…", self.open_link, "Ctrl+L"),
                                 ("&Copy Link", self.copy_link, "Ctrl+Shift+C"),
                                 ("&Export Python…", self.export_python, None),
                                 ("Open in &Editor", self.send_to_editor, None)):
            action = file_menu.addAction(text)
            action.triggered.connect(lambda _=False, slot=slot: slot())
            if keys is not None:
                action.setShortcut(QKeySequence(keys))
        self.classroom_menu = self.menuBar().addMenu("&Classroom")
        self.classroom_menu.setToolTipsVisible(True)
        self.hide_actions: dict[str, QAction] = {}
        for name, label in CONTROLS.items():
            action = self.classroom_menu.addAction(f"Hide {label}")
            action.setCheckable(True)
            action.setToolTip("Hidden controls stay hidden in the copied link and the saved document")
            action.toggled.connect(lambda on, name=name: self.hide_control(name, on))
            self.hide_actions[name] = action

    def _rule(self) -> QFrame:
        line = QFrame()
        line.setFixedWidth(1)
        line.setStyleSheet("background: #eceef0;")
        return line

    def _output_column(self) -> QWidget:
        column = QWidget()
        column.setFixedWidth(380)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(18, 14, 20, 10)
        layout.setSpacing(6)
        title = QLabel("OUTPUT")
        title.setObjectName("columnTitle")
        layout.addWidget(title)
        numbers = QHBoxLayout()
        self.test_loss_label = QLabel()
        self.train_loss_label = QLabel()
        for label in (self.test_loss_label, self.train_loss_label):
            label.setObjectName("lossValue")
            numbers.addWidget(label)
        numbers.addStretch(1)
        layout.addLayout(numbers)
        self.accuracy_label = QLabel()
        self.accuracy_label.setObjectName("muted")
        layout.addWidget(self.accuracy_label)
        self.loss_curve = LossCurve()
        self.loss_curve.setFixedHeight(72)
        layout.addWidget(self.loss_curve)
        self.output_view = OutputView()
        self.output_view.setFixedSize(342, 338)
        layout.addWidget(self.output_view)
        checks = QHBoxLayout()
        self.show_test_box = QCheckBox("Show test data")
        self.discretize_box = QCheckBox("Discretize output")
        checks.addWidget(self.show_test_box)
        checks.addWidget(self.discretize_box)
        checks.addStretch(1)
        layout.addLayout(checks)
        self.legend = _Legend()
        layout.addWidget(self.legend)
        layout.addStretch(1)
        return column

    def _connect(self) -> None:
        top, data, net = self.top, self.data_panel, self.network_view
        top.play_button.clicked.connect(self.toggle_play)
        top.step_button.clicked.connect(self.step)
        top.reset_button.clicked.connect(self.reset)
        top.lr_combo.activated.connect(lambda _i: self.change(learning_rate=top.lr_combo.currentData()))
        top.activation_combo.activated.connect(lambda _i: self.change(activation=top.activation_combo.currentData()))
        top.regularization_combo.activated.connect(
            lambda _i: self.change(regularization=top.regularization_combo.currentData()))
        top.rate_combo.activated.connect(lambda _i: self.change(regularization_rate=top.rate_combo.currentData()))
        top.problem_combo.activated.connect(lambda _i: self.set_problem(top.problem_combo.currentData()))
        top.editor_button.clicked.connect(self.send_to_editor)
        top.export_button.clicked.connect(self.export_python)
        top.open_button.clicked.connect(self.open_document)
        for kind, button in data.dataset_buttons.items():
            button.clicked.connect(lambda _=False, kind=kind: self.change(dataset=kind))
        data.ratio_slider.valueChanged.connect(lambda v: self.change(train_ratio=v / 10))
        data.noise_slider.valueChanged.connect(lambda v: self.change(noise=v * 0.05))
        data.batch_slider.valueChanged.connect(lambda v: self.change(batch_size=v))
        data.regenerate_button.clicked.connect(self.regenerate)
        data.csv_button.clicked.connect(self.load_csv)
        net.layers_requested.connect(lambda layers: self.change(layers=tuple(layers)))
        net.feature_toggled.connect(self.toggle_feature)
        net.hovered.connect(self._hover)
        net.weight_edited.connect(self._edit_weight)
        net.bias_edited.connect(self._edit_bias)
        self.output_view.point_added.connect(self.add_point)
        self.show_test_box.toggled.connect(self.set_show_test)
        self.discretize_box.toggled.connect(self.set_discretize)
        QShortcut(QKeySequence(Qt.Key.Key_Space), self, activated=self.toggle_play)

    # -- the session ----------------------------------------------------------------------------------
    @property
    def settings(self) -> PlaygroundSettings:
        return self.session.settings

    @property
    def playing(self) -> bool:
        return self.runner.running

    def set_session(self, session: PlaygroundSession) -> None:
        self.pause()
        self.session = session
        # Each feature on its own scale (x1 spans [-6, 6], sin(x1) [-1, 1]) so every one shows its shape.
        self._feature_images = {name: heatmap_images(values, scale=max(float(np.abs(values).max()), 1e-6))[0]
                                for name, values in session.feature_maps().items()}
        self._feature_size = -1
        self._structure_changed()

    def _structure_changed(self) -> None:
        """Controls, network view and points follow the settings; then a fresh frame."""
        self._sync_controls()
        self.network_view.set_network(self.settings, self.session.layer_weights())
        self._points_changed()
        self.refresh()

    def _sync_controls(self) -> None:
        """Every control shows the session's settings (also after changes made in code)."""
        s = self.settings
        top = self.top
        for combo, value in ((top.lr_combo, s.learning_rate), (top.activation_combo, s.activation),
                             (top.regularization_combo, s.regularization), (top.rate_combo, s.regularization_rate),
                             (top.problem_combo, s.problem)):
            index = combo.findData(value)
            if index < 0:  # a value from a document that the menu lacks
                combo.addItem(f"{value:g}" if isinstance(value, float) else str(value), value)
                index = combo.count() - 1
            combo.setCurrentIndex(index)
        self.data_panel.show_problem(s.problem)
        self.data_panel.set_values(s.dataset, s.train_ratio, s.noise, s.batch_size)

    def _points_changed(self) -> None:
        s = self.session
        self.output_view.set_points(s.points, s.labels, s.train_count, s.settings.problem)

    def refresh(self) -> None:
        """Evaluate a frame of the session as it is now and show it."""
        with self.runner.lock:
            shot = capture(self.session)
        self.show_shot(shot)

    def show_shot(self, shot: Shot) -> None:
        """Hand every view the images and numbers of one frame."""
        frame = self.frame = shot.frame
        size = self.network_view.thumbnail_size()
        self._output_image = heatmap_images(frame.output, self.discretize)[0]
        stack = np.concatenate([frame.output[None], *frame.neurons])
        thumbnails = heatmap_images(stack, self.discretize, size=size)
        self._neuron_images, k = [], 1
        for maps in frame.neurons:
            self._neuron_images.append(thumbnails[k:k + len(maps)])
            k += len(maps)
        if self._feature_size != size:
            self._feature_thumbnails = {name: image.scaled(size, size, Qt.AspectRatioMode.IgnoreAspectRatio,
                                                           Qt.TransformationMode.SmoothTransformation)
                                        for name, image in self._feature_images.items()}
            self._feature_size = size
        self.network_view.set_images(self._feature_thumbnails, self._neuron_images, thumbnails[0], shot.weights)
        self.output_view.set_image(self._output_image)
        if self.hovered is not None:
            self._hover(self.hovered)
        self.top.set_epoch(frame.epoch)
        self.test_loss_label.setText(f"Test loss <b>{frame.test_loss:.3f}</b>")
        self.train_loss_label.setText(f"  Training loss <b>{frame.train_loss:.3f}</b>")
        if frame.test_accuracy is not None:
            self.accuracy_label.setText(f"Test accuracy {frame.test_accuracy:.1%} · "
                                        f"training accuracy {frame.train_accuracy:.1%}")
        else:
            self.accuracy_label.setText(f"{shot.points:,} points")
        self.loss_curve.set_history(shot.history)
        self.frames_shown += 1

    # -- controls ----------------------------------------------------------------------------------------
    def tick(self) -> None:
        """One animation frame on this thread: an epoch, then every map (the step button; tests)."""
        with self.runner.lock:
            self.session.step()
        self.refresh()

    def _poll(self) -> None:
        """While playing: show the frame the worker has ready, if any."""
        shot = self.runner.take()
        if shot is not None:
            self.show_shot(shot)
        if not self.runner.running:
            error = self.runner.error
            self.pause()
            if error:
                QMessageBox.critical(self, "Training stopped", error)

    def play(self) -> None:
        if not self.runner.running:
            self.runner.start(self.session)
            self.timer.start()
            self.top.set_playing(True)

    def pause(self) -> None:
        """Stop playing after the current epoch, and show the session exactly as it is."""
        was_running = self.runner.running or self.timer.isActive()
        self.timer.stop()
        self.runner.stop()
        if hasattr(self, "top"):
            self.top.set_playing(False)
        if was_running and hasattr(self, "session"):
            self.refresh()

    def toggle_play(self) -> None:
        self.pause() if self.playing else self.play()

    def step(self) -> None:
        """One epoch, paused (Playground's step button)."""
        self.pause()
        self.tick()

    def reset(self) -> None:
        self.pause()
        self.session.reset()
        self._structure_changed()

    def regenerate(self) -> None:
        """New points; the network trains on (and keeps playing if it was), as Playground's Regenerate."""
        with self.runner.lock:
            self.session.regenerate()
        self.data_panel.set_values(self.settings.dataset, self.settings.train_ratio, self.settings.noise,
                                   self.settings.batch_size)
        self._points_changed()
        if not self.playing:
            self.refresh()

    def change(self, **changes) -> str:
        """Apply settings as Playground does: a new network (paused) for most, live for rates and batch size."""
        if not set(changes) <= set(LIVE_SETTINGS):
            self.pause()  # as Playground: anything but the rates makes a new network, which waits for Play
        try:
            with self.runner.lock:
                what = self.session.update(**changes)
        except PlaygroundError as exc:
            self.statusBar().showMessage(str(exc), 6000)
            return "none"
        if what in ("network", "data"):
            self._structure_changed()
        elif what == "live":
            self._sync_controls()
            self.loss_curve.set_history(self.session.history)
        return what

    def set_problem(self, problem: str) -> None:
        if problem != self.settings.problem:
            self.change(problem=problem, dataset=FIRST_KIND[problem])

    def toggle_feature(self, name: str) -> None:
        features = set(self.settings.features) ^ {name}
        if not features:
            self.statusBar().showMessage("At least one feature stays on", 4000)
            return
        self.change(features=tuple(f for f in FEATURES if f in features))

    @property
    def discretize(self) -> bool:
        return self.view.discretize

    def set_discretize(self, on: bool) -> None:
        self.view = dataclasses.replace(self.view, discretize=bool(on))
        self.refresh()

    def set_show_test(self, on: bool) -> None:
        self.view = dataclasses.replace(self.view, show_test_data=bool(on))
        self.output_view.set_show_test(bool(on))

    # -- the view and the classroom ------------------------------------------------------------------------
    def controls(self) -> dict[str, list[QWidget]]:
        """The widgets of each control a classroom can hide, by TensorFlow Playground's name for it."""
        top, data = self.top, self.data_panel
        return {
            "showTestData": [self.show_test_box], "discretize": [self.discretize_box],
            "playButton": [top.play_button], "stepButton": [top.step_button], "resetButton": [top.reset_button],
            "learningRate": [top.lr_combo.parentWidget()], "activation": [top.activation_combo.parentWidget()],
            "regularization": [top.regularization_combo.parentWidget()],
            "regularizationRate": [top.rate_combo.parentWidget()], "problem": [top.problem_combo.parentWidget()],
            "dataset": [data.dataset_box], "percTrainData": [data.ratio_label, data.ratio_slider],
            "noise": [data.noise_label, data.noise_slider], "batchSize": [data.batch_label, data.batch_slider],
            "numHiddenLayers": [self.network_view.add_layer_button, self.network_view.remove_layer_button],
        }

    def hide_control(self, name: str, hide: bool = True) -> None:
        """Hide (or show again) one of TensorFlow Playground's hidable controls."""
        self.set_view(self.view.with_hidden(name, hide))

    def set_view(self, view: PlaygroundView) -> None:
        """Show the output as `view` says and hide the controls it hides."""
        self.view = view
        for box, on in ((self.show_test_box, view.show_test_data), (self.discretize_box, view.discretize)):
            box.blockSignals(True)
            box.setChecked(on)
            box.blockSignals(False)
        self.output_view.set_show_test(view.show_test_data)
        for name, widgets in self.controls().items():
            hidden = name in view.hidden
            for widget in widgets:
                widget.setVisible(not hidden)
            action = self.hide_actions[name]
            action.blockSignals(True)
            action.setChecked(hidden)
            action.blockSignals(False)
        self.network_view.update()
        self.refresh()

    # -- links ---------------------------------------------------------------------------------------------
    def link(self) -> str:
        """The current set-up as a link TensorFlow Playground opens."""
        return format_link(self.settings, self.view)

    def copy_link(self) -> str:
        link = self.link()
        QGuiApplication.clipboard().setText(link)
        extra = " (your own points do not travel in a link: it names the first dataset)" \
            if self.settings.dataset == "custom" else ""
        self.statusBar().showMessage(f"Copied a TensorFlow Playground link{extra}", 8000)
        return link

    def open_link(self, text: str | None = None) -> bool:
        """Open a TensorFlow Playground link (asked for when not given); what Netsmith reads differently is
        said in one message, and the rest of the link still opens."""
        self.pause()
        if text is None:
            clip = QGuiApplication.clipboard().text().strip()
            text, ok = QInputDialog.getText(self, "Open Link", "A TensorFlow Playground link:",
                                            text=clip if "#" in clip and "=" in clip else "")
            if not ok or not text.strip():
                return False
        try:
            settings, view, notes = parse_link(text)
            session = PlaygroundSession(settings, device=self.device)
        except PlaygroundError as exc:
            QMessageBox.warning(self, "Cannot open the link", str(exc))
            return False
        self.document_path = None
        self.set_session(session)
        self.set_view(view)
        if notes:
            QMessageBox.information(self, "Opened the link", "Opened, with these differences:\n\n• "
                                    + "\n• ".join(notes))
        self.statusBar().showMessage("Opened a TensorFlow Playground link", 6000)
        return True

    def add_point(self, x: float, y: float, label: float) -> None:
        value = label if self.settings.problem == "classification" else (1.0 if label > 0 else -1.0)
        with self.runner.lock:
            self.session.add_point(x, y, value)
        self.data_panel.set_values(self.settings.dataset, self.settings.train_ratio, self.settings.noise,
                                   self.settings.batch_size)
        self._points_changed()
        if not self.playing:
            self.refresh()

    def _edit_weight(self, layer: int, target: int, source: int, value: float) -> None:
        with self.runner.lock:
            self.session.set_weight(layer, target, source, value)
        if not self.playing:
            self.refresh()

    def _edit_bias(self, layer: int, target: int, value: float) -> None:
        with self.runner.lock:
            self.session.set_bias(layer, target, value)
        if not self.playing:
            self.refresh()

    def _hover(self, hit: Hit | None) -> None:
        self.hovered = hit
        if hit is None:
            self.output_view.set_preview(None)
        elif hit.kind == "feature":
            self.output_view.set_preview(self._feature_images[hit.name], f"Feature {FEATURE_LABELS[hit.name]}")
        elif hit.kind == "neuron" and self.frame is not None and hit.layer < len(self.frame.neurons):
            node = self.session.neuron_ids[hit.layer]
            image = heatmap_images(self.frame.neurons[hit.layer][hit.index], self.discretize)[0]
            self.output_view.set_preview(image, f"Layer {hit.layer + 1}, neuron {hit.index + 1} ({node})")
        else:
            self.output_view.set_preview(None)

    # -- documents and files ------------------------------------------------------------------------------
    def document(self) -> Document:
        """The current network, with its weights, as a document."""
        with self.runner.lock:
            return document_of(self.session, view=self.view)

    def _start_in(self, name: str = "") -> str:
        """Where a file dialog starts: the editor's rule (the document's folder, else the most recent
        file's, else home), and `name` in it."""
        from app.settings import Settings

        folder = Settings().dialog_dir(self.document_path)
        return str(Path(folder) / name) if name else folder

    def send_to_editor(self) -> None:
        self.pause()
        doc = self.document()
        if self.open_in_editor is not None:
            self.open_in_editor(doc)
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save the network as a document",
                                              self._start_in("playground_mlp.json"),
                                              "Netsmith documents (*.json)")
        if not path:
            return
        try:
            doc.save(path)
        except OSError as exc:
            QMessageBox.critical(self, "Save failed", f"Could not write {path}: {exc.strerror or exc}")
            return
        self.statusBar().showMessage(f"Saved {path}: open it in the editor with `netsmith open {path}`", 10000)

    def export_python(self) -> None:
        self.pause()
        try:
            from engine.export import export
        except ImportError:
            QMessageBox.information(self, "Export Python", "Export Python is not available in this build.")
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export Python", self._start_in("playground_mlp.py"),
                                              "Python files (*.py)")
        if not path:
            return
        try:
            self.export_to(Path(path), export)
        except Exception as exc:  # an exporter's refusal: tell the user, keep the work
            QMessageBox.critical(self, "Export failed", f"{type(exc).__name__}: {exc}")
            return
        self.statusBar().showMessage(f"Exported {path} and its weights beside it", 8000)

    def export_to(self, path: Path, export: Callable) -> list[Path]:
        """The network as Python (`export(doc, "python", path)`) and the weights as `<path>.safetensors`."""
        from engine.weights import save_weights

        written = list(export(self.document(), "python", path))
        with self.runner.lock:
            written.append(save_weights(self.session.module, path.with_suffix(".safetensors")))
        return written

    def open_document(self) -> None:
        self.pause()
        path, _ = QFileDialog.getOpenFileName(self, "Open a Playground network", self._start_in(),
                                              "Netsmith documents (*.json)")
        if path:
            self.load_document_file(path)

    def load_document_file(self, path: str | Path) -> bool:
        try:
            doc = Document.load(path)
        except DocumentError as exc:
            QMessageBox.critical(self, "Cannot open", str(exc))
            return False
        if not self.load_document(doc):
            return False
        self.document_path = Path(path)
        return True

    def load_document(self, doc: Document) -> bool:
        """Open a document whose network is a Playground MLP; any other is refused with the reason."""
        try:
            session, view, notes = open_session(doc, device=self.device)
        except PlaygroundError as exc:
            QMessageBox.warning(self, "Not a Playground network", str(exc))
            return False
        self.document_path = doc.path
        self.set_session(session)
        self.set_view(view)
        self.statusBar().showMessage("; ".join(notes) or f"Opened {doc.title}", 8000)
        return True

    def load_csv(self, path: str | None = None) -> bool:
        self.pause()
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Load points", self._start_in(),
                                                  "CSV files (*.csv);;All files (*)")
            if not path:
                return False
        try:
            points, labels, problem = read_points_csv(path)
            self.session.set_points(points, labels, problem)
        except PlaygroundError as exc:
            QMessageBox.warning(self, "Cannot load the points", str(exc))
            return False
        self._structure_changed()
        self.statusBar().showMessage(f"{len(points):,} points from {Path(path).name}", 6000)
        return True

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.pause()
        super().closeEvent(event)
