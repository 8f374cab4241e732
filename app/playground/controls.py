"""The Playground's controls: the top bar (play, step, reset, rates, activation, problem) and the
data column (datasets, ratio, noise, batch size, Regenerate, CSV). Widgets only: the window
connects them to the session."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.playground.colors import color
from engine.data.playground import CLASSIFICATION_KINDS, REGRESSION_KINDS, playground_points
from engine.playground import ACTIVATIONS, LEARNING_RATES, REGULARIZATION_RATES

__all__ = ["DATASET_NAMES", "DataPanel", "TopBar", "icon"]

DATASET_NAMES = {"circle": "Circle", "xor": "Exclusive or", "gauss": "Gaussian", "spiral": "Spiral",
                 "plane": "Plane", "multi_gauss": "Multi Gaussian"}
ACTIVATION_NAMES = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "linear": "Linear"}
REGULARIZATION_NAMES = {"none": "None", "l1": "L1", "l2": "L2"}
MAX_BATCH = 64  # Playground's slider stops at 30


def icon(kind: str, size: int = 24, foreground: str = "#ffffff") -> QIcon:
    """Crisp vector icons for play, pause, reset and step (no font or image files needed)."""
    ratio = 2
    pixmap = QPixmap(size * ratio, size * ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(ratio * size / 24, ratio * size / 24)
    ink = QColor(foreground)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(ink)
    if kind == "play":
        p.drawPolygon(QPolygonF([QPointF(8, 5), QPointF(19, 12), QPointF(8, 19)]))
    elif kind == "pause":
        p.drawRoundedRect(QRectF(6.5, 5, 4, 14), 1, 1)
        p.drawRoundedRect(QRectF(13.5, 5, 4, 14), 1, 1)
    elif kind == "step":
        p.drawPolygon(QPolygonF([QPointF(6, 6), QPointF(15, 12), QPointF(6, 18)]))
        p.drawRect(QRectF(15.5, 6, 2.5, 12))
    elif kind == "reset":
        pen = QPen(ink, 2.4)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        path = QPainterPath()
        path.arcMoveTo(QRectF(5, 5, 14, 14), 60)
        path.arcTo(QRectF(5, 5, 14, 14), 60, 270)
        p.drawPath(path)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(ink)
        p.drawPolygon(QPolygonF([QPointF(12.5, 2.5), QPointF(17.5, 6.2), QPointF(12.0, 8.8)]))
    p.end()
    pixmap.setDevicePixelRatio(ratio)
    return QIcon(pixmap)


def dataset_thumbnail(kind: str, size: int = 52) -> QPixmap:
    """A small picture of a dataset: its points on white, coloured by label."""
    ratio = 2
    pixmap = QPixmap(size * ratio, size * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(QColor("#ffffff"))
    xy, labels = playground_points(kind, 0.0, seed=1)
    values = labels.astype(float) * 2 - 1 if kind in CLASSIFICATION_KINDS else labels.astype(float)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    step = 2 if len(xy) > 600 else 1
    for (x, y), v in zip(xy[::step], values[::step]):
        p.setBrush(color(float(v)))
        p.drawEllipse(QPointF((x + 6) / 12 * size, (6 - y) / 12 * size), 1.1, 1.1)
    p.end()
    return pixmap


def _caption(text: str) -> QLabel:
    label = QLabel(text.upper())
    label.setObjectName("caption")
    return label


def _round_tool(kind: str, size: int, name: str, tip: str, icon_size: int) -> QToolButton:
    button = QToolButton()
    button.setObjectName(name)
    button.setIcon(icon(kind, icon_size, "#ffffff" if name == "playButton" else "#3c4043"))
    button.setIconSize(QSize(icon_size, icon_size))
    button.setFixedSize(size, size)
    button.setToolTip(tip)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button


def _combo(items: list[tuple[str, object]], current: object) -> QComboBox:
    combo = QComboBox()
    # A plain list popup, asked for on the combo itself: the popup's frame takes its margins from the
    # style sheet in force when the combo is made (the app's, inside the editor), and a menu-like
    # popup then clips the last item behind a scroll arrow ("L2", "10").
    combo.setStyleSheet("QComboBox { combobox-popup: 0; }")
    for text, value in items:
        combo.addItem(text, value)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    combo.setMaxVisibleItems(max(10, combo.count()))  # every rate at once, as Playground's menus
    return combo


def _labelled(caption: str, widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(_caption(caption))
    layout.addWidget(widget)
    return box


class TopBar(QWidget):
    """Reset, play/pause, step, the epoch counter, and the training choices."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("topBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 10, 20, 10)
        layout.setSpacing(14)
        self.reset_button = _round_tool("reset", 38, "sideButton", "Reset the network (new weights)", 20)
        self.play_button = _round_tool("play", 58, "playButton", "Run / pause (Space)", 30)
        self.step_button = _round_tool("step", 38, "sideButton", "One epoch", 20)
        for button in (self.reset_button, self.play_button, self.step_button):
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.epoch_label = QLabel("000,000")
        self.epoch_label.setObjectName("epoch")
        layout.addSpacing(6)
        layout.addWidget(_labelled("Epoch", self.epoch_label))
        layout.addSpacing(10)
        self.lr_combo = _combo([(f"{v:g}", v) for v in LEARNING_RATES], 0.03)
        self.activation_combo = _combo([(ACTIVATION_NAMES[a], a) for a in ACTIVATIONS], "tanh")
        self.regularization_combo = _combo([(REGULARIZATION_NAMES[k], k) for k in REGULARIZATION_NAMES], "none")
        self.rate_combo = _combo([(f"{v:g}", v) for v in REGULARIZATION_RATES], 0.0)
        self.problem_combo = _combo([("Classification", "classification"), ("Regression", "regression")],
                                    "classification")
        for caption, combo in (("Learning rate", self.lr_combo), ("Activation", self.activation_combo),
                               ("Regularization", self.regularization_combo),
                               ("Regularization rate", self.rate_combo), ("Problem type", self.problem_combo)):
            combo.setMinimumWidth(104)
            layout.addWidget(_labelled(caption, combo))
        layout.addStretch(1)
        self.open_button = QPushButton("Open…")
        self.open_button.setToolTip("Open a document whose network is a Playground MLP")
        self.export_button = QPushButton("Export Python…")
        self.export_button.setToolTip("Write the network as a Python module, with its weights beside it")
        self.editor_button = QPushButton("Open in editor")
        self.editor_button.setObjectName("primary")
        self.editor_button.setToolTip("Turn this network, with its weights, into a document in the editor")
        for button in (self.open_button, self.export_button, self.editor_button):
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)

    def set_playing(self, playing: bool) -> None:
        self.play_button.setIcon(icon("pause" if playing else "play", 30))

    def set_epoch(self, epoch: int) -> None:
        self.epoch_label.setText(f"{epoch:07,d}")


class DataPanel(QWidget):
    """Which dataset, how it is split and how noisy, the batch size, and data of one's own."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dataPanel")
        self.setFixedWidth(200)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 12, 14)
        layout.setSpacing(6)
        title = QLabel("DATA")
        title.setObjectName("columnTitle")
        layout.addWidget(title)
        # The question and the thumbnails are one control (Playground's "Which dataset"), hidden together.
        self.dataset_box = QWidget()
        dataset_layout = QVBoxLayout(self.dataset_box)
        dataset_layout.setContentsMargins(0, 0, 0, 0)
        dataset_layout.setSpacing(6)
        question = QLabel("Which dataset do you want to use?")
        question.setObjectName("muted")
        question.setWordWrap(True)
        dataset_layout.addWidget(question)
        grid = QGridLayout()
        grid.setSpacing(8)
        self.dataset_group = QButtonGroup(self)
        self.dataset_group.setExclusive(True)
        self.dataset_buttons: dict[str, QToolButton] = {}
        for kind in CLASSIFICATION_KINDS + REGRESSION_KINDS:
            button = QToolButton()
            button.setObjectName("datasetButton")
            button.setCheckable(True)
            button.setIcon(QIcon(dataset_thumbnail(kind)))
            button.setIconSize(QSize(52, 52))
            button.setFixedSize(60, 60)
            button.setToolTip(DATASET_NAMES[kind])
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            self.dataset_group.addButton(button)
            self.dataset_buttons[kind] = button
        self._grid = grid
        dataset_layout.addLayout(grid)
        layout.addWidget(self.dataset_box)
        layout.addSpacing(10)
        self.ratio_label, self.ratio_slider = self._slider(layout, 1, 9, 5)
        self.noise_label, self.noise_slider = self._slider(layout, 0, 10, 0)
        self.batch_label, self.batch_slider = self._slider(layout, 1, MAX_BATCH, 10)
        layout.addSpacing(8)
        self.regenerate_button = QPushButton("Regenerate")
        self.regenerate_button.setToolTip("New points of the same kind")
        self.csv_button = QPushButton("Load CSV…")
        self.csv_button.setToolTip("2-D points with labels: x1, x2, label per row (labels 0/1 or -1/1, or values)")
        for button in (self.regenerate_button, self.csv_button):
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            layout.addWidget(button)
        hint = QLabel("Draw points on the output: left click adds blue (class 1), right click orange (class 0).")
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        layout.addSpacing(6)
        layout.addWidget(hint)
        layout.addStretch(1)
        self.show_problem("classification")

    def _slider(self, layout: QVBoxLayout, low: int, high: int, value: int) -> tuple[QLabel, QSlider]:
        label = QLabel()
        label.setObjectName("sliderLabel")
        label.setWordWrap(True)
        slider = QSlider(Qt.Orientation.Horizontal)
        slider.setRange(low, high)
        slider.setValue(value)
        layout.addWidget(label)
        layout.addWidget(slider)
        return label, slider

    def show_problem(self, problem: str) -> None:
        """Show the datasets of `problem` in the 2 x 2 grid."""
        kinds = CLASSIFICATION_KINDS if problem == "classification" else REGRESSION_KINDS
        for button in self.dataset_buttons.values():
            self._grid.removeWidget(button)
            button.hide()
        for i, kind in enumerate(kinds):
            self._grid.addWidget(self.dataset_buttons[kind], i // 2, i % 2)
            self.dataset_buttons[kind].show()

    def set_values(self, dataset: str, train_ratio: float, noise: float, batch_size: int) -> None:
        """Show settings without emitting changes."""
        for widget in (self.ratio_slider, self.noise_slider, self.batch_slider):
            widget.blockSignals(True)
        self.ratio_slider.setValue(int(round(train_ratio * 10)))
        self.noise_slider.setValue(int(round(noise * 20)))
        self.batch_slider.setValue(min(batch_size, MAX_BATCH))
        for widget in (self.ratio_slider, self.noise_slider, self.batch_slider):
            widget.blockSignals(False)
        self.ratio_label.setText(f"Ratio of training to test data: <b>{int(round(train_ratio * 100))}%</b>")
        self.noise_label.setText(f"Noise: <b>{int(round(noise * 100))}</b>")
        self.batch_label.setText(f"Batch size: <b>{batch_size}</b>")
        button = self.dataset_buttons.get(dataset)
        if button is not None:
            button.setChecked(True)
        else:  # custom points: no thumbnail is the dataset
            self.dataset_group.setExclusive(False)
            for b in self.dataset_buttons.values():
                b.setChecked(False)
            self.dataset_group.setExclusive(True)
