"""T-003-4: who trains the chair of a grassroots union, by the member count in force on the
day asked: the confederation from 2,500 members, the province from 1,000, else the
upper-grassroots union."""

import datetime as dt

import pytest

from accounts.access import SYSTEM
from tests.conftest import make_unit, make_user
from training.selectors import chair_duty_unit, chairs_to_train
from training.services import class_create, class_set_status, enrolment_nominate
from units.services import unit_set_figures

DAY = dt.date(2025, 1, 15)


@pytest.mark.parametrize(
    "members, duty", [(999, "melinh"), (1000, "hanoi"), (2499, "hanoi"), (2500, "vgcl")]
)
def test_the_level_responsible_follows_the_member_count_at_the_boundaries(tree, members, duty):
    unit_set_figures(
        user=SYSTEM, unit=tree.school, effective_on=dt.date(2025, 1, 1), member_count=members
    )
    assert chair_duty_unit(tree.school, DAY) == getattr(tree, duty)
    for level in ("melinh", "hanoi", "vgcl"):
        chairs = {p.person_id for p in chairs_to_train(getattr(tree, level), DAY)}
        assert (tree.nguyen.pk in chairs) == (level == duty), (members, level)


def test_a_union_crossing_1000_members_mid_year_changes_level_on_that_day(client, tree):
    unit_set_figures(
        user=SYSTEM, unit=tree.school, effective_on=dt.date(2024, 1, 1), member_count=950
    )
    unit_set_figures(
        user=SYSTEM, unit=tree.school, effective_on=dt.date(2024, 6, 15), member_count=1020
    )
    assert chair_duty_unit(tree.school, dt.date(2024, 6, 14)) == tree.melinh
    assert chair_duty_unit(tree.school, dt.date(2024, 6, 15)) == tree.hanoi
    client.force_login(tree.hanoi_officer)
    for unit, day, listed in [
        (tree.melinh, "14/06/2024", True),
        (tree.hanoi, "14/06/2024", False),
        (tree.melinh, "15/06/2024", False),
        (tree.hanoi, "15/06/2024", True),
    ]:
        body = client.get("/training/chairs/", {"unit": unit.pk, "on": day}).content.decode()
        assert ("Nguyễn Văn An" in body) == listed, (unit.code, day)


def test_without_figures_a_union_counts_as_small(tree):
    assert chair_duty_unit(tree.school, DAY) == tree.melinh


def test_a_grassroots_union_directly_under_a_province_is_the_provinces_duty(tree):
    direct = make_unit(
        "HN-01", "Công đoàn Tổng công ty Du lịch Hà Nội", "grassroots", tree.hanoi, sector="state"
    )
    unit_set_figures(user=SYSTEM, unit=direct, effective_on=dt.date(2020, 1, 1), member_count=300)
    assert chair_duty_unit(direct, DAY) == tree.hanoi


def test_the_chairs_page_shows_who_is_already_trained(client, tree):
    # Nguyễn Văn An passed the Mê Linh class of April 2024 while chair (conftest); his union
    # has 300 members (T-003-4c: without a member count no target judges him).
    unit_set_figures(
        user=SYSTEM, unit=tree.school, effective_on=dt.date(2020, 1, 1), member_count=300
    )
    client.force_login(tree.melinh_officer)
    body = client.get("/training/chairs/", {"on": "01/06/2024"}).content.decode()
    row = body[body.index("Nguyễn Văn An") :]
    assert "✓" in row[:400]
    body = client.get("/training/chairs/", {"on": "01/03/2024"}).content.decode()
    row = body[body.index("Nguyễn Văn An") :]
    assert "✓" not in row[:400]


def test_nominating_a_chair_to_another_levels_class_warns_but_is_allowed(tree):
    unit_set_figures(
        user=SYSTEM, unit=tree.school, effective_on=dt.date(2024, 1, 1), member_count=2600
    )
    c = class_create(
        user=SYSTEM,
        organiser=tree.melinh,
        topics=[tree.topic],
        code="W1",
        name="Lớp huyện",
        start_date=dt.date(2025, 2, 1),
        end_date=dt.date(2025, 2, 2),
        hours=8,
        capacity=10,
    )
    class_set_status(user=SYSTEM, training_class=c, status="open")
    school_officer = make_user("school", tree.school)
    enrolment, warnings = enrolment_nominate(
        user=school_officer, training_class=c, person=tree.nguyen
    )
    assert enrolment.pk and len(warnings) == 1
    assert "Tổng Liên đoàn" in warnings[0]
