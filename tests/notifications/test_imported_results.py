"""Issue 24 §1: "results and certificate issued" — results brought in by a participants
import are told to the learners who have their own account, as the class's results grid tells
them, once; the others (no account) are not looked for one by one. Read from a real SMTP
server."""

import datetime as dt

import pytest

from notifications.delivery import deliver_pending
from tests.imports.helpers import import_file, xlsx_bytes
from training.services import class_set_status

HEADER = ["Mã lớp", "Họ và tên", "Ngày sinh", "Giới tính", "Mã đơn vị", "Kết quả"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORTS_INLINE_BYTES = 10_000_000


def test_imported_results_are_told_to_learners_with_an_account_once(smtp, world):
    c = world.open_class
    class_set_status(user=world.melinh_officer, training_class=c, status="running")
    rows = [
        [c.code, "Nguyễn Văn An", dt.date(1980, 5, 1), "Nam", world.school.code, "Đạt"],
        [c.code, "Đặng Hoa", None, "Nữ", world.school.code, "Đạt"],
    ]
    job = import_file(world.melinh_officer, "participants", xlsx_bytes([HEADER, *rows]))
    assert job.status == "done", job.problems
    deliver_pending()
    [mail] = smtp.mails
    assert mail.to == ["an.nguyen@example.vn"]
    assert mail.subject == "Kết quả học tập lớp “Lớp mở”"
    assert "đạt." in mail.body
    # The same file again changes nothing, and tells nothing again.
    again = import_file(world.melinh_officer, "participants", xlsx_bytes([HEADER, *rows]))
    assert again.status == "done", again.problems
    deliver_pending()
    assert len(smtp.mails) == 1
