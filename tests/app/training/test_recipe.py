"""Recipe edits planned one value at a time: coherent after a task change, checked by the engine."""

from app.training.recipe import check, default_recipe, recipe_with
from app.training.runs import describe_recipe

LENET = {"task": "classification", "dataset": {"name": "digits", "size": 32}, "batch_size": 64, "epochs": 10,
         "optimizer": {"name": "adam", "lr": 0.001, "betas": [0.5, 0.999]}, "loss": {"name": "cross_entropy"}}


def test_a_value_changes_alone_and_the_original_is_untouched():
    new = recipe_with(LENET, ("optimizer", "lr"), 0.01)
    assert new["optimizer"] == {"name": "adam", "lr": 0.01, "betas": [0.5, 0.999]}
    assert LENET["optimizer"]["lr"] == 0.001
    assert recipe_with(LENET, ("epochs",), 3)["epochs"] == 3
    assert "batch_size" not in recipe_with(LENET, ("batch_size",), None)
    assert check(new) is None


def test_a_new_task_takes_a_fitting_dataset_and_drops_a_loss_that_does_not_fit():
    new = recipe_with(LENET, ("task",), "segmentation")
    assert new["dataset"] == {"name": "shapes"} and new["loss"] == {"name": "cross_entropy"} and check(new) is None
    regression = recipe_with({**LENET, "dataset": {"name": "playground", "kind": "xor"}}, ("task",), "regression")
    assert regression["dataset"] == {"name": "playground", "kind": "plane"} and check(regression) is None
    vae = recipe_with(LENET, ("task",), "vae")
    assert vae["dataset"] == {"name": "digits", "size": 32} and check(vae) is None  # digits fit a VAE
    assert "loss" not in vae  # cross-entropy does not: the VAE's own loss applies


def test_new_dataset_schedule_or_optimizer_start_from_their_defaults():
    assert recipe_with(LENET, ("dataset", "name"), "fake")["dataset"] == {"name": "fake"}
    sgd = recipe_with(LENET, ("optimizer", "name"), "sgd")
    assert sgd["optimizer"] == {"name": "sgd", "lr": 0.001}  # Adam's betas do not carry over
    cosine = recipe_with({**LENET, "schedule": {"name": "step", "step_size": 3}}, ("schedule", "name"), "cosine")
    assert cosine["schedule"] == {"name": "cosine"} and check(cosine) is None


def test_the_engine_says_why_a_recipe_is_refused():
    assert check(recipe_with(LENET, ("optimizer", "lr"), -1)) == \
        "training.optimizer.lr: expected a positive number, got -1"
    nesterov = recipe_with(recipe_with(LENET, ("optimizer", "name"), "sgd"), ("optimizer", "nesterov"), True)
    assert check(nesterov) == "training.optimizer.nesterov: Nesterov momentum needs a momentum above 0"


def test_a_first_recipe_fits_the_input():
    assert default_recipe((1, 28, 28))["dataset"] == {"name": "digits", "size": 28, "channels": 1}
    assert default_recipe((3, 32, 32))["dataset"] == {"name": "digits", "size": 32, "channels": 3}
    assert default_recipe((2,))["dataset"]["name"] == "playground"
    assert default_recipe((5, 7))["dataset"] == {"name": "digits"}
    for shape in ((1, 28, 28), (2,), None):
        assert check(default_recipe(shape)) is None


def test_runs_are_told_apart_by_their_recipe():
    assert describe_recipe(LENET) == "adam lr 0.001 · batch 64 · 10 epochs"
    assert describe_recipe({**LENET, "schedule": "cosine"}) == "adam lr 0.001 · cosine · batch 64 · 10 epochs"
