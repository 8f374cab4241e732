import pytest

from app.editor.labels import compact_shape, param_summary
from engine.ops import get_op


@pytest.mark.parametrize(("op", "params", "text"), [
    ("Conv2d", {"out_channels": 6, "kernel_size": 5}, "6 ch · 5×5"),
    ("Conv2d", {"out_channels": 64, "kernel_size": 3, "stride": 2, "padding": 1, "bias": False},
     "64 ch · 3×3 · stride 2×2 · pad 1×1 · no bias"),
    ("Conv1d", {"kernel_size": 7}, "16 ch · 7"),  # the default channels still show
    ("Conv2d", {"out_channels": 64}, "64 ch · 3×3"),  # setting the channels keeps the default kernel
    ("Conv2d", {"kernel_size": 5, "out_channels": 6}, "6 ch · 5×5"),  # the op's order, not the file's
    ("AvgPool2d", {}, "2×2"),
    ("Linear", {}, "10 out"),
    ("Dropout", {"p": 0.25}, "p=0.25"),
    ("Tanh", {}, ""),
    ("Input", {"shape": [1, 32, 32]}, "image 1 × 32 × 32"),
    ("Concat", {"num_inputs": 3, "dim": 1}, "3 inputs · dim=1"),
])
def test_nodes_show_their_key_parameters_briefly(op, params, text):
    assert param_summary(get_op(op), params) == text


def test_the_terse_form_fits_resnets_first_convolution_on_a_card():
    conv1 = {"out_channels": 64, "kernel_size": 7, "stride": 2, "padding": 3, "bias": False}
    assert param_summary(get_op("Conv2d"), conv1, terse=True) == "64 ch · 7×7 · s2 · p3 · no bias"
    assert param_summary(get_op("MaxPool2d"), {"kernel_size": 3, "stride": [2, 1]}, terse=True) == "3×3 · s2×1"


def test_compact_shapes_drop_the_brackets():
    assert compact_shape([(64, 112, 112)]) == "64×112×112"
    assert compact_shape([(10,), (3, 4)]) == "10, 3×4"
