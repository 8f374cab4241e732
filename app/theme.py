"""Light and dark themes: the palette, a small style sheet, and the colours of the canvas.

Layer categories have one colour each (the same hue in both themes), so a glance
at the canvas tells convolutions from activations from merges.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QApplication

__all__ = ["DARK", "LIGHT", "THEMES", "Theme", "apply_theme", "category_color", "current_theme"]

CATEGORY_COLORS = {
    "Input / Output": "#0d9488",
    "Dense": "#4f46e5",
    "Convolution": "#2563eb",
    "Pooling": "#0891b2",
    "Normalization": "#d97706",
    "Regularization": "#71717a",
    "Activation": "#16a34a",
    "Shape": "#c026d3",
    "Merge": "#ea580c",
    "Sequence": "#db2777",
    "Special": "#a16207",
    "Blocks": "#7c3aed",
    "Block": "#7c3aed",
    "Block ports": "#7c3aed",
}
_OTHER = "#64748b"


@dataclass(frozen=True)
class Theme:
    name: str
    window: str
    panel: str
    border: str
    text: str
    muted: str
    accent: str
    canvas: str
    grid: str
    grid_minor: str
    node: str
    node_border: str
    edge: str
    label: str
    label_text: str
    error: str
    warning: str
    ok: str
    selection_fill: str
    colors: dict[str, QColor] = field(default_factory=dict, compare=False)

    def color(self, name: str) -> QColor:
        """A cached QColor of one of the fields (painting asks for these thousands of times)."""
        cached = self.colors.get(name)
        if cached is None:
            cached = self.colors[name] = QColor(getattr(self, name))
        return cached


LIGHT = Theme(
    name="light", window="#f3f4f6", panel="#ffffff", border="#dcdfe4", text="#1f2430", muted="#6b7280",
    accent="#2563eb", canvas="#eef0f3", grid="#dde1e6", grid_minor="#e6e9ed", node="#ffffff", node_border="#cfd4db",
    edge="#8a94a3", label="#ffffff", label_text="#334155", error="#dc2626", warning="#d97706", ok="#16a34a",
    selection_fill="#dbe7ff",
)
DARK = Theme(
    name="dark", window="#1d1f23", panel="#24262b", border="#363940", text="#e5e7eb", muted="#9ca3af",
    accent="#5b9bff", canvas="#18191c", grid="#2a2d33", grid_minor="#212327", node="#2b2e34", node_border="#43464e",
    edge="#737b88", label="#2b2e34", label_text="#d1d5db", error="#f87171", warning="#fbbf24", ok="#4ade80",
    selection_fill="#1e3a66",
)
THEMES = {"light": LIGHT, "dark": DARK}

_current = LIGHT
_category_cache: dict[str, QColor] = {}


def current_theme() -> Theme:
    return _current


def category_color(category: str) -> QColor:
    color = _category_cache.get(category)
    if color is None:
        color = _category_cache[category] = QColor(CATEGORY_COLORS.get(category, _OTHER))
    return color


def _arrow_icon(t: Theme, up: bool = False) -> str:
    """A small chevron for combo and spin boxes in the theme's colour (style sheets need a file)."""
    folder = Path(tempfile.gettempdir()) / f"netsmith-theme-{os.getuid() if hasattr(os, 'getuid') else 0}"
    folder.mkdir(exist_ok=True)
    path = folder / f"arrow-{'up' if up else 'down'}-{t.name}.png"
    if not path.exists():
        pix = QPixmap(20, 12)
        pix.fill(QColor(0, 0, 0, 0))
        painter = QPainter(pix)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(QColor(t.muted), 2.2)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        points = [QPointF(3, 3), QPointF(10, 9), QPointF(17, 3)]
        if up:
            points = [QPointF(p.x(), 12 - p.y()) for p in points]
        painter.drawPolyline(points)
        painter.end()
        pix.save(str(path), "PNG")
    return path.as_posix()


def _stylesheet(t: Theme) -> str:
    arrow, arrow_up = _arrow_icon(t), _arrow_icon(t, up=True)
    return f"""
QMainWindow, QDialog {{ background: {t.window}; }}
QDockWidget {{ color: {t.text}; font-weight: 600; }}
QDockWidget::title {{ background: {t.window}; padding: 7px 10px; text-align: left; }}
QTreeView, QListView, QTableView, QTextBrowser, QPlainTextEdit {{
    background: {t.panel}; border: 1px solid {t.border}; border-radius: 6px; padding: 2px;
    selection-background-color: {t.selection_fill}; selection-color: {t.text}; outline: 0;
}}
QTreeView::item, QListView::item {{ padding: 3px 2px; }}
QHeaderView::section {{
    background: {t.panel}; color: {t.muted}; border: none; border-bottom: 1px solid {t.border};
    padding: 4px 6px; font-weight: 600;
}}
QLineEdit, QSpinBox, QDoubleSpinBox, QComboBox {{
    background: {t.panel}; border: 1px solid {t.border}; border-radius: 5px; padding: 3px 6px;
    min-height: 18px; color: {t.text};
}}
QLineEdit:focus, QSpinBox:focus, QComboBox:focus {{ border: 1px solid {t.accent}; }}
QComboBox {{ padding-right: 20px; }}
QComboBox::drop-down {{ border: none; width: 20px; subcontrol-origin: padding; subcontrol-position: center right; }}
QComboBox::down-arrow {{ image: url({arrow}); width: 10px; height: 6px; }}
QComboBox QAbstractItemView {{
    background: {t.panel}; border: 1px solid {t.border}; selection-background-color: {t.selection_fill};
}}
QSpinBox {{ padding: 3px 18px 3px 6px; }}
QSpinBox::up-button, QSpinBox::down-button {{
    subcontrol-origin: border; width: 18px; border: none; background: transparent;
}}
QSpinBox::up-button {{ subcontrol-position: top right; }}
QSpinBox::down-button {{ subcontrol-position: bottom right; }}
QSpinBox::up-arrow {{ image: url({arrow_up}); width: 9px; height: 5px; }}
QSpinBox::down-arrow {{ image: url({arrow}); width: 9px; height: 5px; }}
QToolButton#reset {{ border: none; background: transparent; color: {t.muted}; padding: 2px 4px; font-size: 11pt; }}
QToolButton#reset:hover {{ color: {t.accent}; }}
QCheckBox::indicator {{ width: 15px; height: 15px; }}
QLineEdit[invalid="true"], QSpinBox[invalid="true"] {{ border: 1px solid {t.error}; }}
QLineEdit:read-only, QSpinBox[readOnly="true"], QComboBox:disabled {{
    background: {t.window}; color: {t.muted}; border: 1px dashed {t.border};
}}
QCheckBox:disabled {{ color: {t.muted}; }}
QPushButton, QToolButton {{
    background: {t.panel}; border: 1px solid {t.border}; border-radius: 5px; padding: 4px 10px; color: {t.text};
}}
QPushButton:hover, QToolButton:hover {{ border-color: {t.accent}; }}
QPushButton:default {{ background: {t.accent}; color: white; border-color: {t.accent}; }}
QPushButton:disabled {{ color: {t.muted}; background: {t.window}; border-color: {t.border}; }}
QToolBar {{ background: {t.window}; border: none; border-bottom: 1px solid {t.border}; spacing: 4px; padding: 3px; }}
QToolBar QToolButton {{ border: 1px solid transparent; background: transparent; padding: 4px 8px; }}
QToolBar QToolButton:hover {{ border: 1px solid {t.border}; background: {t.panel}; }}
QToolBar QToolButton:disabled {{ color: {t.muted}; }}
QTabWidget::pane {{ border: none; }}
QTabBar::tab {{
    background: transparent; color: {t.muted}; padding: 6px 12px; border: none;
    border-bottom: 2px solid transparent;
}}
QTabBar::tab:selected {{ color: {t.text}; border-bottom: 2px solid {t.accent}; }}
QStatusBar {{ background: {t.window}; color: {t.muted}; border-top: 1px solid {t.border}; }}
QStatusBar QLabel {{ color: {t.muted}; padding: 0 6px; }}
QMenu {{ background: {t.panel}; border: 1px solid {t.border}; padding: 4px; }}
QMenu::item {{ padding: 5px 24px 5px 12px; border-radius: 4px; }}
QMenu::item:selected {{ background: {t.selection_fill}; color: {t.text}; }}
QMenu::separator {{ height: 1px; background: {t.border}; margin: 4px 8px; }}
QLabel#muted, QLabel[role="muted"] {{ color: {t.muted}; }}
QLabel[role="error"] {{ color: {t.error}; }}
QLabel[role="notice"] {{
    color: {t.text}; background: {t.selection_fill}; border-radius: 5px; padding: 5px 8px;
}}
QLabel[role="heading"] {{ font-size: 13pt; font-weight: 700; }}
QLabel[role="section"] {{ color: {t.muted}; font-weight: 600; text-transform: uppercase; }}
QFrame#navbar {{ background: {t.panel}; border-bottom: 1px solid {t.border}; }}
QScrollArea {{ border: none; background: transparent; }}
QScrollArea > QWidget > QWidget {{ background: transparent; }}
"""


def apply_theme(app: QApplication, theme: Theme) -> None:
    """Set the palette, font and style sheet of the whole application."""
    global _current
    _current = theme
    app.setStyle("Fusion")
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: theme.window,
        QPalette.ColorRole.WindowText: theme.text,
        QPalette.ColorRole.Base: theme.panel,
        QPalette.ColorRole.AlternateBase: theme.window,
        QPalette.ColorRole.Text: theme.text,
        QPalette.ColorRole.Button: theme.panel,
        QPalette.ColorRole.ButtonText: theme.text,
        QPalette.ColorRole.Highlight: theme.accent,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: theme.panel,
        QPalette.ColorRole.ToolTipText: theme.text,
        QPalette.ColorRole.PlaceholderText: theme.muted,
        QPalette.ColorRole.Link: theme.accent,
        QPalette.ColorRole.Mid: theme.border,
    }
    for role, color in roles.items():
        pal.setColor(role, QColor(color))
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(theme.muted))
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor(theme.muted))
    app.setPalette(pal)
    font = QFont(app.font())
    if font.pointSizeF() < 9.5:
        font.setPointSizeF(9.5)
    app.setFont(font)
    app.setStyleSheet(_stylesheet(theme))
