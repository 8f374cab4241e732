import pytest

from engine.analysis import Analyzer


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    """One analyzer for every template test: its cache makes repeated analyses cheap."""
    return Analyzer()
