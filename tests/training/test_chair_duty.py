"""T-003-4 — who trains whom: the chair of a grassroots union is trained by the confederation
when the union has at least 2,500 members, by the province/sector level from 1,000 to 2,499,
and by the upper-grassroots union below 1,000 (by the province when the union sits directly
under it). The member count is the one in force on the day asked (UnitFigures are dated)."""

import datetime as dt
import re

import pytest

from accounts.access import SYSTEM
from people.services import person_create, position_create
from targets.chairs import union_duty
from tests.conftest import make_unit, make_user
from tests.training.test_chairs_organiser import trained_by
from training.models import TrainingRecord
from training.selectors import chair_duty_unit, chairs_to_train
from training.services import (
    class_create,
    class_set_status,
    enrolment_nominate,
)
from units.services import unit_set_figures

DAY = dt.date(2025, 3, 1)
BEFORE_CROSSING = dt.date(2024, 6, 14)
CROSSING = dt.date(2024, 6, 15)
NGUYEN = "Nguyễn Văn An"  # chair of tree.school (Mê Linh); passed a Mê Linh class in 04/2024


def set_members(unit, count, on=dt.date(2024, 1, 1)):
    unit_set_figures(user=SYSTEM, unit=unit, effective_on=on, member_count=count)


def chair_ids(unit, day):
    return {p.person_id for p in chairs_to_train(unit, day)}


def chairs_page_rows(client, user, unit, day: dt.date) -> dict[str, str]:
    """The rows of the 'chairs we must train' page of `unit`, keyed by the chair's name."""
    client.force_login(user)
    response = client.get("/training/chairs/", {"unit": unit.pk, "on": day.strftime("%d/%m/%Y")})
    assert response.status_code == 200
    body = response.content.decode()
    table = body[body.index('id="chairs"') :]
    table = table[: table.index("</table>")]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S):
        name = re.search(r"<a [^>]*>([^<]+)</a>", row)
        if name:
            rows[name.group(1).strip()] = row
    return rows


# --- the rule itself -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "members, level",
    [
        (None, None),  # no member count: in no target's band (its parent lists the chair)
        (0, "upper_grassroots"),
        (999, "upper_grassroots"),
        (1000, "province"),
        (2499, "province"),
        (2500, "confederation"),
        (120_000, "confederation"),
    ],
)
def test_the_duty_level_follows_the_member_count_thresholds(tree, members, level):
    if members is not None:
        set_members(tree.school, members)
    assert union_duty(tree.school, DAY).level == level


@pytest.mark.parametrize(
    "members, duty",
    [
        (999, "melinh"),
        (1000, "hanoi"),
        (2499, "hanoi"),
        (2500, "vgcl"),
    ],
)
def test_at_the_boundaries_the_chair_is_the_duty_of_exactly_one_level(tree, members, duty):
    set_members(tree.school, members)
    assert chair_duty_unit(tree.school, DAY) == getattr(tree, duty)
    for name in ("vgcl", "hanoi", "melinh", "donganh", "ninhthuan"):
        listed = tree.nguyen.pk in chair_ids(getattr(tree, name), DAY)
        assert listed == (name == duty), (members, name)


@pytest.mark.parametrize(
    "members, duty",
    [
        (999, "hanoi"),
        (1000, "hanoi"),
        (2499, "hanoi"),
        (2500, "vgcl"),
    ],
)
def test_a_grassroots_union_directly_under_a_province_is_never_left_without_a_duty_unit(
    tree, members, duty
):
    direct = make_unit(
        "HN-01", "Công đoàn Tổng công ty Du lịch Hà Nội", "grassroots", tree.hanoi, sector="state"
    )
    chair = person_create(
        user=SYSTEM,
        unit=direct,
        family_name="Phạm",
        middle_name="Thị",
        given_name="Dung",
        gender="female",
    )
    position_create(
        user=SYSTEM, person=chair, unit=direct, role=tree.chair_role, start_date=dt.date(2023, 1, 1)
    )
    set_members(direct, members)
    assert chair_duty_unit(direct, DAY) == getattr(tree, duty)
    for name in ("vgcl", "hanoi", "melinh", "donganh"):
        assert (chair.pk in chair_ids(getattr(tree, name), DAY)) == (name == duty), name


def test_a_union_without_figures_counts_as_a_small_union(tree):
    assert chair_duty_unit(tree.school, DAY) == tree.melinh
    assert tree.nguyen.pk in chair_ids(tree.melinh, DAY)
    assert tree.nguyen.pk not in chair_ids(tree.hanoi, DAY)


def test_figures_dated_after_the_day_asked_are_not_yet_in_force(tree):
    set_members(tree.school, 3000, on=dt.date(2025, 6, 1))
    assert chair_duty_unit(tree.school, dt.date(2025, 5, 31)) == tree.melinh
    assert chair_duty_unit(tree.school, dt.date(2025, 6, 1)) == tree.vgcl


def test_only_the_chairs_of_grassroots_unions_are_listed_not_other_posts(tree):
    set_members(tree.factory, 500)  # Trần Thị Bình is an executive member there, not the chair
    assert tree.tran.pk not in chair_ids(tree.donganh, DAY)
    assert tree.nguyen.pk not in chair_ids(tree.donganh, DAY)


def test_chairs_of_another_province_are_not_on_the_province_list(tree):
    set_members(tree.nt_grassroots, 1500)
    assert chair_duty_unit(tree.nt_grassroots, DAY) == tree.ninhthuan
    assert tree.le.pk in chair_ids(tree.ninhthuan, DAY)
    assert tree.le.pk not in chair_ids(tree.hanoi, DAY)
    assert tree.le.pk not in chair_ids(tree.vgcl, DAY)


# --- a union that crosses 1,000 members during the year ------------------------------------


@pytest.fixture
def crossing(tree):
    """Mê Linh school: 950 members from 01/01/2024, 1,020 from 15/06/2024. A second Mê Linh
    union stays small and its chair, elected in 2024, has not been trained."""
    set_members(tree.school, 950, on=dt.date(2024, 1, 1))
    set_members(tree.school, 1020, on=CROSSING)
    tree.small = make_unit(
        "HN-ML-02",
        "Công đoàn Công ty CP May Mê Linh",
        "grassroots",
        tree.melinh,
        sector="non_state",
    )
    set_members(tree.small, 300, on=dt.date(2024, 1, 1))
    tree.pham = person_create(
        user=SYSTEM,
        unit=tree.small,
        family_name="Phạm",
        middle_name="Thị",
        given_name="Dung",
        gender="female",
    )
    position_create(
        user=SYSTEM,
        person=tree.pham,
        unit=tree.small,
        role=tree.chair_role,
        start_date=dt.date(2024, 1, 1),
    )
    return tree


def test_a_union_crossing_1000_members_moves_to_the_province_on_the_day_it_crosses(crossing):
    t = crossing
    assert chair_duty_unit(t.school, BEFORE_CROSSING) == t.melinh
    assert chair_duty_unit(t.school, CROSSING) == t.hanoi
    assert chair_duty_unit(t.small, CROSSING) == t.melinh


@pytest.mark.parametrize("day, duty", [(BEFORE_CROSSING, "melinh"), (CROSSING, "hanoi")])
def test_the_crossing_chair_is_on_the_duty_units_page_only(client, crossing, day, duty):
    t = crossing
    pages = {
        "vgcl": t.admin,
        "hanoi": t.hanoi_officer,
        "melinh": t.melinh_officer,
        "donganh": make_user("donganh", t.donganh),
    }
    for name, user in pages.items():
        rows = chairs_page_rows(client, user, getattr(t, name), day)
        assert (NGUYEN in rows) == (name == duty), (day, name)
        assert ("Phạm Thị Dung" in rows) == (name == "melinh"), (day, name)


@pytest.mark.parametrize("day", [BEFORE_CROSSING, CROSSING])
def test_the_chairs_page_ticks_whom_the_duty_level_trained_since_taking_the_post(
    client, crossing, day
):
    """Nguyễn Văn An passed Mê Linh's ML-2024-01 (ended 03/04/2024), chair since 06/2023: it
    meets Mê Linh's duty; once the union crosses 1,000 members, the duty is Hà Nội's, and
    Mê Linh's class is shown as another level's, not counted (003 §III: each level "trực tiếp
    tổ chức" the training of its chairs)."""
    t = crossing
    duty = chair_duty_unit(t.school, day)
    user = t.melinh_officer if duty == t.melinh else t.hanoi_officer
    rows = chairs_page_rows(client, user, duty, day)
    by_person = {p.person_id: p for p in chairs_to_train(duty, day)}
    if day == BEFORE_CROSSING:
        assert "✓" in rows[NGUYEN]
        assert (by_person[t.nguyen.pk].trained, by_person[t.nguyen.pk].elsewhere) == (True, False)
    else:
        assert "✓" not in rows[NGUYEN] and "đã học lớp của cấp khác" in rows[NGUYEN]
        assert (by_person[t.nguyen.pk].trained, by_person[t.nguyen.pk].elsewhere) == (False, True)
    small_rows = chairs_page_rows(client, t.melinh_officer, t.melinh, day)
    assert "✓" not in small_rows["Phạm Thị Dung"]
    assert by_person[t.nguyen.pk].members == (950 if day == BEFORE_CROSSING else 1020)


def test_the_chairs_page_of_the_district_shows_the_member_count_in_force(client, crossing):
    rows = chairs_page_rows(client, crossing.melinh_officer, crossing.melinh, BEFORE_CROSSING)
    assert ">950<" in rows[NGUYEN].replace(" ", "")


def test_a_district_officer_cannot_open_the_provinces_chairs_page(client, crossing):
    client.force_login(crossing.melinh_officer)
    response = client.get("/training/chairs/", {"unit": crossing.hanoi.pk, "on": "15/06/2024"})
    assert response.status_code == 404


# --- the trained flag ----------------------------------------------------------------------


def test_training_before_taking_the_post_does_not_count_and_training_after_does(crossing):
    """Phạm Thị Dung took the chair on 01/01/2024; Mê Linh (her union's duty) trained her
    before that, then again on 01/09/2024."""
    t = crossing
    trained_by(t, t.melinh, t.pham, "ML-2023-09", start=dt.date(2023, 10, 1))

    def trained(day):
        return {p.person_id: p.trained for p in chairs_to_train(t.melinh, day)}[t.pham.pk]

    assert trained(dt.date(2024, 9, 1)) is False
    trained_by(t, t.melinh, t.pham, "ML-2024-09", start=dt.date(2024, 9, 1))
    assert trained(dt.date(2024, 8, 31)) is False
    assert trained(dt.date(2024, 9, 1)) is True
    TrainingRecord.objects.filter(person=t.pham, completed_on=dt.date(2024, 9, 1)).update(
        valid=False
    )
    assert trained(dt.date(2024, 9, 1)) is False


# --- nominating a chair to another level's class -------------------------------------------


def open_class(organiser, topic, code, start):
    c = class_create(
        user=SYSTEM,
        organiser=organiser,
        topics=[topic],
        code=code,
        name=f"Lớp {code}",
        start_date=start,
        end_date=start + dt.timedelta(days=2),
        hours=16,
        capacity=30,
    )
    return class_set_status(user=SYSTEM, training_class=c, status="open")


def test_nominating_a_chair_to_a_class_of_a_level_that_is_not_their_duty_warns_but_succeeds(
    crossing,
):
    t = crossing
    c = open_class(t.melinh, t.topic, "ML-2024-07", CROSSING)  # the school is Hà Nội's by then
    enrolment, warnings = enrolment_nominate(
        user=t.melinh_officer, training_class=c, person=t.nguyen
    )
    assert enrolment.pk is not None and enrolment.status == "nominated"
    assert enrolment.person == t.nguyen and enrolment.training_class == c
    assert len(warnings) == 1 and warnings[0].strip()


def test_nominating_a_chair_to_the_duty_units_class_gives_no_warning(crossing):
    t = crossing
    before = open_class(t.melinh, t.topic, "ML-2024-06", BEFORE_CROSSING)
    after = open_class(t.hanoi, t.topic, "HN-2024-06", CROSSING)
    said = {}
    for c in (before, after):
        enrolment, said[c] = enrolment_nominate(
            user=t.melinh_officer, training_class=c, person=t.nguyen
        )
        assert enrolment.pk is not None
    assert said[after] == []
    # Mê Linh trained its chair in April 2024 (the tree's class): its class of June in the same
    # term adds nothing to T-003-4c, and says only that (tests/training/test_already_met.py).
    assert len(said[before]) == 1 and "đã đạt chỉ tiêu T-003-4c" in said[before][0]


def test_the_warning_uses_the_member_count_on_the_first_day_of_the_class(crossing):
    t = crossing
    c = open_class(t.hanoi, t.topic, "HN-2024-05", BEFORE_CROSSING)  # still Mê Linh's duty
    _enrolment, warnings = enrolment_nominate(
        user=t.hanoi_officer, training_class=c, person=t.nguyen
    )
    assert len(warnings) == 1


def test_nominating_someone_who_is_not_a_chair_gives_no_warning(crossing):
    t = crossing
    set_members(t.factory, 2600)
    c = open_class(t.donganh, t.topic, "DA-2024-07", CROSSING)
    _enrolment, warnings = enrolment_nominate(
        user=make_user("donganh", t.donganh), training_class=c, person=t.tran
    )
    assert warnings == []
