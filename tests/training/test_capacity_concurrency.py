"""A class never takes more people than its capacity: once it is full, an accepted nomination
goes to the waiting list — also when several officers accept at the same moment."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.access import SYSTEM
from people.models import Person
from tests.conftest import make_user
from training.models import Enrolment
from training.services import (
    class_create,
    class_set_status,
    enrolment_accept,
    enrolment_nominate,
    enrolment_reject,
)


def open_class(tree, capacity, code="CAP-01"):
    c = class_create(
        user=SYSTEM,
        organiser=tree.melinh,
        topics=[tree.topic],
        code=code,
        name="Bồi dưỡng chủ tịch công đoàn cơ sở",
        start_date=dt.date(2025, 10, 6),
        end_date=dt.date(2025, 10, 8),
        hours=24,
        capacity=capacity,
    )
    return class_set_status(user=SYSTEM, training_class=c, status="open")


def learners(tree, n):
    people = []
    for i in range(n):
        p = Person(
            unit=tree.school,
            family_name="Lê",
            middle_name="Thị",
            given_name=f"Học viên {i:02d}",
            gender="female",
        )
        p.fill_keys()
        people.append(p)
    return Person.objects.bulk_create(people)


def nominate_all(tree, training_class, people):
    return [
        enrolment_nominate(user=tree.melinh_officer, training_class=training_class, person=p)[0]
        for p in people
    ]


def statuses(training_class):
    return sorted(training_class.enrolments.values_list("status", flat=True))


def test_the_sixth_acceptance_into_a_class_of_five_goes_to_the_waiting_list(tree):
    c = open_class(tree, capacity=5)
    enrolments = nominate_all(tree, c, learners(tree, 6))
    results = [enrolment_accept(user=tree.melinh_officer, enrolment=e).status for e in enrolments]
    assert results == ["accepted"] * 5 + ["waitlisted"]
    assert c.enrolments.filter(status="accepted").count() == 5


def test_accepting_an_already_accepted_nomination_again_takes_no_second_place(tree):
    c = open_class(tree, capacity=2)
    first, second = nominate_all(tree, c, learners(tree, 2))
    enrolment_accept(user=tree.melinh_officer, enrolment=first)
    assert enrolment_accept(user=tree.melinh_officer, enrolment=first).status == "accepted"
    assert enrolment_accept(user=tree.melinh_officer, enrolment=second).status == "accepted"
    assert statuses(c) == ["accepted", "accepted"]


def test_a_place_freed_by_a_rejection_goes_to_the_next_acceptance(tree):
    c = open_class(tree, capacity=2)
    a, b, waiting = nominate_all(tree, c, learners(tree, 3))
    for e in (a, b, waiting):
        enrolment_accept(user=tree.melinh_officer, enrolment=e)
    assert Enrolment.objects.get(pk=waiting.pk).status == "waitlisted"
    enrolment_reject(
        user=tree.melinh_officer,
        enrolment=Enrolment.objects.get(pk=b.pk),
        reason="Trùng lịch công tác",
    )
    assert enrolment_accept(user=tree.melinh_officer, enrolment=waiting).status == "accepted"
    assert c.enrolments.filter(status="accepted").count() == 2


def test_acceptances_of_another_class_do_not_use_up_this_class_places(tree):
    full = open_class(tree, capacity=1, code="CAP-FULL")
    other = open_class(tree, capacity=1, code="CAP-OTHER")
    p1, p2 = learners(tree, 2)
    enrolment_accept(user=SYSTEM, enrolment=nominate_all(tree, full, [p1])[0])
    assert (
        enrolment_accept(user=SYSTEM, enrolment=nominate_all(tree, other, [p2])[0]).status
        == "accepted"
    )


def test_nominations_cannot_be_decided_once_the_class_is_running(tree):
    c = open_class(tree, capacity=5)
    (e,) = nominate_all(tree, c, learners(tree, 1))
    class_set_status(user=SYSTEM, training_class=c, status="running")
    with pytest.raises(ValidationError):
        enrolment_accept(user=tree.melinh_officer, enrolment=e)
    assert Enrolment.objects.get(pk=e.pk).status == "nominated"


def test_an_officer_of_another_district_cannot_accept_into_the_class(tree):
    c = open_class(tree, capacity=5)
    (e,) = nominate_all(tree, c, learners(tree, 1))
    with pytest.raises(ValidationError):
        enrolment_accept(user=make_user("donganh", tree.donganh), enrolment=e)
    assert Enrolment.objects.get(pk=e.pk).status == "nominated"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs a database with truly concurrent writers (PostgreSQL)",
)
@pytest.mark.django_db(transaction=True)
def test_twenty_officers_accepting_at_the_same_moment_never_exceed_a_capacity_of_five(tree):
    c = open_class(tree, capacity=5)
    enrolments = nominate_all(tree, c, learners(tree, 20))
    officer = tree.melinh_officer
    officer.unit  # noqa: B018 — load it before the threads share the user
    barrier = threading.Barrier(len(enrolments))
    outcomes, errors = [], []

    def accept(enrolment):
        try:
            barrier.wait(timeout=30)
            outcomes.append(enrolment_accept(user=officer, enrolment=enrolment).status)
        except Exception as e:  # noqa: BLE001 — reported below, a thread cannot fail the test
            errors.append(repr(e))
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(e,)) for e in enrolments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert sorted(outcomes) == ["accepted"] * 5 + ["waitlisted"] * 15
    assert statuses(c) == ["accepted"] * 5 + ["waitlisted"] * 15
