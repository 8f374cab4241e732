"""Every template's recipe runs on the training engine: two steps, finite loss.

Batches are cut to 2 and generated datasets to a handful of samples, so this checks
that recipe, data and network fit together, not how well they learn (the outcome
tests do that for the architectures the issue names).
"""

from __future__ import annotations

import copy
import math

import pytest

from engine.templates import list_templates, load_template
from engine.training.events import BatchEnd, Failed, Finished, RunStarted, Stopped
from engine.training.trainer import Trainer

HEAVY = {"deeplabv3", "unet", "alexnet", "alexnet_paper", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16",
         "vgg16_bn", "vgg19", "vgg19_bn", "dcgan", "wgan", "gru_char", "lstm_char"}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in HEAVY else n
                                  for n in list_templates()])
def test_template_recipe_trains(name):
    doc = load_template(name)
    recipe = copy.deepcopy(doc.training)
    recipe.update(epochs=1, batch_size=2)
    if "count" in recipe["dataset"] or recipe["dataset"]["name"] in ("shapes", "super_resolution"):
        recipe["dataset"]["count"] = 8
    doc.training = recipe
    trainer = Trainer(doc, snapshot_every=None)
    events = []

    def callback(event):
        events.append(event)
        if isinstance(event, BatchEnd) and event.step >= 2:
            trainer.cancel()

    trainer.run(callback)
    failures = [e.message for e in events if isinstance(e, Failed)]
    assert not failures
    assert isinstance(events[0], RunStarted)
    assert isinstance(events[-1], (Stopped, Finished))
    losses = [e.loss for e in events if isinstance(e, BatchEnd)]
    if recipe["task"] != "perceptron":  # Rosenblatt's rule updates per sample, without a loss
        assert losses and all(math.isfinite(v) for v in losses)


def test_a_network_declared_at_224_trains_at_the_datas_32_and_says_so():
    doc = load_template("resnet18")
    doc.training.update(epochs=1, batch_size=2)
    trainer = Trainer(doc, snapshot_every=None)
    started = []

    def callback(event):
        started.extend([event] if isinstance(event, RunStarted) else [])
        trainer.cancel()

    trainer.run(callback)
    assert started[0].notes == (
        "model: Input 'image' declares (3, 224, 224); training at (3, 32, 32), which the network also accepts",)
    doc.network().set_params("fc", {"out_features": 10})
    assert doc.network().nodes["fc"].params["out_features"] == 10  # the document's graph is untouched otherwise
    assert doc.network().nodes["image"].params["shape"] == (3, 224, 224)


def test_a_network_that_needs_its_declared_size_fails_with_a_hint():
    doc = load_template("lenet5")
    doc.training["dataset"] = {"name": "digits", "size": 28}
    trainer = Trainer(doc, snapshot_every=None)
    events = []
    trainer.run(events.append)
    assert isinstance(events[-1], Failed)
    assert events[-1].message == ("digits gives samples of shape (1, 28, 28), but the network's Input 'image' "
                                  "expects (1, 32, 32) (set training.dataset.size to 32 and channels to 1)")
