"""Each built-in target at its edges, through `person_obligations` and `unit_counts`."""

import datetime as dt

import pytest

from accounts.access import SYSTEM
from people.models import EducationLevel, Role
from people.services import person_create, position_create
from targets.engine import person_obligations, person_targets, unit_counts
from targets.models import Target
from tests.conftest import make_unit
from training.models import Topic
from training.services import external_record_create
from units.services import term_create, unit_set_figures

D = dt.date


@pytest.fixture
def world(db):
    vgcl = make_unit("TLD", "Tổng Liên đoàn Lao động Việt Nam", "confederation", None)
    province = make_unit("NT", "Liên đoàn Lao động tỉnh Ninh Thuận", "provincial_federation", vgcl)
    district = make_unit(
        "NT-PR", "Liên đoàn Lao động thành phố Phan Rang", "district_federation", province
    )
    # The 001 set is the Ninh Thuận resolution: it applies to the province's subtree.
    Target.objects.filter(document__code="001").update(scope_unit=province, active=True)
    return vgcl, province, district


def person(unit, given, education=EducationLevel.UNIVERSITY):
    return person_create(
        user=SYSTEM,
        unit=unit,
        family_name="Nguyễn",
        middle_name="Văn",
        given_name=given,
        gender="male",
        birth_date=D(1980, 1, 1),
        education_level=education,
    )


def post(who, unit, role, start, **extra):
    return position_create(
        user=SYSTEM,
        person=who,
        unit=unit,
        role=Role.objects.get(code=role),
        start_date=start,
        **extra,
    )


def record(who, day, topics, hours=16, organiser=None):
    return external_record_create(
        user=SYSTEM,
        person=who,
        title=f"Khoá học {day:%d/%m/%Y}",
        topics=list(Topic.objects.filter(code__in=topics)),
        hours=hours,
        completed_on=day,
        form="on_site",
        organiser=organiser,
    )


def status(who, code, day):
    obligation = next(o for o in person_obligations(who, day) if o.target.code == code)
    return obligation


# --- T-003-1: newly elected key leaders, by the end of the term's 2nd year -----------------


def test_a_new_key_leader_is_due_on_the_last_day_of_the_terms_2nd_year(world):
    _, province, _ = world
    term_create(
        user=SYSTEM,
        unit=province,
        name="2023-2028",
        start_date=D(2023, 10, 15),
        end_date=D(2028, 10, 14),
    )
    chair = person(province, "An")
    post(chair, province, "chair", D(2023, 10, 15), first_time_on_committee=True)

    last_day = status(chair, "T-003-1", D(2025, 10, 14))
    assert (last_day.status, last_day.due_on) == ("due", D(2025, 10, 14))
    day_after = status(chair, "T-003-1", D(2025, 10, 15))
    assert (day_after.status, day_after.due_on) == ("overdue", D(2025, 10, 14))

    met = record(chair, D(2025, 10, 14), ["union_general"])
    on_last_day = status(chair, "T-003-1", D(2025, 10, 14))
    assert (on_last_day.status, on_last_day.record) == ("met", met)
    assert status(chair, "T-003-1", D(2025, 10, 15)).status == "met"
    assert status(chair, "T-003-1", D(2025, 10, 13)).status == "due"  # not yet, the day before


def test_a_re_elected_chair_is_not_newly_elected(world):
    _, province, _ = world
    term_create(
        user=SYSTEM,
        unit=province,
        name="2018-2023",
        start_date=D(2018, 10, 15),
        end_date=D(2023, 10, 14),
    )
    term_create(
        user=SYSTEM,
        unit=province,
        name="2023-2028",
        start_date=D(2023, 10, 15),
        end_date=D(2028, 10, 14),
    )
    chair = person(province, "Bình")
    post(
        chair, province, "chair", D(2018, 10, 15), end_date=D(2023, 10, 14), end_reason="term_ended"
    )
    post(chair, province, "chair", D(2023, 10, 15))
    assert status(chair, "T-003-1", D(2024, 1, 1)).status == "not_applicable"


def test_grassroots_key_leaders_are_not_in_t_003_1(world):
    _, _, district = world
    union = make_unit("NT-PR-01", "Công đoàn Công ty A", "grassroots", district)
    chair = person(union, "Cường")
    post(chair, union, "chair", D(2023, 6, 1))
    assert status(chair, "T-003-1", D(2024, 1, 1)).status == "not_applicable"


# --- T-003-3: yearly refresher of full-time cadres from upper-grassroots up -----------------


def test_the_yearly_refresher_resets_on_1_january(world):
    _, _, district = world
    cadre = person(district, "Dũng")
    post(cadre, district, "advisory_staff", D(2024, 3, 1), full_time=True)
    record(cadre, D(2025, 6, 10), ["labour_law"])
    assert status(cadre, "T-003-3", D(2025, 12, 31)).status == "met"
    reset = status(cadre, "T-003-3", D(2026, 1, 1))
    assert (reset.status, reset.due_on) == ("due", D(2026, 12, 31))
    # Never overdue: a new window opens each 1 January.
    assert status(cadre, "T-003-3", D(2025, 6, 9)).status == "due"


def test_part_time_cadres_have_no_yearly_refresher_target(world):
    _, _, district = world
    cadre = person(district, "Giang")
    post(cadre, district, "executive_member", D(2024, 3, 1), full_time=False)
    assert status(cadre, "T-003-3", D(2025, 6, 1)).status == "not_applicable"


# --- T-001-4: chairs of non-state unions, collective bargaining by 31/12/2023 -----------------


def test_the_collective_bargaining_deadline_of_31_12_2023(world):
    """001: "Phấn đấu đến năm 2023, 100% chủ tịch CĐCS ngoài khu vực nhà nước được tập huấn,
    kỹ năng thương lượng tập thể; công tác giám sát thực hiện pháp luật, an toàn vệ sinh lao
    động, thực hiện quy chế dân chủ ở cơ sở." Four contents, every one required (issue 20 §6):
    one course in one of them (OSH, say) does not meet it."""
    _, _, district = world
    private = make_unit(
        "NT-PR-02", "Công đoàn Công ty TNHH B", "grassroots", district, sector="non_state"
    )
    state = make_unit("NT-PR-03", "Công đoàn Điện lực C", "grassroots", district, sector="state")
    chair, other = person(private, "Hải"), person(state, "Khánh")
    post(chair, private, "chair", D(2021, 3, 1))
    post(other, state, "chair", D(2021, 3, 1))

    # The deadline's own day, that day being over, reads the final result (§9).
    assert status(chair, "T-001-4", D(2023, 12, 30)).status == "due"
    assert status(chair, "T-001-4", D(2023, 12, 31)).status == "overdue"
    assert status(chair, "T-001-4", D(2024, 1, 1)).status == "overdue"
    assert status(other, "T-001-4", D(2023, 12, 31)).status == "not_applicable"
    record(chair, D(2023, 12, 31), ["osh"])
    assert status(chair, "T-001-4", D(2023, 12, 31)).status == "overdue"
    record(chair, D(2023, 3, 1), ["collective_bargaining", "law_supervision"])
    record(chair, D(2023, 12, 30), ["democracy_supervision"])
    assert status(chair, "T-001-4", D(2023, 12, 31)).status == "met"
    assert status(chair, "T-001-4", D(2023, 12, 30)).status == "due"  # OSH comes the next day


# --- T-001-2a: full-time cadres hold a university degree --------------------------------------


def test_the_degree_requirement(world):
    _, province, district = world
    college = person(district, "Lan", EducationLevel.COLLEGE)
    university = person(province, "Minh", EducationLevel.UNIVERSITY)
    part_time = person(district, "Nam", EducationLevel.UPPER_SECONDARY)
    post(college, district, "advisory_staff", D(2022, 1, 1), full_time=True)
    post(university, province, "advisory_staff", D(2022, 1, 1), full_time=True)
    post(part_time, district, "executive_member", D(2022, 1, 1), full_time=False)
    day = D(2024, 1, 1)
    assert status(college, "T-001-2a", day).status == "due"
    assert status(university, "T-001-2a", day).status == "met"
    assert status(part_time, "T-001-2a", day).status == "not_applicable"
    target = Target.objects.get(code="T-001-2a")
    counts = unit_counts(next(t for t in person_targets(day) if t.pk == target.pk), day)
    assert counts == {district.pk: (1, 0, 0, 0), province.pk: (1, 1, 0, 0)}


# --- T-003-4a/b/c: chairs by member band, on the figures in force that day ----------------


@pytest.mark.parametrize(
    "members, band", [(999, "T-003-4c"), (1000, "T-003-4b"), (2499, "T-003-4b"), (2500, "T-003-4a")]
)
def test_chairs_fall_in_the_band_of_their_members_that_day(world, members, band):
    _, _, district = world
    union = make_unit("NT-PR-09", "Công đoàn Công ty D", "grassroots", district)
    unit_set_figures(user=SYSTEM, unit=union, effective_on=D(2024, 1, 1), member_count=members)
    unit_set_figures(user=SYSTEM, unit=union, effective_on=D(2025, 1, 1), member_count=10)
    chair = person(union, "Oanh")
    post(chair, union, "chair", D(2023, 6, 1))
    statuses = {
        o.target.code: o.status
        for o in person_obligations(chair, D(2024, 6, 1))
        if o.target.code.startswith("T-003-4")
    }
    assert statuses == {
        code: ("due" if code == band else "not_applicable")
        for code in ("T-003-4a", "T-003-4b", "T-003-4c")
    }
    # A year later the union has 10 members: the chair is the upper-grassroots union's duty.
    assert status(chair, "T-003-4c", D(2025, 6, 1)).status == "due"


def test_records_outside_the_topics_or_too_short_do_not_count(world):
    _, _, district = world
    union = make_unit("NT-PR-10", "Công đoàn Công ty E", "grassroots", district)
    unit_set_figures(user=SYSTEM, unit=union, effective_on=D(2020, 1, 1), member_count=200)
    term_create(
        user=SYSTEM, unit=union, name="2023-2028", start_date=D(2023, 6, 1), end_date=D(2028, 5, 31)
    )
    chair = person(union, "Phúc")
    post(chair, union, "chair", D(2023, 6, 1))
    # Organised by the district, the level responsible (issue 20 §1): only topics, window
    # and hours decide here.
    record(chair, D(2024, 1, 10), ["osh"], organiser=district)  # not a qualifying topic
    record(chair, D(2022, 1, 10), ["union_theory"], organiser=district)  # before the term
    assert status(chair, "T-003-4c", D(2024, 6, 1)).status == "due"
    Target.objects.filter(code="T-003-4c").update(min_hours=16)
    record(chair, D(2024, 2, 10), ["union_theory"], hours=8, organiser=district)  # too short
    assert status(chair, "T-003-4c", D(2024, 6, 1)).status == "due"
    record(chair, D(2024, 3, 10), ["union_theory"], hours=16)  # nobody's duty done
    assert status(chair, "T-003-4c", D(2024, 6, 1)).status == "due"
    record(chair, D(2024, 3, 11), ["union_theory"], hours=16, organiser=district)
    assert status(chair, "T-003-4c", D(2024, 6, 1)).status == "met"
    # The term's end passes without the record: overdue the day after the term. (Another
    # union: a union has one chair at a time, Role.max_holders.)
    other_union = make_unit("NT-PR-11", "Công đoàn Công ty G", "grassroots", district)
    unit_set_figures(user=SYSTEM, unit=other_union, effective_on=D(2020, 1, 1), member_count=200)
    term_create(
        user=SYSTEM,
        unit=other_union,
        name="2023-2028",
        start_date=D(2023, 6, 1),
        end_date=D(2028, 5, 31),
    )
    other = person(other_union, "Quang")
    post(other, other_union, "chair", D(2023, 6, 1), end_date=D(2030, 1, 1), end_reason="left")
    assert status(other, "T-003-4c", D(2028, 5, 31)).status == "due"
    assert status(other, "T-003-4c", D(2028, 6, 1)).status == "overdue"


def test_a_person_with_two_qualifying_posts_counts_once(world):
    _, province, district = world
    cadre = person(district, "Sơn")
    post(cadre, district, "advisory_staff", D(2024, 1, 1), full_time=True)
    post(cadre, province, "department_head", D(2024, 2, 1), full_time=True)
    day = D(2024, 6, 1)
    target = next(t for t in person_targets(day) if t.code == "T-003-3")
    assert unit_counts(target, day) == {district.pk: (1, 0, 0, 0)}  # at the lowest-id post
