"""A plan drafted from the needs keeps each target's people apart, in the group they belong to
(issue 21, point 8).

004: "rà soát nắm chắc số lượng cán bộ mới chưa được đào tạo và các đối tượng cán bộ Công đoàn
cần đào tạo như cán bộ chủ chốt, tổ trưởng, tổ phó v.v... từ đó thống kê, phân loại, báo cáo
Ban Tổ chức LĐLĐ Thành phố để xây dựng kế hoạch đào tạo". A draft line was keyed by (first
topic, group) and took the larger of two targets' counts, and every target that does not say
full-time or part-time was filed under "full-time cadres": Mê Linh's draft had a line
"T-003-4c Chủ tịch CĐCS dưới 1.000", full-time, whose trainees were in fact union-group
leaders. Now there is one line per target and group, the group its people's posts say."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.access import SYSTEM
from people.models import Role
from people.services import person_create, position_create
from planning import services
from planning.models import TargetGroup
from targets.models import SourceDocument, Target, WindowKind
from tests.conftest import make_unit
from units.services import unit_set_figures

TODAY_2025 = dt.date(2025, 3, 1)


def holder(tree, role: str, given: str, full_time=False, unit=None):
    unit = unit or tree.school
    person = person_create(
        user=SYSTEM,
        unit=unit,
        family_name="Đặng",
        middle_name="Thị",
        given_name=given,
        gender="female",
        birth_date=dt.date(1990, 1, 1),
    )
    position_create(
        user=SYSTEM,
        person=person,
        unit=unit,
        role=Role.objects.get(code=role),
        full_time=full_time,
        start_date=dt.date(2023, 6, 1),
    )
    return person


@pytest.fixture
def needs(tree):
    """Under Mê Linh: the new chair of a garment company's union of 600 members (T-003-4c, a
    key leader, part-time) is untrained; Hà Nội's own target for union-group leaders and
    deputies (no full-time filter, the course T-003-4c is drafted under) has two group
    leaders and two deputies still to train."""
    groups = Target.objects.create(
        document=SourceDocument.objects.get(code="004"),
        code="HN-TO-1",
        name="Tổ trưởng, tổ phó công đoàn được bồi dưỡng nghiệp vụ",
        scope_unit=tree.hanoi,
        threshold=Decimal(100),
        window=WindowKind.TERM,
        rank=500,
    )
    groups.roles.set(Role.objects.filter(code__in=["group_leader", "group_deputy"]))
    # The course T-003-4c's line is drafted under (its first topic): the two lines were merged.
    tree.course = next(iter(Target.objects.get(code="T-003-4c").topics.all()))
    groups.topics.set([tree.course])
    garment = make_unit("HN-ML-02", "Công đoàn Công ty May Mê Linh", "grassroots", tree.melinh)
    unit_set_figures(user=SYSTEM, unit=garment, effective_on=dt.date(2023, 1, 1), member_count=600)
    holder(tree, "chair", "Quang", unit=garment)
    holder(tree, "group_leader", "Lan")  # one leader per union, deputies several
    holder(tree, "group_deputy", "Mai")
    holder(tree, "group_deputy", "Na")
    holder(tree, "group_leader", "Oanh", unit=garment)
    return tree


def drafted(client, tree, user, unit, survey=None):
    if survey is None:
        return services.plan_draft_from_needs(
            user=user, unit=unit, year=2025, survey=None, day=TODAY_2025
        )
    client.force_login(user)
    client.post(reverse("planning:plan_from_survey", args=[survey.pk]))
    return unit.plans.get(year=2025)


def lines_of(plan) -> dict[str, list[tuple]]:
    found: dict[str, list[tuple]] = {}
    for line in plan.lines.all():
        found.setdefault(line.name.split()[0], []).append((line.target_group, line.trainees))
    return found


def test_each_target_is_a_line_of_its_own_people_in_their_group(needs):
    tree = needs
    plan = drafted(None, tree, tree.melinh_officer, tree.melinh)
    lines = lines_of(plan)
    # The four union-group officers are a line of their own, in their group.
    assert lines["HN-TO-1"] == [(TargetGroup.GROUP_LEADERS, 4)]
    # The new chair of a union under 1,000 members is a key leader, not "full-time cadres",
    # and is not merged with the group leaders though both lines are the same course.
    assert lines["T-003-4c"] == [(TargetGroup.KEY_LEADERS, 1)]
    general = plan.lines.filter(topic=tree.course).values_list("target_group", "trainees")
    assert sorted(general) == [(TargetGroup.GROUP_LEADERS, 4), (TargetGroup.KEY_LEADERS, 1)]


def test_a_target_naming_its_population_keeps_it(needs):
    """T-003-3 says full-time cadres: its line stays "full-time", whoever they are."""
    tree = needs
    vice = holder(tree, "vice_chair", "Phượng", full_time=True)
    position_create(
        user=SYSTEM,
        person=vice,
        unit=tree.melinh,
        role=Role.objects.get(code="executive_member"),
        full_time=True,
        start_date=dt.date(2023, 7, 1),
    )
    lines = lines_of(drafted(None, tree, tree.melinh_officer, tree.melinh))
    assert {g for g, _n in lines["T-003-3"]} == {TargetGroup.FULL_TIME}


def test_a_survey_line_of_the_same_course_and_group_is_the_targets_line(client, needs):
    """The survey counted group leaders for the same course too: one line, the larger
    count — the same people's needs, not two lines of them."""
    tree = needs
    survey = services.survey_open(
        user=tree.hanoi_officer,
        unit=tree.hanoi,
        year=2025,
        title="Khảo sát nhu cầu 2025",
        deadline=dt.date(2099, 3, 31),
        topics=[tree.course],
    )
    services.answer_save(
        user=tree.melinh_officer,
        survey=survey,
        unit=tree.school,
        needs={(tree.course, "group_leaders"): 6, (tree.course, "part_time"): 2},
    )
    plan = drafted(client, tree, tree.melinh_officer, tree.melinh, survey)
    group_lines = plan.lines.filter(topic=tree.course, target_group=TargetGroup.GROUP_LEADERS)
    assert [(line.name.split()[0], line.trainees) for line in group_lines] == [("HN-TO-1", 6)]
    assert plan.lines.get(topic=tree.course, target_group=TargetGroup.PART_TIME).trainees == 2
