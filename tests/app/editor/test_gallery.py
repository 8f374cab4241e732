"""The template gallery: what is selected, shown and opened follows the search."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app.editor.gallery import TemplateGallery


def _select(gallery, name):
    item = next(gallery.list.item(i) for i in range(gallery.list.count())
                if gallery.list.item(i).data(Qt.ItemDataRole.UserRole + 1) == name)
    gallery.list.setCurrentItem(item)


def test_the_selection_follows_the_search(qtbot):
    gallery = TemplateGallery()
    qtbot.addWidget(gallery)
    open_button = gallery.buttons.button(QDialogButtonBox.StandardButton.Open)
    _select(gallery, "perceptron")
    assert "Perceptron" in gallery.details.toPlainText()

    qtbot.keyClicks(gallery.search, "ResNet")
    current = gallery.list.currentItem()
    assert current is not None and not current.isHidden()
    chosen = current.data(Qt.ItemDataRole.UserRole + 1)
    assert chosen.startswith("resnet")
    assert "ResNet" in gallery.details.toPlainText() and "Perceptron" not in gallery.details.toPlainText()
    assert open_button.isEnabled()
    gallery._open()
    assert gallery.chosen == chosen


def test_no_match_selects_nothing_and_open_is_disabled(qtbot):
    gallery = TemplateGallery()
    qtbot.addWidget(gallery)
    _select(gallery, "perceptron")
    qtbot.keyClicks(gallery.search, "no such paper")
    open_button = gallery.buttons.button(QDialogButtonBox.StandardButton.Open)
    assert gallery.list.currentItem() is None
    assert not open_button.isEnabled()
    assert "No template matches" in gallery.details.toPlainText()
    gallery._open()
    assert gallery.chosen is None and gallery.result() == 0

    gallery.search.clear()  # everything is listed again: the first one is selected and can be opened
    assert gallery.list.currentItem() is gallery.list.item(0)
    assert open_button.isEnabled()


def test_a_template_the_user_picked_stays_while_it_matches(qtbot):
    gallery = TemplateGallery()
    qtbot.addWidget(gallery)
    _select(gallery, "vgg16")
    qtbot.keyClicks(gallery.search, "VGG")
    assert gallery.list.currentItem().data(Qt.ItemDataRole.UserRole + 1) == "vgg16"
