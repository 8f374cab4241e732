"""The size a recipe trains at, known without loading the data, and the analysis there."""

from __future__ import annotations

from engine.analysis import Analyzer
from engine.templates import load_template
from engine.training.data_size import DataSize, at_data_size, recipe_input_shape


def test_the_recipes_image_size_is_read_from_its_dataset_options():
    assert recipe_input_shape(load_template("resnet18").training) == (3, 32, 32)  # digits resized, 3 channels
    assert recipe_input_shape({"task": "classification", "dataset": {"name": "digits"}}) == (1, 8, 8)
    assert recipe_input_shape({"task": "classification", "dataset": {"name": "mnist"}}) == (1, 28, 28)
    assert recipe_input_shape({"task": "classification", "dataset": {"name": "cifar10", "size": 64}}) == (3, 64, 64)
    assert recipe_input_shape({"task": "classification", "dataset": {"name": "fake", "shape": [3, 40, 40]}}) \
        == (3, 40, 40)
    assert recipe_input_shape(load_template("perceptron").training) is None  # points, not images
    assert recipe_input_shape({"task": "classification", "dataset": {"name": "no such set"}}) is None  # invalid
    assert recipe_input_shape(None) is None


def test_resnet18_is_analysed_at_the_datas_32_with_the_same_layers():
    doc = load_template("resnet18")
    analyzer = Analyzer()
    graph, problems = doc.network(), doc.problems()
    declared = analyzer.analyze(graph, problems)
    analysis, size = at_data_size(graph, declared, analyzer, problems, (3, 32, 32))
    assert size == DataSize("image", (3, 224, 224), (3, 32, 32))
    assert analysis.nodes["conv1"].outputs[0].shape == (64, 16, 16)
    assert declared.nodes["conv1"].outputs[0].shape == (64, 112, 112)
    assert analysis.total_params == declared.total_params
    assert graph.nodes["image"].params["shape"] == (3, 224, 224)  # the document is untouched
    assert size.note("model") == (
        "model: Input 'image' declares (3, 224, 224); training at (3, 32, 32), which the network also accepts")


def test_a_network_whose_layers_depend_on_the_size_keeps_its_declared_shapes():
    doc = load_template("lenet5")  # fc1 takes 400 inputs only at 32x32
    analyzer = Analyzer()
    declared = analyzer.analyze(doc.network(), doc.problems())
    analysis, size = at_data_size(doc.network(), declared, analyzer, doc.problems(), (1, 28, 28))
    assert size is None and analysis is declared
    assert at_data_size(doc.network(), declared, analyzer, doc.problems(), (3, 32, 32))[1] is None  # other channels


def test_a_network_with_errors_keeps_its_declared_shapes_and_errors():
    doc = load_template("resnet18")
    doc.network().set_params("conv1", {"kernel_size": 300})  # larger than the 224 input
    analyzer = Analyzer()
    declared = analyzer.analyze(doc.network(), doc.problems())
    assert not declared.ok
    analysis, size = at_data_size(doc.network(), declared, analyzer, doc.problems(), (3, 32, 32))
    assert size is None and analysis is declared
