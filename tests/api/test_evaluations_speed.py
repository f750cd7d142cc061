"""The evaluations API's list read a year at a time (issue 22: ordering every evaluation of
the country by year, then unit path and name, for one page took 0.5-1 s): every page — across
the years, past a year's end, beyond the last — holds the rows of the list's one order, with
the same comparison with equivalent posts as the list of one year; the count is the same."""

import datetime as dt

import pytest

from cadrework import evaluations as rules
from tests.api import ApiClient
from tests.cadrework.test_evaluations import YEAR, build, grow, record


@pytest.fixture
def years(tree):
    """The evaluations of `build` and `grow` for 2024, and earlier years' for some of them
    (2023, 2021: a year without any between)."""
    w = build(tree)
    grow(tree, 4, "A")
    for year, person in ((2023, tree.nguyen), (2023, w.dung), (2021, w.em), (2021, w.dung)):
        record(tree.hanoi_officer, person, "good", (1, 1, 0, 0), year=year)
    record(
        tree.hanoi_officer,
        tree.nguyen,
        "good",
        (2, 1, 0, 0),
        year=YEAR,
        occasion="promotion",
        on=dt.date(YEAR, 6, 1),
    )
    return w


def in_order(user) -> list[int]:
    rows = rules.evaluations_visible_to(user).order_by(
        "-year", "unit__path", "person__sort_key", "pk"
    )
    return list(rows.values_list("pk", flat=True))


@pytest.fixture(params=["by year", "sorted at once"])
def way(request, monkeypatch):
    """Both ways of reading the list: a year at a time (a list longer than FEW), and sorted
    at once (the small data's own)."""
    if request.param == "by year":
        monkeypatch.setattr("api.evaluations._LatestYearFirst.FEW", 0)
    return request.param


@pytest.mark.parametrize("who", ["hanoi_officer", "melinh_officer", "admin"])
def test_every_page_holds_the_rows_of_the_one_order(tree, years, who, way):
    user = getattr(tree, who)
    client = ApiClient(user)
    expected = in_order(user)
    assert len({e for e in expected}) >= (4 if who == "melinh_officer" else 10)
    whole = client.get("/evaluations", {"limit": 500}).json()
    assert [e["id"] for e in whole["items"]] == expected
    assert whole["count"] == len(expected)
    for limit in (1, 3, 4):
        for offset in range(0, len(expected) + 2):
            body = client.get("/evaluations", {"limit": limit, "offset": offset}).json()
            assert [e["id"] for e in body["items"]] == expected[offset : offset + limit]


def test_the_comparison_is_that_of_the_list_of_one_year(tree, years, way):
    client = ApiClient(tree.hanoi_officer)
    every = client.get("/evaluations", {"limit": 500}).json()["items"]
    for year in (YEAR, 2023, 2021):
        one_year = client.get("/evaluations", {"year": year, "limit": 500}).json()["items"]
        assert [e for e in every if e["year"] == year] == one_year
        assert one_year
    narrowed = client.get("/evaluations", {"unit": tree.donganh.pk, "limit": 2, "offset": 1})
    donganh = [e for e in every if e["unit"]["code"].startswith("HN-DA")]
    assert narrowed.json()["items"] == donganh[1:3]
