"""Issue 24 §1: "an obligation falling due in 30 days and overdue (to the person and their
unit's officer, as a digest, not one mail per person)" — told once on the way in and once when
overdue, read from what a real SMTP server received.

The obligation is T-003-1's (003 §I.2.1: "Kết thúc năm thứ hai của mỗi nhiệm kỳ có 100% cán bộ
lãnh đạo chủ chốt công đoàn cấp tỉnh, cấp huyện mới được bầu được bồi dưỡng kiến thức tổng quát
về tổ chức và hoạt động công đoàn"): a vice-chair elected on 01/09/2025, mid-term, is due by
31/08/2027 (tests/targets/test_newly_elected_leaders.py)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from accounts.models import UserRole
from notifications.delivery import deliver_pending, send_digests
from targets.notices import tell_falling_due
from tests.conftest import make_user
from tests.notifications.conftest import smtp, smtp_down  # noqa: F401 (fixtures)
from tests.targets.test_edges import D, person, post, record, world  # noqa: F401
from tests.targets.test_newly_elected_leaders import province  # noqa: F401

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def at_six(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(6, 0), tzinfo=ZONE)


def run(day: dt.date) -> str:
    """The daily job of `day`, the previous run having been the day before."""
    return tell_falling_due(at_six(day - dt.timedelta(days=1)), at_six(day))


@pytest.fixture
def vice(province):  # noqa: F811
    vice = person(province, "Vĩnh")
    post(vice, province, "vice_chair", D(2025, 9, 1))
    make_user("vinh", province, UserRole.CADRE, person=vice, email="vinh@example.vn")
    make_user("ntofficer", province, email="tochuc@ldld-ninhthuan.vn")
    return vice


def mail(smtp, day):  # noqa: F811
    deliver_pending()
    send_digests(day)
    return {address: m for m in smtp.mails for address in m.to}


def test_thirty_days_before_the_person_is_told_and_their_unit_in_its_digest(smtp, vice):  # noqa: F811
    assert run(D(2027, 7, 31)) == "0 / 0 / 0"  # due in 31 days: not yet
    assert run(D(2027, 8, 1)) == "1 / 1 / 1"
    received = mail(smtp, D(2027, 8, 1))
    own = received["vinh@example.vn"]
    assert own.subject == "Bạn có nội dung đào tạo sắp đến hạn"
    assert "T-003-1" in own.body and "hạn đến ngày 31/08/2027" in own.body
    digest = received["tochuc@ldld-ninhthuan.vn"]
    assert "Nguyễn Văn Vĩnh — T-003-1" in digest.body and "hạn đến ngày 31/08/2027" in digest.body
    smtp.mails.clear()
    assert run(D(2027, 8, 2)) == "0 / 0 / 0"  # once, not every day
    assert run(D(2027, 8, 31)) == "0 / 0 / 0"  # its last day: still due, nothing new


def test_the_day_after_the_deadline_it_is_told_overdue(smtp, vice):  # noqa: F811
    assert run(D(2027, 9, 1)) == "1 / 1 / 1"
    own = mail(smtp, D(2027, 9, 1))["vinh@example.vn"]
    assert own.subject == "Bạn có nội dung đào tạo đã quá hạn"
    assert "quá hạn từ ngày 31/08/2027" in own.body
    assert run(D(2027, 9, 2)) == "0 / 0 / 0"


def test_a_met_obligation_is_told_nothing(smtp, vice):  # noqa: F811
    record(vice, D(2026, 3, 1), ["union_general"])
    assert run(D(2027, 8, 1)) == "0 / 0 / 0"
    assert run(D(2027, 9, 1)) == "0 / 0 / 0"


def test_a_worker_down_for_a_week_catches_up_but_not_for_ever(vice):
    """Back after a week, the crossings of the missed days are told; after two months, only
    those of the last 30 days."""
    week = tell_falling_due(at_six(D(2027, 7, 28)), at_six(D(2027, 8, 4)))
    assert week == "1 / 1 / 1"
    long_gone = tell_falling_due(at_six(D(2027, 6, 1)), at_six(D(2027, 11, 1)))
    assert long_gone == "0 / 0 / 0"  # overdue since 31/08: more than 30 days before
