"""E-learning, the organisers' side: online courses of the caller's subtree (by organiser),
their content, publication, learners' progress per person and per unit below, and the
exchange of a course as one ZIP archive (see elearning.exchange for its format).

The learners' routes (/learning/..., /courses/{course_id}/enrol, /lessons/{lesson_id}/progress)
are in api/learning.py, the quizzes' in api/quizzes.py."""

import datetime as dt
import tempfile
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Path, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from accounts.scope import scoped
from api.auth import writer
from api.people import PersonRef, UnitBrief
from api.schemas import ErrorOut, Pagination, Ref
from api.units import UnitRef
from elearning import exchange, reminders, selectors, services
from elearning.models import Course, CourseEnrolment, CourseStatus, Lesson, Module
from people.models import Role
from training.models import Programme, Topic
from units.models import Unit
from units.places import is_within, under

router = Router(tags=["e-learning"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}

COURSES = Course.objects.select_related("organiser", "programme")
# The course named by the path: outside the caller's subtree it does not exist (404).
CourseInPath = Annotated[Course, Ref(COURSES, in_path=True), Path(..., alias="course_id")]
# Reference data every user may name.
TopicRef = Annotated[Topic, Ref(Topic.objects.all(), key="code", in_scope=False)]
RoleRef = Annotated[Role, Ref(Role.objects.all(), key="code", in_scope=False)]
ProgrammeRef = Annotated[Programme, Ref(Programme.objects.all(), in_scope=False)]


# --- courses ------------------------------------------------------------------------------


class CourseOut(Schema):
    id: int
    code: str
    title: str
    description: str = Field(..., description="Sanitised HTML.")
    organiser: UnitBrief
    programme: int | None = Field(None, alias="programme_id")
    programme_name: str | None
    topics: list[str] = Field(..., description="Codes of the topics.")
    hours: int
    status: str = Field(..., description=", ".join(CourseStatus.values))
    open_to_subtree: bool
    audience_roles: list[str] = Field(..., description="Codes of the target group's roles.")
    created_at: dt.datetime

    @staticmethod
    def resolve_programme_name(course: Course) -> str | None:
        return course.programme.name if course.programme_id else None

    @staticmethod
    def resolve_topics(course: Course) -> list[str]:
        return [t.code for t in course.topics.all()]

    @staticmethod
    def resolve_audience_roles(course: Course) -> list[str]:
        return [r.code for r in course.audience_roles.all()]


class LessonOut(Schema):
    id: int
    title: str
    rank: int
    kind: str
    required: bool
    body: str
    file: str | None = Field(None, description="The stored file's name (PDF, video).")
    embed_url: str
    question_count: int
    pass_percent: int
    max_attempts: int
    time_limit_minutes: int | None

    @staticmethod
    def resolve_file(lesson: Lesson) -> str | None:
        return lesson.file.name or None


class ModuleOut(Schema):
    id: int
    title: str
    rank: int
    lessons: list[LessonOut]

    @staticmethod
    def resolve_lessons(module: Module) -> list[Lesson]:
        return sorted(module.lessons.all(), key=lambda x: (x.rank, x.id))


class CourseDetail(CourseOut):
    modules: list[ModuleOut]
    questions: int = Field(..., description="Questions in the course's bank.")
    assigned: list[int] = Field(..., description="Ids of the people assigned the course.")
    enrolled: int
    completed: int

    @staticmethod
    def resolve_modules(course: Course) -> list[Module]:
        return list(course.modules.order_by("rank", "id").prefetch_related("lessons"))

    @staticmethod
    def resolve_questions(course: Course) -> int:
        return course.questions.count()

    @staticmethod
    def resolve_assigned(course: Course) -> list[int]:
        return list(course.assignments.order_by("person_id").values_list("person_id", flat=True))

    @staticmethod
    def resolve_enrolled(course: Course) -> int:
        return course.enrolments.count()

    @staticmethod
    def resolve_completed(course: Course) -> int:
        return course.enrolments.filter(completed_at__isnull=False).count()


class CourseFilters(Schema):
    unit: UnitRef | None = Field(None, description="Courses organised in this unit's subtree.")
    status: str | None = Field(None, description=", ".join(CourseStatus.values))


class CourseIn(Schema):
    organiser: UnitRef
    code: str
    title: str
    description: str = Field("", description="HTML; scripts and styles are removed.")
    programme: ProgrammeRef | None = Field(None, description="A framework programme's id.")
    topics: list[TopicRef] = Field(..., description="Codes of the topics.")
    hours: int
    open_to_subtree: bool = True
    audience_roles: list[RoleRef] = Field([], description="Codes of the target group's roles.")
    assigned: list[PersonRef] = Field(
        [], description="Ids of people of the organiser's subtree assigned the course."
    )


class CourseUpdateIn(CourseIn):
    """Only the fields sent are changed; `assigned` replaces the assignments."""

    organiser: UnitRef = None
    code: str = None
    title: str = None
    description: str = None
    topics: list[TopicRef] = None
    hours: int = None
    open_to_subtree: bool = None
    audience_roles: list[RoleRef] = None
    assigned: list[PersonRef] = None


class PublishIn(Schema):
    published: bool = Field(True, description="false: back to draft.")


def _sent(payload: Schema) -> dict:
    return {name: getattr(payload, name) for name in payload.model_fields_set}


def _detail(course: Course) -> Course:
    return COURSES.prefetch_related("topics", "audience_roles").get(pk=course.pk)


@transaction.atomic
def _save(request: HttpRequest, course: Course | None, fields: dict) -> Course:
    assigned = fields.pop("assigned", None)
    saved = services.course_save(user=request.auth, course=course, **fields)
    if assigned is not None:
        services.assignments_set(user=request.auth, course=saved, people=assigned)
    return saved


@router.get("/courses", response={200: list[CourseOut], **ERRORS})
@paginate(Pagination)
def course_list(request: HttpRequest, filters: Query[CourseFilters]):
    courses = scoped(COURSES, request.auth).prefetch_related("topics", "audience_roles")
    if filters.unit is not None:
        courses = courses.filter(under(filters.unit, "organiser"))
    if filters.status:
        courses = courses.filter(status=filters.status)
    return courses.order_by("title", "id")


@router.post("/courses", response={201: CourseDetail, **ERRORS}, auth=writer)
def course_create(request: HttpRequest, payload: CourseIn):
    """A new draft course; publish it once it has its lessons."""
    fields = {name: getattr(payload, name) for name in CourseIn.model_fields}
    return Status(201, _detail(_save(request, None, fields)))


@router.post("/courses/import", response={201: CourseDetail, **ERRORS}, auth=writer)
def course_import(request: HttpRequest, archive: File[UploadedFile], unit: Form[int | None] = None):
    """Load a course archive (multipart field `archive`) as a new draft course of `unit` (a
    unit id of the caller's subtree; default the caller's unit). The code gets a suffix when
    it is taken. A bad archive is refused (422) with every problem listed, nothing written."""
    organiser = (
        request.auth.unit
        if unit is None
        else scoped(Unit.objects.all(), request.auth).filter(pk=unit).first()
    )
    if organiser is None:
        raise ValidationError(
            {"unit": _("Select a valid choice. That choice is not one of the available choices.")}
        )
    course = exchange.import_course(user=request.auth, archive=archive, unit=organiser)
    return Status(201, _detail(course))


@router.get("/courses/{course_id}", response={200: CourseDetail, **ERRORS})
def course_detail(request: HttpRequest, course: CourseInPath):
    return _detail(course)


@router.patch("/courses/{course_id}", response={200: CourseDetail, **ERRORS}, auth=writer)
def course_update(request: HttpRequest, course: CourseInPath, payload: CourseUpdateIn):
    return _detail(_save(request, course, _sent(payload)))


@router.post("/courses/{course_id}/publish", response={200: CourseDetail, **ERRORS}, auth=writer)
def course_publish(request: HttpRequest, course: CourseInPath, payload: PublishIn = None):
    published = payload.published if payload else True
    return _detail(services.course_publish(user=request.auth, course=course, published=published))


@router.get("/courses/{course_id}/export", response={200: None, **ERRORS})
def course_export(request: HttpRequest, course: CourseInPath):
    """The course as one ZIP archive: course.json and the lesson files under files/."""
    handle = tempfile.TemporaryFile(suffix=".zip")
    try:
        exchange.export_course(course, handle)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=exchange.archive_name(course),
        content_type="application/zip",
    )


# --- progress -----------------------------------------------------------------------------


class LearnerOut(Schema):
    person: int
    name: str
    unit: UnitBrief
    enrolled_at: dt.datetime
    required_done_percent: int
    last_activity: dt.datetime | None
    best_score: Decimal | None = Field(None, description="Best quiz score, %.")
    completed_at: dt.datetime | None
    status: str = Field(..., description="not_started, started or completed.")


class UnitProgressOut(Schema):
    unit: UnitBrief
    own: bool = Field(..., description="The unit's own learners (not those below it).")
    enrolled: int
    started: int
    completed: int


class TotalsOut(Schema):
    enrolled: int
    started: int
    completed: int


class CourseProgressOut(Schema):
    course: int
    unit: UnitBrief
    required_lessons: int
    learner_count: int
    learners: list[LearnerOut]
    units: list[UnitProgressOut] = Field(..., description="Per unit directly below `unit`.")
    total: TotalsOut


class ProgressFilters(Schema):
    unit: UnitRef | None = Field(
        None, description="A unit of the organiser's subtree (default: the organiser)."
    )
    limit: int = Field(500, ge=1, le=5000, description="Learners per page.")
    offset: int = Field(0, ge=0)


@router.get("/courses/{course_id}/progress", response={200: CourseProgressOut, **ERRORS})
def course_progress(request: HttpRequest, course: CourseInPath, filters: Query[ProgressFilters]):
    unit = filters.unit or course.organiser
    if not is_within(unit, course.organiser):
        raise ValidationError({"unit": _("Choose a unit of the organiser's subtree.")})
    required = selectors.required_lessons(course)
    enrolments = reminders.learners(course, unit=unit)
    rows = reminders.learner_rows(
        enrolments[filters.offset : filters.offset + filters.limit], required
    )
    units = reminders.unit_totals(course, unit)
    total = reminders.totals(units, unit)
    return {
        "course": course.pk,
        "unit": unit,
        "required_lessons": required,
        "learner_count": CourseEnrolment.objects.filter(
            under(unit, "person__unit"), course=course
        ).count(),
        "learners": [
            {
                "person": r.person.pk,
                "name": r.person.full_name,
                "unit": r.person.unit,
                "enrolled_at": r.enrolment.enrolled_at,
                "required_done_percent": r.percent,
                "last_activity": r.last_activity,
                "best_score": r.best_score,
                "completed_at": r.enrolment.completed_at,
                "status": r.status,
            }
            for r in rows
        ],
        "units": [
            {
                "unit": r.unit,
                "own": r.own,
                "enrolled": r.enrolled,
                "started": r.started,
                "completed": r.completed,
            }
            for r in units
        ],
        "total": {
            "enrolled": total.enrolled,
            "started": total.started,
            "completed": total.completed,
        },
    }
