"""Capacity is never exceeded, also when officers accept at the same moment (PostgreSQL,
where requests really run in parallel; SQLite serialises writers anyway)."""

import datetime as dt
import threading

import pytest
from django.db import connection

from accounts.access import SYSTEM
from people.models import Person
from training.models import Enrolment
from training.services import class_create, class_set_status, enrolment_accept


def open_class_with_nominations(tree, capacity: int, nominations: int):
    c = class_create(
        user=SYSTEM,
        organiser=tree.melinh,
        topics=[tree.topic],
        code="CAP",
        name="Lớp giới hạn",
        start_date=dt.date(2025, 9, 1),
        end_date=dt.date(2025, 9, 2),
        hours=8,
        capacity=capacity,
    )
    class_set_status(user=SYSTEM, training_class=c, status="open")
    people = []
    for i in range(nominations):
        p = Person(
            unit=tree.school, family_name="Nguyễn", given_name=f"Học viên {i}", gender="male"
        )
        p.fill_keys()
        people.append(p)
    Person.objects.bulk_create(people)
    Enrolment.objects.bulk_create(
        [Enrolment(training_class=c, person=p, nominating_unit=tree.melinh) for p in people]
    )
    return c


def test_the_acceptance_after_capacity_goes_to_the_waiting_list(tree):
    c = open_class_with_nominations(tree, capacity=5, nominations=6)
    statuses = [
        enrolment_accept(user=tree.melinh_officer, enrolment=e).status
        for e in c.enrolments.order_by("id")
    ]
    assert statuses == ["accepted"] * 5 + ["waitlisted"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs parallel writers")
@pytest.mark.django_db(transaction=True)
def test_parallel_acceptances_never_exceed_capacity(tree):
    c = open_class_with_nominations(tree, capacity=5, nominations=20)
    enrolments = list(c.enrolments.all())
    barrier = threading.Barrier(len(enrolments))
    errors = []

    def accept(enrolment):
        try:
            barrier.wait()
            enrolment_accept(user=tree.melinh_officer, enrolment=enrolment)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(e,)) for e in enrolments]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert c.enrolments.filter(status="accepted").count() == 5
    assert c.enrolments.filter(status="waitlisted").count() == 15
