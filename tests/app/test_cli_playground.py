"""`netsmith playground` headless: a run's outcome as JSON, a screenshot, clear errors."""

from __future__ import annotations

import json

from app.cli import main


def test_headless_run_prints_the_outcome_as_json(capsys):
    assert main(["playground", "--dataset", "xor", "--features", "x1,x2,x1x2", "--layers", "4", "--lr", "0.1",
                 "--epochs", "5", "--json"]) == 0
    outcome = json.loads(capsys.readouterr().out)
    assert outcome["epochs"] == 5 and outcome["features"] == ["x1", "x2", "x1_times_x2"]
    assert outcome["layers"] == [4] and outcome["learning_rate"] == 0.1
    assert 0.0 < outcome["train_loss"] < 0.7 and outcome["test_accuracy"] > 0.8  # x1*x2 makes XOR easy


def test_regression_reports_losses_only(capsys):
    assert main(["playground", "--dataset", "plane", "--noise", "10", "--ratio", "30", "--epochs", "2"]) == 0
    outcome = json.loads(capsys.readouterr().out)
    assert outcome["problem"] == "regression" and "test_accuracy" not in outcome and outcome["test_loss"] > 0


def test_screenshot(tmp_path, capsys):
    from PySide6.QtGui import QImage

    import app  # noqa: F401 - guards None's reference count

    path = tmp_path / "shot.png"
    assert main(["playground", "--epochs", "2", "--screenshot", str(path), "--size", "1400x800"]) == 0
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1400, 800)
    assert json.loads(capsys.readouterr().out)["screenshot"] == str(path)


def test_bad_options_say_what_is_wrong(capsys):
    assert main(["playground", "--features", "x1,x3", "--epochs", "1"]) == 2
    assert "unknown feature 'x3'" in capsys.readouterr().err
    assert main(["playground", "--layers", "8,8,8,8,8,8,8,8,8", "--epochs", "1"]) == 2
    assert "at most 8 hidden layers" in capsys.readouterr().err


def test_document_option_opens_playground_shaped_documents(tmp_path, capsys):
    from engine.playground import PlaygroundSettings, playground_document

    path = tmp_path / "net.json"
    playground_document(PlaygroundSettings(dataset="gauss", layers=(3,))).save(path)
    assert main(["playground", "--document", str(path), "--epochs", "1", "--json"]) == 0
    outcome = json.loads(capsys.readouterr().out)
    assert outcome["dataset"] == "gauss" and outcome["layers"] == [3]
    assert main(["playground", "--document", "lenet5", "--epochs", "1"]) == 2
    assert "the Playground opens only" in capsys.readouterr().err


def test_without_a_run_it_opens_the_window(monkeypatch, qapp):
    import app  # noqa: F401 - guards None's reference count

    shown = _windows_shown(monkeypatch)
    assert main(["playground", "--dataset", "gauss", "--layers", "3", "--device", "cpu"]) == 0
    (window,) = [w for w in shown if w.settings.dataset == "gauss"]
    assert window.settings.layers == (3,) and window.windowTitle() == "Netsmith Playground"


def test_link_option_takes_a_tensorflow_playground_link(capsys):
    from tests.engine.test_playground_link import ISSUE_LINK

    link = ISSUE_LINK.replace("dataset=circle", "dataset=xor").replace("networkShape=4,2", "networkShape=5") \
        + "&noise_hide=true&cosX=true"
    assert main(["playground", "--link", link, "--epochs", "1", "--lr", "0.1"]) == 0
    captured = capsys.readouterr()
    outcome = json.loads(captured.out)
    assert outcome["dataset"] == "xor" and outcome["layers"] == [5] and outcome["learning_rate"] == 0.1
    assert outcome["hidden"] == ["noise"] and "note: cosX" in captured.err
    assert main(["playground", "--link", link, "--document", "playground_mlp", "--epochs", "1"]) == 2
    assert "not both" in capsys.readouterr().err
    assert main(["playground", "--link", "https://example.org/", "--epochs", "1"]) == 2
    assert "not a TensorFlow Playground link" in capsys.readouterr().err


def test_link_option_opens_the_window_with_its_hidden_controls(monkeypatch, qapp):
    from tests.engine.test_playground_link import ISSUE_LINK

    shown = _windows_shown(monkeypatch)
    assert main(["playground", "--link", ISSUE_LINK + "&batchSize_hide=true", "--device", "cpu"]) == 0
    (window,) = [w for w in shown if w.view.hidden == ("batchSize",)]
    assert window.settings.regularization == "l2" and window.link() == ISSUE_LINK + "&batchSize_hide=true"


def _windows_shown(monkeypatch) -> list:
    """The Playground windows a command opens, closed at once instead of running the event loop."""
    from PySide6.QtWidgets import QApplication

    shown: list = []

    def exec_now(*args):
        shown.extend(w for w in QApplication.topLevelWidgets() if type(w).__name__ == "PlaygroundWindow")
        for window in shown:
            window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", exec_now)
    return shown
