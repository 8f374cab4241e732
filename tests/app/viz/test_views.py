"""The views draw what the engine sends: each task's pictures from a real snapshot, tiles where
they belong, curves smoothed as TensorBoard does, the boundary over the plane."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "engine" / "training"))
from models import char_lstm, gan, srcnn, unet, vae  # noqa: E402

from app.viz.image_grid import display_images, tile  # noqa: E402
from engine.data import load_dataset  # noqa: E402
from engine.templates import load_template  # noqa: E402
from engine.training import Snapshot, Trainer  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def snapshot_of(doc) -> Snapshot:
    trainer = Trainer(doc, snapshot_every=None)
    return Snapshot(0, 0, trainer.snapshot_data())


def test_tiles_sit_where_the_layout_says_each_scaled_to_its_range():
    maps = np.stack([np.full((2, 3), float(i)) + np.arange(6).reshape(2, 3) for i in range(5)])
    grid, layout = tile(maps, pad=1, fill=-1.0)
    assert (layout.rows, layout.cols, grid.shape) == (2, 3, (2 * 3 - 1, 3 * 4 - 1))
    for i in range(5):
        x, y, w, h = layout.rect(i)
        np.testing.assert_allclose(grid[y:y + h, x:x + w], np.arange(6).reshape(2, 3) / 5)
        assert layout.index_at(x + 1, y + 1) == i
    assert layout.index_at(*layout.rect(5)[:2]) is None  # the sixth cell is empty
    assert grid[2, 0] == -1.0  # padding between rows


def test_images_for_display_accept_either_channel_order():
    x = np.random.default_rng(0).random((4, 3, 5, 6)).astype(np.float32)
    a, b = display_images(x), display_images(x.transpose(0, 2, 3, 1))
    assert a.shape == (4, 5, 6, 3) and np.allclose(a, b)
    assert a.reshape(4, -1).min(1).max() == 0 and a.reshape(4, -1).max(1).min() == 1


def test_smoothing_is_the_debiased_moving_average():
    from app.viz.curves import smooth

    values = np.array([4.0, 2.0, np.nan, 1.0, 3.0])
    w = 0.6
    expected, avg, n = [], 0.0, 0
    for v in values:
        if not np.isnan(v):
            avg, n = w * avg + (1 - w) * v, n + 1
        expected.append(avg / (1 - w ** n))
    np.testing.assert_allclose(smooth(values, w), expected)
    assert smooth(values, 0.0)[0] == 4.0 and smooth(values, 0.0)[3] == 1.0


def _task_view(qtbot, task):
    from app.viz.task_views import TaskView

    view = TaskView()
    qtbot.addWidget(view)
    view.set_task(task)
    return view


def test_gan_grids_are_kept_per_epoch(qtbot):
    doc = gan({"task": "gan", "dataset": {"name": "digits"}, "epochs": 1, "batch_size": 64})
    snap = snapshot_of(doc)
    view = _task_view(qtbot, "gan")
    view.set_snapshot(snap)
    view.set_snapshot(Snapshot(1, 10, {"samples": snap.data["samples"] * 0.5}))
    assert sorted(view.epochs) == [0, 1] and len(view.tiles.images) == 16
    assert view.epoch_slider.value() == 1 and "epoch 2" in view.epoch_label.text()
    view.epoch_slider.setValue(0)
    assert "epoch 1" in view.epoch_label.text()


def test_vae_reconstructions_and_latent_sweep(qtbot):
    snap = snapshot_of(vae({"task": "vae", "dataset": {"name": "digits"}, "epochs": 1}))
    view = _task_view(qtbot, "vae")
    view.set_snapshot(snap)
    assert len(view.tiles.images) == 16 and view.tiles.columns == 8  # 8 images over their 8 reconstructions
    assert view.side.array.shape == (8 * 8, 8 * 8)  # the 8 x 8 sweep of 8x8 images
    np.testing.assert_allclose(view.side.array[:8, :8], snap.data["latent_sweep"][0, :, :, 0])


def test_super_resolution_side_by_side_and_segmentation_overlays(qtbot):
    sr = snapshot_of(srcnn({"task": "super_resolution", "dataset": {"name": "super_resolution", "source": "shapes",
                                                                   "size": 32, "count": 64}, "epochs": 1}))
    view = _task_view(qtbot, "super_resolution")
    view.set_snapshot(sr)
    assert view.tiles.columns == 4 and len(view.tiles.images) == 16
    assert view.tiles.titles == ("input", "bicubic", "model", "original")

    from app.viz.task_views import overlay

    seg = snapshot_of(unet({"task": "segmentation", "dataset": {"name": "shapes", "size": 32, "count": 32},
                            "epochs": 1}))
    view = _task_view(qtbot, "segmentation")
    view.set_snapshot(seg)
    assert len(view.tiles.images) == 3 * len(seg.data["images"])
    image = np.zeros((4, 4, 3), np.float32)
    mask = np.array([[0, 1], [2, 0]])
    painted = overlay(image, mask, alpha=0.5)
    assert painted.shape == (2, 2, 3) and np.all(painted[0, 0] == 0) and painted[0, 1, 2] > 0.4


def test_separation_shows_mixture_estimate_and_voice(qtbot):
    doc = load_template("singing_voice_unet")
    doc.training = doc.training | {"dataset": {"name": "spectrograms", "bins": 64, "frames": 64, "count": 24}}
    trainer = Trainer(doc, snapshot_every=None)
    snap = Snapshot(0, 0, trainer.snapshot_data())
    mix, voice = trainer.data.val.tensors[0][:4], trainer.data.val.tensors[1][:4]
    # Spectrograms are shown low frequencies at the bottom, magnitudes square-rooted.
    np.testing.assert_allclose(snap.data["inputs"][..., 0], mix[:, 0].sqrt().flip(-2).numpy(), atol=1e-6)
    np.testing.assert_allclose(snap.data["targets"][..., 0], voice[:, 0].sqrt().flip(-2).numpy(), atol=1e-6)
    assert snap.data["outputs"].shape == (4, 64, 64, 1)
    view = _task_view(qtbot, "regression")
    view.set_snapshot(snap)
    assert view.tiles.columns == 6 and len(view.tiles.images) == 12
    assert view.tiles.titles == ("input", "output", "target") * 2
    np.testing.assert_allclose(view.tiles.arrays[3], snap.data["inputs"][1, ..., 0], atol=1e-6)  # the 2nd sample's input


def test_generated_text_per_epoch(qtbot):
    data = load_dataset("text", {"seq_len": 32})
    doc = char_lstm({"task": "sequence", "dataset": {"name": "text", "seq_len": 32}, "epochs": 1}, len(data.vocab),
                    seq=32)
    snap = snapshot_of(doc)
    view = _task_view(qtbot, "sequence")
    view.set_snapshot(snap)
    assert snap.data["text"] in view.text.toPlainText() and "epoch 1" in view.text.toPlainText()


def test_the_boundary_view_shows_the_engines_grid_and_points(qtbot):
    from app.viz.boundary import BoundaryView

    snap = snapshot_of(load_template("playground_mlp"))
    view = BoundaryView()
    qtbot.addWidget(view)
    view.set_data(snap.data)
    np.testing.assert_array_equal(view.values, snap.data["boundary"])
    assert view.image.image.shape == (100, 100) and len(view.points.data) == len(snap.data["points"])


def test_inside_tabs_follow_the_task(qtbot):
    from app.viz.inside import InsideView

    inside = InsideView()
    qtbot.addWidget(inside)
    shown = lambda: {inside.tabText(i) for i in range(inside.count()) if inside.isTabVisible(i)}  # noqa: E731
    inside.set_task("classification", has_conv=True, two_d=False)
    assert shown() == {"Activations", "Filters", "Samples", "Confusion"}
    inside.set_task("classification", has_conv=False, two_d=True)
    assert shown() == {"Activations", "Confusion", "Boundary"}
    inside.set_task("vae", has_conv=False, two_d=False)
    assert shown() == {"Activations", "Reconstructions"}
    inside.set_task("regression", has_conv=False, two_d=True)
    assert shown() == {"Activations", "Boundary"}
    inside.set_task("regression", has_conv=True, two_d=False, image_input=True)
    assert shown() == {"Activations", "Filters", "Estimates"}


def test_device_choices_name_what_auto_picks():
    from engine.training.devices import device_choices

    choices = device_choices()
    values = [c.value for c in choices]
    assert values[:3] == ["auto", "cpu", "cuda"] and "mps" in values
    if torch.cuda.is_available():
        assert torch.cuda.get_device_name(0) in choices[0].label
    else:
        assert choices[0].label == "auto: CPU (no GPU found)" and not choices[2].available
