import os

import pytest

# Qt must never look for a display in tests.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def one_torch_thread():
    """Tiny models on one torch thread (as the Playground and the training thread run them)."""
    from tests.helpers import torch_threads

    with torch_threads(1):
        yield
