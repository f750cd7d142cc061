"""API lists and details cost a fixed number of queries whatever the data size."""

import pytest

from tests.api import ApiClient
from tests.test_query_bounds import grow

# Token lookup, its last-used stamp, a count and a page, plus a lookup or two for filters.
# The unit detail also reads the member count in force, and whether its counts are stored
# (units.counts_store).
MAX_QUERIES = 10


@pytest.mark.parametrize("size", [0, 40])
@pytest.mark.parametrize(
    "path",
    [
        "/units",
        "/units?parent={melinh}&on=2024-01-01",
        "/units/{melinh}",
        "/units/{melinh}/children",
        "/people",
        "/people?q=nguyen&full_time=true&unit={melinh}",
        "/positions",
        "/positions?unit={melinh}&on=2024-01-01",
    ],
)
def test_api_reads_issue_a_bounded_number_of_queries(
    tree, django_assert_max_num_queries, size, path
):
    grow(tree, size)
    client = ApiClient(tree.hanoi_officer)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(path.format(melinh=tree.melinh.pk))
    assert response.status_code == 200
