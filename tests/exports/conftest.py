import pytest

from tests.exports import data
from tests.targets.pages_world import shared


@pytest.fixture
def world(tree):
    """The targets pages' world (full-time cadres of Hà Nội and Ninh Thuận, some trained)."""
    return shared(tree)


@pytest.fixture
def national_class(tree):
    return data.national_class(tree)
