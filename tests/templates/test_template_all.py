"""Every template: a complete meta block, a recipe in the agreed schema, an analysis
without problems whose parameter count is the meta's, and a compiled module that runs
forward and backward on a batch of 2 at the declared input size."""

from __future__ import annotations

import pytest
import torch

from engine.compiler import compile_network, example_inputs
from engine.templates import DEFAULT_TEMPLATE, list_templates, load_template
from engine.training.config import TrainConfig
from tests.templates.random_weights import randomise

TEMPLATES = list_templates()
# Seconds to minutes each on two CPU cores (ImageNet-sized inputs); `-m "not slow"` skips them.
HEAVY = ("alexnet", "vgg", "googlenet", "resnet", "squeezenet", "unet", "deeplab")


def marked(names):
    return [pytest.param(n, marks=pytest.mark.slow) if n.startswith(HEAVY) else n for n in names]


META_KEYS = ["title", "authors", "year", "paper", "link", "task", "input_shape", "expected_params", "params_source",
             "note", "recipe"]


def test_the_default_template_is_lenet5_and_every_template_is_listed():
    assert DEFAULT_TEMPLATE == "lenet5" in TEMPLATES
    assert len(TEMPLATES) >= 30


@pytest.mark.parametrize("name", TEMPLATES)
def test_meta_and_recipe_are_complete(name):
    doc = load_template(name)
    meta, recipe = doc.meta, doc.training
    assert list(meta) == META_KEYS
    for key in ("title", "authors", "paper", "params_source", "note", "recipe"):
        assert isinstance(meta[key], str) and len(meta[key]) > 3, key
    assert isinstance(meta["year"], int) and 1950 <= meta["year"] <= 2030
    assert meta["link"].startswith(("https://", "http://"))
    # The recipe is valid for the training engine (its validator is the one source of the
    # schema); that every recipe also trains is tests/engine/training/test_template_recipes.py.
    config = TrainConfig.from_dict(recipe)
    assert meta["task"] == config.task
    if recipe["task"] == "gan":
        assert set(doc.networks) == {"generator", "discriminator"}
        assert recipe["gan"]["variant"] in ("dcgan", "wgan")


@pytest.mark.parametrize("name", TEMPLATES)
def test_analysis_is_clean_and_matches_the_meta(name, analyzer):
    doc = load_template(name)
    several = len(doc.networks) > 1
    expected = doc.meta["expected_params"]
    shapes = doc.meta["input_shape"]
    for network, graph in doc.networks.items():
        analysis = analyzer.analyze(graph, doc.problems(network))
        assert analysis.problems == [], [p.message for p in analysis.problems]
        assert analysis.total_params == (expected[network] if several else expected)
        inputs = {i: list(analysis.nodes[i].outputs[0].shape) for i in analysis.flat.inputs}
        declared = shapes[network] if several else shapes
        if isinstance(declared, dict):  # one network with several inputs: keyed by Input id
            assert inputs == declared
        else:
            assert list(inputs.values()) == [declared]


@pytest.mark.parametrize("name", marked(TEMPLATES))
def test_compiled_template_runs_forward_and_backward(name, analyzer):
    doc = load_template(name)
    for network, graph in doc.networks.items():
        analysis = analyzer.analyze(graph, doc.problems(network))
        with torch.device("meta"):  # weights come from randomise(): ImageNet models initialise slowly
            module = compile_network(graph, analysis=analysis)
        randomise(module).train()
        xs = example_inputs(graph, batch_size=2, generator=torch.Generator().manual_seed(0), analysis=analysis)
        out = module(*xs)
        outs = out if isinstance(out, tuple) else (out,)
        assert [o.shape for o in outs] == [(2, *analysis.nodes[o].outputs[0].shape) for o in analysis.flat.outputs]
        assert all(torch.isfinite(o).all() for o in outs)
        differentiable = [o for o in outs if o.requires_grad]
        if not differentiable:  # only the perceptron's unit step has no gradient, by design
            assert any(n.op == "Step" for n in analysis.flat.nodes.values())
            continue
        sum(o.float().mean() for o in differentiable).backward()
        missing = [k for k, p in module.named_parameters() if p.grad is None or not torch.isfinite(p.grad).all()]
        assert not missing
