"""The summary table: every node with its op, output shape, parameters and FLOPs, and the
totals, as `netsmith check` prints them (both come from `engine.summary`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from app.editor.session import EditSession
from app.theme import current_theme
from engine.summary import summary_of

__all__ = ["SummaryPanel"]

COLUMNS = ("node", "op", "output shape", "params", "FLOPs")
_ROOT = QModelIndex()


class _Model(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802 - Qt override
        return len(COLUMNS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt override
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and orientation == Qt.Orientation.Horizontal:
            side = Qt.AlignmentFlag.AlignRight if section >= 3 else Qt.AlignmentFlag.AlignLeft
            return int(side | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        row = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return row["id"]
            if col == 1:
                return row["op"]
            if col == 2:
                if row["error"] is not None:
                    return "—"
                return ", ".join("(" + ", ".join(map(str, s)) + ("," if len(s) == 1 else "") + ")"
                                 for s in row["output_shapes"])
            return f"{row['params' if col == 3 else 'flops']:,}"
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and row["error"] is not None:
            return QColor(current_theme().error if col <= 2 else current_theme().muted)
        if role == Qt.ItemDataRole.ToolTipRole and row["error"] is not None:
            return row["error"]
        return None


class SummaryPanel(QWidget):
    node_clicked = Signal(str)

    def __init__(self, session: EditSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = _Model()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for col, width in enumerate((160, 150, 200, 110, 130)):
            self.table.setColumnWidth(col, width)
        self.totals = QLabel()
        self.totals.setProperty("role", "muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 6)
        layout.setSpacing(4)
        layout.addWidget(self.table)
        layout.addWidget(self.totals)
        self.table.clicked.connect(lambda index: self.node_clicked.emit(self.model.rows[index.row()]["id"]))
        session.analysis_ready.connect(self.refresh)
        self.summary: dict[str, Any] | None = None
        self._stale = session.analysis

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._stale is not None:
            self.refresh(self._stale)

    def refresh(self, analysis) -> None:
        """Rebuild from the session's latest analysis (the same summary `netsmith check` prints).

        While the panel is hidden (another tab in front) it only notes that it is stale.
        """
        if not self.isVisible():
            self._stale = analysis
            return
        self._stale = None
        name = self.session.analysed_network()
        summary = summary_of(self.session.doc.network(name), analysis)
        self.summary = summary
        self.model.set_rows(summary["nodes"])
        errors, warnings = len(summary["errors"]), len(summary["warnings"])
        state = "no problems" if not errors and not warnings else f"{errors} errors, {warnings} warnings"
        self.totals.setText(
            f"{name}: {len(summary['nodes'])} nodes · total params {summary['total_params']:,} · "
            f"total FLOPs {summary['total_flops']:,} per sample · {state}"
        )
