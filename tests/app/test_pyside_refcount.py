import sys

import pytest


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 (PEP 683)")
def test_many_void_qt_calls_cannot_free_none(qapp):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QImage, QPainter

    import app  # noqa: F401 - the guard runs on import

    image = QImage(16, 16, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    point = QPointF()
    for _ in range(20_000):  # about five times what aborted the interpreter before the guard
        painter.drawRect(0, 0, 4, 4)
        point.setX(1.0)
    painter.end()
    assert sys.getrefcount(None) > 1 << 40
