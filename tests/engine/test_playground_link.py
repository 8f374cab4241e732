"""TensorFlow Playground links: read as Playground reads them, written as it writes them, and a round
trip keeps every setting."""

from __future__ import annotations

import pytest

from engine.playground import PlaygroundError, PlaygroundSettings
from engine.playground_link import CONTROLS, PlaygroundView, format_link, parse_link, seed_of

# The link from issue 11, as TensorFlow Playground writes it for its default set-up.
ISSUE_LINK = ("https://playground.tensorflow.org/#activation=tanh&regularization=L2&batchSize=10&dataset=circle"
              "&regDataset=reg-plane&learningRate=0.03&regularizationRate=0&noise=0&networkShape=4,2&seed=0.80"
              "&showTestData=false&discretize=false&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false"
              "&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false&problem=classification"
              "&initZero=false&hideText=false")


def test_the_issue_link_reads_as_playground_does_and_is_written_back_byte_for_byte():
    settings, view, notes = parse_link(ISSUE_LINK)
    assert notes == []
    assert settings == PlaygroundSettings(dataset="circle", noise=0.0, train_ratio=0.5, batch_size=10,
                                          features=("x1", "x2"), layers=(4, 2), activation="tanh",
                                          learning_rate=0.03, regularization="l2", regularization_rate=0.0,
                                          problem="classification", seed=seed_of("0.80"))
    assert view.hidden == () and not view.show_test_data and not view.discretize
    assert format_link(settings, view) == ISSUE_LINK


def test_a_classroom_link_with_every_kind_of_value():
    link = ("https://playground.tensorflow.org/#activation=relu&regularization=L1&batchSize=25&dataset=spiral"
            "&regDataset=reg-gauss&learningRate=0.00001&regularizationRate=0.003&noise=35&networkShape=8,8,5"
            "&seed=0.12345&showTestData=true&discretize=true&percTrainData=70&x=false&y=true&xTimesY=true"
            "&xSquared=true&ySquared=false&cosX=false&sinX=true&cosY=false&sinY=true&collectStats=false"
            "&problem=classification&initZero=false&hideText=true&learningRate_hide=true&numHiddenLayers_hide=true"
            "&playButton_hide=true&noise_hide=false")
    settings, view, notes = parse_link(link)
    assert notes == []
    assert (settings.activation, settings.regularization, settings.batch_size, settings.dataset) == \
        ("relu", "l1", 25, "spiral")
    assert (settings.learning_rate, settings.regularization_rate, settings.noise, settings.train_ratio) == \
        (0.00001, 0.003, 0.35, 0.7)
    assert settings.layers == (8, 8, 5)
    assert settings.features == ("x2", "x1_squared", "x1_times_x2", "sin_x1", "sin_x2")
    assert view.show_test_data and view.discretize
    assert view.hidden == ("playButton", "learningRate", "numHiddenLayers")  # noise_hide=false hides nothing
    written = format_link(settings, view)
    assert "learningRate=0.00001&" in written and "noise=35&" in written and "regDataset=reg-gauss&" in written
    assert "seed=0.12345&" in written and "hideText=true&" in written
    assert parse_link(written) == (settings, view, [])


@pytest.mark.parametrize("settings", [
    PlaygroundSettings(),
    PlaygroundSettings(dataset="xor", noise=0.5, train_ratio=0.1, batch_size=1, features=("x1_times_x2",),
                       layers=(), activation="linear", learning_rate=10.0, seed=41),
    PlaygroundSettings(dataset="multi_gauss", problem="regression", layers=(6, 6, 6, 6, 6, 6), activation="sigmoid",
                       regularization="l2", regularization_rate=0.3, learning_rate=0.1, noise=0.05, seed=7),
    PlaygroundSettings(dataset="plane", problem="regression", batch_size=30, train_ratio=0.9, layers=(1,)),
])
def test_settings_to_link_and_back_keep_every_setting(settings):
    view = PlaygroundView(show_test_data=True, hidden=("dataset", "batchSize"))
    assert parse_link(format_link(settings, view)) == (settings, view, [])


def test_every_control_can_hide_and_the_hash_alone_is_a_link():
    view = PlaygroundView(hidden=tuple(CONTROLS))
    link = format_link(PlaygroundSettings(), view)
    assert link.count("_hide=true") == len(CONTROLS) == 15
    assert parse_link(link.split("#", 1)[1])[1] == view


def test_what_netsmith_reads_differently_is_noted_not_refused():
    link = ("#activation=swish&networkShape=4%2C99&regDataset=reg-maximum&problem=regression&cosX=true&foo=1"
            "&bar=&learningRate=abc&initZero=true&seedControl_hide=true")
    settings, view, notes = parse_link(link)
    text = "\n".join(notes)
    assert settings.activation == "tanh" and settings.dataset == "plane" and settings.problem == "regression"
    assert settings.layers == (4, 2)  # 99 neurons: more than Netsmith's 64, so the default, noted
    assert "layers[1]" in text
    assert "activation=swish" in text and "reg-maximum" in text and "cosX" in text and "initZero" in text
    assert "learningRate=abc" in text and "seedControl" in text
    assert [n for n in notes if n.startswith("ignored")] == ["ignored 2 unknown keys: foo, bar"]
    assert "cosX=true" in format_link(settings, view)  # carried back to TensorFlow Playground as it came


def test_percent_encoded_values_are_read():
    settings, _, notes = parse_link("https://playground.tensorflow.org/#networkShape=3%2C5&learningRate=0.1")
    assert settings.layers == (3, 5) and settings.learning_rate == 0.1 and notes == []


def test_no_hidden_layers_and_whole_number_seeds():
    settings, view, _ = parse_link("#networkShape=&seed=12")
    assert settings.layers == () and settings.seed == 12 and view.kept == ()
    assert "networkShape=&seed=12&" in format_link(settings, view)


def test_a_seed_that_changed_is_written_as_the_new_number():
    settings, view, _ = parse_link("#seed=0.80")
    assert "seed=0.80&" in format_link(settings, view)
    assert "seed=5&" in format_link(settings.replace(seed=5), view)  # Regenerate: the old text no longer holds


def test_custom_points_are_written_as_the_first_dataset():
    assert "dataset=circle&" in format_link(PlaygroundSettings().replace(dataset="custom"))


def test_text_that_is_no_link_is_refused_with_the_reason():
    with pytest.raises(PlaygroundError, match="not a TensorFlow Playground link"):
        parse_link("https://example.org/page")


def test_the_view_round_trips_through_json_and_refuses_malformed_data():
    view = PlaygroundView(True, False, ("noise", "dataset"), (("seed", "0.8"),))
    again = PlaygroundView.from_json(view.to_json())
    assert again == PlaygroundView(True, False, ("dataset", "noise"), (("seed", "0.8"),))
    for bad in ([], {"hidden": "noise"}, {"discretize": "yes"}, {"kept": {"seed": 3}}):
        with pytest.raises(PlaygroundError, match="ui.playground.view"):
            PlaygroundView.from_json(bad)
