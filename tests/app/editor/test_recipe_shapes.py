"""The canvas shows the shapes of the data the recipe feeds, and says so on the Input node."""

from __future__ import annotations

from engine.graph import Endpoint


def test_resnet18_shows_the_shapes_it_trains_at_and_says_so_on_its_input(resnet):
    scene = resnet.scene
    assert scene.nodes["conv1"].look.shape == "(64, 16, 16)"  # digits at 32x32, as the recipe trains
    assert scene.edges[Endpoint("conv1", "x")].label.text == "(3, 32, 32)"
    image = scene.nodes["image"]
    assert "3×224×224 → trains at 32×32" in image.shown_texts()
    resnet.scene.select_ids(["image"])
    facts = resnet.inspector._facts.text()
    assert "The recipe feeds images of (3, 32, 32)" in facts and "declares (3, 224, 224)" in facts


def test_the_view_menu_switches_back_to_the_declared_input(resnet):
    resnet.act_data_size.trigger()
    assert not resnet.act_data_size.isChecked()
    assert resnet.scene.nodes["conv1"].look.shape == "(64, 112, 112)"
    assert resnet.scene.nodes["image"].look.params == "image 3 × 224 × 224"
    resnet.act_data_size.trigger()
    assert resnet.scene.nodes["conv1"].look.shape == "(64, 16, 16)"


def test_a_new_data_size_in_the_recipe_changes_the_shapes(resnet, qtbot):
    recipe = dict(resnet.session.doc.training)
    recipe["dataset"] = {**recipe["dataset"], "size": 64}
    resnet.session.set_training(recipe)
    qtbot.waitUntil(lambda: resnet.scene.nodes["conv1"].look.shape == "(64, 32, 32)", timeout=3000)
