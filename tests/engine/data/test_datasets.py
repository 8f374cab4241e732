"""Datasets: Playground's definitions, real digits, the corpus, karate, synthetic sets; no network."""

import math
import urllib.error

import numpy as np
import pytest
import torch

from engine.data import DATASETS, DataError, LoadContext, load_dataset
from engine.data.playground import playground_points


@pytest.mark.parametrize("kind, count", [("circle", 500), ("xor", 500), ("gauss", 500), ("spiral", 500),
                                         ("plane", 1200), ("multi_gauss", 1200)])
def test_playground_sizes_and_extent(kind, count):
    xy, label = playground_points(kind, noise=0.0, seed=3)
    assert xy.shape == (count, 2) and len(label) == count
    assert np.abs(xy).max() <= 6.0
    if count == 500:
        assert set(np.unique(label)) == {0, 1} and abs(int(label.sum()) - 250) <= (0 if kind != "xor" else 60)


def test_playground_labels_follow_dataset_ts():
    xy, label = playground_points("circle", 0.0, seed=1)
    r = np.hypot(xy[:, 0], xy[:, 1])
    assert np.array_equal(label, (r < 2.5).astype(np.int64))
    assert r[label == 1].max() <= 2.5 and r[label == 0].min() >= 3.5 and r.max() <= 5.0
    xy, label = playground_points("xor", 0.0, seed=1)
    assert np.array_equal(label, (xy[:, 0] * xy[:, 1] >= 0).astype(np.int64))
    assert np.abs(xy).min() >= 0.3
    xy, value = playground_points("plane", 0.0, seed=1)
    np.testing.assert_allclose(value, (xy[:, 0] + xy[:, 1]) / 10, atol=1e-6)
    xy, value = playground_points("multi_gauss", 0.0, seed=1)
    near = np.hypot(xy[:, 0] - 4, xy[:, 1] - 2.5) < 0.5  # the (4, 2.5) gaussian is positive
    assert near.any() and (value[near] > 0.7).all() and np.abs(value).max() <= 1.0
    xy, label = playground_points("spiral", 0.0, seed=1)
    assert np.hypot(xy[:, 0], xy[:, 1]).max() < 5.0


def test_playground_noise_flips_labels_near_the_boundary():
    xy, label = playground_points("circle", 0.5, seed=2)
    r = np.hypot(xy[:, 0], xy[:, 1])
    assert (label != (r < 2.5)).sum() > 10


def test_playground_train_ratio_and_seed():
    a = load_dataset("playground", {"kind": "spiral", "train_ratio": 0.7}, LoadContext(seed=5))
    b = load_dataset("playground", {"kind": "spiral", "train_ratio": 0.7}, LoadContext(seed=5))
    assert len(a.train) == 350 and len(a.val) == 150 and a.extent == (-6.0, 6.0, -6.0, 6.0)
    assert torch.equal(a.train.tensors[0], b.train.tensors[0])


def test_digits_are_sklearns_and_resize():
    data = load_dataset("digits", {"size": 28, "channels": 3}, LoadContext(validation_split=0.25))
    assert len(data.train) + len(data.val) == 1797 and len(data.val) == 449
    x, y = data.train.tensors
    assert x.shape[1:] == (3, 28, 28) and 0.0 <= x.min() and x.max() <= 1.0 and y.max() == 9
    small = load_dataset("digits", {}, LoadContext(validation_split=0.0))
    from sklearn.datasets import load_digits

    assert torch.allclose(small.train.tensors[0][:, 0], torch.from_numpy(load_digits().images).float() / 16)


def test_text_corpus_is_the_sonnets():
    data = load_dataset("text", {"seq_len": 32})
    text = data.extras["text"]
    assert text.startswith("THE SONNETS") and "Shall I compare thee to a summer's day?" in text
    assert 20_000 <= len(text.encode()) <= 100_000
    x, y = data.train.tensors
    assert x.shape[1] == 32 and torch.equal(x[0, 1:], y[0, :-1])
    assert "".join(data.vocab[i] for i in x[0].tolist()) == text[:32]
    counts = np.bincount(np.frombuffer(text.encode(), np.uint8))
    p = counts[counts > 0] / len(text)
    assert math.isclose(data.extras["unigram_entropy"], float(-(p * np.log(p)).sum()), rel_tol=1e-9)


def test_karate_club():
    data = load_dataset("karate", {"labels_per_class": 2})
    graph = data.extras["graph"]
    assert graph["adjacency"].sum() == 2 * 78 and torch.equal(graph["adjacency"], graph["adjacency"].T)
    assert graph["labels"].bincount().tolist() == [17, 17]
    assert graph["train_mask"].sum() == 4 and graph["train_mask"][0] and graph["train_mask"][33]
    assert not (graph["train_mask"] & graph["val_mask"]).any()


def test_shapes_masks_match_the_drawn_pixels():
    data = load_dataset("shapes", {"size": 32, "count": 40, "classes": 4}, LoadContext(validation_split=0.0))
    x, mask = data.train.tensors
    assert x.shape == (40, 3, 32, 32) and mask.shape == (40, 32, 32) and set(mask.unique().tolist()) <= {0, 1, 2, 3}
    bright = x.mean(1) > 0.45  # shapes are bright, backgrounds dark
    assert ((mask > 0) == bright).float().mean() > 0.97


def test_super_resolution_pairs():
    data = load_dataset("super_resolution", {"size": 24, "scale": 3, "bicubic_input": False, "count": 20})
    lr, hr = data.train.tensors
    assert lr.shape[1:] == (1, 8, 8) and hr.shape[1:] == (1, 24, 24)
    torch.testing.assert_close(lr, torch.nn.functional.avg_pool2d(hr, 3))
    with pytest.raises(DataError, match="size 32 is not a multiple of scale 3"):
        load_dataset("super_resolution", {"size": 32, "scale": 3})


def test_spectrograms_are_a_voice_over_an_accompaniment():
    data = load_dataset("spectrograms", {"bins": 64, "frames": 32, "count": 20}, LoadContext(validation_split=0.25))
    mix, voice = (torch.cat(t) for t in zip(data.train.tensors, data.val.tensors))
    assert mix.shape == voice.shape == (20, 1, 64, 32) and data.input_shape == (1, 64, 32)
    assert len(data.val) == 5 and data.target == "value"
    assert torch.allclose(mix.amax(dim=(1, 2, 3)), torch.ones(20))  # each mixture peaks at 1
    accompaniment = mix - voice
    assert float(accompaniment.min()) >= -1e-6  # magnitudes add: the voice never exceeds the mixture
    # Both sources are really there, and the voice is the smaller share (it must be found, not copied).
    share = float(voice.sum() / mix.sum())
    assert 0.1 < share < 0.5
    # The voice is harmonic: in a frame where it sings, its energy sits in separated ridges.
    frame = voice[0, 0, :, voice[0, 0].sum(0).argmax()]
    peaks = ((frame[1:-1] > frame[:-2]) & (frame[1:-1] > frame[2:]) & (frame[1:-1] > 0.05 * frame.max())).sum()
    assert peaks >= 3
    again = load_dataset("spectrograms", {"bins": 64, "frames": 32, "count": 20}, LoadContext(validation_split=0.25))
    assert torch.equal(again.train.tensors[0], data.train.tensors[0])  # seeded


def test_fake_data_and_logic():
    data = load_dataset("fake", {"shape": [1, 8, 8], "classes": 3, "count": 20})
    assert data.input_shape == (1, 8, 8) and len(data.train) == 16
    xor = load_dataset("logic", {"function": "xor"})
    assert xor.train.tensors[1].tolist() == [0, 1, 1, 0]


def test_csv(tmp_path):
    path = tmp_path / "iris.csv"
    path.write_text("a,b,species\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n9,10,x\n")
    data = load_dataset("csv", {"path": str(path), "target": "species"}, LoadContext(validation_split=0.2))
    assert data.num_classes == 2 and data.class_names == ("x", "y") and data.input_shape == (2,)
    assert torch.allclose(data.train.tensors[0].mean(0), torch.zeros(2), atol=1e-6)
    with pytest.raises(DataError, match="no column 'kind'"):
        load_dataset("csv", {"path": str(path), "target": "kind"})
    path.write_text("a,b\n1,oops\n")
    with pytest.raises(DataError, match="line 2, column 'b': 'oops' is not a number"):
        load_dataset("csv", {"path": str(path), "target": "a"})


def test_image_folder(tmp_path):
    from PIL import Image

    for cls in ("cats", "dogs"):
        (tmp_path / cls).mkdir()
        for i in range(3):
            Image.new("RGB", (20, 10), (i * 40, 0, 0)).save(tmp_path / cls / f"{i}.png")
    data = load_dataset("image_folder", {"path": str(tmp_path), "size": 16}, LoadContext(validation_split=0.0))
    x, y = data.train[0]
    assert x.shape == (3, 16, 16) and data.class_names == ("cats", "dogs") and len(data.train) == 6


def test_torchvision_sets_say_clearly_when_offline(tmp_path, monkeypatch):
    import torchvision.datasets as tvd

    def offline(self, *args, **kwargs):
        raise urllib.error.URLError("no route to host")

    monkeypatch.setattr(tvd.MNIST, "download", offline)
    with pytest.raises(DataError, match=r"mnist: the files are not in .* could not be downloaded .*'digits'"):
        load_dataset("mnist", {"root": str(tmp_path)})


def test_every_dataset_has_documented_options():
    for spec in DATASETS.values():
        assert spec.doc and all(p.name.isidentifier() for p in spec.options)
