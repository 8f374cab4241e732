"""The layer palette: every op of the catalog by category, the document's blocks, a search box.

Drag a layer onto the canvas, or double-click it to add it (after the selected
node, connected to it, when one node is selected).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from app.theme import category_color
from engine.ops import categories, get_op

__all__ = ["OP_MIME", "Palette", "rank_matches"]

OP_MIME = "application/x-netsmith-op"
_OP_ROLE = Qt.ItemDataRole.UserRole + 1
_icons: dict[str, QIcon] = {}


def category_icon(category: str) -> QIcon:
    icon = _icons.get(category)
    if icon is None:
        pix = QPixmap(QSize(12, 12))
        pix.fill(QColor(0, 0, 0, 0))
        painter = QPainter(pix)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(category_color(category))
        painter.drawRoundedRect(1, 1, 10, 10, 3, 3)
        painter.end()
        icon = _icons[category] = QIcon(pix)
    return icon


_Entries = list[tuple[str, str]]  # (op name, doc)


def rank_matches(needle: str, groups: dict[str, _Entries]) -> tuple[_Entries, _Entries]:
    """(name matches, description-only matches) for a lower-case `needle`.

    Names rank exact first, then by prefix, then containing it (a category's name
    counts for its ops), so "linear" offers Linear before ELU ("exponential linear unit").
    """
    by_name: list[tuple[int, str, str]] = []
    by_doc: list[tuple[str, str]] = []
    for category, ops in groups.items():
        in_category = needle in category.lower()
        for name, doc in ops:
            low = name.lower()
            if needle in low or in_category:
                rank = 0 if low == needle else 1 if low.startswith(needle) else 2 if needle in low else 3
                by_name.append((rank, name, doc))
            elif needle in doc.lower():
                by_doc.append((name, doc))
    by_name.sort(key=lambda r: r[0])  # stable: catalog order within a rank
    return [(name, doc) for _rank, name, doc in by_name], by_doc


class _Tree(QTreeWidget):
    def mimeData(self, items: Iterable[QTreeWidgetItem]) -> QMimeData:  # noqa: N802 - Qt override
        mime = QMimeData()
        ops = [item.data(0, _OP_ROLE) for item in items if item.data(0, _OP_ROLE)]
        if ops:
            mime.setData(OP_MIME, ops[0].encode("utf-8"))
        return mime

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt override
        return [OP_MIME]


class Palette(QWidget):
    op_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search layers…")
        self.search.setClearButtonEnabled(True)
        self.tree = _Tree()
        self.tree.setHeaderHidden(True)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QTreeWidget.DragDropMode.DragOnly)
        self.tree.setIndentation(14)
        self.tree.setRootIsDecorated(True)
        self.tree.setAnimated(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 8)
        layout.setSpacing(6)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self._blocks: list[tuple[str, str]] = []
        self._ports = False
        self.search.textChanged.connect(lambda _text: self._populate())
        self.search.returnPressed.connect(self._activate_first)
        self.tree.itemDoubleClicked.connect(self._activated)
        self._populate()

    def _groups(self) -> dict[str, _Entries]:
        """The palette's contents by category: (op name, doc) in catalog order."""
        groups = {name: [(s.name, s.doc) for s in specs] for name, specs in categories().items()}
        if self._ports:  # editing a block's body: its inputs and outputs are nodes too
            ports = [(name, get_op(name).doc) for name in ("BlockInput", "BlockOutput")]
            groups = {"Block ports": ports, **groups}
        if self._blocks:
            groups["Blocks"] = self._blocks
        return groups

    def _populate(self) -> None:
        """Categories when the search is empty; else the matches, names before descriptions."""
        self.tree.clear()
        groups = self._groups()
        needle = self.search.text().strip().lower()
        category_of = {name: category for category, ops in groups.items() for name, _doc in ops}
        if needle:
            by_name, by_doc = rank_matches(needle, groups)
            groups = {"Matching names": by_name, "Mentioned in descriptions": by_doc}
        for category, ops in groups.items():
            if not ops:
                continue
            top = QTreeWidgetItem([category])
            if not needle:
                top.setIcon(0, category_icon(category))
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for name, doc in ops:
                child = QTreeWidgetItem([name])
                child.setData(0, _OP_ROLE, name)
                child.setToolTip(0, doc)
                child.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)
                if needle:  # the category colour still tells what kind of layer a match is
                    child.setIcon(0, category_icon(category_of[name]))
                top.addChild(child)
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)

    def set_blocks(self, blocks: Iterable[tuple[str, str]]) -> None:
        """The document's blocks as (name, doc), shown under "Blocks"."""
        blocks = list(blocks)
        if blocks != self._blocks:
            self._blocks = blocks
            self._populate()

    def set_block_ports(self, shown: bool) -> None:
        """Offer BlockInput and BlockOutput (only inside a block's body)."""
        if shown != self._ports:
            self._ports = shown
            self._populate()

    def ops(self) -> list[str]:
        """Visible op names, in order (for tests and keyboard use)."""
        found = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for j in range(top.childCount()):
                found.append(top.child(j).data(0, _OP_ROLE))
        return found

    def _activated(self, item: QTreeWidgetItem, column: int = 0) -> None:
        op = item.data(0, _OP_ROLE)
        if op:
            self.op_activated.emit(op)

    def _activate_first(self) -> None:
        ops = self.ops()
        if self.search.text().strip() and ops:
            self.op_activated.emit(ops[0])
