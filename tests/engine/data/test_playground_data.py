"""Playground's generators against `src/dataset.ts`, formula by formula (the sizes, ranges and label
rules of every set are in test_datasets.py)."""

import math

import numpy as np
import pytest

from engine.data import LoadContext, load_dataset
from engine.data.playground import playground_points


def test_spiral_points_lie_on_two_arms_of_one_and_three_quarter_turns():
    xy, label = playground_points("spiral", 0.0, seed=3)
    r = np.hypot(xy[:, 0], xy[:, 1])
    theta = np.arctan2(xy[:, 0], xy[:, 1])  # dataset.ts: x = r sin t, y = r cos t
    # r = i / n * 5 and t = 1.75 * i / n * 2 pi (+ pi for the negative arm): t = 0.7 pi r.
    expected = 1.75 * 2 * math.pi * r / 5 + np.where(label == 1, 0.0, math.pi)
    wrapped = np.angle(np.exp(1j * (theta - expected)))
    np.testing.assert_allclose(wrapped, 0.0, atol=1e-4)
    assert sorted(np.round(r[label == 1] / 5 * 250).astype(int).tolist()) == list(range(250))


def test_gauss_centres_and_spread_follow_the_noise_slider():
    for noise, variance in ((0.0, 0.5), (0.5, 4.0)):  # d3 scale [0, 0.5] -> [0.5, 4]
        xy, label = playground_points("gauss", noise, points=20000, seed=1)
        for cls, centre in ((1, 2.0), (0, -2.0)):
            pts = xy[label == cls]
            np.testing.assert_allclose(pts.mean(0), [centre, centre], atol=0.06)
            np.testing.assert_allclose(pts.var(0), [variance, variance], rtol=0.05)


def test_noise_moves_the_label_not_the_point_for_circle_and_xor():
    for kind in ("circle", "xor"):
        clean, clean_label = playground_points(kind, 0.0, seed=7)
        noisy, noisy_label = playground_points(kind, 0.5, seed=7)
        assert np.array_equal(clean, noisy)  # the same draws for the points themselves
        assert (clean_label != noisy_label).any()


@pytest.mark.parametrize("ratio, train", [(0.1, 50), (0.5, 250), (0.9, 450), (0.33, 165)])
def test_the_training_share_is_playgrounds_floor(ratio, train):
    data = load_dataset("playground", {"kind": "xor", "train_ratio": ratio}, LoadContext(seed=0))
    assert len(data.train) == train and len(data.train) + len(data.val) == 500


def test_regression_values_stay_in_the_colour_range():
    _, plane = playground_points("plane", 0.0, seed=2)
    assert -1.2 <= plane.min() and plane.max() <= 1.2  # (x + y) / 10 over [-6, 6]^2
    _, gauss = playground_points("multi_gauss", 0.5, seed=2)
    assert -1.0 <= gauss.min() < -0.5 and 0.5 < gauss.max() <= 1.0
