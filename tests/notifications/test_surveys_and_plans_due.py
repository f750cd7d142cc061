"""Issue 24 §1: "survey opened, deadline in 3 days, closed; a report … due" — a needs survey
Hà Nội opens to the units directly under it (Mê Linh, Đông Anh), and the plans those units
owe up by the day Hà Nội set. Read from what a real SMTP server received."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from notifications.delivery import deliver_pending
from planning import services
from planning.models import PlanDeadline
from planning.notices import tell_plans_due, tell_surveys
from tests.conftest import make_user

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = dt.date(2099, 3, 31)


def daily(day: dt.date) -> str:
    at = dt.datetime.combine(day, dt.time(6), tzinfo=ZONE)
    return at - dt.timedelta(days=1), at


@pytest.fixture
def units(world):
    world.hanoi_officer.email = "tochuc@ldld-hanoi.vn"
    world.hanoi_officer.save()
    make_user("donganh", world.donganh, email="donganh@congdoan.vn")
    return world


@pytest.fixture
def survey(units):
    return services.survey_open(
        user=units.hanoi_officer,
        unit=units.hanoi,
        year=2099,
        title="Khảo sát nhu cầu 2099",
        deadline=DEADLINE,
        topics=[units.topic],
    )


def received(smtp) -> dict:
    deliver_pending()
    return {address: m for m in smtp.mails for address in m.to}


def test_a_survey_opened_is_told_to_the_units_asked(smtp, survey):
    mails = received(smtp)
    assert set(mails) == {"melinh@congdoan.vn", "donganh@congdoan.vn"}  # not Hà Nội itself
    mail = mails["melinh@congdoan.vn"]
    assert (
        mail.subject
        == "Khảo sát nhu cầu đào tạo “Khảo sát nhu cầu 2099”: trả lời trước ngày 31/03/2099"
    )
    assert "Liên đoàn Lao động thành phố Hà Nội đã mở khảo sát" in mail.body, mail.body


def test_three_days_before_only_the_units_not_answered_are_reminded(smtp, units, survey):
    services.answer_save(
        user=units.melinh_officer,
        survey=survey,
        unit=units.melinh,
        needs={(units.topic, "full_time"): 3},
    )
    received(smtp)
    smtp.mails.clear()
    assert tell_surveys(*daily(dt.date(2099, 3, 27))) == "0 / 0"  # 4 days before
    assert tell_surveys(*daily(dt.date(2099, 3, 28))) == "1 / 0"
    assert list(received(smtp)) == ["donganh@congdoan.vn"]
    assert smtp.mails[0].subject == "Khảo sát “Khảo sát nhu cầu 2099” đóng vào ngày 31/03/2099"
    assert tell_surveys(*daily(dt.date(2099, 3, 29))) == "0 / 0"  # once


def test_the_day_after_its_deadline_the_unit_that_asked_learns_who_answered(smtp, units, survey):
    services.answer_save(
        user=units.melinh_officer,
        survey=survey,
        unit=units.melinh,
        needs={(units.topic, "full_time"): 3},
    )
    smtp.mails.clear()
    assert tell_surveys(*daily(dt.date(2099, 3, 31))) == "0 / 0"  # its last day: still open
    assert tell_surveys(*daily(dt.date(2099, 4, 1))) == "0 / 1"
    mail = received(smtp)["tochuc@ldld-hanoi.vn"]
    assert mail.subject == "Khảo sát “Khảo sát nhu cầu 2099” đã đóng"
    assert "1/2 đơn vị đã trả lời." in mail.body


def test_a_survey_closed_early_is_told_once(smtp, units, survey):
    services.survey_close(user=units.admin, survey=survey)
    services.survey_close(user=units.admin, survey=survey)
    assert tell_surveys(*daily(dt.date(2099, 4, 1))) == "0 / 0"
    deliver_pending()
    mails = [m for m in smtp.mails if "đã đóng" in m.subject]
    assert [m.to for m in mails] == [["tochuc@ldld-hanoi.vn"]]


def test_a_week_before_plans_are_due_the_units_that_have_not_sent_theirs_are_told(smtp, units):
    PlanDeadline.objects.create(unit=units.hanoi, year=2099, due_on=dt.date(2098, 12, 15))
    assert tell_plans_due(*daily(dt.date(2098, 12, 7))) == "0"
    assert tell_plans_due(*daily(dt.date(2098, 12, 8))) == "2"
    mail = received(smtp)["donganh@congdoan.vn"]
    assert mail.subject == "Báo cáo phải gửi trước ngày 15/12/2098: Kế hoạch đào tạo năm 2099"
    assert tell_plans_due(*daily(dt.date(2098, 12, 9))) == "0"
