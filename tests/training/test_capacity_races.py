"""A class never holds more accepted participants than its capacity, whichever way they are
accepted (the class page or the API, a participants import) and whenever its capacity is
lowered, also when these happen at the same moment.

Security review, concurrency finding 2, on PostgreSQL: two participant imports of 3 rows each
into a class of capacity 3, committed at once, left 6 accepted (each import counted the places
taken before the other had written); lowering a class's capacity to 2 while 15 acceptances ran
left 12–15 accepted (the edit counted the accepted before the acceptances committed, without
waiting for them). Each path now locks the class row and counts after the lock.

SQLite held on each (its writers take the database's write lock when their transaction
begins): the tests run there too and must hold."""

import datetime as dt
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client
from django.utils.translation import gettext

from accounts.access import SYSTEM
from imports.models import ImportJob, ImportStatus
from imports.pipeline import progress_key
from lib import progress
from people.models import Person
from tests.imports.helpers import import_file, xlsx_bytes
from training.models import Enrolment, TrainingClass
from training.services import (
    class_create,
    class_set_status,
    class_update,
    enrolment_accept,
    enrolment_nominate,
)

HEADER = ["Mã lớp", "Họ và tên", "Ngày sinh", "Giới tính", "Mã đơn vị"]
OVER = "Class %(code)s holds %(n)s participants: this row is over its capacity."
TAKEN = "%(n)s people are already accepted."


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORTS_INLINE_BYTES = 10_000_000  # the commit runs in the request


def a_class(tree, capacity: int, status: str, code: str = "RACE-01") -> TrainingClass:
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
    c = class_set_status(user=SYSTEM, training_class=c, status="open")
    if status == "running":
        c = class_set_status(user=SYSTEM, training_class=c, status="running")
    return c


def accepted(c: TrainingClass) -> int:
    return Enrolment.objects.filter(training_class=c, status="accepted").count()


def capacity(c: TrainingClass) -> int:
    return TrainingClass.objects.get(pk=c.pk).capacity


def nominated(tree, c: TrainingClass, n: int) -> list[Enrolment]:
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
    return [
        enrolment_nominate(user=tree.melinh_officer, training_class=c, person=p)[0]
        for p in Person.objects.bulk_create(people)
    ]


def participants(c: TrainingClass, family: str, n: int) -> bytes:
    return xlsx_bytes(
        [HEADER]
        + [
            [
                c.code,
                f"{family} Văn Học {i}",
                dt.date(1990, 1, 1) + dt.timedelta(days=i),
                "Nam",
                "HN-ML-01",
            ]
            for i in range(n)
        ]
    )


def checked_import(tree, c: TrainingClass, family: str, n: int) -> ImportJob:
    job = import_file(tree.melinh_officer, "participants", participants(c, family, n), commit=False)
    assert job.can_commit, job.problems
    return job


def in_threads(*work, barrier: bool = True) -> list:
    """Run each callable in its own thread (its own database connection), released together;
    returns what each returned or raised."""
    start = threading.Barrier(len(work)) if barrier else None
    out = [None] * len(work)

    def run(i: int) -> None:
        try:
            if start:
                start.wait(timeout=30)
            out[i] = work[i]()
        except Exception as e:  # noqa: BLE001 — returned, a thread cannot fail the test
            out[i] = e
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return out


def commit_on_the_page(user, job: ImportJob):
    client = Client()
    client.force_login(user)

    def post() -> str:
        assert client.post(f"/imports/{job.pk}/commit/").status_code == 302
        return ImportJob.objects.get(pk=job.pk).status

    return post


def refused_for_capacity(job: ImportJob, c: TrainingClass) -> bool:
    job.refresh_from_db()
    over = gettext(OVER) % {"code": c.code, "n": c.capacity}
    return job.status == ImportStatus.FAILED and {p["message"] for p in job.problems} == {over}


@pytest.mark.django_db(transaction=True)
def test_two_participant_imports_committed_at_once_never_exceed_the_capacity(tree):
    """Finding 2: two imports of 3 rows into a class of 3, committed at once, left 6.
    (Three rounds, three classes: the two commits meet or miss by microseconds, and without
    the fix one round let both through 4 runs in 5.)"""
    user = tree.melinh_officer
    for round in range(3):
        c = a_class(tree, capacity=3, status="running", code=f"RACE-0{round}")
        first = checked_import(tree, c, "Phí", 3)
        second = checked_import(tree, c, "Ông", 3)
        statuses = in_threads(commit_on_the_page(user, first), commit_on_the_page(user, second))
        assert sorted(statuses) == [ImportStatus.DONE, ImportStatus.FAILED], statuses
        assert accepted(c) == 3
        loser = first if statuses[0] == ImportStatus.FAILED else second
        assert refused_for_capacity(loser, c)


@pytest.mark.django_db(transaction=True)
def test_lowering_the_capacity_while_fifteen_acceptances_run_keeps_it(tree):
    """Finding 2: lowering a class's capacity to 2 while 15 acceptances ran left 12–15
    accepted."""
    c = a_class(tree, capacity=15, status="open")
    enrolments = nominated(tree, c, 15)
    officer = tree.melinh_officer
    officer.unit  # noqa: B018 — loaded before the threads share the user
    edited = TrainingClass.objects.select_related("organiser").get(pk=c.pk)

    def lower():
        return class_update(user=officer, training_class=edited, capacity=2)

    def accept(e):
        return lambda: enrolment_accept(user=officer, enrolment=e).status

    out = in_threads(lower, *[accept(e) for e in enrolments])
    assert all(s in ("accepted", "waitlisted") for s in out[1:]), out
    assert accepted(c) <= capacity(c)
    if isinstance(out[0], ValidationError):
        assert capacity(c) == 15
        assert out[0].messages[0] in {gettext(TAKEN) % {"n": n} for n in range(3, 16)}
    else:
        assert capacity(c) == 2 and accepted(c) <= 2, out


def wait_until_blocked(seconds: float = 10) -> None:
    """Until another connection waits for a row lock (PostgreSQL); on SQLite, whose writers
    wait for the database's write lock instead, a moment."""
    if connection.vendor != "postgresql":
        time.sleep(0.3)
        return
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the capacity edit never waited for the acceptances")


@pytest.mark.django_db(transaction=True)
def test_a_capacity_edit_waits_for_acceptances_under_way_and_counts_them(tree):
    """Finding 2, made deterministic: the capacity is lowered while three acceptances are
    written but not yet committed. The edit must wait for them and then refuse."""
    c = a_class(tree, capacity=5, status="open")
    enrolments = nominated(tree, c, 3)
    officer = tree.melinh_officer
    officer.unit  # noqa: B018
    edited = TrainingClass.objects.select_related("organiser").get(pk=c.pk)
    writing, done = threading.Event(), threading.Event()

    def accept_three():
        with transaction.atomic():  # one officer's batch: the class stays locked until the end
            for e in enrolments:
                enrolment_accept(user=officer, enrolment=e)
            writing.set()
            assert done.wait(timeout=30)

    def lower():
        assert writing.wait(timeout=30)
        return class_update(user=officer, training_class=edited, capacity=2)

    def release():
        assert writing.wait(timeout=30)
        wait_until_blocked()
        done.set()

    _batch, edit, _release = in_threads(accept_three, lower, release, barrier=False)
    assert isinstance(edit, ValidationError), edit
    assert edit.messages == [gettext(TAKEN) % {"n": 3}]
    assert (capacity(c), accepted(c)) == (5, 3)


@pytest.mark.django_db(transaction=True)
def test_a_capacity_edit_during_an_import_commit_waits_for_it_and_counts_its_rows(tree):
    """Finding 2, import against capacity edit: the capacity is lowered to 2 while an import
    of 40 rows is writing them (its class places already counted). The edit must wait for the
    import and then refuse."""
    c = a_class(tree, capacity=50, status="running")
    job = checked_import(tree, c, "Phí", 40)
    officer = tree.melinh_officer
    officer.unit  # noqa: B018
    edited = TrainingClass.objects.select_related("organiser").get(pk=c.pk)

    def lower():
        deadline = time.monotonic() + 30
        while progress.read(progress_key(job))["stage"] != "write":  # the import is writing
            assert time.monotonic() < deadline
            time.sleep(0.001)
        return class_update(user=officer, training_class=edited, capacity=2)

    status, edit = in_threads(commit_on_the_page(officer, job), lower)
    assert status == ImportStatus.DONE
    assert accepted(c) == 40
    assert accepted(c) <= capacity(c)
    assert isinstance(edit, ValidationError), (edit, capacity(c))
    assert edit.messages == [gettext(TAKEN) % {"n": 40}]
