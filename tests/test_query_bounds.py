"""The tree and the people list cost a fixed number of queries whatever the data size."""

import datetime as dt

import pytest

from people.models import Person, Position
from tests.conftest import make_unit

MAX_QUERIES = 13  # the unit page also asks whether its counts are stored (units.counts_store)


def grow(tree, n: int) -> None:
    """Add n grassroots unions under Mê Linh, each with a chair."""
    for i in range(n):
        unit = make_unit(
            f"HN-ML-X{i:03d}",
            f"Công đoàn Công ty số {i}",
            "grassroots",
            tree.melinh,
            sector="non_state",
        )
        person = Person(
            unit=unit, family_name="Nguyễn", middle_name="Văn", given_name=f"Số{i}", gender="male"
        )
        person.fill_keys()
        person.save()
        Position.objects.create(
            person=person,
            unit=unit,
            role=tree.chair_role,
            start_date=dt.date(2023, 6, 1),
            full_time=i % 2 == 0,
        )


@pytest.mark.parametrize("size", [0, 40])
@pytest.mark.parametrize(
    "url",
    [
        "/units/",
        "/units/?unit={melinh}",
        "/people/",
        "/people/?q=nguyen&full_time=1",
        "/units/{melinh}/",
    ],
)
def test_pages_issue_a_bounded_number_of_queries(
    client, tree, django_assert_max_num_queries, size, url
):
    grow(tree, size)
    client.force_login(tree.hanoi_officer)
    url = url.format(melinh=tree.melinh.pk)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    if size and "unit=" in url:
        assert "Công đoàn Công ty số 39" in response.content.decode()
