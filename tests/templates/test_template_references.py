"""Templates without a torchvision twin against hand-written modules of the papers' architectures.

For each: the parameter count equals the reference's and the template's meta
`expected_params`; the reference's state_dict loads into the compiled template
under the same names, and both give the same outputs; at the declared input size
(run on the meta device) both give the same output shapes.
"""

from __future__ import annotations

import pytest
import torch

from engine.compiler import compile_network, example_inputs
from engine.templates import load_template
from tests.templates import references as ref


def small(*shape):
    """Inputs of a smaller size than declared (fully convolutional networks)."""
    return lambda graph, analysis: (torch.randn(*shape),)


# template -> network -> (reference factory, inputs for the output comparison or None for example_inputs)
REFERENCES = {
    "perceptron": {"model": (ref.Perceptron, None)},
    "playground_mlp": {"model": (ref.PlaygroundMLP, None)},
    "playground_spiral": {"model": (ref.PlaygroundSpiral, None)},
    "lenet5": {"model": (ref.LeNet5, None)},
    "alexnet_paper": {"model": (ref.AlexNetPaper, None)},
    "nin": {"model": (ref.NiN, None)},
    "selu_mlp": {"model": (ref.SeluMLP, None)},
    "swish_cnn": {"model": (ref.SwishCNN, None)},
    "mobilenet_v1": {"model": (ref.MobileNetV1, small(2, 3, 64, 64))},
    "dcgan": {"generator": (ref.DCGANGenerator, None), "discriminator": (ref.DCGANDiscriminator, None)},
    "wgan": {"generator": (ref.DCGANGenerator, None),
             "discriminator": (lambda: ref.DCGANDiscriminator(sigmoid=False), None)},
    "vae": {"model": (ref.VAE, None)},
    "srcnn": {"model": (ref.SRCNN, None)},
    "espcn": {"model": (ref.ESPCN, None)},
    # 188x188 is the smallest valid input with four poolings: it gives a 4x4 output.
    "unet": {"model": (ref.UNet, small(1, 1, 188, 188))},
    "stn": {"model": (ref.STN, None)},
    "lstm_char": {"model": (lambda: ref.CharRNN("LSTM"), None)},
    "gru_char": {"model": (lambda: ref.CharRNN("GRU"), None)},
    "gcn": {"model": (ref.GCN, None)},
    "hrnet_small": {"model": (ref.HRNetSmall, None)},
    "singing_voice_unet": {"model": (ref.SingingVoiceUNet, small(2, 1, 128, 64))},
}


def expected_params(doc, network):
    expected = doc.meta["expected_params"]
    return expected[network] if isinstance(expected, dict) else expected


def as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_template_equals_its_hand_written_reference(name, analyzer):
    doc = load_template(name)
    assert set(REFERENCES[name]) == set(doc.networks)
    for network, (make, inputs) in REFERENCES[name].items():
        graph = doc.network(network)
        analysis = analyzer.analyze(graph, doc.problems(network))
        assert analysis.ok, analysis.errors
        torch.manual_seed(0)
        reference = make()
        count = sum(p.numel() for p in reference.parameters())
        assert analysis.total_params == count == expected_params(doc, network)

        module = compile_network(graph, analysis=analysis)
        module.load_state_dict(reference.state_dict())  # strict: every name the same
        module.eval(), reference.eval()
        torch.manual_seed(1)
        xs = inputs(graph, analysis) if inputs else example_inputs(graph, batch_size=2, analysis=analysis)
        with torch.no_grad():
            ours, theirs = as_tuple(module(*xs)), as_tuple(reference(*xs))
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)

        # Output shapes at the declared size, on the meta device (U-Net at 572x572 costs nothing).
        infos = [analysis.nodes[i].outputs[0] for i in analysis.flat.inputs]
        meta_inputs = [torch.zeros((2, *info.shape), dtype=info.dtype, device="meta") for info in infos]
        with torch.no_grad():
            shapes = [tuple(t.shape[1:]) for t in as_tuple(reference.to("meta")(*meta_inputs))]
        assert shapes == [analysis.nodes[o].outputs[0].shape for o in analysis.flat.outputs]


def test_the_perceptron_learns_and_with_rosenblatts_rule_but_not_xor():
    table = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])

    def train(targets):
        torch.manual_seed(0)
        module = compile_network(load_template("perceptron").network())
        for _ in range(20):
            for x, target in zip(table, targets):
                error = target - module(x[None])[0, 0]
                with torch.no_grad():  # w += lr (t - y) x
                    module.fc.weight += 0.1 * error * x
                    module.fc.bias += 0.1 * error
        return module(table)[:, 0].tolist()

    assert train([0.0, 0.0, 0.0, 1.0]) == [0.0, 0.0, 0.0, 1.0]
    assert train([0.0, 1.0, 1.0, 0.0]) != [0.0, 1.0, 1.0, 0.0]


def test_paper_alexnet_lrn_uses_the_papers_alpha():
    # torch divides alpha by the window size; the paper's formula does not (section 3.3).
    graph = load_template("alexnet_paper").network()
    module = compile_network(graph)
    x = torch.rand(2, 96, 5, 5) * 10
    torch.testing.assert_close(module.lrn1(x), ref.paper_lrn(x))
