"""Security review finding: "500s from `/training/classes/?year=0` or `?year=10000`."

Every page and API route that takes a year or a day in its query (or its path) answers a
bad one — 0, 10000, -1, abc, twenty digits, a day at either end of Python's calendar — with
a Vietnamese message, a 404 or a 422, or by ignoring it: never with a server error. The years
allowed are lib.dates' FIRST_YEAR–LAST_YEAR (1900–2100).
"""

import pytest

from cadrework import evaluations as evaluation_rules
from tests.api import ApiClient

BAD_YEARS = ["0", "10000", "-1", "abc", "99999999999999999999"]
BAD_DAYS = ["01/01/0001", "31/12/9999", "0001-01-01", "9999-12-31", "abc", "99999999999999999999"]
YEAR_REFUSED = "Năm phải từ 1900 đến 2100."
DAY_REFUSED = "Hãy nhập ngày từ 01/01/1900 đến 31/12/2100."


@pytest.mark.parametrize("year", BAD_YEARS)
def test_the_class_list_ignores_a_bad_year_and_says_so(client, tree, year):
    """`/training/classes/?year=0` was a 500."""
    client.force_login(tree.hanoi_officer)
    response = client.get("/training/classes/", {"year": year})
    body = response.content.decode()
    assert response.status_code == 200
    assert YEAR_REFUSED in body
    assert tree.ml_class.code in body  # the list, unfiltered
    export = client.get("/training/classes/", {"year": year, "format": "xlsx"})
    assert export.status_code == 200


def test_the_class_list_still_filters_by_a_good_year(client, tree):
    client.force_login(tree.hanoi_officer)
    assert tree.ml_class.code in client.get("/training/classes/?year=2024").content.decode()
    body = client.get("/training/classes/?year=2023").content.decode()
    assert tree.ml_class.code not in body and YEAR_REFUSED not in body


@pytest.mark.parametrize("year", BAD_YEARS)
@pytest.mark.parametrize(
    "url",
    [
        "/planning/",
        "/planning/consolidated/",
        "/planning/spending/",
        "/planning/growth/",
        "/cadrework/evaluations/",
    ],
)
def test_a_page_about_one_year_names_a_bad_year_and_shows_its_usual_one(client, tree, url, year):
    """Issue 19: "Bad `?on=` and other bad query values answer with a message, on pages as in
    the API" (it was a bare 404)."""
    client.force_login(tree.hanoi_officer)
    response = client.get(url, {"year": year})
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert any(year_refused_text(url) in m for m in shown), shown


def year_refused_text(url: str) -> str:
    first = 2000 if url.startswith("/planning/") else evaluation_rules.FIRST_YEAR
    return f"Năm phải từ {first} đến 2100."


@pytest.mark.parametrize("year", BAD_YEARS)
def test_a_new_evaluation_starts_from_this_year_after_a_bad_one(client, tree, year):
    client.force_login(tree.hanoi_officer)
    response = client.get("/cadrework/evaluations/new/", {"person": tree.nguyen.pk, "year": year})
    assert response.status_code == 200


@pytest.mark.parametrize("day", BAD_DAYS)
def test_pages_as_of_a_bad_day_show_today(client, tree, day):
    """A day at the end of Python's calendar was a 500 on the targets' pages (the day after
    it does not exist), and one at its start on the people list by age (40 years before)."""
    client.force_login(tree.hanoi_officer)
    for url, params in [
        ("/targets/", {}),
        ("/targets/needs/", {}),
        ("/targets/charts/", {}),
        ("/targets/progress/", {}),
        (f"/targets/people/{tree.nguyen.pk}/", {}),
        ("/units/", {}),
        (f"/units/{tree.melinh.pk}/", {}),
        ("/training/chairs/", {}),
        ("/training/statistics/", {}),
        ("/people/", {"age": "50+"}),
        ("/people/", {"age": "u30"}),
        (f"/people/{tree.nguyen.pk}/", {}),
    ]:
        response = client.get(url, {**params, "on": day})
        assert response.status_code == 200, (url, response.status_code)


@pytest.mark.parametrize("day", ["01/01/0001", "31/12/9999"])
def test_the_people_filter_names_a_bad_day(client, tree, day):
    client.force_login(tree.hanoi_officer)
    response = client.get("/people/", {"on": day, "age": "50+"})
    assert DAY_REFUSED in response.content.decode()


@pytest.mark.parametrize("day", BAD_DAYS)
def test_the_statistics_keep_this_year_for_a_bad_period(client, tree, day):
    client.force_login(tree.hanoi_officer)
    response = client.get("/training/statistics/", {"from": day, "to": day})
    assert response.status_code == 200
    assert response.context["start"].year == response.context["end"].year


def year_routes(tree) -> list[tuple[str, dict]]:
    """(path, query) of every API route that takes a year; "{year}" is where it goes."""
    unit = tree.melinh.pk
    return [
        ("/evaluations", {"year": "{year}"}),
        (f"/units/{unit}/evaluation-figures", {"year": "{year}"}),
        ("/plans", {"year": "{year}"}),
        (f"/units/{unit}/plans/{{year}}/consolidated", {}),
        (f"/units/{unit}/spending/{{year}}", {}),
    ]


@pytest.mark.parametrize("year", BAD_YEARS)
def test_api_routes_refuse_a_bad_year(tree, year):
    api = ApiClient(tree.hanoi_officer)
    for path, query in year_routes(tree):
        response = api.get(
            path.replace("{year}", year),
            {key: value.replace("{year}", year) for key, value in query.items()},
        )
        # In the path, what is not a whole number matches no route at all.
        expected = {422} if query else {404, 422}
        assert response.status_code in expected, (path, response.status_code)
        if response.status_code == 422 and year.lstrip("-").isdigit():
            assert response.json()["detail"][0]["message"] == YEAR_REFUSED, path


def test_api_routes_take_a_good_year(tree):
    api = ApiClient(tree.hanoi_officer)
    for path, query in year_routes(tree):
        response = api.get(
            path.replace("{year}", "2024"),
            {key: value.replace("{year}", "2024") for key, value in query.items()},
        )
        assert response.status_code in (200, 404), path  # 404: no spending entered


@pytest.mark.parametrize(
    "day", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01", "abc", "99999999999999999999"]
)
def test_api_routes_refuse_a_bad_day(pool_world, day):
    """`/api/v1/units/{id}/targets?as_of=9999-12-31` and `/api/v1/people?age=u30&on=0001-01-01`
    were 500s."""
    tree = pool_world.tree
    api = ApiClient(tree.hanoi_officer)
    unit, person = tree.melinh.pk, tree.nguyen.pk
    for path, query in [
        ("/units", {"on": day}),
        (f"/units/{unit}", {"on": day}),
        (f"/units/{unit}/children", {"on": day}),
        (f"/units/{unit}/targets", {"as_of": day}),
        (f"/people/{person}/obligations", {"as_of": day}),
        ("/people", {"on": day, "age": "u30"}),
        ("/positions", {"on": day}),
        (f"/units/{unit}/chairs", {"on": day}),
        (f"/units/{unit}/member-growth", {"start": day}),
        (f"/units/{unit}/member-growth", {"end": day}),
        (f"/pools/{pool_world.pool.pk}", {"as_of": day}),
    ]:
        response = api.get(path, query)
        assert response.status_code == 422, (path, response.status_code)
        if day[0] in "012":
            assert response.json()["detail"][0]["message"] == DAY_REFUSED, path
