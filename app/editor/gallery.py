"""The templates gallery: every shipped template with its paper, year, parameter count and a
thumbnail of its graph. Everything shown comes from the templates' own `meta`."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.editor.thumbnail import render_thumbnail
from engine.document import Document, DocumentError
from engine.templates import list_templates, template_path

__all__ = ["TemplateEntry", "TemplateGallery", "template_entries"]

_NAME_ROLE = Qt.ItemDataRole.UserRole + 1
_THUMB = QSize(208, 140)


@dataclass
class TemplateEntry:
    name: str
    meta: dict[str, Any]
    doc: Document | None
    error: str | None = None

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or self.name)

    @property
    def year(self) -> int | None:
        year = self.meta.get("year")
        return year if isinstance(year, int) else None

    @property
    def params_text(self) -> str:
        expected = self.meta.get("expected_params")
        return f"{expected:,} parameters" if isinstance(expected, int) else ""


def template_entries() -> list[TemplateEntry]:
    """Every template, loaded and checked, sorted by year then title."""
    entries = []
    for name in list_templates():
        try:
            doc = Document.load(template_path(name))
        except DocumentError as exc:
            entries.append(TemplateEntry(name, {}, None, str(exc)))
            continue
        entries.append(TemplateEntry(name, dict(doc.meta), doc))
    return sorted(entries, key=lambda e: (e.year or 9999, e.title.lower()))


class TemplateGallery(QDialog):
    """Pick a template; `chosen` holds its name after `accept`."""

    _thumbs: dict[str, QIcon] = {}  # rendered once per process

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open Template")
        self.resize(1000, 640)
        self.chosen: str | None = None
        self.entries = {e.name: e for e in template_entries()}
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by name, author, year, task…")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(_THUMB)
        self.list.setGridSize(QSize(_THUMB.width() + 28, _THUMB.height() + 62))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setWordWrap(True)
        self.list.setSpacing(6)
        self.details = QTextBrowser()
        self.details.setOpenExternalLinks(True)
        self.details.setMinimumWidth(300)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._open)
        self.buttons.rejected.connect(self.reject)
        left = QVBoxLayout()
        left.addWidget(self.search)
        left.addWidget(self.list)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addWidget(self.details, 2)
        layout = QVBoxLayout(self)
        plural = "" if len(self.entries) == 1 else "s"
        count = QLabel(f"{len(self.entries)} template{plural}: classic papers as editable graphs")
        count.setProperty("role", "muted")
        layout.addWidget(count)
        layout.addLayout(body)
        layout.addWidget(self.buttons)
        for entry in self.entries.values():
            caption = entry.title + (f"\n{entry.year}" if entry.year else "")
            if entry.params_text:
                caption += f" · {entry.params_text.replace(' parameters', ' params')}"
            item = QListWidgetItem(caption)
            item.setData(_NAME_ROLE, entry.name)
            item.setToolTip(entry.meta.get("paper", "") or entry.error or "")
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            item.setSizeHint(QSize(_THUMB.width() + 16, _THUMB.height() + 50))
            if entry.doc is None:
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.list.addItem(item)
        self._filtering = False
        self._auto_selected = True  # the first template, not one the user chose
        self.list.currentItemChanged.connect(self._show)
        self.list.itemDoubleClicked.connect(lambda _item: self._open())
        self.search.textChanged.connect(self._filter)
        if self.list.count():
            self._filtering = True
            self.list.setCurrentRow(0)
            self._filtering = False
        self._pending = [self.list.item(i) for i in range(self.list.count())]
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._render_next)
        self._timer.start()

    def _render_next(self) -> None:
        """Thumbnails are drawn a few at a time so the dialog opens at once."""
        for _ in range(3):
            if not self._pending:
                self._timer.stop()
                return
            item = self._pending.pop(0)
            self.render_thumbnail(item)

    def render_thumbnail(self, item: QListWidgetItem) -> None:
        name = item.data(_NAME_ROLE)
        entry = self.entries[name]
        if entry.doc is None:
            return
        icon = self._thumbs.get(name)
        if icon is None:
            icon = self._thumbs[name] = QIcon(render_thumbnail(entry.doc, _THUMB.width(), _THUMB.height()))
        item.setIcon(icon)

    def render_all(self) -> None:
        while self._pending:
            self._render_next()

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.list.count()):
            item = self.list.item(i)
            entry = self.entries[item.data(_NAME_ROLE)]
            haystack = " ".join([entry.name, entry.title] + [str(v) for v in entry.meta.values()]).lower()
            item.setHidden(bool(needle) and needle not in haystack)
        # The details and Open follow what is listed: a hidden template is never the one opened.
        # A template the user picked stays while it matches; otherwise the best match is
        # selected, one whose title or name holds the text before one whose notes do.
        current = self.list.currentItem()
        if current is not None and not current.isHidden() and not self._auto_selected:
            return
        shown = [self.list.item(i) for i in range(self.list.count()) if not self.list.item(i).isHidden()]

        def titled(item: QListWidgetItem) -> bool:
            entry = self.entries[item.data(_NAME_ROLE)]
            return needle in entry.title.lower() or needle in entry.name.lower()

        best = next((item for item in shown if titled(item)), shown[0] if shown else None)
        self._filtering = True
        self.list.setCurrentItem(best)
        self._filtering = False
        self._auto_selected = True
        if best is None:
            self._show(None)

    def _show(self, item: QListWidgetItem | None) -> None:
        if not self._filtering:
            self._auto_selected = False  # the user's own pick
        open_button = self.buttons.button(QDialogButtonBox.StandardButton.Open)
        if item is None:
            self.details.setHtml("<p style='color:gray'>No template matches the search.</p>")
            open_button.setEnabled(False)
            return
        entry = self.entries[item.data(_NAME_ROLE)]
        open_button.setEnabled(entry.doc is not None)
        self.details.setHtml(_details_html(entry))

    def _open(self) -> None:
        item = self.list.currentItem()
        if item is None or item.isHidden() or self.entries[item.data(_NAME_ROLE)].doc is None:
            return
        self.chosen = item.data(_NAME_ROLE)
        self.accept()


def _details_html(entry: TemplateEntry) -> str:
    e = html.escape
    meta = entry.meta
    parts = [f"<h2 style='margin-bottom:2px'>{e(entry.title)}</h2>"]
    byline = ", ".join(e(str(meta[k])) for k in ("authors", "year") if meta.get(k))
    if byline:
        parts.append(f"<p style='color:gray;margin-top:0'>{byline}</p>")
    if meta.get("paper"):
        link = meta.get("link")
        paper = e(str(meta["paper"]))
        parts.append(f"<p><a href='{e(str(link))}'>{paper}</a></p>" if link else f"<p><i>{paper}</i></p>")
    facts = []
    if meta.get("task"):
        facts.append(f"<b>Task:</b> {e(str(meta['task']))}")
    if entry.params_text:
        facts.append(f"<b>Parameters:</b> {e(entry.params_text.replace(' parameters', ''))}")
    if entry.doc is not None:
        graph = entry.doc.network()
        facts.append(f"<b>Graph:</b> {len(graph)} nodes, {len(entry.doc.blocks)} blocks")
        dataset = entry.doc.training.get("dataset")
        if isinstance(dataset, dict) and dataset.get("name"):
            facts.append(f"<b>Trains on:</b> {e(str(dataset['name']))}")
    parts.append("<p>" + "<br>".join(facts) + "</p>")
    if meta.get("note"):
        parts.append(f"<p>{e(str(meta['note']))}</p>")
    if entry.error:
        parts.append(f"<p style='color:#dc2626'>This template cannot be opened: {e(entry.error)}</p>")
    parts.append(f"<p style='color:gray'>Template name: <code>{e(entry.name)}</code></p>")
    return "".join(parts)
