"""T-003-4: the duty is the responsible level's to organise (issue 20 §1).

003 §III.1: "Trực tiếp tổ chức bồi dưỡng kỹ năng, nghiệp vụ công đoàn đối với chủ tịch công
đoàn cơ sở có từ 2.500 đoàn viên trở lên"; §III.2 "Trực tiếp tổ chức bồi dưỡng kỹ năng, nghiệp
vụ công đoàn đối với chủ tịch công đoàn cơ sở có từ 1000 đến dưới 2.500 đoàn viên"; §III.3
"Trực tiếp tổ chức bồi dưỡng kỹ năng, nghiệp vụ công đoàn đối với chủ tịch công đoàn cơ sở có
dưới 1.000 đoàn viên." A chair counts for the level whose duty they are only with a class that
level organised; training by another level is shown beside, not counted (docs/chi-tieu.md).

`tree`: Nguyễn Văn An chairs the school (Mê Linh district, Hà Nội), and passed Mê Linh's class
of April 2024.
"""

import datetime as dt

import pytest

from accounts.access import SYSTEM
from targets.chairs import duty as chair_duty
from tests.api import ApiClient
from tests.conftest import make_unit, make_user
from training.services import (
    class_create,
    class_set_status,
    enrolment_accept,
    enrolment_nominate,
    results_record,
)
from units.services import unit_set_figures

DAY = dt.date(2025, 3, 1)


def members(unit, n):
    unit_set_figures(user=SYSTEM, unit=unit, effective_on=dt.date(2025, 1, 1), member_count=n)


def row_of(unit, person, day=DAY):
    return next(r for r in chair_duty(unit, day).rows if r.person_id == person.pk)


def trained_by(tree, organiser, person, code, start=dt.date(2025, 2, 10)):
    c = class_create(
        user=SYSTEM,
        organiser=organiser,
        topics=[tree.topic],
        code=code,
        name=f"Bồi dưỡng chủ tịch CĐCS {code}",
        start_date=start,
        end_date=start,
        hours=8,
        capacity=30,
    )
    class_set_status(user=SYSTEM, training_class=c, status="open")
    officer = make_user(f"officer-{code.lower()}", organiser)  # nominates into its own class
    enrolment, _ = enrolment_nominate(user=officer, training_class=c, person=person)
    enrolment_accept(user=SYSTEM, enrolment=enrolment)
    class_set_status(user=SYSTEM, training_class=c, status="running")
    results_record(user=SYSTEM, enrolment=enrolment, attendance_percent=100, score=9, passed=True)
    return c


@pytest.mark.parametrize(
    "count, duty", [(999, "melinh"), (1000, "hanoi"), (2499, "hanoi"), (2500, "vgcl")]
)
def test_only_the_class_of_the_level_responsible_counts(tree, count, duty):
    members(tree.school, count)
    holder = getattr(tree, duty)
    row = row_of(holder, tree.nguyen)
    # Mê Linh's class of 2024 (the term began 01/06/2023) counts only where Mê Linh is the duty.
    assert row.trained is (duty == "melinh")
    assert row.elsewhere is (duty != "melinh")
    if duty != "melinh":
        trained_by(tree, holder, tree.nguyen, f"DUTY-{count}")
        row = row_of(holder, tree.nguyen)
        assert (row.trained, row.elsewhere) == (True, False)


def test_a_class_of_a_level_above_the_duty_does_not_count_either(tree):
    """A union of 300 members is Mê Linh's duty: a class of Hà Nội is another level's."""
    members(tree.factory, 300)
    from people.services import position_create

    position_create(
        user=SYSTEM,
        person=tree.tran,
        unit=tree.factory,
        role=tree.chair_role,
        start_date=dt.date(2024, 1, 1),
    )
    trained_by(tree, tree.hanoi, tree.tran, "HN-2025-01")
    row = row_of(tree.donganh, tree.tran)
    assert (row.trained, row.elsewhere, row.status) == (False, True, "due")
    trained_by(tree, tree.donganh, tree.tran, "DA-2025-01")
    assert row_of(tree.donganh, tree.tran).trained is True


def test_a_small_union_directly_under_a_province_is_trained_by_the_province(tree):
    union = make_unit("HN-02", "Công đoàn Sở Giáo dục Hà Nội", "grassroots", tree.hanoi)
    members(union, 400)
    from people.services import person_create, position_create

    chair = person_create(
        user=SYSTEM,
        unit=union,
        family_name="Phạm",
        middle_name="Văn",
        given_name="Tùng",
        gender="male",
        birth_date=dt.date(1979, 1, 1),
    )
    position_create(
        user=SYSTEM, person=chair, unit=union, role=tree.chair_role, start_date=dt.date(2024, 1, 1)
    )
    trained_by(tree, tree.hanoi, chair, "HN-2025-02")
    assert row_of(tree.hanoi, chair).trained is True


def test_the_page_the_export_and_the_api_show_training_by_others(client, tree):
    members(tree.school, 1200)
    client.force_login(tree.hanoi_officer)
    page = client.get("/training/chairs/", {"unit": tree.hanoi.pk, "on": DAY.isoformat()})
    html = page.content.decode()
    assert "đã học lớp của cấp khác: không tính" in html
    assert "0</strong> / 1" in html  # T-003-4b: 0 of 1 trained by Hà Nội
    body = ApiClient(tree.hanoi_officer).get(
        f"/units/{tree.hanoi.pk}/chairs", {"on": DAY.isoformat()}
    )
    (chair,) = [c for c in body.json()["items"] if c["person_id"] == tree.nguyen.pk]
    assert (chair["target"], chair["trained"], chair["trained_elsewhere"]) == (
        "T-003-4b",
        False,
        True,
    )


def test_the_chairs_page_says_each_status_in_the_targets_words():
    """One set of words for a chair's standing: the chairs page (training, which may not import
    targets) keeps a copy; it must not drift."""
    from targets.engine import STATUS_LABELS
    from training.views import CHAIR_STATUSES

    assert {k: str(v) for k, v in CHAIR_STATUSES.items()} == {
        k: str(v) for k, v in STATUS_LABELS.items()
    }
