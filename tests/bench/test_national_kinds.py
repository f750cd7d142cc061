"""The national generator's every-kind step (bench/national_kinds.py): each kind in proportion
to the people, nothing added the second time, and the rows as the services would have left
them (a class's status follows its dates, records and certificates only once it ended,
attendance from the sessions, pool entries within the term, inspections of a unit below…)."""

import random

from django.core.management import call_command

from bench.national_kinds import ensure_every_kind
from cadrework.models import FollowUp, Inspection, Pool, PoolEntry, PoolReview
from elearning.models import Course, CourseEnrolment, LessonProgress, QuizAttempt
from lib.dates import today
from planning.models import Employer, MemberGrowth, Spending, Survey, SurveyAnswer, SurveyNeed
from training.attendance import attendance_percentages
from training.models import (
    ClassLecturer,
    ClassSession,
    Enrolment,
    Lecturer,
    SessionAttendance,
    TrainingClass,
    TrainingRecord,
)
from units.models import Unit
from units.places import is_within

PEOPLE = 3000


def test_every_kind_in_proportion_once_and_by_the_rules(db):
    call_command("generate_national", people=PEOPLE, grassroots=PEOPLE // 7)
    check_proportions(ensure_every_kind())
    again = ensure_every_kind()
    assert not any(again.values()), again
    check_rules()


def check_proportions(counts: dict) -> None:
    assert all(counts[kind] > 0 for kind in counts), counts
    upper = Unit.objects.exclude(kind__level__code="grassroots").count()
    years = today().year - 2020 + 1
    assert Lecturer.objects.count() == counts["lecturers"] >= 20
    assert 8 * years <= counts["classes"] <= 10 * (years + 1)  # max(N / 400, 10) a year
    assert 25 <= counts["enrolments"] / counts["classes"] <= 70
    assert Spending.objects.count() == upper * (today().year - 2021 + 1)
    assert Employer.objects.count() == PEOPLE // 25
    assert Course.objects.count() == 12
    assert 0.15 * PEOPLE <= CourseEnrolment.objects.count() <= 0.3 * PEOPLE
    assert counts["inspections"] >= 20 * (years - 2)
    assert Survey.objects.count() == counts["surveys"] > 0
    assert Pool.objects.count() == counts["pools"] >= upper * 2


def check_rules() -> None:
    day = today()
    rng = random.Random(7)
    sample = lambda model: rng.sample(list(model.objects.all()), min(25, model.objects.count()))  # noqa: E731
    for model in (TrainingClass, Enrolment, TrainingRecord, ClassSession, ClassLecturer, Lecturer):
        for row in sample(model):
            row.full_clean()
    for model in (Spending, MemberGrowth, Employer, Survey, SurveyAnswer, SurveyNeed):
        for row in sample(model):
            row.full_clean()
    for model in (Pool, PoolReview, PoolEntry, Inspection, FollowUp):
        for row in sample(model):
            row.full_clean()
    for model in (Course, CourseEnrolment, LessonProgress, QuizAttempt):
        for row in sample(model):
            row.full_clean()

    # A class's status follows its dates; results, records and certificates once it ended.
    for c in TrainingClass.objects.filter(code__startswith="NAT-"):
        if c.status in ("closed", "cancelled"):
            assert c.end_date < day
        elif c.status == "running":
            assert c.start_date <= day <= c.end_date
        else:
            assert c.start_date > day
        passed = c.enrolments.filter(passed=True)
        assert c.records.count() == (passed.count() if c.status == "closed" else 0)
        assert not c.enrolments.exclude(status="accepted").filter(passed__isnull=False).exists()
        assert c.enrolments.count() <= c.capacity
        for lecturer in c.class_lecturers.all():
            assert lecturer.hours <= c.hours
    for record in TrainingRecord.objects.filter(training_class__code__startswith="NAT-")[:200]:
        assert record.enrolment.person_id == record.person_id
        assert record.completed_on == record.training_class.end_date
        assert record.certificate_number and record.certificate_issued_on <= day
        assert record.certificate_issued_on >= record.completed_on
    numbered = TrainingRecord.objects.exclude(certificate_number="")
    assert (
        numbered.values("organiser", "certificate_year", "certificate_number").distinct().count()
        == numbered.count()
    )
    # Attendance comes from the sessions (training.attendance), as results_record takes it.
    with_sessions = TrainingClass.objects.filter(status="closed", sessions__isnull=False).distinct()
    assert with_sessions.exists() and SessionAttendance.objects.exists()
    for c in with_sessions[:10]:
        for enrolment_id, percent in attendance_percentages(c).items():
            assert Enrolment.objects.get(pk=enrolment_id).attendance_percent == percent
    # Lecturers belong to their person's unit; a class's are of its subtree or above.
    for lecturer in Lecturer.objects.select_related("person")[:50]:
        assert lecturer.unit_id == lecturer.person.unit_id

    # Pools: entries within the term, published reviews in the past.
    for entry in PoolEntry.objects.select_related("pool__term")[:200]:
        assert entry.pool.term.start_date <= entry.entered_on <= entry.pool.term.end_date
        assert entry.pool.term.unit_id == entry.pool.unit_id
        if entry.left_in_id:
            assert entry.left_on == entry.left_in.held_on
    # Inspections: of a unit strictly below, alive then, not in the future; follow-ups after.
    for inspection in Inspection.objects.select_related("inspected", "inspecting")[:200]:
        assert inspection.held_on <= day and inspection.inspected.is_alive_on(inspection.held_on)
        assert inspection.inspected_id != inspection.inspecting_id
        assert is_within(inspection.inspected, inspection.inspecting)
        for follow_up in inspection.follow_ups.all():
            assert follow_up.deadline >= inspection.held_on
            assert follow_up.done_on is None or inspection.held_on <= follow_up.done_on <= day
    # Surveys: answers from the units below, needs on the topics asked.
    for answer in SurveyAnswer.objects.select_related("survey", "unit")[:200]:
        assert answer.unit.parent_id == answer.survey.unit_id
        asked = set(answer.survey.topics.values_list("pk", flat=True))
        assert set(answer.needs.values_list("topic", flat=True)) <= asked
    # Employers: with a union of their own in its parent's area.
    for employer in Employer.objects.filter(union__isnull=False).select_related("union")[:200]:
        assert employer.area_id == employer.union.parent_id
    assert Employer.objects.filter(union__isnull=False).values("union").distinct().count() == (
        Employer.objects.filter(union__isnull=False).count()
    )
    # Courses: a completion has every required lesson done, its quiz passed and a record.
    for enrolment in CourseEnrolment.objects.filter(completed_at__isnull=False)[:100]:
        required = set(enrolment.course.modules.values_list("lessons", flat=True))
        done = set(
            enrolment.progress.filter(done_at__isnull=False).values_list("lesson", flat=True)
        )
        assert required <= done
        assert enrolment.attempts.filter(passed=True).exists()
        assert enrolment.record.certificate_number and enrolment.record.form == "online"
        assert enrolment.record.person_id == enrolment.person_id
    assert CourseEnrolment.objects.filter(course__status="draft").count() == 0
