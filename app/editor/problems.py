"""The problems list: errors and warnings of the analysed network; click one to select its node."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from app.editor.session import EditSession
from app.theme import current_theme
from engine.analysis import Analysis

__all__ = ["ProblemsList"]

_NODE_ROLE = Qt.ItemDataRole.UserRole + 1


class ProblemsList(QListWidget):
    node_clicked = Signal(str)
    count_changed = Signal(int, int)  # errors, warnings

    def __init__(self, session: EditSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.itemClicked.connect(self._clicked)
        session.analysis_ready.connect(self.refresh)

    def refresh(self, analysis: Analysis) -> None:
        self.clear()
        t = current_theme()
        errors = warnings = 0
        for problem in analysis.problems:
            error = problem.severity == "error"
            errors += error
            warnings += not error
            item = QListWidgetItem(("●  " if error else "▲  ") + problem.message)
            item.setForeground(QColor(t.error if error else t.warning))
            item.setData(_NODE_ROLE, problem.node)
            item.setToolTip(problem.message + ("\nClick to select the node." if problem.node else ""))
            self.addItem(item)
        if not analysis.problems:
            item = QListWidgetItem("✓  No problems: every shape fits.")
            item.setForeground(QColor(t.ok))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.addItem(item)
        self.count_changed.emit(errors, warnings)

    def _clicked(self, item: QListWidgetItem) -> None:
        node = item.data(_NODE_ROLE)
        if node:
            self.node_clicked.emit(node)
