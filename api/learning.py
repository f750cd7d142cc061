"""E-learning for the learner: the courses open to me (and those I am enrolled in) with my
progress, enrolling, my enrolment lesson by lesson, and reporting progress in a lesson.

Any account linked to a person may call these (self-service cadres too); they act on that
person only. An account without a person gets 403; a course not open to the person (and not
one they are enrolled in), someone else's enrolment, or a lesson of a course they are not
enrolled in is 404."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from api.auth import signed_in
from api.schemas import ErrorOut
from elearning import selectors, services
from elearning.models import CourseEnrolment, LessonProgress
from elearning.views.learn import progress_json

router = Router(tags=["e-learning"])

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _person(request: HttpRequest):
    person = request.auth.person
    if person is None:
        raise HttpError(403, _("Your account is not linked to a person record."))
    return person


class MyCourseOut(Schema):
    id: int
    code: str
    title: str
    organiser_id: int
    organiser: str
    hours: int
    topics: list[str]
    open: bool
    enrolment_id: int | None
    percent: int | None
    completed_at: dt.datetime | None
    record_id: int | None


class LessonStateOut(Schema):
    id: int
    module: str
    title: str
    kind: str
    required: bool
    percent: int
    position_seconds: int
    done: bool


class CourseEnrolmentOut(Schema):
    id: int
    course_id: int
    course: str
    enrolled_at: dt.datetime
    last_activity_at: dt.datetime | None
    last_lesson_id: int | None
    completed_at: dt.datetime | None
    record_id: int | None
    certificate_number: str | None
    done: int
    required: int
    percent: int
    lessons: list[LessonStateOut]


class ProgressIn(Schema):
    percent: int
    position_seconds: int = 0


class LessonProgressOut(Schema):
    lesson_id: int
    percent: int
    position_seconds: int
    done: bool
    course_completed: bool
    record_id: int | None


def _enrolment_out(enrolment: CourseEnrolment) -> dict:
    figures = selectors.progress_of([enrolment])[enrolment.pk]
    done = selectors.done_lessons(enrolment)
    progress = {p.lesson_id: p for p in LessonProgress.objects.filter(enrolment=enrolment)}
    lessons = []
    for lesson in selectors.lessons(enrolment.course):
        p = progress.get(lesson.pk)
        lessons.append(
            {
                "id": lesson.pk,
                "module": lesson.module.title,
                "title": lesson.title,
                "kind": lesson.kind,
                "required": lesson.required,
                "percent": p.percent if p else 0,
                "position_seconds": p.position_seconds if p else 0,
                "done": lesson.pk in done,
            }
        )
    record = enrolment.record
    return {
        "id": enrolment.pk,
        "course_id": enrolment.course_id,
        "course": enrolment.course.title,
        "enrolled_at": enrolment.enrolled_at,
        "last_activity_at": enrolment.last_activity_at,
        "last_lesson_id": enrolment.last_lesson_id,
        "completed_at": enrolment.completed_at,
        "record_id": enrolment.record_id,
        "certificate_number": record.certificate_number if record else None,
        **figures,
        "lessons": lessons,
    }


@router.get(
    "/learning/courses",
    response={200: list[MyCourseOut], **ERRORS},
    auth=signed_in,
    summary="Courses open to me and those I am enrolled in, with my progress",
)
def my_courses(request: HttpRequest):
    person = _person(request)
    open_courses = list(selectors.courses_open_to(person).prefetch_related("topics"))
    enrolments = list(
        CourseEnrolment.objects.filter(person=person)
        .select_related("course__organiser")
        .prefetch_related("course__topics")
    )
    figures = selectors.progress_of(enrolments)
    by_course = {e.course_id: e for e in enrolments}
    open_ids = {c.pk for c in open_courses}
    courses = open_courses + [e.course for e in enrolments if e.course_id not in open_ids]
    out = []
    for c in sorted(courses, key=lambda c: (c.title, c.pk)):
        e = by_course.get(c.pk)
        out.append(
            {
                "id": c.pk,
                "code": c.code,
                "title": c.title,
                "organiser_id": c.organiser_id,
                "organiser": c.organiser.name,
                "hours": c.hours,
                "topics": [t.code for t in c.topics.all()],
                "open": c.pk in open_ids,
                "enrolment_id": e.pk if e else None,
                "percent": figures[e.pk]["percent"] if e else None,
                "completed_at": e.completed_at if e else None,
                "record_id": e.record_id if e else None,
            }
        )
    return out


@router.post(
    "/courses/{course_id}/enrol",
    response={201: CourseEnrolmentOut, **ERRORS},
    auth=signed_in,
    summary="Enrol in a course open to me (enrolling again returns the enrolment)",
)
def enrol(request: HttpRequest, course_id: int):
    course = selectors.course_for(_person(request), course_id)
    enrolment = services.enrol(user=request.auth, course=course)
    enrolment = CourseEnrolment.objects.select_related("course", "record").get(pk=enrolment.pk)
    return 201, _enrolment_out(enrolment)


@router.get(
    "/learning/enrolments/{enrolment_id}",
    response={200: CourseEnrolmentOut, **ERRORS},
    auth=signed_in,
    summary="My enrolment: progress lesson by lesson, completion, certificate",
)
def my_enrolment(request: HttpRequest, enrolment_id: int):
    person = _person(request)
    enrolment = (
        CourseEnrolment.objects.select_related("course", "record")
        .filter(pk=enrolment_id, person=person)
        .first()
    )
    if enrolment is None:
        raise Http404
    return _enrolment_out(enrolment)


@router.post(
    "/lessons/{lesson_id}/progress",
    response={200: LessonProgressOut, **ERRORS},
    auth=signed_in,
    summary="Report how far I read or watched a lesson (percent, video position)",
)
def lesson_progress(request: HttpRequest, lesson_id: int, payload: ProgressIn):
    person = _person(request)
    lesson, _enrolment = selectors.lesson_for(person, lesson_id)
    if payload.position_seconds < 0:
        raise ValidationError({"position_seconds": _("Enter a whole number.")})
    record, enrolment = services.report_progress(
        request.auth, lesson, payload.percent, payload.position_seconds
    )
    answer = progress_json(record, enrolment)
    return {
        "lesson_id": lesson.pk,
        "percent": answer["percent"],
        "position_seconds": answer["position"],
        "done": answer["done"],
        "course_completed": answer["completed"],
        "record_id": enrolment.record_id,
    }
