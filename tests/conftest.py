import os

import pytest

# Qt must never look for a display in tests.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def one_torch_thread():
    """Tiny models on one torch thread (as the Playground and the training thread run them),
    restored afterwards: a thread count leaking into later tests changes how their sums split."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
