"""Each task learns what it should: numbers that a broken loop, loss or metric would miss."""

import math

import numpy as np
import pytest
from models import char_lstm, gan, gcn, mlp, perceptron, small_cnn, srcnn, unet, vae

from engine.data import load_dataset
from engine.templates import load_template
from engine.training import EpochEnd, Finished, Snapshot, Trainer


def train(doc, **kwargs):
    events = []
    final = Trainer(doc, **kwargs).run(events.append)
    assert isinstance(final, Finished), getattr(final, "message", final)
    return final, events


def epochs_of(events):
    return [e for e in events if isinstance(e, EpochEnd)]


@pytest.mark.slow
def test_lenet5_template_reaches_95_percent_on_digits():
    final, _ = train(load_template("lenet5"), snapshot_every=None)
    assert final.epochs == load_template("lenet5").training["epochs"]
    assert final.best["val_accuracy"] >= 0.95
    assert final.metrics["val_accuracy"] >= 0.95


@pytest.mark.parametrize("kind, epochs, goal", [("spiral", 80, 0.90), ("circle", 20, 0.95), ("xor", 20, 0.95)])
def test_playground_mlp(kind, epochs, goal):
    doc = mlp({"task": "classification", "dataset": {"name": "playground", "kind": kind},
               "batch_size": 16, "epochs": epochs, "optimizer": {"name": "adam", "lr": 0.02}},
              hidden=16 if kind == "spiral" else 8)
    final, _ = train(doc, snapshot_every=None)
    assert final.best["val_accuracy"] >= goal


def test_playground_regression_learns_the_plane():
    doc = mlp({"task": "regression", "dataset": {"name": "playground", "kind": "plane"}, "batch_size": 32,
               "epochs": 10, "optimizer": {"name": "adam", "lr": 0.01}}, out=1)
    final, events = train(doc, snapshot_every=None)
    assert final.metrics["val_mse"] < 0.01  # labels span [-1.2, 1.2]; a constant guess has MSE ~0.24
    assert math.isclose(final.metrics["val_loss"], final.metrics["val_mse"], rel_tol=1e-6)


def test_vae_elbo_improves_clearly():
    doc = vae({"task": "vae", "dataset": {"name": "digits"}, "epochs": 4, "batch_size": 64,
               "optimizer": {"name": "adam", "lr": 0.003}})
    final, events = train(doc, snapshot_every=None)
    elbos = [e.val["elbo"] for e in epochs_of(events)]
    assert elbos[-1] > elbos[0] + 2.0  # nats per 8x8 image
    assert all(math.isclose(e.val["elbo"], -(e.val["recon"] + e.val["kl"]), rel_tol=1e-5) for e in epochs_of(events))
    assert final.metrics["val_kl"] > 0


@pytest.mark.parametrize("variant", ["dcgan", "wgan"])
def test_gan_losses_are_finite_and_samples_change(variant):
    wgan = variant == "wgan"
    optimizer = {"name": "rmsprop", "lr": 5e-4} if wgan else {"name": "adam", "lr": 2e-4, "betas": [0.5, 0.999]}
    doc = gan({"task": "gan", "dataset": {"name": "digits"}, "epochs": 3, "batch_size": 64,
               "optimizer": optimizer, "gan": {"variant": variant, "critic_iters": 5, "clip": 0.01}}, wgan=wgan)
    final, events = train(doc, snapshot_every=0.0)
    samples = [e.data["samples"] for e in events if isinstance(e, Snapshot)]
    assert len(samples) >= 3 and samples[0].shape == (16, 8, 8, 1)
    assert np.abs(samples[-1] - samples[0]).mean() > 0.02
    assert all(math.isfinite(v) for v in final.metrics.values())
    assert "train_loss_g" in final.metrics and "train_loss_d" in final.metrics
    if not wgan:
        assert 0.0 < final.metrics["train_d_real"] < 1.0


def test_wgan_clips_the_critic():
    doc = gan({"task": "gan", "dataset": {"name": "digits"}, "epochs": 1, "batch_size": 64,
               "optimizer": {"name": "rmsprop", "lr": 5e-3}, "gan": {"variant": "wgan", "clip": 0.01}}, wgan=True)
    trainer = Trainer(doc, snapshot_every=None)
    assert isinstance(trainer.run(), Finished)
    assert max(p.abs().max().item() for p in trainer.models["discriminator"].parameters()) <= 0.01 + 1e-7


def test_srcnn_beats_bicubic():
    doc = srcnn({"task": "super_resolution",
                 "dataset": {"name": "super_resolution", "source": "shapes", "size": 32, "scale": 2, "count": 256},
                 "epochs": 10, "batch_size": 8, "optimizer": {"name": "adam", "lr": 5e-3}})
    final, _ = train(doc, snapshot_every=None)
    assert final.best["val_psnr"] > final.best["val_bicubic_psnr"] + 0.5


def test_unet_segments_shapes():
    doc = unet({"task": "segmentation", "dataset": {"name": "shapes", "size": 32, "count": 256},
                "epochs": 6, "batch_size": 8, "optimizer": {"name": "adam", "lr": 3e-3}})
    final, _ = train(doc, snapshot_every=None)
    assert final.best["val_miou"] >= 0.8


def test_singing_voice_unet_separates_the_voice():
    # The template itself, trained at 64x64 (the data's size) for 6 epochs.
    doc = load_template("singing_voice_unet")
    options = {"bins": 64, "frames": 64, "count": 128}
    recipe = doc.training | {"dataset": {"name": "spectrograms", **options}, "epochs": 6}
    final, events = train(doc, config=recipe, snapshot_every=None)
    mix, voice = load_dataset("spectrograms", options).val.tensors
    silence, unmixed = float(voice.abs().mean()), float((mix - voice).abs().mean())
    # Better by a third than answering silence, the best constant-mask guess here, and far
    # better than handing back the mixture.
    assert final.best["val_mae"] < 0.8 * silence < unmixed
    assert epochs_of(events)[-1].train["loss"] < 0.6 * epochs_of(events)[0].train["loss"]


def test_char_lstm_beats_the_unigram_entropy():
    data = load_dataset("text", {"seq_len": 64})
    doc = char_lstm({"task": "sequence", "dataset": {"name": "text", "seq_len": 64}, "epochs": 3, "batch_size": 32,
                     "optimizer": {"name": "adam", "lr": 0.005}}, vocab=len(data.vocab))
    trainer = Trainer(doc, snapshot_every=None)
    final = trainer.run()
    assert isinstance(final, Finished), final
    entropy = data.extras["unigram_entropy"]
    assert 3.0 < entropy < 3.3
    assert final.best["val_loss"] < entropy - 0.3
    assert math.isclose(final.metrics["val_perplexity"], math.exp(final.metrics["val_loss"]), rel_tol=1e-6)
    trainer.task.train_mode(False)
    text = trainer.task.snapshot()["text"]
    assert len(text) == 16 + 200 and set(text) <= set(data.vocab)


def test_gcn_classifies_the_karate_club():
    doc = gcn({"task": "node_classification", "dataset": {"name": "karate", "labels_per_class": 1},
               "epochs": 100, "optimizer": {"name": "adam", "lr": 0.01}, "seed": 0})
    final, _ = train(doc, snapshot_every=None)
    assert final.metrics["val_accuracy"] >= 0.9  # of the 32 members whose club was not given


@pytest.mark.parametrize("function, learns", [("and", True), ("or", True), ("xor", False)])
def test_perceptron_rule(function, learns):
    doc = perceptron({"task": "perceptron", "dataset": {"name": "logic", "function": function}, "batch_size": 4,
                      "epochs": 30, "optimizer": {"name": "sgd", "lr": 0.1}})
    final, _ = train(doc, snapshot_every=None)
    if learns:
        assert final.metrics["val_accuracy"] == 1.0
    else:  # not linearly separable (Minsky & Papert 1969): at most 3 of 4 right
        assert final.best["val_accuracy"] <= 0.75


def test_small_cnn_on_fake_data_runs_and_reports_a_confusion_matrix():
    doc = small_cnn({"task": "classification", "dataset": {"name": "fake", "shape": [1, 8, 8], "count": 64},
                     "epochs": 1, "batch_size": 16})
    final, events = train(doc, snapshot_every=None)
    confusion = epochs_of(events)[0].confusion
    assert confusion.shape == (10, 10) and confusion.sum() == 13  # 20 % of 64 held out
