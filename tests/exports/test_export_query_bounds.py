"""Every export costs a fixed number of queries, however many rows it holds: the rows stream
from one query (per table, or per target for the needs list), never one per row."""

import pytest
from django.utils.translation import gettext as _

from tests.exports import data
from tests.exports.sheets import sheet, table
from tests.test_query_bounds import grow


def nothing(tree, n: int) -> None:
    """For exports whose rows do not grow with the data (a class's participants, statistics)."""


def plus_one(n: int) -> int:
    return n + 1


def two_each(n: int) -> int:
    """Dũng's T-003-2, then each new cadre needs T-003-2 (the term) and T-003-3 (the year)."""
    return 1 + 2 * n


# url, query, what adds n rows, the header of the table that grows, its rows (None: not
# counted), the most queries
CASES = {
    "units": ("/units/", {"unit": "{melinh}"}, grow, "Unit code", plus_one, 12),
    "classes": ("/training/classes/", {}, data.more_classes, "Class code", plus_one, 8),
    "lecturers": ("/training/lecturers/", {}, data.more_lecturers, "Full name", plus_one, 8),
    # Mê Linh trains the chairs of its small grassroots unions (listed; those with no member
    # count are in no T-003-4 target, unjudged). The rule is the targets': their definitions
    # token, the unit and the units above it, one query per target that is its duty and one
    # for the unions with no member count, and the look-up of the day's stored figures.
    "chairs": ("/training/chairs/", {"unit": "{melinh}"}, grow, "Full name", plus_one, 11),
    "participants": ("/training/classes/{ml_class}/", {}, nothing, "Full name", None, 8),
    # Besides the page's tables: the classes by audience, the attendances by who attended,
    # and the basic training of the unit's cadres (issue 21 §6) — for a past year's end,
    # the look-up of its stored figures and, the first time, asking the worker to store
    # them (training.basic_store): three more.
    "statistics": (
        "/training/statistics/",
        {"from": "01/01/2024", "to": "31/12/2024"},
        nothing,
        "By form",
        None,
        20,
    ),
    # The dashboard's own bound (tests/targets/test_dashboard.py), and the access log's entry
    # (its sheet names the unit's post-holders: personal data).
    "dashboard": ("/targets/", {"unit": "{melinh}"}, grow, "Unit code", plus_one, 28),
    # One query per target in force (six here) for the people still to train.
    "needs": ("/targets/needs/", {"unit": "{melinh}"}, data.more_cadres, "Target", two_each, 20),
}


@pytest.mark.parametrize("size", [0, 30])
@pytest.mark.parametrize("case", CASES)
def test_an_export_issues_a_bounded_number_of_queries(
    client, world, case, size, django_assert_max_num_queries
):
    url, query, add, header, expected_rows, max_queries = CASES[case]
    tree = world.tree
    add(tree, size)
    ids = {"melinh": tree.melinh.pk, "ml_class": tree.ml_class.pk}
    url = url.format(**ids)
    query = {key: value.format(**ids) for key, value in query.items()}
    client.force_login(tree.hanoi_officer)
    assert client.get(url, query).status_code == 200  # the page (computes today's figures)
    with django_assert_max_num_queries(max_queries):
        rows = sheet(client.get(url, {**query, "format": "xlsx"}))
    _head, body = table(rows, header=_(header))
    assert body
    if expected_rows:
        assert len(body) == expected_rows(size)
