import pytest

from app.editor.labels import param_summary
from engine.ops import get_op


@pytest.mark.parametrize(("op", "params", "text"), [
    ("Conv2d", {"out_channels": 6, "kernel_size": 5}, "6 ch · 5×5"),
    ("Conv2d", {"out_channels": 64, "kernel_size": 3, "stride": 2, "padding": 1, "bias": False},
     "64 ch · 3×3 · stride 2×2 · pad 1×1 · no bias"),
    ("Conv1d", {"kernel_size": 7}, "7"),
    ("AvgPool2d", {}, "2×2"),
    ("Linear", {}, "10 out"),
    ("Dropout", {"p": 0.25}, "p=0.25"),
    ("Tanh", {}, ""),
    ("Input", {"shape": [1, 32, 32]}, "image 1 × 32 × 32"),
    ("Concat", {"num_inputs": 3, "dim": 1}, "3 inputs · dim=1"),
])
def test_nodes_show_their_key_parameters_briefly(op, params, text):
    assert param_summary(get_op(op), params) == text
