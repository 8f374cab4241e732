import pytest
import torch


@pytest.fixture(autouse=True, scope="package")
def one_thread():
    # Tiny models on a shared 2-core machine: OpenMP's spinning threads cost 10x more than they give.
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
