"""Needs surveys: who answers, until when, how results add up the tree, and a plan drafted
from them and from the computed training-needs list."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.access import SYSTEM
from planning import selectors, services
from planning.models import PlanStatus, SurveyAnswer, SurveyNeed
from targets.models import Target

DEADLINE = dt.date(2099, 3, 31)


@pytest.fixture
def survey(tree):
    return services.survey_open(
        user=tree.hanoi_officer,
        unit=tree.hanoi,
        year=2025,
        title="Khảo sát nhu cầu 2025",
        deadline=DEADLINE,
        topics=[tree.topic],
    )


def answer(tree, survey, user, unit, **counts):
    return services.answer_save(
        user=user,
        survey=survey,
        unit=unit,
        needs={(tree.topic, group): n for group, n in counts.items()},
    )


def test_results_add_up_the_tree(tree, survey):
    answer(tree, survey, tree.melinh_officer, tree.melinh, full_time=4, part_time=10)
    answer(tree, survey, tree.melinh_officer, tree.school, part_time=7, group_leaders=3)
    answer(tree, survey, tree.hanoi_officer, tree.factory, part_time=5)
    at_hanoi = {r["target_group"]: r["count"] for r in selectors.survey_results(survey, tree.hanoi)}
    assert at_hanoi == {"full_time": 4, "part_time": 22, "group_leaders": 3}
    at_melinh = {
        r["target_group"]: r["count"] for r in selectors.survey_results(survey, tree.melinh)
    }
    assert at_melinh == {"full_time": 4, "part_time": 17, "group_leaders": 3}
    progress = {
        u.code: (u.answered, u.answers_below) for u in selectors.survey_progress(survey, tree.hanoi)
    }
    assert progress == {"HN-ML": (True, 2), "HN-DA": (False, 1)}


def test_each_unit_answers_once_and_may_change_it_until_the_deadline(tree, survey):
    answer(tree, survey, tree.melinh_officer, tree.melinh, full_time=4)
    answer(tree, survey, tree.melinh_officer, tree.melinh, full_time=6)
    assert SurveyAnswer.objects.count() == 1
    assert SurveyNeed.objects.get().count == 6
    # The last day still counts; the day after does not.
    services.answer_save(
        user=tree.melinh_officer,
        survey=survey,
        unit=tree.melinh,
        needs={(tree.topic, "full_time"): 7},
        day=DEADLINE,
    )
    with pytest.raises(ValidationError, match="Khảo sát đã đóng"):
        services.answer_save(
            user=tree.melinh_officer,
            survey=survey,
            unit=tree.melinh,
            needs={(tree.topic, "full_time"): 99},
            day=DEADLINE + dt.timedelta(days=1),
        )
    assert SurveyNeed.objects.get().count == 7


def test_answering_a_closed_survey_is_refused_and_writes_nothing(tree, survey, client):
    services.survey_close(user=tree.hanoi_officer, survey=survey)
    client.force_login(tree.melinh_officer)
    url = reverse("planning:survey_detail", args=[survey.pk])
    page = client.get(url).content.decode()
    assert "Khảo sát đã đóng" in page and 'id="save-answer"' not in page
    response = client.post(url, {f"n_{tree.topic.pk}_full_time": "5"})
    assert "Khảo sát đã đóng" in response.content.decode()
    assert not SurveyAnswer.objects.exists()


def test_who_may_answer(tree, survey):
    with pytest.raises(ValidationError, match="Chỉ các đơn vị trực thuộc"):
        answer(tree, survey, tree.hanoi_officer, tree.hanoi, full_time=1)  # the opener
    with pytest.raises(ValidationError, match="ngoài phạm vi"):
        answer(tree, survey, tree.melinh_officer, tree.factory, full_time=1)  # a sibling's
    with pytest.raises(ValidationError):
        answer(tree, survey, tree.nt_officer, tree.phanrang, full_time=1)  # another province
    assert not SurveyAnswer.objects.exists()


def test_negative_counts_are_refused(tree, survey, client):
    client.force_login(tree.melinh_officer)
    response = client.post(
        reverse("planning:survey_detail", args=[survey.pk]), {f"n_{tree.topic.pk}_full_time": "-3"}
    )
    field = response.context["form"][f"n_{tree.topic.pk}_full_time"]
    assert "lớn hơn hoặc bằng với 0" in " ".join(field.errors)
    with pytest.raises(ValidationError, match="số nguyên từ 0"):
        answer(tree, survey, tree.melinh_officer, tree.melinh, full_time=-3)
    assert not SurveyAnswer.objects.exists()


def test_a_survey_cannot_close_before_it_opens(tree):
    with pytest.raises(ValidationError, match="quá khứ"):
        services.survey_open(
            user=tree.hanoi_officer,
            unit=tree.hanoi,
            year=2025,
            title="X",
            deadline=dt.date(2020, 1, 1),
            topics=[tree.topic],
        )
    with pytest.raises(ValidationError, match="ít nhất một nội dung"):
        services.survey_open(
            user=tree.hanoi_officer,
            unit=tree.hanoi,
            year=2025,
            title="X",
            deadline=DEADLINE,
            topics=[],
        )


def test_a_plan_is_drafted_from_the_survey_and_the_needs_list(tree, survey, client):
    """Mê Linh's draft: its subtree's answers, plus one line per training target that people
    under it must still meet — here a full-time vice-chair of the district, untrained. The
    Ninh Thuận set (001) is used as if Hà Nội had adopted it: a training target on topics
    (T-001-3a) and a qualification (T-001-2a, a degree) beside the 003 ones."""
    from people.models import Role
    from people.services import person_create, position_create

    Target.objects.filter(document__code="001").update(scope_unit=tree.hanoi, active=True)

    vice = person_create(
        user=SYSTEM,
        unit=tree.melinh,
        family_name="Phạm",
        middle_name="Thu",
        given_name="Hà",
        gender="female",
        birth_date=dt.date(1988, 1, 2),
    )
    position_create(
        user=SYSTEM,
        person=vice,
        unit=tree.melinh,
        role=Role.objects.get(code="vice_chair"),
        full_time=True,
        start_date=dt.date(2023, 7, 1),
    )
    answer(tree, survey, tree.melinh_officer, tree.melinh, full_time=4, part_time=10)
    answer(tree, survey, tree.melinh_officer, tree.school, part_time=7)
    client.force_login(tree.melinh_officer)
    response = client.post(reverse("planning:plan_from_survey", args=[survey.pk]))
    plan = tree.melinh.plans.get(year=2025)
    assert response.url == reverse("planning:plan_detail", args=[plan.pk])
    assert plan.status == PlanStatus.DRAFT
    lines = {line.name.split()[0]: line for line in plan.lines.all()}
    from_survey = plan.lines.get(topic=tree.topic, target_group="part_time")
    assert (from_survey.trainees, from_survey.classes) == (17, 1)
    assert plan.lines.get(topic=tree.topic, target_group="full_time").trainees == 4
    # T-003-3, the yearly refresher of full-time cadres, any topic: one person to train.
    refresher = lines["T-003-3"]
    assert (refresher.topic, refresher.target_group, refresher.trainees) == (None, "full_time", 1)
    # T-001-3a (union theory within the term) for the same person, under its first topic.
    theory = Target.objects.get(code="T-001-3a")
    assert (lines["T-001-3a"].topic, lines["T-001-3a"].target_group) == (
        theory.topics.first(),
        "full_time",
    )
    assert lines["T-001-3a"].trainees == 1
    # No line for a qualification (a degree is not a class), though she has none.
    assert "T-001-2a" not in lines
    # The same action again does not make a second plan.
    count = plan.lines.count()
    client.post(reverse("planning:plan_from_survey", args=[survey.pk]))
    assert tree.melinh.plans.count() == 1
    assert plan.lines.count() == count


def test_a_count_too_large_for_the_database_is_refused(tree, survey):
    with pytest.raises(ValidationError):
        answer(tree, survey, tree.melinh_officer, tree.melinh, full_time=2_147_483_648)
    assert not SurveyNeed.objects.exists()
