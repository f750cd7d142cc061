"""The classes and trainees given down: the page and the API read what every unit below held
in one pass, not three queries a unit (issue 22: "/planning/class-goals/ … 174 queries" for
the confederation, an N+1), and still count what `classes_and_attendances` counts for each.

004: a unit judges the units below it on "chỉ tiêu mở lớp cũng như đối tượng được đào tạo":
the classes their subtree held that year and their attendances."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.access import SYSTEM
from tests.api import ApiClient
from tests.conftest import make_unit
from training.selectors import classes_and_attendances, held_by_each
from training.services import (
    class_create,
    class_set_status,
    enrolment_accept,
    enrolment_nominate,
)
from units.services import unit_move

YEAR = 2024


def count_queries(fetch) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize("where", ["page", "api"])
def test_more_units_below_cost_no_more_queries(client, tree, where):
    client.force_login(tree.hanoi_officer)
    api = ApiClient(tree.hanoi_officer)

    def fetch():
        if where == "page":
            return client.get(f"/planning/class-goals/?unit={tree.hanoi.pk}&year={YEAR}")
        return api.get(f"/units/{tree.hanoi.pk}/class-goals/{YEAR}")

    make_unit("HN-Q00", "Liên đoàn Lao động quận Q0", "district_federation", tree.hanoi)
    small = count_queries(fetch)
    for i in range(1, 25):
        make_unit(
            f"HN-Q{i:02d}", f"Liên đoàn Lao động quận Q{i}", "district_federation", tree.hanoi
        )
    assert count_queries(fetch) <= small


def _class(topic, organiser, code: str, start: dt.date, officer=None, people=()):
    """A class of `organiser` starting on `start`; with `people`, opened, each nominated and
    accepted, and run."""
    c = class_create(
        user=SYSTEM,
        organiser=organiser,
        topics=[topic],
        invited_units=[officer.unit] if officer else [],
        code=code,
        name=f"Lớp {code}",
        start_date=start,
        end_date=start + dt.timedelta(days=2),
        hours=16,
        capacity=30,
    )
    if people:
        class_set_status(user=SYSTEM, training_class=c, status="open")
        for person in people:
            enrolment, _ = enrolment_nominate(user=officer, training_class=c, person=person)
            enrolment_accept(user=SYSTEM, enrolment=enrolment)
        class_set_status(user=SYSTEM, training_class=c, status="running")
    return c


def test_each_unit_below_holds_what_the_one_definition_counts(client, tree):
    """A class of Đông Anh's factory with two attendances, one of Đông Anh never run (planned:
    not counted), and Mê Linh moved to Ninh Thuận in 2025: its class of 2024 stays Hà Nội's
    (the tree as it stood on the class's first day)."""
    t = tree
    factory_officer = t.hanoi_officer
    _class(
        t.topic, t.factory, "DA-01-2024", dt.date(2024, 6, 3), factory_officer, [t.tran, t.nguyen]
    )
    _class(t.topic, t.donganh, "DA-2024-X", dt.date(2024, 7, 1))  # planned, never run
    unit_move(user=SYSTEM, unit=t.melinh, new_parent=t.ninhthuan, effective_on=dt.date(2025, 1, 1))
    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    units = [t.vgcl, t.hanoi, t.ninhthuan, t.melinh, t.donganh, t.factory, t.school]
    held = held_by_each([u.pk for u in units], start, end)
    for unit in units:
        classes, attendances = classes_and_attendances(unit=unit, start=start, end=end)
        assert held[unit.pk] == {
            "classes": classes.count(),
            "trainees": attendances.count(),
        }, unit.code
    assert held[t.hanoi.pk] == {"classes": 2, "trainees": 3}  # Mê Linh's of 2024 and the factory's
    assert held[t.ninhthuan.pk] == {"classes": 1, "trainees": 1}
    assert held[t.donganh.pk] == {"classes": 1, "trainees": 2}
    # The page and the API give the confederation's children these figures.
    body = ApiClient(t.admin).get(f"/units/{t.vgcl.pk}/class-goals/{YEAR}").json()
    rows = {r["unit_code"]: (r["held_classes"], r["held_trainees"]) for r in body["rows"]}
    assert rows == {"HN": (2, 3), "NT": (1, 1)}
