"""The new cadres not yet trained, read a page at a time (issue 22): the counts come from one
query that returns each person's post only (no names), the page reads the names of its 50
people, the export lists everybody; the page's queries do not grow with the people."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.exports.sheets import sheet
from tests.planning.test_new_cadres import cadre

PARAMS = {"since": "01/06/2025", "on": "31/12/2025"}


def grow(t, n: int, prefix: str) -> None:
    """n new committee members of Mê Linh's school, none trained."""
    for i in range(n):
        cadre(t, t.school, f"{prefix}{i:02d}", ("executive_member", dt.date(2025, 7, 1), False))


def get(client, t, **params):
    response = client.get("/planning/new-cadres/", {"unit": t.hanoi.pk, **PARAMS, **params})
    assert response.status_code == 200
    return response


def test_the_people_are_paged_and_the_export_lists_them_all(client, tree):
    t = tree
    grow(t, 55, "A")
    client.force_login(t.hanoi_officer)
    first = get(client, t)
    assert first.context["found"]["total"] == 55
    assert first.context["found"]["totals"]["committee"] == 55
    assert len(first.context["people"]) == 50
    second = get(client, t, page=2)
    assert len(second.context["people"]) == 5
    names = [c.name for c in first.context["people"]] + [c.name for c in second.context["people"]]
    assert len(set(names)) == 55
    assert "page=2" in first.content.decode()
    rows = sheet(get(client, t, format="xlsx"))
    listed = rows[[r[0] for r in rows].index("Họ và tên") + 1 :]
    assert sorted(r[0] for r in listed) == sorted(names)


def test_the_page_costs_the_same_queries_with_5_or_55_people(client, tree):
    t = tree
    client.force_login(t.hanoi_officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            get(client, t)
        return len(captured)

    grow(t, 5, "A")
    get(client, t)  # the session's first use
    small = count()
    grow(t, 50, "B")
    assert count() == small
