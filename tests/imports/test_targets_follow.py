"""Bulk-written participants send no signals: the import itself brings the targets' stored
figures up to date, as the pages' own writes do."""

import datetime as dt

from accounts.access import SYSTEM
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
