import pytest

from tests.exports import data
from tests.targets.pages_world import build


@pytest.fixture
def world(tree):
    """The targets pages' world (full-time cadres of Hà Nội and Ninh Thuận, some trained)."""
    return build(tree)


@pytest.fixture
def national_class(tree):
    return data.national_class(tree)
