"""The Playground session: its network is an ordinary graph, its maps are the model's values,
it learns Playground's sets, and its controls behave as Playground's do."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from engine.analysis import Analyzer
from engine.compiler import compile_network
from engine.document import Document
from engine.inspect.boundary import decision_boundary, grid_points, neuron_heatmaps
from engine.playground import (
    MAX_LAYERS,
    MAX_NEURONS,
    Mark,
    PlaygroundError,
    PlaygroundSession,
    PlaygroundSettings,
    playground_document,
    read_document,
    read_points_csv,
)
from engine.training.regularization import apply_penalty, penalised_weights, penalty_value
from tests.helpers import sequential_document

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_the_network_is_an_ordinary_graph():
    settings = PlaygroundSettings(features=("x1", "x2", "sin_x1"), layers=(4, 3), activation="relu")
    doc = playground_document(settings)
    graph = doc.network()
    assert [n.op for n in graph.nodes.values()] == [
        "Input", "PlaygroundFeatures", "Linear", "ReLU", "Linear", "ReLU", "Linear", "Output"]
    analysis = Analyzer().analyze(graph)
    assert analysis.ok
    # 3 features -> 4 -> 3 -> 2 logits
    assert analysis.total_params == (3 * 4 + 4) + (4 * 3 + 3) + (3 * 2 + 2)
    session = PlaygroundSession(settings, device="cpu")
    assert sum(p.numel() for p in session.module.parameters()) == analysis.total_params
    assert Document.from_dict(doc.to_dict()).to_dict() == doc.to_dict()


def test_limits_go_beyond_playground_and_stop_with_a_clear_message():
    PlaygroundSettings(layers=(MAX_NEURONS,) * MAX_LAYERS).validate()  # 8 x 64
    with pytest.raises(PlaygroundError, match="at most 8 hidden layers"):
        PlaygroundSettings(layers=(2,) * 9).validate()
    with pytest.raises(PlaygroundError, match=r"layers\[1\]: expected 1 to 64 neurons, got 65"):
        PlaygroundSettings(layers=(4, 65)).validate()
    with pytest.raises(PlaygroundError, match="'plane' is not a classification set"):
        PlaygroundSettings(dataset="plane").validate()
    with pytest.raises(PlaygroundError, match="learning_rate"):
        PlaygroundSettings(learning_rate=20).validate()


def test_data_follows_the_settings():
    session = PlaygroundSession(PlaygroundSettings(dataset="xor", train_ratio=0.7), device="cpu")
    assert len(session.points) == 500 and session.train_count == 350
    assert np.array_equal(session.labels, (session.points[:, 0] * session.points[:, 1] >= 0).astype(np.int64))
    regression = PlaygroundSession(PlaygroundSettings(dataset="plane", problem="regression"), device="cpu")
    assert len(regression.points) == 1200 and regression.train_count == 600
    np.testing.assert_allclose(regression.labels, regression.points.sum(1) / 10, atol=1e-6)


def test_output_map_is_the_model_on_the_grid_and_neuron_maps_are_the_hidden_activations():
    session = PlaygroundSession(PlaygroundSettings(features=("x1", "x2", "x1_times_x2"), layers=(5, 3)),
                                device="cpu")
    session.step(2)
    frame = session.frame()
    _, _, grid = grid_points(session.extent, 100)
    model = session.module.eval()
    with torch.no_grad():
        logits = model(grid)
        hidden1 = torch.tanh(model.fc1(model.features(grid)))
        hidden2 = torch.tanh(model.fc2(hidden1))
    expected = torch.tanh((logits[:, 1] - logits[:, 0]) / 2).reshape(100, 100).numpy()
    np.testing.assert_allclose(frame.output, expected, atol=1e-6)
    # The same as engine.inspect's boundary: P(1) - P(0) = 2 P(1) - 1.
    boundary = decision_boundary(model, session.extent, 100)
    np.testing.assert_allclose(frame.output, 2 * boundary.values - 1, atol=1e-5)
    assert [m.shape for m in frame.neurons] == [(5, 100, 100), (3, 100, 100)]
    np.testing.assert_allclose(frame.neurons[0], hidden1.T.reshape(5, 100, 100).numpy(), atol=1e-6)
    np.testing.assert_allclose(frame.neurons[1], hidden2.T.reshape(3, 100, 100).numpy(), atol=1e-6)
    maps = neuron_heatmaps(model, session.neuron_ids, session.extent, 100)
    np.testing.assert_allclose(frame.neurons[1], maps["tanh2"], atol=1e-6)
    # The grid's rows go up in y: row 0 is y = -5.94, column 0 is x = -5.94.
    x, y = session.xs[3], session.ys[90]
    assert frame.output[90, 3] == pytest.approx(float(session.predict(np.array([[x, y]]))[0]), abs=1e-6)


def test_linear_activation_maps_the_linear_layers():
    session = PlaygroundSession(PlaygroundSettings(layers=(3,), activation="linear"), device="cpu")
    assert session.neuron_ids == ["fc1"]
    frame = session.frame()
    _, _, grid = grid_points(session.extent, 100)
    with torch.no_grad():
        expected = session.module.fc1(grid).T.reshape(3, 100, 100).numpy()
    np.testing.assert_allclose(frame.neurons[0], expected, atol=1e-6)


def test_losses_are_the_tasks_on_every_point():
    session = PlaygroundSession(PlaygroundSettings(dataset="gauss", noise=0.2), device="cpu")
    session.step()
    frame = session.frame()
    x = torch.from_numpy(session.points)
    y = torch.from_numpy(session.labels)
    with torch.no_grad():
        logits = session.module(x)
    n = session.train_count
    assert frame.train_loss == pytest.approx(float(F.cross_entropy(logits[:n], y[:n])), rel=1e-5)
    assert frame.test_loss == pytest.approx(float(F.cross_entropy(logits[n:], y[n:])), rel=1e-5)
    assert frame.test_accuracy == pytest.approx(float((logits[n:].argmax(1) == y[n:]).float().mean()))
    assert session.evaluate(record=False)[:2] == pytest.approx((frame.train_loss, frame.test_loss))


def _count_batches(session: PlaygroundSession) -> list[int]:
    """The size of every batch a gradient step is taken on, by whichever backprop the session uses."""
    sizes: list[int] = []
    if session._backprop is None:  # one training-mode forward a step (frame() evaluates in eval mode)
        session.module.get_submodule("fc1").register_forward_pre_hook(
            lambda m, args: sizes.append(len(args[0])) if m.training else None)
        return sizes
    epoch = session._backprop.epoch

    def counted(batches, lr, after_step=None):
        batches = list(batches)
        sizes.extend(len(x) for x, _ in batches)
        epoch(batches, lr, after_step)

    session._backprop.epoch = counted
    return sizes


@pytest.mark.parametrize("backprop", ["auto", "autograd"])
def test_an_epoch_is_shuffled_batches_of_the_training_set(backprop):
    session = PlaygroundSession(PlaygroundSettings(batch_size=10), device="cpu", backprop=backprop)
    sizes = _count_batches(session)
    session.step()
    assert sizes == [10] * 25 and session.epoch == 1  # 250 training points
    session.update(batch_size=30)
    session.step()
    assert sizes == [10] * 25 + [30] * 8 + [10] and session.epoch == 2  # 8 full batches and one of 10


@pytest.mark.parametrize("dataset, settings, epochs, goal", [
    ("circle", {"learning_rate": 0.1}, 50, 0.95),  # Playground's default network: x1, x2; 4-2 tanh
    ("xor", {"learning_rate": 0.1, "layers": (8, 8)}, 40, 0.95),
    ("spiral", {"learning_rate": 0.1, "layers": (8, 8), "features": ("x1", "x2", "sin_x1", "sin_x2")}, 150, 0.90),
])
def test_learns_playgrounds_sets(dataset, settings, epochs, goal):
    session = PlaygroundSession(PlaygroundSettings(dataset=dataset, **settings), device="cpu")
    before = session.frame().test_accuracy
    session.step(epochs)
    frame = session.frame()
    assert frame.test_accuracy >= goal > before
    assert frame.test_loss < 0.3


def test_regression_learns_the_plane():
    session = PlaygroundSession(PlaygroundSettings(dataset="plane", problem="regression", layers=(4,),
                                                   learning_rate=0.01), device="cpu")
    before = session.frame().test_loss
    session.step(15)
    frame = session.frame()
    assert frame.test_loss < before / 10 and frame.test_accuracy is None
    np.testing.assert_allclose(frame.output[50, 50], (session.xs[50] + session.ys[50]) / 10, atol=0.08)


def test_settings_change_as_in_playground():
    session = PlaygroundSession(device="cpu")
    session.step(2)
    session.frame()
    assert session.update(learning_rate=0.3) == "live"
    assert session.optimizer.param_groups[0]["lr"] == 0.3 and session.epoch == 2
    assert session.update(regularization="l2", regularization_rate=0.01) == "live"
    assert [m.text for m in session.history.marks] == ["lr 0.3", "L2 0.01"]
    assert session.history.marks[0].epoch == 2
    assert session.update(learning_rate=0.3) == "none"
    weights = session.state_dict()["fc1.weight"]
    assert session.update(layers=(4, 2, 2)) == "network" and session.epoch == 0 and not session.history.marks
    labels = session.labels.copy()
    assert session.update(noise=0.25) == "data"  # circle's noise moves the point its label is read at
    assert not np.array_equal(labels, session.labels)
    session.reset()
    assert not torch.equal(weights, session.state_dict()["fc1.weight"][:, :2])
    old = session.points.copy()
    session.regenerate()
    assert session.settings.seed == 1 and not np.array_equal(old, session.points)


def test_points_can_be_added_and_replaced():
    session = PlaygroundSession(device="cpu")
    session.step()
    session.add_point(1.0, -2.0, 1)
    assert session.train_count == 251 and len(session.points) == 501 and session.epoch == 1
    assert session.settings.dataset == "custom"
    assert tuple(session.points[250]) == (1.0, -2.0) and session.labels[250] == 1
    sizes = _count_batches(session)
    session.step()
    assert sizes == [10] * 25  # 251 points, batch 10: a last batch of one point is dropped (BatchNorm-safe)
    xy = np.array([[0, 0], [1, 1], [-1, -1], [2, 2]], np.float32)
    session.set_points(xy, np.array([0, 1, 0, 1]))
    assert len(session.points) == 4 and session.train_count == 2 and session.epoch == 0


def test_weights_edit_playgrounds_single_output_neuron():
    session = PlaygroundSession(device="cpu")
    session.set_weight(2, 0, 1, 1.5)
    session.set_bias(2, 0, -0.25)
    w, b = session.layer_weights()[2]
    assert w.shape == (1, 2) and w[0, 1] == pytest.approx(1.5) and b[0] == pytest.approx(-0.25)
    session.set_weight(0, 3, 1, 0.75)
    assert session.layer_weights()[0][0][3, 1] == pytest.approx(0.75)
    # The output map is tanh(z / 2) of that margin: z = w . h + b.
    frame = session.frame()
    _, _, grid = grid_points(session.extent, 100)
    with torch.no_grad():
        h = session.module.tanh2(session.module.fc2(session.module.tanh1(session.module.fc1(grid))))
    z = h.numpy() @ w[0] + b[0]
    np.testing.assert_allclose(frame.output.ravel(), np.tanh(z / 2), atol=1e-5)


def test_weights_load_by_name_or_say_what_does_not_fit():
    a = PlaygroundSession(device="cpu")
    b = PlaygroundSession(PlaygroundSettings(seed=4), device="cpu")
    b.load_weights(a.state_dict())
    np.testing.assert_array_equal(a.predict(a.points), b.predict(a.points))
    wide = PlaygroundSession(PlaygroundSettings(layers=(5, 2)), device="cpu")
    with pytest.raises(PlaygroundError, match=r"fc1.weight: the network has \(5, 2\), the weights \(4, 2\)"):
        wide.load_weights(a.state_dict())


def test_documents_round_trip_and_templates_open():
    settings = PlaygroundSettings(dataset="spiral", noise=0.1, train_ratio=0.6, batch_size=12,
                                  features=("x1", "x2", "sin_x2"), layers=(6, 6, 3), activation="sigmoid",
                                  learning_rate=0.3, regularization="l2", regularization_rate=0.003)
    read, notes = read_document(Document.from_dict(playground_document(settings).to_dict()))
    assert read == settings and notes == []
    assert read_document(playground_document(PlaygroundSettings(layers=())))[0].layers == ()
    regression = PlaygroundSettings(dataset="multi_gauss", problem="regression", layers=(3,))
    assert read_document(playground_document(regression))[0] == regression
    # The editor's template: two tanh layers of 4 and 2, two logits, SGD at 0.03 on XOR.
    template = sequential_document(
        {"kind": "vector", "shape": [2]}, "PlaygroundFeatures", ("Linear", {"out_features": 4}), "Tanh",
        ("Linear", {"out_features": 2}), "Tanh", ("Linear", {"out_features": 2}),
        training={"task": "classification", "dataset": {"name": "playground", "kind": "xor"},
                  "batch_size": 10, "optimizer": {"name": "adam", "lr": 0.03}})
    read, notes = read_document(template)
    assert (read.dataset, read.layers, read.activation, read.learning_rate) == ("xor", (4, 2), "tanh", 0.03)
    assert notes and "adam" in notes[0]


@pytest.mark.parametrize("steps, message", [
    (["PlaygroundFeatures", ("Linear", {"out_features": 4}), "Tanh", ("Linear", {"out_features": 4}), "ReLU",
      ("Linear", {"out_features": 2})], "different activations"),
    ([("Linear", {"out_features": 4}), ("Linear", {"out_features": 2})], "does not feed a PlaygroundFeatures"),
    (["PlaygroundFeatures", ("Linear", {"out_features": 4}), "GELU", ("Linear", {"out_features": 2})],
     "'gelu1' is GELU"),
    (["PlaygroundFeatures", ("Linear", {"out_features": 4}), ("Dropout", {}), ("Linear", {"out_features": 2})],
     "'dropout1' is Dropout; hidden layers use ReLU, Tanh, Sigmoid or nothing"),
    (["PlaygroundFeatures", ("Linear", {"out_features": 65}), ("Linear", {"out_features": 2})],
     "layer 1 has 65 neurons, the Playground at most 64"),
    (["PlaygroundFeatures", ("Linear", {"out_features": 4, "bias": False}), ("Linear", {"out_features": 2})],
     "has no bias"),
    (["PlaygroundFeatures", ("Linear", {"out_features": 3})], "ends with 2 logits"),
])
def test_other_graphs_are_refused_with_the_reason(steps, message):
    doc = sequential_document({"kind": "vector", "shape": [2]}, *steps)
    with pytest.raises(PlaygroundError, match=message) as info:
        read_document(doc)
    assert "the Playground opens only Input(2) -> PlaygroundFeatures" in str(info.value)


def test_branching_and_image_networks_are_refused():
    doc = playground_document(PlaygroundSettings())
    graph = doc.network()
    graph.add_node("Output", {}, id="extra")
    graph.connect(("fc1", "out"), ("extra", "x"))
    with pytest.raises(PlaygroundError, match="'fc1' feeds 2 nodes"):
        read_document(doc)
    lenet = sequential_document({"kind": "image", "shape": [1, 28, 28]}, ("Conv2d", {"out_channels": 6}),
                                "Flatten", ("Linear", {"out_features": 10}))
    with pytest.raises(PlaygroundError, match="is not a vector of 2"):
        read_document(lenet)


def test_points_from_csv(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("x1,x2,label\n0.5,1.5,1\n-2,3,-1\n4,-4,1\n")
    xy, labels, problem = read_points_csv(path)
    assert problem == "classification" and xy.tolist() == [[0.5, 1.5], [-2, 3], [4, -4]]
    assert labels.tolist() == [1, 0, 1]
    path.write_text("0,0,0.25\n1,1,-0.5\n")
    _, values, problem = read_points_csv(path)
    assert problem == "regression" and values.tolist() == [0.25, -0.5]
    path.write_text("x,y,label\n1,2,1\n7,0,0\n")
    with pytest.raises(PlaygroundError, match=r"line 3: the point \(7, 0\) lies outside"):
        read_points_csv(path)
    path.write_text("1,2,1\n1,two,0\n")
    with pytest.raises(PlaygroundError, match="line 2: 1, two, 0 are not all numbers"):
        read_points_csv(path)


def test_l1_and_l2_step_as_playground_does():
    w = torch.tensor([[0.5, -0.004, 0.002], [-1.0, 0.0, 0.3]])
    bias = torch.tensor([0.7])
    l1 = w.clone()
    apply_penalty([l1], "l1", rate=0.1, lr=0.05)  # step 0.005: w - 0.005 sign(w), zero where it crosses
    np.testing.assert_allclose(l1.numpy(), [[0.495, 0.0, 0.0], [-0.995, 0.0, 0.295]], atol=1e-7)
    l2 = w.clone()
    apply_penalty([l2], "l2", rate=0.1, lr=0.05)
    np.testing.assert_allclose(l2.numpy(), (w * (1 - 0.005)).numpy(), atol=1e-7)
    assert penalty_value([w], "l2", 0.1) == pytest.approx(0.1 * float((w * w).sum()) / 2)
    # For SGD, the L2 step equals weight decay on the weights (biases untouched).
    model = torch.nn.Linear(3, 2)
    assert penalised_weights(model) == [model.weight]
    copy = torch.nn.Linear(3, 2)
    copy.load_state_dict(model.state_dict())
    x = torch.randn(5, 3)
    sgd = torch.optim.SGD([{"params": [copy.weight], "weight_decay": 0.1}, {"params": [copy.bias]}], lr=0.05)
    copy(x).sum().backward()
    sgd.step()
    plain = torch.optim.SGD(model.parameters(), lr=0.05)
    model(x).sum().backward()
    with torch.no_grad():
        before = model.weight.clone()
    plain.step()
    with torch.no_grad():
        model.weight.sub_(0.05 * 0.1 * before)  # decay of the weight before the gradient step
    np.testing.assert_allclose(model.weight.detach().numpy(), copy.weight.detach().numpy(), atol=1e-6)
    assert bias.item() == pytest.approx(0.7)


def test_regularization_shrinks_the_weights_while_training():
    plain = PlaygroundSession(device="cpu")
    l1 = PlaygroundSession(PlaygroundSettings(regularization="l1", regularization_rate=0.1), device="cpu")
    plain.step(10)
    l1.step(10)
    norm = lambda s: sum(float(w.detach().abs().sum()) for w in penalised_weights(s.module))  # noqa: E731
    assert norm(l1) < 0.8 * norm(plain)
    assert (l1.module.fc1.weight == 0).any()  # L1 zeroes weights, as Playground's dead links


def test_the_document_compiles_to_the_sessions_function():
    session = PlaygroundSession(PlaygroundSettings(layers=(3, 3)), device="cpu")
    session.step(3)
    module = compile_network(session.to_document().network())
    module.load_state_dict(session.state_dict())
    _, _, grid = grid_points(session.extent, 100)
    with torch.no_grad():
        out = module(grid)
    np.testing.assert_allclose(session.output_value(out).reshape(100, 100).numpy(), session.frame().output,
                               atol=1e-6)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a GPU")
def test_runs_on_the_gpu():
    session = PlaygroundSession(PlaygroundSettings(dataset="circle", learning_rate=0.1), device="cuda")
    assert next(session.module.parameters()).is_cuda
    session.step(50)
    frame = session.frame()
    assert frame.test_accuracy >= 0.95 and frame.output.shape == (100, 100)


def test_regenerate_keeps_the_network_and_its_training():
    session = PlaygroundSession(device="cpu")
    session.step(3)
    weights, points = session.state_dict(), session.points.copy()
    optimizer = session.optimizer
    session.regenerate()
    assert not np.array_equal(points, session.points) and session.settings.seed == 1
    assert session.epoch == 3 and session.optimizer is optimizer
    assert all(torch.equal(weights[k], v) for k, v in session.state_dict().items())
    assert session.history.marks[-1] == Mark(3, "new data")
    session.step()  # trains on the new points
    assert session.epoch == 4 and not torch.equal(weights["fc1.weight"], session.state_dict()["fc1.weight"])
