import pytest
from PySide6.QtGui import QImage

from app.cli import main


def test_open_with_screenshot_renders_the_window_offscreen(qapp, tmp_path):
    out = tmp_path / "shot.png"
    assert main(["open", "lenet5", "--screenshot", str(out), "--size", "900x640", "--select", "conv2"]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (900, 640)
    # Not a blank frame: the canvas, nodes and text give many distinct colours.
    colours = {image.pixel(x, y) for x in range(0, 900, 7) for y in range(0, 640, 7)}
    assert len(colours) > 50


def test_plain_netsmith_opens_the_window_on_lenet5(monkeypatch):
    import app.application

    seen = {}

    def fake_run_window(doc, **kwargs):
        seen["title"], seen["kwargs"] = doc.title, kwargs
        return 0

    monkeypatch.setattr(app.application, "run_window", fake_run_window)
    assert main([]) == 0
    assert seen["title"] == "LeNet-5" and seen["kwargs"]["screenshot"] is None


def test_bad_size_and_missing_file_are_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["open", "lenet5", "--screenshot", str(tmp_path / "x.png"), "--size", "huge"])
    assert exc.value.code == 2
    assert "expected WIDTHxHEIGHT" in capsys.readouterr().err
    assert main(["open", str(tmp_path / "missing.json"), "--screenshot", str(tmp_path / "x.png")]) == 2
    assert "cannot read the file" in capsys.readouterr().err
