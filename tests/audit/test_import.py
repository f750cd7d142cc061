"""An import run by the background worker: every row it creates or changes is in the log,
attributed to the user who started the job (not to nobody, although no request runs)."""

import datetime as dt

import pytest

from audit.models import LogEntry
from imports.models import ImportStatus
from imports.services import job_commit, job_create
from people.models import Person
from tests.imports.helpers import upload, xlsx_bytes
from training.models import Enrolment, TrainingRecord

HEADER = [
    "Mã lớp",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Mã đơn vị",
    "Tỷ lệ tham dự (%)",
    "Điểm",
    "Kết quả",
]
NGUYEN = [
    "ML-2024-01",
    "Nguyễn Văn An",
    dt.date(1980, 5, 1),
    "Nam",
    "001080000001",
    "HN-ML-01",
    100,
    9,
    "Đạt",
]
HOA = ["ML-2024-01", "Đỗ Thị Hoa", "04/03/1992", "Nữ", "001192000077", "HN-ML-01", 90, 8, "Đạt"]


@pytest.fixture(autouse=True)
def _worker(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORTS_INLINE_BYTES = 0  # every file goes to the task
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def import_file(user, kind: str, data: bytes, commit: bool = True):
    """Start the job as the page does; the worker (run at once here) checks it, and commits
    it when asked. The job is read back: the worker saved its own copy."""
    job = job_create(user=user, kind=kind, upload=upload(data))
    job.refresh_from_db()
    if commit and job.can_commit:
        job_commit(user=user, job=job)
        job.refresh_from_db()
    return job


def of(model, **filters):
    return LogEntry.objects.filter(
        content_type__app_label=model._meta.app_label,
        content_type__model=model._meta.model_name,
        **filters,
    )


def test_each_row_the_worker_writes_is_logged_with_the_jobs_user(tree):
    before = LogEntry.objects.count()
    job = import_file(
        tree.melinh_officer, "participants", xlsx_bytes([HEADER, NGUYEN, [*HOA[:6], 90, 8, "Đạt"]])
    )
    assert job.status == ImportStatus.DONE, job.problems
    hoa = Person.objects.get(citizen_id="001192000077")
    enrolment = Enrolment.objects.get(person=hoa)
    record = TrainingRecord.objects.get(person=hoa)
    new = LogEntry.objects.filter(pk__gt=0).count() - before
    assert new == 3  # Hoa, her enrolment, her record; Nguyễn's results are unchanged

    [person] = of(Person, object_id=hoa.pk)
    assert (person.action, person.actor, person.cid) == (
        LogEntry.Action.CREATE,
        tree.melinh_officer,
        f"import-{job.pk}",
    )
    assert person.changes["given_name"] == ["None", "Hoa"]
    assert person.changes["citizen_id"] == ["None", "001•••••••77"]  # masked
    assert (person.subject_id, person.unit_id) == (hoa.pk, tree.school.pk)

    [entry] = of(Enrolment, object_id=enrolment.pk)
    assert (entry.actor, entry.object_repr, entry.subject_id, entry.person_id) == (
        tree.melinh_officer,
        "Đỗ Thị Hoa — ML-2024-01",
        tree.ml_class.pk,
        hoa.pk,
    )
    assert entry.changes["score"] == ["None", "8"] and entry.changes["status"] == [
        "None",
        "accepted",
    ]

    [entry] = of(TrainingRecord, object_id=record.pk)
    assert (entry.action, entry.actor, entry.subject_id) == (
        LogEntry.Action.CREATE,
        tree.melinh_officer,
        hoa.pk,
    )
    assert entry.changes["topics"]["objects"] == [str(tree.topic)]


def test_changed_results_and_a_record_taken_back_are_logged(tree):
    record = TrainingRecord.objects.get(person=tree.nguyen, training_class=tree.ml_class)
    job = import_file(
        tree.melinh_officer, "participants", xlsx_bytes([HEADER, [*NGUYEN[:6], 50, 4, "Không đạt"]])
    )
    assert job.status == ImportStatus.DONE, job.problems
    enrolment = Enrolment.objects.get(person=tree.nguyen, training_class=tree.ml_class)
    changed = of(Enrolment, object_id=enrolment.pk).order_by("-id").first()
    assert (changed.action, changed.actor) == (LogEntry.Action.UPDATE, tree.melinh_officer)
    assert changed.changes == {
        "attendance_percent": ["100", "50"],
        "score": ["9.0", "4"],
        "passed": ["True", "False"],
    }
    deleted = of(TrainingRecord, object_id=record.pk).order_by("-id").first()
    assert (deleted.action, deleted.actor, deleted.object_repr) == (
        LogEntry.Action.DELETE,
        tree.melinh_officer,
        "Nguyễn Văn An — Bồi dưỡng nghiệp vụ công đoàn cơ sở 2024",
    )


def test_a_check_that_is_not_committed_leaves_nothing(tree):
    before = LogEntry.objects.count()
    job = import_file(tree.melinh_officer, "participants", xlsx_bytes([HEADER, HOA]), commit=False)
    assert job.status == ImportStatus.CHECKED
    assert LogEntry.objects.count() == before


def test_the_people_import_logs_through_the_services_with_the_jobs_user(tree):
    header = ["Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD", "Mã đơn vị"]
    job = import_file(
        tree.melinh_officer,
        "people",
        xlsx_bytes([header, ["Đỗ Thị Hoa", "Nữ", "04/03/1992", "001192000077", "HN-ML-01"]]),
    )
    assert job.status == ImportStatus.DONE, job.problems
    hoa = Person.objects.get(citizen_id="001192000077")
    [entry] = of(Person, object_id=hoa.pk)
    assert (entry.actor, entry.cid) == (tree.melinh_officer, f"import-{job.pk}")


def test_a_person_the_import_adds_is_logged_as_the_person_page_logs_one(tree):
    """People new to the system are written in bulk (imports.people._create_people): their
    history must read as one added through people.services.person_create."""
    from people.services import person_create

    header = ["Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD", "Mã đơn vị", "Dân tộc"]
    job = import_file(
        tree.melinh_officer,
        "people",
        xlsx_bytes([header, ["Đỗ Thị Hoa", "Nữ", "04/03/1992", "001192000077", "HN-ML-01", "Tày"]]),
    )
    assert job.status == ImportStatus.DONE, job.problems
    imported = Person.objects.get(citizen_id="001192000077")
    by_page = person_create(
        user=tree.melinh_officer,
        unit=tree.school,
        family_name="Đỗ",
        middle_name="Thị",
        given_name="Hoa",
        gender="female",
        birth_date=dt.date(1992, 3, 4),
        citizen_id="001192000078",
        ethnicity=imported.ethnicity,
    )
    [one] = of(Person, object_id=imported.pk)
    [other] = of(Person, object_id=by_page.pk)

    def seen(entry):
        changes = {k: v for k, v in entry.changes.items() if k not in ("id", "citizen_id")}
        return (
            entry.action,
            entry.object_repr,
            changes,
            entry.unit,
            entry.subject_type,
        )

    assert seen(one) == seen(other)
    assert imported.search_name == by_page.search_name
    assert imported.sort_key == by_page.sort_key
