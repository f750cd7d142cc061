"""An import job is committed at most once, however many requests ask at the same moment.

Security review, concurrency finding 1: six POSTs at once to /imports/<id>/commit/ of a checked
5-row people file wrote 15–20 people on PostgreSQL, a 3-row records file 9–12 records. Each
request had read the job as "checked" before any of them marked it running, so each ran the
commit. The threaded tests below send the requests through the pages, each thread with its
own client and database connection; the others show the root of it without threads: a request
holding a job read before another request started it must not start it again."""

import datetime as dt
import threading

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils.translation import gettext

from imports import services
from imports.models import ImportJob, ImportStatus
from people.models import Person
from tests.imports.helpers import import_file, upload, xlsx_bytes
from training.models import Topic, TrainingRecord

RUNNING = "The file is still being processed."
DONE = "This file has already been imported."
IMPORTED = "The file has been imported."

PEOPLE_HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Mã đơn vị"]
RECORDS_HEADER = [
    "Họ và tên",
    "Ngày sinh",
    "Mã đơn vị",
    "Tên khóa học",
    "Chủ đề",
    "Số giờ",
    "Ngày hoàn thành",
    "Hình thức",
]


def people_file(names) -> bytes:
    return xlsx_bytes(
        [PEOPLE_HEADER]
        + [[name, dt.date(1985, 1, 1 + i), "Nữ", "HN-ML-01"] for i, name in enumerate(names)]
    )


FIVE = [f"Khúc Thị Đồng {c}" for c in "ABCDE"]
# The requests of a race meet or miss by microseconds: each threaded test runs a few rounds,
# so that the code without the fix fails it nearly every time (with one round it failed 2 or
# 3 runs in 5 on PostgreSQL; with three, 4 or 5 in 5).
ROUNDS = 3


def five(round: int) -> list[str]:
    return [f"Khúc Thị Đồng {round}{c}" for c in "ABCDE"]


def records_file(rows: int, round: int = 0) -> bytes:
    topic = Topic.objects.get(code="union_general").name
    return xlsx_bytes(
        [RECORDS_HEADER]
        + [
            [
                "Nguyễn Văn An",
                dt.date(1980, 5, 1),
                "HN-ML-01",
                f"Bồi dưỡng nghiệp vụ {round}-{i}",
                topic,
                8,
                dt.date(2024, 1 + round, 1 + i),
                "Tập trung",
            ]
            for i in range(rows)
        ]
    )


def checked(user, kind: str, data: bytes) -> ImportJob:
    job = import_file(user, kind, data, commit=False)
    assert job.can_commit, job.problems
    return job


def at_once(user, posts: list[tuple[str, dict]]) -> list[list[str]]:
    """POST each (url, data) from its own thread, client and connection, all released
    together; returns the messages each request left for the user's next page."""
    clients = []
    for _ in posts:
        client = Client()
        client.force_login(user)
        clients.append(client)
    barrier = threading.Barrier(len(posts))
    said: list[list[str] | None] = [None] * len(posts)
    errors = []

    def post(i: int) -> None:
        url, data = posts[i]
        try:
            barrier.wait(timeout=30)
            response = clients[i].post(url, data)
            assert response.status_code == 302, response.status_code
            said[i] = [str(m) for m in get_messages(response.wsgi_request)]
        except Exception as e:  # noqa: BLE001 — reported below, a thread cannot fail the test
            errors.append(repr(e))
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    return said


def assert_one_imported_the_others_refused(said: list[list[str]]) -> None:
    assert sorted(said).count([gettext(IMPORTED)]) == 1, said
    refusals = {gettext(RUNNING), gettext(DONE)}
    assert all(len(m) == 1 and m[0] in refusals for m in said if m != [gettext(IMPORTED)]), said


def khuc(round: int | None = None) -> int:
    people = Person.objects.filter(family_name="Khúc")
    return (people if round is None else people.filter(given_name__startswith=f"{round}")).count()


@pytest.mark.django_db(transaction=True)
def test_six_commits_of_a_people_file_at_the_same_moment_add_each_person_once(tree):
    """Finding 1: six concurrent commits of a checked 5-row people file wrote 15–20 people."""
    for round in range(ROUNDS):
        job = checked(tree.melinh_officer, "people", people_file(five(round)))
        said = at_once(tree.melinh_officer, [(f"/imports/{job.pk}/commit/", {})] * 6)
        assert_one_imported_the_others_refused(said)
        assert khuc(round) == 5
        job.refresh_from_db()
        assert (job.status, job.summary["people_created"]) == (ImportStatus.DONE, 5)


@pytest.mark.django_db(transaction=True)
def test_six_commits_of_a_records_file_at_the_same_moment_add_each_record_once(tree):
    """Finding 1: six concurrent commits of a checked 3-row records file wrote 9–12 records."""
    for round in range(ROUNDS):
        before = TrainingRecord.objects.count()
        job = checked(tree.melinh_officer, "records", records_file(3, round))
        said = at_once(tree.melinh_officer, [(f"/imports/{job.pk}/commit/", {})] * 6)
        assert_one_imported_the_others_refused(said)
        assert TrainingRecord.objects.count() == before + 3
        assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.DONE


@pytest.mark.django_db(transaction=True)
def test_reruns_of_an_interrupted_commit_at_the_same_moment_import_the_file_once(tree):
    """Finding 1, "Run again": a commit that died is run again by the first request only."""
    for round in range(ROUNDS):
        job = checked(tree.melinh_officer, "people", people_file(five(round)))
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, commit_requested=True
        )
        said = at_once(tree.melinh_officer, [(f"/imports/{job.pk}/rerun/", {})] * 4)
        assert_one_imported_the_others_refused(said)
        assert khuc(round) == 5


@pytest.mark.django_db(transaction=True)
def test_a_commit_and_a_corrected_file_at_the_same_moment_import_one_file_once(tree):
    """Finding 1, a check racing the commit: whichever runs first, the job imports one file,
    once (a replacement checked while the old file was being committed left a job that could
    be committed a second time)."""
    client = Client()
    client.force_login(tree.melinh_officer)
    for round in range(ROUNDS):
        job = checked(tree.melinh_officer, "people", people_file(five(round)))
        other = people_file([f"Khúc Thị Đồng {round}{c}" for c in "VWXYZ"])
        at_once(
            tree.melinh_officer,
            [
                (f"/imports/{job.pk}/commit/", {}),
                (f"/imports/{job.pk}/replace/", {"file": upload(other)}),
            ],
        )
        client.post(f"/imports/{job.pk}/commit/")  # the user presses "Import" once more
        assert khuc(round) == 5
        assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.DONE


# -- the root of it, without threads: a decision taken on a job read before another request
# started it ---------------------------------------------------------------------------------


def started_elsewhere(job: ImportJob, status: str = ImportStatus.COMMITTING) -> ImportJob:
    """What another request did after this one read the job: it started running it."""
    ImportJob.objects.filter(pk=job.pk).update(status=status, commit_requested=True)
    return job  # the copy this request holds still says what it read


ACTIONS = {
    "commit": lambda user, job: services.job_commit(user=user, job=job),
    "rerun": lambda user, job: services.job_rerun(user=user, job=job),
    "replace": lambda user, job: services.job_replace_file(
        user=user, job=job, upload=upload(people_file(FIVE))
    ),
    "resolve": lambda user, job: services.job_resolve(user=user, job=job, choices={}),
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(
    "status", [ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.COMMITTING]
)
def test_a_job_started_by_another_request_meanwhile_is_not_started_again(tree, action, status):
    """Finding 1, its root made deterministic: a request decided on the job as it had read
    it (checked, or failed), though another request had started it since; it must read the
    job again under a lock, and be refused."""
    job = checked(tree.melinh_officer, "people", people_file(FIVE))
    if action == "rerun":
        job.status = ImportStatus.FAILED
    started_elsewhere(job, status)
    with pytest.raises(ValidationError) as refused:
        ACTIONS[action](tree.melinh_officer, job)
    assert refused.value.messages == [gettext(RUNNING)]
    assert ImportJob.objects.get(pk=job.pk).status == status
    assert khuc() == 0


@pytest.mark.parametrize("action", ["commit", "replace", "resolve"])
def test_a_job_imported_by_another_request_meanwhile_is_not_run_again(tree, action):
    """Finding 1: a request holding the job as it was before another request imported it
    must not commit it again, nor check a new file or new choices into it (which made the
    job committable a second time)."""
    job = checked(tree.melinh_officer, "people", people_file(FIVE))
    stale = ImportJob.objects.get(pk=job.pk)
    services.job_commit(user=tree.melinh_officer, job=job)
    assert khuc() == 5
    with pytest.raises(ValidationError) as refused:
        ACTIONS[action](tree.melinh_officer, stale)
    assert refused.value.messages == [gettext(DONE)]
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.DONE


def test_the_refusals_are_in_vietnamese(tree):
    """Finding 1: the requests that lose the race are told why, in Vietnamese."""
    assert gettext(RUNNING) == "Tệp vẫn đang được xử lý."
    assert gettext(DONE) == "Tệp này đã được nhập."
