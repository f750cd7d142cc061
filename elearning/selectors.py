"""Reads of e-learning: which courses are open to a person, which would meet the targets
they still owe, and a learner's place in a course."""

import datetime as dt
from collections import defaultdict

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.scope import scoped
from elearning.models import (
    Assignment,
    Course,
    CourseEnrolment,
    CourseStatus,
    Lesson,
    LessonKind,
    LessonProgress,
    QuizAttempt,
)
from lib.tree import line_paths
from people.models import Person, Position
from standards.rules import lacking_topics, standard_for
from targets import chairs
from targets.engine import Status, person_obligations
from targets.models import TargetKind
from units.places import under


def courses_open_to(person: Person, day: dt.date | None = None) -> QuerySet:
    """Published courses of the person's unit or a unit above, open to the whole subtree or
    to a role they hold; and any course assigned to them."""
    from lib.dates import today

    day = day or today()
    above = Q(organiser__path__in=line_paths(person.unit.path))
    holds_role = Exists(
        Position.objects.active_on(day).filter(person=person, role__in=OuterRef("audience_roles"))
    )
    assigned = Exists(Assignment.objects.filter(course=OuterRef("pk"), person=person))
    return (
        Course.objects.filter(status=CourseStatus.PUBLISHED)
        .filter((above & (Q(open_to_subtree=True) | holds_role)) | assigned)
        .distinct()
        .select_related("organiser")
    )


def courses_meeting_obligations(person: Person, day: dt.date) -> list[tuple]:
    """Each target the person still owes on `day`, with the open courses that would meet it
    (a topic or the programme it asks for, enough hours)."""
    out = []
    open_courses = courses_open_to(person, day).prefetch_related("topics")
    for obligation in person_obligations(person, day):
        if obligation.status not in (Status.DUE, Status.OVERDUE):
            continue
        target = obligation.target
        topics = {t.pk for t in target.topics.all()}
        programmes = {p.pk for p in target.programmes.all()}
        if target.kind == TargetKind.TITLE_STANDARD and obligation.position:
            # What the title's standard still asks of the person, as far as the target reads
            # it: a course in one of those topics moves them toward it.
            standard = standard_for(obligation.position.role, obligation.position.unit, day)
            lacking = lacking_topics(person, standard, day) if standard else set()
            topics, programmes = (lacking & topics if topics else lacking), set()
            if not topics:
                continue  # only a degree or political theory is lacking: no course meets it
        elif target.kind != TargetKind.TRAINING:
            continue
        # T-003-4: only a course the level responsible organises would meet it (003 §III).
        organiser = (
            chairs.duty_unit(obligation.position.unit, day)
            if target.organised_by_responsible and obligation.position
            else None
        )
        meeting = [
            c
            for c in open_courses
            if c.hours >= target.min_hours
            and (organiser is None or c.organiser_id == organiser.pk)
            and (
                (not topics and not programmes)
                or topics & {t.pk for t in c.topics.all()}
                or c.programme_id in programmes
            )
        ]
        out.append((obligation, meeting))
    return out


def lessons(course: Course) -> QuerySet:
    return lessons_of_courses([course.pk])


def lessons_of_courses(course_ids) -> QuerySet:
    """The courses' lessons in their order (modules, then lessons)."""
    return Lesson.objects.filter(module__course__in=course_ids).select_related("module")


# --- a learner's place in a course (pages and API) ---------------------------------------


def course_for(person, pk: int) -> Course:
    """A course open to the person or one they are enrolled in; anything else is 404."""
    if person is None:
        raise Http404
    course = (
        courses_open_to(person).filter(pk=pk).first()
        or Course.objects.select_related("organiser")
        .filter(pk=pk, enrolments__person=person)
        .first()
    )
    if course is None:
        raise Http404
    return course


def lesson_for(person, pk: int) -> tuple[Lesson, CourseEnrolment]:
    """A lesson of a course the person is enrolled in, with the enrolment; else 404."""
    if person is None:
        raise Http404
    lesson = Lesson.objects.select_related("module__course__organiser").filter(pk=pk).first()
    if lesson is None:
        raise Http404
    enrolment = CourseEnrolment.objects.filter(
        course=lesson.module.course_id, person=person
    ).first()
    if enrolment is None:
        raise Http404
    return lesson, enrolment


def done_lessons(enrolment: CourseEnrolment) -> set[int]:
    """Lessons the learner has done: read or watched (reported), or a quiz passed."""
    return _done_by_enrolment([enrolment.pk])[enrolment.pk]


def _done_by_enrolment(enrolment_ids) -> dict[int, set[int]]:
    done: dict[int, set[int]] = defaultdict(set)
    reported = (
        LessonProgress.objects.filter(enrolment__in=enrolment_ids, done_at__isnull=False)
        .exclude(lesson__kind=LessonKind.QUIZ)
        .values_list("enrolment_id", "lesson_id")
    )
    passed = QuizAttempt.objects.filter(enrolment__in=enrolment_ids, passed=True).values_list(
        "enrolment_id", "lesson_id"
    )
    for enrolment_id, lesson_id in (*reported, *passed):
        done[enrolment_id].add(lesson_id)
    return done


def lessons_to_resume(course_ids, enrolments=()) -> dict[int, Lesson | None]:
    """{course id: the lesson "Start" / "Continue" opens} for the learner's `enrolments` (a
    course without one: not started): the required lesson they stopped in, unfinished; else
    the first required lesson not done yet, in the course's order — not an optional handout
    before it, nor one they merely opened last (the demo chair stopped in the handout) —;
    else the first optional one not done; else (all done) the last visited or the first."""
    enrolments = {e.course_id: e for e in enrolments}
    done = _done_by_enrolment([e.pk for e in enrolments.values()])
    ordered: dict[int, list[Lesson]] = defaultdict(list)
    for lesson in lessons_of_courses(course_ids):
        ordered[lesson.module.course_id].append(lesson)
    out = {}
    for course_id in course_ids:
        enrolment = enrolments.get(course_id)
        finished = done[enrolment.pk] if enrolment else set()
        pending = [lesson for lesson in ordered[course_id] if lesson.pk not in finished]
        stopped_in = enrolment.last_lesson_id if enrolment else None
        out[course_id] = (
            next((x for x in pending if x.pk == stopped_in and x.required), None)
            or next((lesson for lesson in pending if lesson.required), None)
            or next(iter(pending), None)
            or (enrolment.last_lesson if enrolment else None)
            or next(iter(ordered[course_id]), None)
        )
    return out


def progress_of(enrolments) -> dict[int, dict]:
    """{enrolment id: {"done": n, "required": n, "percent": 0–100}} for many enrolments in two
    queries: required lessons per course, and `with_progress`'s lessons done (the same rule
    as services.complete_if_done)."""
    enrolments = list(enrolments)
    if not enrolments:
        return {}
    required = dict(
        Lesson.objects.filter(module__course__in={e.course_id for e in enrolments}, required=True)
        .values("module__course")
        .annotate(n=Count("pk"))
        .values_list("module__course", "n")
    )
    done = dict(
        with_progress(
            CourseEnrolment.objects.filter(pk__in=[e.pk for e in enrolments])
        ).values_list("pk", "lessons_done")
    )
    out = {}
    for e in enrolments:
        total, n = required.get(e.course_id, 0), done.get(e.pk, 0)
        percent = 100 if e.completed_at else (n * 100 // total if total else 0)
        out[e.pk] = {"done": n, "required": total, "percent": min(percent, 100)}
    return out


def person_choices(user, course: Course, text: str):
    """People of the organiser's subtree (and the user's) matching a search, not yet
    assigned."""
    return (
        scoped(Person.objects.filter(under(course.organiser, "unit")), user)
        .search(text)
        .exclude(pk__in=Assignment.objects.filter(course=course).values("person_id"))
        .select_related("unit")
        .vietnamese_order()
    )


# --- where learners stand (organisers' pages, reminders, the learner's progress) -----


def _count(queryset: QuerySet, expression) -> Coalesce:
    """A correlated COUNT (0 when there is no row)."""
    grouped = queryset.order_by().values("enrolment").annotate(n=expression).values("n")
    return Coalesce(Subquery(grouped, output_field=IntegerField()), Value(0))


def _max(queryset: QuerySet, expression):
    """A correlated MAX (None when there is no row)."""
    return Subquery(queryset.order_by().values("enrolment").annotate(m=Max(expression)).values("m"))


def started() -> ExpressionWrapper:
    """True once the learner did anything: opened a lesson, started a quiz."""
    return ExpressionWrapper(
        Q(Exists(LessonProgress.objects.filter(enrolment=OuterRef("pk"))))
        | Q(Exists(QuizAttempt.objects.filter(enrolment=OuterRef("pk"))))
        | Q(last_activity_at__isnull=False),
        output_field=BooleanField(),
    )


def with_progress(enrolments: QuerySet) -> QuerySet:
    """Enrolments annotated with what the organisers' pages show and the reminders use:
    `lessons_done` (required lessons done: read, watched, or, for a quiz, passed),
    `best_score`, `last_progress_at`, `last_attempt_at`, `has_progress`."""
    progress = LessonProgress.objects.filter(enrolment=OuterRef("pk"))
    attempts = QuizAttempt.objects.filter(enrolment=OuterRef("pk"))
    done = _count(
        progress.filter(done_at__isnull=False, lesson__required=True).exclude(
            lesson__kind=LessonKind.QUIZ
        ),
        Count("lesson", distinct=True),
    )
    passed = _count(
        attempts.filter(passed=True, lesson__required=True, lesson__kind=LessonKind.QUIZ),
        Count("lesson", distinct=True),
    )
    return enrolments.annotate(
        lessons_done=done + passed,
        best_score=_max(attempts.filter(submitted_at__isnull=False), "score_percent"),
        last_progress_at=_max(progress, "updated_at"),
        last_attempt_at=_max(attempts, Coalesce("submitted_at", "started_at")),
        has_progress=started(),
    )


def required_lessons(course: Course) -> int:
    return Lesson.objects.filter(module__course=course, required=True).count()
