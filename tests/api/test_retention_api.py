"""Retention after training through the API: the same figures as the pages, the list behind
each figure, the subtree only, bad input named by field, a bounded number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext

from cadrework import retention
from tests.api import ApiClient, fields_of, messages_of
from tests.cadrework import test_retention as base

world = base.world  # the fixture: moves 5, 6, 7, 12 and 25 months after 15/03/2022
MARCH = {"start": "2022-03-01", "end": "2022-03-31", "on": "2025-01-01"}


def ok(response) -> dict:
    assert response.status_code == 200, response.content.decode()
    return response.json()


def lefts(figures: dict) -> list[int]:
    return [w["left"] for w in figures["windows"]]


@pytest.fixture
def hanoi(tree):
    return ApiClient(tree.hanoi_officer)


def test_figures_match_the_definitions_and_the_pages(world, hanoi):
    tree = world.tree
    body = ok(hanoi.get(f"/units/{tree.hanoi.pk}/retention", {**MARCH, "by": "topic"}))
    assert (body["start"], body["end"], body["as_of"]) == ("2022-03-01", "2022-03-31", "2025-01-01")
    assert body["totals"]["trained"] == 9 and lefts(body["totals"]) == [2, 4, 4]
    assert [w["months"] for w in body["totals"]["windows"]] == [6, 12, 24]
    assert all(w["is_known"] and w["complete"] for w in body["totals"]["windows"])
    assert body["totals"]["windows"][0]["percent"] == "22.2"
    groups = {g["key"]: (g["figures"]["trained"], lefts(g["figures"])) for g in body["groups"]}
    assert groups == {"union_general": (9, [2, 4, 4]), "labour_law": (3, [2, 3, 3])}
    units = {
        (u["unit"]["code"], u["itself"]): (u["figures"]["trained"], lefts(u["figures"]))
        for u in body["units"]
    }
    assert units == {
        ("HN", True): (1, [0, 0, 0]),
        ("HN-ML", False): (6, [2, 3, 3]),
        ("HN-DA", False): (2, [0, 1, 1]),
    }
    trend = {y["year"]: y["figures"] for y in body["trend"]}
    assert list(trend) == list(range(2018, 2026))
    assert trend[2022]["trained"] == 9 and lefts(trend[2022]) == [2, 4, 4]
    # The same numbers as the page.
    base.page(
        hanoi.client,
        tree.hanoi_officer,
        unit=tree.hanoi.pk,
        by="topic",
        **{"from": "01/03/2022", "to": "31/03/2022", "on": "01/01/2025"},
    )
    c = base.cohort(tree.hanoi)
    assert body["totals"]["trained"] == retention.totals(c).trained
    by_programme = ok(hanoi.get(f"/units/{tree.hanoi.pk}/retention", {**MARCH, "by": "programme"}))[
        "groups"
    ]
    assert {g["key"]: g["figures"]["trained"] for g in by_programme} == {
        str(world.programme.pk): 3,
        "none": 6,
    }


def test_windows_not_yet_known(world, hanoi):
    body = ok(hanoi.get(f"/units/{world.tree.hanoi.pk}/retention", {**MARCH, "on": "2022-10-01"}))
    windows = body["totals"]["windows"]
    assert [w["is_known"] for w in windows] == [True, False, False]
    assert windows[1]["percent"] is None and windows[1]["known"] == 0


def test_the_list_behind_each_figure_equals_it(world, hanoi):
    tree = world.tree
    url = f"/units/{tree.hanoi.pk}/retention"
    figures = ok(hanoi.get(url, {**MARCH, "by": "organiser"}))
    rows = [({}, figures["totals"])]
    rows += [({"organiser": g["key"]}, g["figures"]) for g in figures["groups"]]
    for params, f in rows:
        listed = ok(hanoi.get(url + "/people", {**MARCH, **params}))
        assert listed["count"] == f["trained"], params
        for w in f["windows"]:
            listed = ok(hanoi.get(url + "/people", {**MARCH, **params, "months": w["months"]}))
            assert listed["count"] == w["left"], (params, w["months"])
    # A unit below: its id in the path; the unit itself: direct=true.
    for u in figures["units"]:
        params = {**MARCH, "direct": "true"} if u["itself"] else MARCH
        listed = ok(
            hanoi.get(f"/units/{u['unit']['id']}/retention/people", {**params, "months": 12})
        )
        assert listed["count"] == u["figures"]["windows"][1]["left"]


def test_the_list_names_the_post_left(world, hanoi):
    listed = ok(
        hanoi.get(f"/units/{world.tree.hanoi.pk}/retention/people", {**MARCH, "months": 24})
    )
    rows = {r["full_name"]: r for r in listed["items"]}
    assert set(rows) == {
        world.m5.full_name,
        world.m6.full_name,
        world.m7.full_name,
        world.m12.full_name,
    }
    row = rows[world.m6.full_name]
    assert row["person"] == world.m6.pk and row["completed_on"] == "2022-03-15"
    assert row["end_date"] == "2022-09-15" and row["end_reason"] == "transferred"
    assert row["months_after"] == 6 and row["unit_code"] == "HN-ML-01"
    assert row["end_reason_label"] == gettext("Transferred")
    assert row["record"] == world.records[world.m6.pk].pk
    everyone = ok(hanoi.get(f"/units/{world.tree.hanoi.pk}/retention/people", MARCH))
    assert everyone["count"] == 9
    stays = next(r for r in everyone["items"] if r["person"] == world.stays.pk)
    assert stays["end_date"] is None and stays["months_after"] is None


def test_a_unit_outside_the_subtree_is_not_found(world):
    tree = world.tree
    melinh, outsider = ApiClient(tree.melinh_officer), ApiClient(tree.nt_officer)
    for path in ("retention", "retention/people"):
        assert melinh.get(f"/units/{tree.hanoi.pk}/{path}", MARCH).status_code == 404
        assert outsider.get(f"/units/{tree.school.pk}/{path}", MARCH).status_code == 404
        assert ApiClient().get(f"/units/{tree.hanoi.pk}/{path}").status_code == 401
    listed = ok(outsider.get(f"/units/{tree.ninhthuan.pk}/retention/people", MARCH))
    assert [r["person"] for r in listed["items"]] == [world.outsider.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2022-13-01"}, "start"),
        ({"on": "hôm nay"}, "on"),
        ({"start": "2023-01-01", "end": "2022-01-01"}, "end"),
        ({"start": "0001-01-01"}, "start"),
        ({"by": "colour"}, "by"),
        ({"programme": "abc"}, "programme"),
        ({"programme": "99999999999999999999999"}, "programme"),
        ({"topic": "nope"}, "topic"),
        ({"organiser": "abc"}, "organiser"),
    ],
)
def test_bad_input_is_named(world, hanoi, params, field):
    response = hanoi.get(f"/units/{world.tree.hanoi.pk}/retention", params)
    assert response.status_code == 422, response.content.decode()
    assert fields_of(response) == {field}
    if field in ("start", "on") and "13" in str(params) or "hôm" in str(params):
        assert messages_of(response) == [gettext("Enter a valid date.")]


def test_bad_months_and_an_organiser_out_of_reach(world):
    tree = world.tree
    melinh = ApiClient(tree.melinh_officer)
    response = melinh.get(f"/units/{tree.melinh.pk}/retention/people", {"months": 7})
    assert response.status_code == 422 and fields_of(response) == {"months"}
    response = melinh.get(f"/units/{tree.melinh.pk}/retention", {"organiser": tree.ninhthuan.pk})
    assert response.status_code == 422 and fields_of(response) == {"organiser"}
    assert tree.ninhthuan.name not in response.content.decode()
    # The province above organises for its districts: it may be named.
    assert (
        melinh.get(f"/units/{tree.melinh.pk}/retention", {"organiser": tree.hanoi.pk}).status_code
        == 200
    )


def test_the_api_costs_the_same_queries_with_5_or_50_trained(tree, hanoi):
    def count(path: str, params: dict) -> int:
        with CaptureQueriesContext(connection) as captured:
            ok(hanoi.get(path, params))
        return len(captured)

    calls = [
        (f"/units/{tree.hanoi.pk}/retention", {**MARCH, "by": by}) for by in retention.GROUPINGS
    ]
    calls.append((f"/units/{tree.hanoi.pk}/retention/people", {**MARCH, "months": 24}))
    base.grow(tree, 5, "A")
    count(*calls[0])  # the token's first use is recorded once
    small = [count(*call) for call in calls]
    base.grow(tree, 45, "B")
    large = [count(*call) for call in calls]
    assert small == large
    listed = ok(
        hanoi.get(f"/units/{tree.hanoi.pk}/retention/people", {**MARCH, "months": 24, "limit": 500})
    )
    assert listed["count"] == 50 and len(listed["items"]) == 50
    assert dt.date.fromisoformat(listed["items"][0]["completed_on"]) == base.TRAINED
