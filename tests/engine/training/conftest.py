import pytest

from tests.helpers import torch_threads


@pytest.fixture(autouse=True, scope="package")
def one_thread():
    with torch_threads(1):  # for the whole package: tiny models, and the training thread runs on one
        yield
