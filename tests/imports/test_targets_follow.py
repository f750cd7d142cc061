"""Bulk-written participants send no signals: the import itself brings the targets' stored
figures up to date, as the pages' own writes do."""

import datetime as dt

from accounts.access import SYSTEM
from cadrework.models import RetentionStore
from imports.models import ImportStatus
from lib.dates import today
from people.services import position_create
from targets import snapshots
from targets.models import Snapshot
from tests.conftest import issue_title_standards
from tests.imports.helpers import import_file, xlsx_bytes
from tests.targets.test_incremental import recomputed, stored

HEADER = ["Mã lớp", "Họ và tên", "Ngày sinh", "Số CCCD", "Mã đơn vị", "Kết quả"]


def test_an_imported_pass_moves_todays_figures_and_drops_the_older_days(
    tree, django_capture_on_commit_callbacks
):
    # Trần Thị Bình also holds a full-time post at Mê Linh, so the refresher targets count her;
    # her title there asks the general course (T-003-2), which the class gives.
    issue_title_standards(["executive_member"], ["upper_grassroots"], ["union_general"])
    with django_capture_on_commit_callbacks(execute=True):
        position_create(
            user=SYSTEM,
            person=tree.tran,
            unit=tree.melinh,
            role=tree.member_role,
            full_time=True,
            start_date=dt.date(2024, 1, 1),
        )
    snapshots.compute(today())
    snapshots.compute(dt.date(2024, 12, 31))
    before = stored(today())
    data = xlsx_bytes(
        [HEADER, ["ML-2024-01", "Trần Thị Bình", tree.tran.birth_date, "", "HN-DA-01", "Đạt"]]
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = import_file(tree.hanoi_officer, "participants", data)
    assert job.status == ImportStatus.DONE, job.problems
    # The class ended on 03/04/2024: the stored end of 2024 cannot be trusted any more.
    assert not Snapshot.objects.filter(as_of=dt.date(2024, 12, 31)).exists()
    after = stored(today())
    assert after != before
    assert after == recomputed(today())


def test_imported_passes_mark_the_stored_retention_figures_after_the_commit_not_the_check(
    tree, django_capture_on_commit_callbacks
):
    """A record saved one by one marks the stored retention figures as of its day within its
    trend's years (cadrework.retention_store's signal); the records a pass writes in bulk send
    no signal, and mark them after the commit."""
    untouched = RetentionStore.objects.create(as_of=dt.date(2023, 12, 31), status="done")
    marked = RetentionStore.objects.create(as_of=dt.date(2024, 6, 30), status="done")
    beyond = RetentionStore.objects.create(as_of=dt.date(2032, 1, 1), status="done")
    data = xlsx_bytes(
        [HEADER, ["ML-2024-01", "Trần Thị Bình", tree.tran.birth_date, "", "HN-DA-01", "Đạt"]]
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = import_file(tree.hanoi_officer, "participants", data, commit=False)
    assert job.status == ImportStatus.CHECKED and job.can_commit, job.problems
    assert not RetentionStore.objects.filter(changed_at__isnull=False).exists()  # a check
    with django_capture_on_commit_callbacks(execute=True):
        job = import_file(tree.hanoi_officer, "participants", data)
    assert job.status == ImportStatus.DONE, job.problems
    assert job.summary["records_created"] == 1
    # The class ended on 03/04/2024: the figures as of that day or later, within the eight
    # years of their trend, counted without this record.
    for store in (untouched, marked, beyond):
        store.refresh_from_db()
    assert [s.changed_at is not None for s in (untouched, marked, beyond)] == [False, True, False]


def test_an_import_that_writes_no_record_marks_no_retention_figure(
    tree, django_capture_on_commit_callbacks
):
    store = RetentionStore.objects.create(as_of=dt.date(2024, 6, 30), status="done")
    data = xlsx_bytes(
        [HEADER, ["ML-2024-01", "Trần Thị Bình", tree.tran.birth_date, "", "HN-DA-01", "Không đạt"]]
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = import_file(tree.hanoi_officer, "participants", data)
    assert job.status == ImportStatus.DONE, job.problems
    assert job.summary.get("records_created", 0) == 0
    store.refresh_from_db()
    assert store.changed_at is None
