"""The list behind a retention figure read a page at a time (issue 22): a page is found by
itself (from the anchor records, or from the people in name order when the list holds a good
share of everybody) and only its rows get their post; every page holds the rows the whole
list has at its place, in name order, through the API and the page alike."""

import datetime as dt

import pytest
from django.urls import reverse

from cadrework import retention
from people.models import Person
from tests.api import ApiClient
from tests.cadrework import test_retention as base

MARCH = {"start": "2022-03-01", "end": "2022-03-31", "on": "2025-01-01"}
TRAINED = 30


@pytest.fixture
def grown(tree):
    base.grow(tree, TRAINED, "P")
    return tree


def listed(api, unit, **params) -> dict:
    response = api.get(f"/units/{unit.pk}/retention/people", {**MARCH, **params})
    assert response.status_code == 200, response.content.decode()
    return response.json()


@pytest.mark.parametrize("months", [None, 24])
def test_every_page_holds_the_rows_of_the_whole_list_at_its_place(grown, months):
    t = grown
    api = ApiClient(t.hanoi_officer)
    window = {} if months is None else {"months": months}
    whole = listed(api, t.hanoi, limit=500, **window)
    count = whole["count"]
    assert count == len(whole["items"]) >= 20
    people = Person.objects.in_bulk([r["person"] for r in whole["items"]])
    # In name order (the people's sort key), one row a person.
    keys = [(people[r["person"]].sort_key, r["person"]) for r in whole["items"]]
    assert keys == sorted(keys) and len(set(keys)) == count
    for limit in (1, 7):
        rows = []
        for offset in range(0, count + limit, limit):
            page = listed(api, t.hanoi, limit=limit, offset=offset, **window)
            assert page["count"] == count
            rows += page["items"]
        assert rows == whole["items"], limit


def test_the_page_shows_the_same_rows_as_the_api(client, grown):
    t = grown
    client.force_login(t.hanoi_officer)
    response = client.get(reverse("cadrework:retention_people"), base.PERIOD)
    assert response.status_code == 200
    page = response.context["page"]
    whole = listed(ApiClient(t.hanoi_officer), t.hanoi, limit=500)
    assert page.paginator.count == whole["count"]
    assert [r.pk for r in page.object_list] == [r["record"] for r in whole["items"]][:50]
    assert all(r.shown["role"] for r in page.object_list)


@pytest.mark.parametrize("by_person", [True, False])
def test_both_ways_of_finding_a_page_give_the_whole_lists_rows(grown, monkeypatch, by_person):
    """A page is found from the people in name order or from the records, whichever asks
    fewer rows — a choice made from the highest person id, which differs between databases
    and runs (PostgreSQL's keys keep growing): each way, forced, gives every page the rows
    the whole list has at its place."""
    t = grown
    c = retention.Cohort(
        unit=t.hanoi,
        start=dt.date.fromisoformat(MARCH["start"]),
        end=dt.date.fromisoformat(MARCH["end"]),
        as_of=dt.date.fromisoformat(MARCH["on"]),
    )
    whole = [r.pk for r in retention.people(c)]
    assert len(whole) >= 20
    monkeypatch.setattr(retention.PeopleList, "_by_person", lambda self, a, b: by_person)
    listing = retention.PeopleList(c)
    for limit in (1, 7):
        rows = []
        for offset in range(0, len(whole) + limit, limit):
            rows += [r.pk for r in listing[offset : offset + limit]]
        assert rows == whole, limit
