"""External training records from a spreadsheet: checked by external_record_create's own rules
(training.services: the writer's role, the person's scope, the record's values and validity)
and written in bulk — records, topics and history entries each in one insert — with the same
rows, topics, expiry and history entries as the records entered one by one through the
service (issue 22 goal 3)."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from audit.context import acting_as
from audit.models import LogEntry
from cadrework.models import RetentionStore
from imports.models import ImportStatus
from lib.dates import today
from targets import snapshots
from targets.models import Snapshot
from tests.imports.helpers import counts, import_file, xlsx_bytes
from tests.targets.test_incremental import recomputed, stored
from training import validity
from training.models import Form, Institution, Topic, TrainingRecord
from training.services import external_record_create

HEADER = [
    "Họ và tên",
    "Ngày sinh",
    "Số CCCD",
    "Mã đơn vị",
    "Tên khóa học",
    "Chủ đề",
    "Số giờ",
    "Ngày hoàn thành",
    "Hình thức",
    "Cơ sở đào tạo",
    "Số chứng chỉ",
]
FORMS = {Form.ON_SITE: "Tập trung", Form.ONLINE: "Trực tuyến"}
RECORD_FIELDS = (
    "person_id",
    "title",
    "hours",
    "completed_on",
    "form",
    "institution_id",
    "certificate_number",
    "expires_on",
    "valid",
    "scan",
    "training_class_id",
    "organiser_id",
    "programme_id",
    "enrolment_id",
    "certificate_year",
    "certificate_signed",
)


def topic(code: str) -> Topic:
    return Topic.objects.get(code=code)


def given(tree) -> list[dict]:
    """Records of every shape the file takes: one topic or several (a topic named twice),
    expiring or not (a month from 31 January: the end of February), with an institution and a
    certificate number or without, for two people."""
    Topic.objects.filter(code="osh").update(validity_months=1)
    Topic.objects.filter(code="it").update(validity_months=24)
    school = Institution.objects.create(name="Trường Chính trị tỉnh", kind="political_centre")
    return [
        dict(
            person=tree.nguyen,
            title="Trung cấp lý luận chính trị",
            topics=[topic("political_theory")],
            hours=480,
            completed_on=dt.date(2022, 6, 30),
            form=Form.ON_SITE,
            institution=school,
            certificate_number="LLCT-2022-001",
        ),
        dict(
            person=tree.nguyen,
            title="Huấn luyện an toàn, vệ sinh lao động",
            topics=[topic("it"), topic("osh"), topic("it")],
            hours=16,
            completed_on=dt.date(2024, 1, 31),
            form=Form.ONLINE,
            institution=None,
            certificate_number="",
        ),
        dict(
            person=tree.tran,
            title="Tin học văn phòng",
            topics=[topic("it")],
            hours=40,
            completed_on=dt.date(2023, 3, 1),
            form=Form.ON_SITE,
            institution=None,
            certificate_number="TH-01",
        ),
    ]


def as_row(r: dict) -> list:
    p = r["person"]
    return [
        p.full_name,
        p.birth_date,
        p.citizen_id or "",
        p.unit.code,
        r["title"],
        "; ".join(t.name for t in r["topics"]),
        r["hours"],
        r["completed_on"],
        FORMS[r["form"]],
        r["institution"].name if r["institution"] else "",
        r["certificate_number"],
    ]


def written(titles) -> list[tuple]:
    """The records of these titles as stored: their fields, topics and history entries."""
    kind = ContentType.objects.get_for_model(TrainingRecord)
    out = []
    for record in TrainingRecord.objects.filter(title__in=titles).order_by("title"):
        history = [
            (
                e.action,
                e.changes,
                e.object_repr,
                e.actor_id,
                e.unit_id,
                e.subject_type_id,
                e.subject_id,
                e.person_id,
            )
            for e in LogEntry.objects.filter(content_type=kind, object_id=record.pk).order_by("pk")
        ]
        topics = sorted(record.topics.values_list("pk", flat=True))
        out.append((tuple(getattr(record, f) for f in RECORD_FIELDS), topics, history))
    return out


def test_a_file_writes_the_records_topics_expiry_and_history_the_service_writes(tree):
    records = given(tree)
    titles = [r["title"] for r in records]
    officer = tree.hanoi_officer
    with transaction.atomic():
        with acting_as(officer):  # as on the person's page: the officer's doing
            for r in records:
                external_record_create(user=officer, **r)
        one_by_one = written(titles)
        transaction.set_rollback(True)
    assert not TrainingRecord.objects.filter(title__in=titles).exists()
    job = import_file(officer, "records", xlsx_bytes([HEADER, *map(as_row, records)]))
    assert job.status == ImportStatus.DONE, job.problems
    assert job.summary == {"records_created": 3}
    in_bulk = written(titles)
    assert in_bulk == one_by_one
    # Each record: its creation, then its topics (in the topics' order, each once).
    fields, topic_ids, history = in_bulk[0]
    assert [h[0] for h in history] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert fields[1] == "Huấn luyện an toàn, vệ sinh lao động"
    assert history[1][1] == {
        "topics": {
            "type": "m2m",
            "operation": "add",
            "objects": ["An toàn, vệ sinh lao động", "Tin học"],
        }
    }
    assert topic_ids == sorted([topic("it").pk, topic("osh").pk])
    # Expiry as training.validity gives it: the shortest validity, a month from 31/01.
    expiry = {f[1]: f[RECORD_FIELDS.index("expires_on")] for f, _t, _h in in_bulk}
    assert expiry == {
        "Huấn luyện an toàn, vệ sinh lao động": dt.date(2024, 2, 29),
        "Tin học văn phòng": dt.date(2025, 2, 28),
        "Trung cấp lý luận chính trị": None,
    }
    assert expiry["Tin học văn phòng"] == validity.expires_on(
        dt.date(2023, 3, 1), None, [topic("it")]
    )


def test_a_file_imported_again_adds_nothing(tree):
    records = given(tree)
    data = xlsx_bytes([HEADER, *map(as_row, records)])
    assert import_file(tree.hanoi_officer, "records", data).status == ImportStatus.DONE
    before, logged = counts(), LogEntry.objects.count()
    job = import_file(tree.hanoi_officer, "records", data)
    assert job.status == ImportStatus.DONE, job.problems
    assert job.summary == {"records_unchanged": 3}
    assert (counts(), LogEntry.objects.count()) == (before, logged)


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(tree):
    records = given(tree)
    rows = [HEADER, as_row(records[0])]
    rows.append([*as_row(records[1])[:5], "Không có chủ đề này", *as_row(records[1])[6:]])
    rows.append(as_row(records[0]))  # the same record twice
    # Lê Văn Cường is in Ninh Thuận, outside Hà Nội's subtree.
    rows.append(["Lê Văn Cường", None, "058075000003", "HN-ML-01", "Tin học", "Tin học", 8,
                 dt.date(2024, 5, 1), "Tập trung", "", ""])  # fmt: skip
    rows.append([*as_row(records[2])[:6], 0, *as_row(records[2])[7:]])
    rows.append([*as_row(records[2])[:4], "Tin học nâng cao", *as_row(records[2])[5:9],
                 "Trường Không Tồn Tại", ""])  # fmt: skip
    rows.append(["Phạm Thị Không Có", None, "", "HN-ML-01", "Tin học", "Tin học", 8,
                 dt.date(2024, 5, 1), "Tập trung", "", ""])  # fmt: skip
    rows.append([*as_row(records[2])[:4], "Tin học cơ bản", None, *as_row(records[2])[6:]])
    before, logged = counts(), LogEntry.objects.count()
    job = import_file(tree.hanoi_officer, "records", xlsx_bytes(rows))
    assert job.status == ImportStatus.CHECKED
    assert [(p["row"], p["column"]) for p in job.problems] == [
        (3, "Chủ đề"),
        (4, "Tên khóa học"),
        (5, "Số CCCD"),
        (6, "Số giờ"),
        (7, "Cơ sở đào tạo"),
        (8, "Họ và tên"),
        (9, "Chủ đề"),
    ], job.problems
    assert "2" in job.problems[1]["message"]  # the row it repeats
    assert (counts(), LogEntry.objects.count()) == (before, logged)


def test_a_role_that_may_not_change_records_is_refused_once_for_the_file(tree):
    records = given(tree)
    before, logged = counts(), LogEntry.objects.count()
    job = import_file(tree.inspector, "records", xlsx_bytes([HEADER, *map(as_row, records)]))
    assert job.status == ImportStatus.CHECKED
    assert [(p["row"], p["column"]) for p in job.problems] == [(None, "")], job.problems
    assert (counts(), LogEntry.objects.count()) == (before, logged)


def test_imported_records_move_the_stored_figures_as_one_record_does(
    tree, django_capture_on_commit_callbacks
):
    records = given(tree)
    snapshots.compute(today())
    snapshots.compute(dt.date(2023, 12, 31))
    snapshots.compute(dt.date(2024, 12, 31))
    untouched = RetentionStore.objects.create(as_of=dt.date(2021, 12, 31), status="done")
    marked = RetentionStore.objects.create(as_of=dt.date(2024, 6, 30), status="done")
    with django_capture_on_commit_callbacks(execute=True):
        job = import_file(tree.hanoi_officer, "records", xlsx_bytes([HEADER, as_row(records[1])]))
    assert job.status == ImportStatus.DONE, job.problems
    # Completed on 31/01/2024: the stored end of 2023 still holds, that of 2024 is dropped,
    # today's is brought up to date, and the retention figures as of mid-2024 are marked for
    # computing again.
    assert Snapshot.objects.filter(as_of=dt.date(2023, 12, 31)).exists()
    assert not Snapshot.objects.filter(as_of=dt.date(2024, 12, 31)).exists()
    assert stored(today()) == recomputed(today())
    untouched.refresh_from_db()
    marked.refresh_from_db()
    assert (untouched.changed_at, marked.changed_at is not None) == (None, True)


def queries_of_a_check(officer, rows: list) -> int:
    with CaptureQueriesContext(connection) as queries:
        job = import_file(officer, "records", xlsx_bytes([HEADER, *rows]), commit=False)
    assert job.status == ImportStatus.CHECKED and job.can_commit, job.problems
    return len(queries)


def test_a_check_reads_no_more_for_thirty_rows_than_for_three(tree):
    record = given(tree)[1]
    rows = [as_row({**record, "title": f"Khóa {n}"}) for n in range(30)]
    assert queries_of_a_check(tree.hanoi_officer, rows) == queries_of_a_check(
        tree.hanoi_officer, rows[:3]
    )
