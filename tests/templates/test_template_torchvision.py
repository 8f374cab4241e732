"""Templates of torchvision's models are exactly torchvision's.

For each: the parameter count equals torchvision's and the template's meta
`expected_params`; the output shape at the declared input equals torchvision's;
torchvision's randomly initialised state_dict, renamed by one small mapping per
family, fills every weight of the compiled template, and both give the same outputs
in eval mode.
"""

from __future__ import annotations

import re

import pytest
import torch
import torch.nn as nn
import torchvision.models as tvm
from torchvision.models.segmentation import deeplabv3_resnet50

from engine.compiler import compile_network
from engine.templates import load_template
from tests.templates.random_weights import randomise

# -- one name mapping per family: torchvision state_dict key -> ours ----------------------------------


def features_names(model: nn.Module, stage_names: bool) -> dict[str, str]:
    """AlexNet/VGG `features.<i>` -> conv1 / conv1_1 / bn1_1, counting convolutions and poolings."""
    names, stage, conv, convs = {}, 1, 0, 0
    for i, layer in enumerate(model.features):
        if isinstance(layer, nn.Conv2d):
            conv, convs = conv + 1, convs + 1
            names[f"features.{i}"] = f"conv{stage}_{conv}" if stage_names else f"conv{convs}"
        elif isinstance(layer, nn.BatchNorm2d):
            names[f"features.{i}"] = f"bn{stage}_{conv}"
        elif isinstance(layer, nn.MaxPool2d):
            stage, conv = stage + 1, 0
    return names


def classifier_names(model: nn.Module) -> dict[str, str]:
    """The three Linear layers of AlexNet's and VGG's classifier are fc6, fc7, fc8 (Caffe's names)."""
    linear = [i for i, layer in enumerate(model.classifier) if isinstance(layer, nn.Linear)]
    return {f"classifier.{i}": f"fc{6 + k}" for k, i in enumerate(linear)}


def sequential_mapping(model: nn.Module, stage_names: bool):
    names = {**features_names(model, stage_names), **classifier_names(model)}

    def rename(key: str) -> str:
        module, _, param = key.rpartition(".")
        return f"{names[module]}.{param}"

    return rename


def squeezenet_mapping(model: nn.Module):
    fires = [i for i, layer in enumerate(model.features) if isinstance(layer, tvm.squeezenet.Fire)]
    names = {"features.0": "conv1", "classifier.1": "conv10",
             **{f"features.{i}": f"fire{k}" for k, i in enumerate(fires, start=2)}}

    def rename(key: str) -> str:
        head, sep, rest = key.partition(".")
        index, _, tail = rest.partition(".")
        return f"{names[head + '.' + index]}.{tail}"

    return rename


INCEPTION_BRANCHES = {"branch1": "branch1x1", "branch2.0": "branch3x3_reduce", "branch2.1": "branch3x3",
                      "branch3.0": "branch5x5_reduce", "branch3.1": "branch5x5", "branch4.1": "pool_proj"}


def googlenet_mapping(key: str) -> str:
    for theirs, ours in INCEPTION_BRANCHES.items():
        key = key.replace(f".{theirs}.", f".{ours}.")
    return key  # conv1.conv, inception3a..., aux1.conv.conv, aux1.fc1 and fc are named alike


def resnet_mapping(key: str) -> str:
    key = re.sub(r"^layer(\d)\.(\d+)\.", r"layer\1_\2.", key)
    return key.replace("downsample.0.", "downsample.").replace("downsample.1.", "downsample_bn.")


ASPP = {"convs.0.0": "conv1x1", "convs.0.1": "bn1x1", "convs.4.1": "pool_conv", "convs.4.2": "pool_bn",
        "project.0": "project", "project.1": "project_bn",
        **{f"convs.{i}.{j}": f"atrous{i}{suffix}" for i in (1, 2, 3) for j, suffix in ((0, ""), (1, "_bn"))}}
DEEPLAB_HEAD = {"classifier.1": "head_conv", "classifier.2": "head_bn", "classifier.4": "classifier"}


def deeplab_mapping(key: str) -> str:
    if key.startswith("backbone."):
        return resnet_mapping(key.removeprefix("backbone."))
    for theirs, ours in DEEPLAB_HEAD.items():
        if key.startswith(theirs + "."):
            return ours + key.removeprefix(theirs)
    module, _, param = key.removeprefix("classifier.0.").rpartition(".")
    return f"aspp.{ASPP[module]}.{param}"


# template -> (torchvision builder, mapping factory, input side for the output comparison)
CASES = {
    "alexnet": (tvm.alexnet, lambda m: sequential_mapping(m, stage_names=False), 64),
    **{
        f"vgg{d}{bn}": (getattr(tvm, f"vgg{d}{bn}"), lambda m: sequential_mapping(m, stage_names=True), 32)
        for d in (11, 13, 16, 19)
        for bn in ("", "_bn")
    },
    "googlenet": (lambda **kw: tvm.googlenet(aux_logits=False, init_weights=True, **kw), lambda m: googlenet_mapping,
                  224),
    "googlenet_aux": (lambda **kw: tvm.googlenet(aux_logits=True, init_weights=True, **kw),
                      lambda m: googlenet_mapping, 224),
    "resnet18": (tvm.resnet18, lambda m: resnet_mapping, 224),
    "resnet34": (tvm.resnet34, lambda m: resnet_mapping, 112),
    "squeezenet1_0": (tvm.squeezenet1_0, squeezenet_mapping, 224),
    "squeezenet1_1": (tvm.squeezenet1_1, squeezenet_mapping, 224),
    # The template's up-samplings are sized for its declared 256x256 input.
    "deeplabv3": (lambda **kw: deeplabv3_resnet50(weights_backbone=None, num_classes=21, aux_loss=False, **kw),
                  lambda m: deeplab_mapping, 256),
}
SLOW = {"deeplabv3"}


def torchvision_outputs(model: nn.Module, x: torch.Tensor, name: str) -> tuple[torch.Tensor, ...]:
    """torchvision's outputs in the template's order."""
    if name == "deeplabv3":
        return (model(x)["out"],)
    if name == "googlenet_aux":
        # In eval mode torchvision skips the auxiliary heads; run them on the captured features.
        seen = {}
        hooks = [getattr(model, m).register_forward_hook(lambda mod, i, o, m=m: seen.__setitem__(m, o))
                 for m in ("inception4a", "inception4d")]
        logits = model(x)
        for hook in hooks:
            hook.remove()
        return logits, model.aux2(seen["inception4d"]), model.aux1(seen["inception4a"])
    return (model(x),)


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in CASES]
)
def test_template_is_exactly_torchvisions_model(name, analyzer):
    build, mapping, side = CASES[name]
    doc = load_template(name)
    graph = doc.network()
    analysis = analyzer.analyze(graph, doc.problems())
    assert analysis.ok, analysis.errors

    with torch.device("meta"):
        theirs = build(weights=None).eval()
    assert analysis.total_params == sum(p.numel() for p in theirs.parameters()) == doc.meta["expected_params"]
    declared = analysis.nodes[analysis.flat.inputs[0]].outputs[0].shape
    with torch.no_grad():
        on_meta = torchvision_outputs(theirs, torch.zeros(2, *declared, device="meta"), name)
    assert [tuple(t.shape[1:]) for t in on_meta] == [analysis.nodes[o].outputs[0].shape for o in analysis.flat.outputs]

    randomise(theirs)
    rename = mapping(theirs)
    state = {rename(key): value for key, value in theirs.state_dict().items()}
    with torch.device("meta"):  # its weights are replaced at once
        ours = compile_network(graph, analysis=analysis)
    assert sorted(state) == sorted(ours.state_dict())
    ours.load_state_dict(state, assign=True)
    ours.eval()

    x = torch.randn(1, 3, side, side, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        got = ours(x)
        expected = torchvision_outputs(theirs, x, name)
    got = got if isinstance(got, tuple) else (got,)
    assert len(got) == len(expected)
    for a, b in zip(got, expected):
        assert a.abs().mean() > 1e-3  # the comparison means something
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-4)
