"""The network drawn as Playground draws it: features, hidden layers and the output, left to right.

Every neuron is a small heatmap of its activation over the input square; links are
curves whose colour and thickness follow their weight. Hovering a neuron or a feature
shows it large on the output view (the window listens to `hovered`); hovering a link or
a bias shows its value, and clicking it opens a small editor. + and - buttons add and
remove hidden layers and neurons. The view keeps no state of its own beyond what the
window hands it: the settings, the weights and the images of the latest frame.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QMouseEvent, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QLineEdit, QToolButton, QToolTip, QWidget

from app.playground.colors import color
from engine.playground import FEATURES, MAX_LAYERS, MAX_NEURONS, PlaygroundSettings

__all__ = ["FEATURE_LABELS", "NetworkView"]

FEATURE_LABELS = {"x1": "X₁", "x2": "X₂", "x1_squared": "X₁²", "x2_squared": "X₂²", "x1_times_x2": "X₁X₂",
                  "sin_x1": "sin(X₁)", "sin_x2": "sin(X₂)"}
MAX_LINKS_DRAWN = 400  # per pair of layers; beyond it only the strongest are drawn (64 x 64 has 4,096)
TEXT, MUTED, BORDER = QColor("#3c4043"), QColor("#80868b"), QColor("#c8ccd0")


@dataclass(frozen=True)
class Hit:
    """What is under the mouse: a feature, a neuron, a link or a bias.

    `layer` counts Linear layers from 0 (the first hidden layer; the last is the output);
    for neurons it is the hidden layer, or len(layers) for the output neuron.
    """

    kind: str  # "feature", "neuron", "link", "bias"
    layer: int = -1
    index: int = -1  # the neuron (target of a link)
    source: int = -1  # a link's source neuron in the layer before (feature position for layer 0)
    name: str = ""  # the feature's name


def _round_button(text: str, tip: str, parent: QWidget, size: int) -> QToolButton:
    button = QToolButton(parent)
    button.setText(text)
    button.setToolTip(tip)
    button.setFixedSize(size, size)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setObjectName("roundButton")
    return button


class NetworkView(QWidget):
    layers_requested = Signal(object)  # a new tuple of hidden layer sizes
    feature_toggled = Signal(str)
    hovered = Signal(object)  # a Hit for a feature or neuron, or None
    weight_edited = Signal(int, int, int, float)  # layer, target, source, value
    bias_edited = Signal(int, int, float)  # layer, target, value

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setMinimumSize(520, 420)
        self.settings = PlaygroundSettings()
        self.weights: list[tuple[np.ndarray, np.ndarray]] = []
        self.feature_images: dict[str, QImage] = {}
        self.neuron_images: list[list[QImage]] = []
        self.output_image: QImage | None = None
        self.hover: Hit | None = None
        self._rects: dict[tuple[int, int], QRectF] = {}  # (column, row) -> node rectangle
        self._links: list[tuple[int, int, int]] = []  # (layer, target, source) of each drawn link
        self._samples = np.zeros((0, 16, 2))
        self._ends = np.zeros((0, 2, 2))
        self.add_layer_button = _round_button("+", "Add a hidden layer", self, 26)
        self.remove_layer_button = _round_button("−", "Remove the last hidden layer", self, 26)
        self.add_layer_button.clicked.connect(self.add_layer)
        self.remove_layer_button.clicked.connect(self.remove_layer)
        self.neuron_buttons: list[tuple[QToolButton, QToolButton]] = []
        self.editor = QLineEdit(self)
        self.editor.setObjectName("valueEditor")
        self.editor.setFixedWidth(86)
        self.editor.hide()
        self.editor.returnPressed.connect(self._commit_edit)
        self.editor.installEventFilter(self)
        self._editing: Hit | None = None
        self._layer: QImage | None = None
        self._layer_time = self._layer_cost = 0.0
        self._links_dirty = self._links_forced = True
        self.link_redraws = 0
        self.paints = 0

    # -- what to show --------------------------------------------------------------------------
    def set_network(self, settings: PlaygroundSettings, weights: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """A new structure (features, layers): buttons and geometry follow."""
        self.settings, self.weights = settings, weights
        self._editing = None
        self.editor.hide()
        while len(self.neuron_buttons) > len(settings.layers):
            for button in self.neuron_buttons.pop():
                button.deleteLater()
        while len(self.neuron_buttons) < len(settings.layers):
            i = len(self.neuron_buttons)
            plus = _round_button("+", "Add a neuron", self, 20)
            minus = _round_button("−", "Remove a neuron", self, 20)
            plus.clicked.connect(lambda _=False, i=i: self.change_neurons(i, +1))
            minus.clicked.connect(lambda _=False, i=i: self.change_neurons(i, -1))
            plus.show()
            minus.show()
            self.neuron_buttons.append((plus, minus))
        for i, (plus, minus) in enumerate(self.neuron_buttons):
            plus.setEnabled(settings.layers[i] < MAX_NEURONS)
            minus.setEnabled(settings.layers[i] > 1)
        self.add_layer_button.setEnabled(len(settings.layers) < MAX_LAYERS)
        self.remove_layer_button.setEnabled(len(settings.layers) > 0)
        self._layout()
        self.invalidate_links()
        self.update()

    def set_images(self, features: dict[str, QImage], neurons: list[list[QImage]], output: QImage | None,
                   weights: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """The latest frame: every heatmap, and the weights the links show."""
        self.feature_images, self.neuron_images, self.output_image = features, neurons, output
        self.weights = weights
        self._sample_links()
        self._links_dirty = True
        self.update()

    # -- the + and - buttons ---------------------------------------------------------------------
    def add_layer(self) -> None:
        layers = self.settings.layers
        if len(layers) < MAX_LAYERS:
            self.layers_requested.emit((*layers, layers[-1] if layers else 2))

    def remove_layer(self) -> None:
        if self.settings.layers:
            self.layers_requested.emit(self.settings.layers[:-1])

    def change_neurons(self, layer: int, delta: int) -> None:
        layers = list(self.settings.layers)
        count = layers[layer] + delta
        if 1 <= count <= MAX_NEURONS:
            layers[layer] = count
            self.layers_requested.emit(tuple(layers))

    # -- geometry ---------------------------------------------------------------------------------
    HEADER = 84  # room for the layer buttons and captions
    LEFT = 74  # room for feature labels

    def _columns(self) -> list[int]:
        """Node count of each column: features (all seven), hidden layers, the output."""
        return [len(FEATURES), *self.settings.layers, 1]

    def node_size(self) -> float:
        tallest = max(self._columns())
        room = max(self.height() - self.HEADER - 16, 60)
        return float(max(8.0, min(40.0, room / (tallest * 1.3))))

    def _layout(self) -> None:
        columns = self._columns()
        size = self.node_size()
        room = max(self.height() - self.HEADER - 16, 60)
        left, right = self.LEFT, self.width() - 24 - size
        xs = np.linspace(left, right, len(columns)) if len(columns) > 1 else np.array([left])
        self._rects = {}
        for c, count in enumerate(columns):
            pitch = min(size * 1.3, room / max(count, 1)) if count > 1 else size
            top = self.HEADER
            if c == len(columns) - 1:  # the output neuron sits level with the middle of the features
                top = self.HEADER + (len(FEATURES) * pitch - size) / 2 if count == 1 else top
            for r in range(count):  # whole pixels, so images and borders land on the pixel grid
                self._rects[(c, r)] = QRectF(round(float(xs[c])), round(top + r * pitch), round(size), round(size))
        self.column_x = xs
        # Buttons: layer count in the header's middle; neuron counts above each hidden column.
        middle = (xs[1] + xs[-2]) / 2 + size / 2 if len(columns) > 2 else (xs[0] + xs[-1]) / 2 + size / 2
        self.add_layer_button.move(int(middle - 120), 6)
        self.remove_layer_button.move(int(middle - 90), 6)
        self._header_x = middle - 56
        for i, (plus, minus) in enumerate(self.neuron_buttons):
            cx = xs[i + 1] + size / 2
            plus.move(int(cx - 22), 40)
            minus.move(int(cx + 2), 40)
        self._sample_links(geometry_changed=True)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._layout()
        self.invalidate_links()

    def node_rect(self, column: int, row: int) -> QRectF:
        """Rectangle of a node: column 0 holds the features, 1..L the hidden layers, L+1 the output."""
        return self._rects[(column, row)]

    def _inputs_of(self, layer: int) -> list[int]:
        """Rows in the column before Linear layer `layer` that feed it (for layer 0: the enabled features)."""
        if layer == 0:
            return [FEATURES.index(f) for f in FEATURES if f in self.settings.features]
        return list(range(self.settings.layers[layer - 1]))

    def _sample_links(self, geometry_changed: bool = False) -> None:
        """The links to draw (only the strongest where a pair of layers has too many), their ends, and
        points along each for hit tests; recomputed only when the layout or that selection changes."""
        links: list[tuple[int, int, int]] = []
        if not self.weights or not self._rects:
            self._links, self._samples, self._ends = [], np.zeros((0, 16, 2)), np.zeros((0, 2, 2))
            return
        for layer, (w, _b) in enumerate(self.weights):
            sources = self._inputs_of(layer)
            if w.shape[1] != len(sources):
                continue  # a frame of the previous structure
            if w.size > MAX_LINKS_DRAWN:
                strongest = np.sort(np.argsort(-np.abs(w).ravel())[:MAX_LINKS_DRAWN])
                links.extend((layer, int(k) // w.shape[1], int(k) % w.shape[1]) for k in strongest)
            else:
                links.extend((layer, t, s) for t in range(w.shape[0]) for s in range(w.shape[1]))
        if links == self._links and not geometry_changed:
            return
        self._links = links
        self._ends = np.array([self._link_ends(*link) for link in links], np.float64).reshape(-1, 2, 2)
        t = np.linspace(0.0, 1.0, 16)[None, :, None]
        a, b = self._ends[:, None, 0, :], self._ends[:, None, 1, :]
        mid = (a[..., 0] + b[..., 0]) / 2
        # The cubic curve from a to b with both control points at the middle x (d3's diagonal).
        c1 = np.stack([mid, a[..., 1]], -1)
        c2 = np.stack([mid, b[..., 1]], -1)
        self._samples = ((1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * c1 + 3 * (1 - t) * t ** 2 * c2 + t ** 3 * b)

    def _link_ends(self, layer: int, target: int, source: int) -> tuple[tuple[float, float], tuple[float, float]]:
        rows = self._inputs_of(layer)
        a = self._rects[(layer, rows[source])]
        b = self._rects[(layer + 1, target)]
        return (a.right(), a.center().y()), (b.left(), b.center().y())

    # -- painting -------------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.paints += 1
        painter = QPainter(self)
        self._paint_header(painter)
        painter.drawImage(0, 0, self._link_layer())
        self._paint_nodes(painter)  # crisp, pixel-aligned: no antialiasing (and it is 20x cheaper)
        painter.end()

    def invalidate_links(self) -> None:
        """Draw the links afresh at the next paint (new weights, a new layout, hover or an edit)."""
        self._links_dirty = True
        self._links_forced = True

    def _link_layer(self) -> QImage:
        """The links, drawn into a cached image. Antialiased thick curves are the costliest thing here
        (about 0.3 ms each on the reference machine, 344 of them for 6 x 8), so while weights change
        every frame the layer is redrawn only once its last drawing cost is under a fifth of the time
        since: small networks get fresh links every frame, large ones a few times a second."""
        now = time.perf_counter()
        stale = self._layer is None or self._layer.size() != self.size() or self._links_forced
        due = self._links_dirty and now - self._layer_time >= 4 * self._layer_cost
        if stale or due:
            self._layer = QImage(self.size(), QImage.Format.Format_ARGB32_Premultiplied)
            self._layer.fill(Qt.GlobalColor.transparent)
            p = QPainter(self._layer)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._paint_links(p)
            p.end()
            self._layer_time = time.perf_counter()
            self._layer_cost = self._layer_time - now
            self._links_dirty = self._links_forced = False
            self.link_redraws += 1
        return self._layer

    def _paint_header(self, p: QPainter) -> None:
        font = QFont(self.font())
        font.setPointSizeF(10.5)
        font.setBold(True)
        p.setFont(font)
        p.setPen(TEXT)
        count = len(self.settings.layers)
        p.drawText(QPointF(self._header_x, 24), f"{count} HIDDEN LAYER{'S' if count != 1 else ''}")
        small = QFont(self.font())
        small.setPointSizeF(8.5)
        p.setFont(small)
        p.setPen(MUTED)
        size = self.node_size()
        p.drawText(QRectF(self.column_x[0] - 20, 44, size + 40, 16), Qt.AlignmentFlag.AlignCenter, "FEATURES")
        p.drawText(QRectF(self.column_x[-1] - 20, 44, size + 40, 16), Qt.AlignmentFlag.AlignCenter, "OUTPUT")
        for i, units in enumerate(self.settings.layers):
            x = self.column_x[i + 1] + size / 2
            p.drawText(QRectF(x - 40, 64, 80, 14), Qt.AlignmentFlag.AlignCenter,
                       f"{units} neuron{'s' if units != 1 else ''}")

    def _paint_links(self, p: QPainter) -> None:
        many = len(self._links) > 400
        for (layer, target, source), ((ax, ay), (bx, by)) in zip(self._links, self._ends.tolist()):
            w = float(self.weights[layer][0][target, source])
            path = QPainterPath(QPointF(ax, ay))
            mid = (ax + bx) / 2
            path.cubicTo(QPointF(mid, ay), QPointF(mid, by), QPointF(bx, by))
            width = min(10.0, 1.0 + abs(w) * 9.0 / 5.0)  # Playground: |w| in [0, 5] -> [1, 10] px
            if many:
                width = min(width, 3.0)
            pen = QPen(color(w, 150 if many else 220), width)
            hovered = self.hover is not None and self.hover.kind == "link" and \
                (self.hover.layer, self.hover.index, self.hover.source) == (layer, target, source)
            if hovered:
                pen.setColor(QColor("#202124"))
                pen.setWidthF(width + 1.5)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(path)

    def _paint_nodes(self, p: QPainter) -> None:
        size = self.node_size()
        label_font = QFont(self.font())
        label_font.setPointSizeF(9.5)
        enabled = set(self.settings.features)
        for r, name in enumerate(FEATURES):
            rect = self._rects[(0, r)]
            p.setOpacity(1.0 if name in enabled else 0.3)
            self._paint_node(p, rect, self.feature_images.get(name), Hit("feature", name=name))
            p.setOpacity(1.0 if name in enabled else 0.5)
            p.setFont(label_font)
            p.setPen(TEXT)
            p.drawText(QRectF(rect.left() - self.LEFT + 4, rect.top(), self.LEFT - 12, rect.height()),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, FEATURE_LABELS[name])
        p.setOpacity(1.0)
        for layer, units in enumerate(self.settings.layers):
            images = self.neuron_images[layer] if layer < len(self.neuron_images) else []
            for i in range(units):
                rect = self._rects[(layer + 1, i)]
                self._paint_node(p, rect, images[i] if i < len(images) else None, Hit("neuron", layer, i))
                self._paint_bias(p, rect, layer, i, size)
        out_layer = len(self.settings.layers)
        rect = self._rects[(out_layer + 1, 0)]
        self._paint_node(p, rect, self.output_image, Hit("neuron", out_layer, 0))
        self._paint_bias(p, rect, out_layer, 0, size)

    def thumbnail_size(self) -> int:
        """The side of a node in pixels: heatmaps made at this size are drawn without scaling."""
        return int(round(self.node_size()))

    def _paint_node(self, p: QPainter, rect: QRectF, image: QImage | None, hit: Hit) -> None:
        if image is not None:
            if image.width() == rect.width() and image.height() == rect.height():
                p.drawImage(rect.topLeft(), image)
            else:
                p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
                p.drawImage(rect, image)
        else:
            p.fillRect(rect, QColor("#eef0f1"))
        hovered = self.hover == hit
        p.setPen(QPen(QColor("#202124") if hovered else BORDER, 2.0 if hovered else 1.0))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(rect.adjusted(0, 0, -1, -1) if not hovered else rect)

    def _bias_rect(self, rect: QRectF, size: float) -> QRectF:
        side = round(max(4.0, size / 5))
        return QRectF(rect.left() - round(side * 0.6), rect.bottom() - round(side * 0.4), side, side)

    def _paint_bias(self, p: QPainter, rect: QRectF, layer: int, index: int, size: float) -> None:
        if layer >= len(self.weights) or size < 14:
            return
        b = self.weights[layer][1]
        if index >= len(b):
            return
        box = self._bias_rect(rect, size)
        p.setPen(QPen(QColor("#5f6368"), 0.8))
        p.setBrush(color(float(b[index])))
        p.drawRect(box)

    # -- mouse ---------------------------------------------------------------------------------------
    def hit(self, pos: QPointF) -> Hit | None:
        """What lies at `pos`: a node first, then a bias square, then the nearest link within 4 px."""
        size = self.node_size()
        for (c, r), rect in self._rects.items():
            if c > 0 and size >= 14 and self._bias_rect(rect, size).adjusted(-2, -2, 2, 2).contains(pos):
                return Hit("bias", c - 1, r)
            if rect.contains(pos):
                if c == 0:
                    return Hit("feature", name=FEATURES[r])
                return Hit("neuron", c - 1, r)
        if len(self._samples):
            # Distance to each link's polyline: to every segment between consecutive samples.
            a, b = self._samples[:, :-1], self._samples[:, 1:]
            ab = b - a
            p = np.array([pos.x(), pos.y()])
            t = np.clip(((p - a) * ab).sum(-1) / np.maximum((ab * ab).sum(-1), 1e-9), 0.0, 1.0)
            d = np.hypot(*(a + t[..., None] * ab - p).transpose(2, 0, 1)).min(axis=1)
            k = int(d.argmin())
            if d[k] <= 4.0:
                layer, target, source = self._links[k]
                return Hit("link", layer, target, source)
        return None

    def value_of(self, hit: Hit) -> float:
        w, b = self.weights[hit.layer]
        return float(w[hit.index, hit.source]) if hit.kind == "link" else float(b[hit.index])

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        hit = self.hit(event.position())
        if hit != self.hover:
            self.hover = hit
            self.hovered.emit(hit if hit is not None and hit.kind in ("feature", "neuron") else None)
            if hit is not None and hit.kind in ("link", "bias"):
                what = "Weight" if hit.kind == "link" else "Bias"
                QToolTip.showText(event.globalPosition().toPoint(),
                                  f"{what} is {self.value_of(hit):.3f}. Click to change it.", self)
            else:
                QToolTip.hideText()
            self.invalidate_links()
            self.update()

    def leaveEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.hover is not None:
            self.hover = None
            self.hovered.emit(None)
            self.invalidate_links()
            self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        hit = self.hit(event.position())
        if hit is None:
            self.editor.hide()
            return
        if hit.kind == "feature":
            self.feature_toggled.emit(hit.name)
        elif hit.kind in ("link", "bias"):
            self.edit(hit, event.position())

    def edit(self, hit: Hit, pos: QPointF) -> None:
        """Open the small editor for a link's weight or a bias at `pos`."""
        self._editing = hit
        self.editor.setText(f"{self.value_of(hit):.4g}")
        self.editor.move(int(min(pos.x() + 8, self.width() - 90)), int(max(pos.y() - 12, 0)))
        self.editor.show()
        self.editor.setFocus()
        self.editor.selectAll()

    def _commit_edit(self) -> None:
        hit = self._editing
        if hit is None:
            return
        try:
            value = float(self.editor.text())
        except ValueError:
            self.editor.setStyleSheet("border: 1px solid #d93025;")
            return
        if not np.isfinite(value):
            self.editor.setStyleSheet("border: 1px solid #d93025;")
            return
        self.editor.setStyleSheet("")
        self.editor.hide()
        self._editing = None
        if hit.kind == "link":
            self.weight_edited.emit(hit.layer, hit.index, hit.source, value)
        else:
            self.bias_edited.emit(hit.layer, hit.index, value)

    def cancel_edit(self) -> None:
        self.editor.hide()
        self._editing = None

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if watched is self.editor and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            self.cancel_edit()
            return True
        return super().eventFilter(watched, event)
