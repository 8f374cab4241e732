"""The problems list: errors and warnings of the analysed network (click one to select its node),
and the reason the last training run failed, if it did."""

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
        self.analysis: Analysis | None = None
        self.run_problem: str | None = None
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.itemClicked.connect(self._clicked)
        session.analysis_ready.connect(self.refresh)

    def set_run_problem(self, message: str | None) -> None:
        """Show why the last run failed at the top of the list (None: it did not)."""
        self.run_problem = message
        if self.analysis is not None:
            self.refresh(self.analysis)

    def refresh(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.clear()
        t = current_theme()
        errors = warnings = 0
        if self.run_problem:
            errors += 1
            item = QListWidgetItem(f"●  Training failed: {self.run_problem}")
            item.setForeground(QColor(t.error))
            item.setToolTip("The last training run ended with this error. Nothing in the document was lost.")
            self.addItem(item)
        for problem in analysis.problems:
            error = problem.severity == "error"
            errors += error
            warnings += not error
            item = QListWidgetItem(("●  " if error else "▲  ") + problem.message)
            item.setForeground(QColor(t.error if error else t.warning))
            item.setData(_NODE_ROLE, problem.node)
            item.setToolTip(problem.message + ("\nClick to select the node." if problem.node else ""))
            self.addItem(item)
        if not analysis.problems and not self.run_problem:
            item = QListWidgetItem("✓  No problems: every shape fits.")
            item.setForeground(QColor(t.ok))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.addItem(item)
        self.count_changed.emit(errors, warnings)

    def _clicked(self, item: QListWidgetItem) -> None:
        node = item.data(_NODE_ROLE)
        if node:
            self.node_clicked.emit(node)
