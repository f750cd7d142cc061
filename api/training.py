import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from accounts.scope import get_scoped_or_404, scoped
from api.auth import writer
from api.courses import TopicRef
from api.people import PersonRef
from api.schemas import Day, ErrorOut, Pagination
from api.units import UnitInPath
from lib.dates import today, year_range_errors
from people.models import Person
from training import basic_store, services
from training.models import Audience, ClassStatus, Enrolment, Topic, TrainingClass, TrainingRecord
from training.models import Form as TrainingForm
from training.selectors import (
    chairs_to_train,
    class_statistics,
    classes_visible_to,
    lecturers_with_figures,
)
from units.models import Unit

router = Router(tags=["training"])

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _unit_field(request, unit_id: int, field: str) -> Unit:
    """A unit named in a payload: outside the user's scope it is an error on that field."""
    unit = scoped(Unit.objects.all(), request.auth).filter(pk=unit_id).first()
    if unit is None:
        raise ValidationError(
            {field: _("Unit %(code)s is outside your scope.") % {"code": unit_id}}
        )
    return unit


class ClassOut(Schema):
    id: int
    code: str
    name: str
    organiser_id: int
    kind: str
    form: str
    start_date: dt.date
    end_date: dt.date
    hours: int
    capacity: int
    status: str
    audience: Audience
    target_group: str
    funding_source: str
    topics: list[str]

    @staticmethod
    def resolve_topics(c):
        return [t.code for t in c.topics.all()]


class ClassIn(Schema):
    code: str
    name: str
    organiser: int
    topics: list[str]
    kind: str = "refresher"
    form: str = "on_site"
    start_date: dt.date
    end_date: dt.date
    venue: str = ""
    hours: int
    capacity: int
    audience: Audience = Field(
        Audience.MIXED,
        description="Whom the class is for; the training-results report counts the class and "
        "all its attendances under it.",
    )
    target_group: str = Field("", description="Who exactly, in words (shown, not counted).")
    budget_planned: Decimal = Decimal(0)
    funding_source: str = "union"


class StatusIn(Schema):
    # Not a bare str: a status that is no ClassStatus made the service's message fail (500).
    status: ClassStatus
    reason: str = Field("", max_length=255)  # required to cancel: told to those nominated


class EnrolmentOut(Schema):
    id: int
    training_class_id: int
    person_id: int
    nominating_unit_id: int
    status: str
    reason: str
    attendance_percent: int | None
    score: Decimal | None
    passed: bool | None


class NominationIn(Schema):
    person: int


class NominationOut(Schema):
    enrolment: EnrolmentOut
    warnings: list[str]


class RejectIn(Schema):
    reason: str


class ResultsIn(Schema):
    attendance_percent: int | None = None
    score: Decimal | None = None
    passed: bool | None = None


class RecordOut(Schema):
    id: int
    person_id: int
    training_class_id: int | None
    title: str
    hours: int
    completed_on: dt.date
    form: str
    organiser_id: int | None
    certificate_number: str
    certificate_year: int | None
    topics: list[str]
    expires_on: dt.date | None = Field(
        None, description="Its last valid day (training that must be renewed); null: no end."
    )

    @staticmethod
    def resolve_topics(r):
        return [t.code for t in r.topics.all()]


class ExternalRecordIn(Schema):
    """Training done elsewhere (a political-theory school, a university, another body), as
    "Thêm quá trình đào tạo" on a person's page records it: it counts toward their targets like
    any record."""

    person: PersonRef = Field(..., description="The person's id (in your unit's subtree).")
    title: str = Field(
        ...,
        min_length=1,
        max_length=255,
        examples=["Trung cấp lý luận chính trị - hành chính"],
        description="The course as the certificate names it.",
    )
    topics: list[TopicRef] = Field(
        ..., min_length=1, examples=[["political_theory"]], description="Codes of the topics."
    )
    hours: int = Field(..., ge=1, le=5000)
    completed_on: Day = Field(..., examples=["2024-06-28"])
    form: TrainingForm = Field(TrainingForm.ON_SITE, description="How it was taught.")
    certificate_number: str = Field("", max_length=30)
    expires_on: Day | None = Field(
        None,
        description="Its last valid day when the certificate states one; left out, as long as "
        "its topics' validity says (none: it does not expire).",
    )


class LecturerOut(Schema):
    id: int
    person_id: int
    unit_id: int
    kind: str
    pedagogy_trained_on: dt.date | None
    classes: int
    hours: int
    rating: float | None


class ChairOut(Schema):
    """A chair whose training is the unit's duty, with its status under the T-003-4 target
    its union's member count puts it in — the dashboard's and the needs list's. A union with
    no member count on the day is in no target: `target`, `trained` and `status` are null."""

    position_id: int
    person_id: int
    full_name: str
    unit_id: int
    members: int | None
    target: str | None
    trained: bool | None
    status: str | None = Field(None, description="met, due, overdue or late")
    due_on: dt.date | None = Field(None, description="The end of the target's window.")
    trained_elsewhere: bool | None = Field(
        None,
        description="Not met, but trained in a class of another level: shown, not counted "
        "(only the level responsible's own classes count for T-003-4).",
    )


def _class(request, class_id: int) -> TrainingClass:
    c = classes_visible_to(request.auth).select_related("organiser").filter(pk=class_id).first()
    if c is None:
        raise Http404
    return c


def _enrolment(request, enrolment_id: int) -> Enrolment:
    return get_scoped_or_404(
        Enrolment.objects.select_related("training_class__organiser"), request.auth, pk=enrolment_id
    )


def _topics(codes: list[str]):
    topics = list(Topic.objects.filter(code__in=codes))
    if len(topics) != len(set(codes)):
        raise ValidationError({"topics": _("Unknown topic codes.")})
    return topics


@router.get("/classes", response={200: list[ClassOut], **ERRORS})
@paginate(Pagination)
def class_list(request, status: str = ""):
    classes = classes_visible_to(request.auth).prefetch_related("topics")
    return (classes.filter(status=status) if status else classes).order_by("-start_date", "id")


@router.get("/classes/{class_id}", response={200: ClassOut, **ERRORS})
def class_detail(request, class_id: int):
    return _class(request, class_id)


@router.post("/classes", response={201: ClassOut, **ERRORS}, auth=writer)
def class_create(request, payload: ClassIn):
    data = payload.dict()
    organiser = _unit_field(request, data.pop("organiser"), "organiser")
    topics = _topics(data.pop("topics"))
    return 201, services.class_create(user=request.auth, organiser=organiser, topics=topics, **data)


@router.post("/classes/{class_id}/status", response={200: ClassOut, **ERRORS}, auth=writer)
def class_status(request, class_id: int, payload: StatusIn):
    c = get_scoped_or_404(
        TrainingClass.objects.select_related("organiser"), request.auth, pk=class_id
    )
    return services.class_set_status(
        user=request.auth, training_class=c, status=payload.status, reason=payload.reason
    )


@router.get("/classes/{class_id}/enrolments", response={200: list[EnrolmentOut], **ERRORS})
def class_enrolments(request, class_id: int):
    return scoped(_class(request, class_id).enrolments.all(), request.auth).order_by("id")


@router.post(
    "/classes/{class_id}/nominations", response={201: NominationOut, **ERRORS}, auth=writer
)
def nominate(request, class_id: int, payload: NominationIn):
    c = _class(request, class_id)
    person = (
        scoped(Person.objects.select_related("unit"), request.auth)
        .filter(pk=payload.person)
        .first()
    )
    if person is None:
        raise ValidationError({"person": _("Nobody with this id in your scope.")})
    enrolment, warnings = services.enrolment_nominate(
        user=request.auth, training_class=c, person=person
    )
    return 201, {"enrolment": enrolment, "warnings": warnings}


@router.post(
    "/enrolments/{enrolment_id}/accept", response={200: EnrolmentOut, **ERRORS}, auth=writer
)
def accept(request, enrolment_id: int):
    return services.enrolment_accept(user=request.auth, enrolment=_enrolment(request, enrolment_id))


@router.post(
    "/enrolments/{enrolment_id}/reject", response={200: EnrolmentOut, **ERRORS}, auth=writer
)
def reject(request, enrolment_id: int, payload: RejectIn):
    return services.enrolment_reject(
        user=request.auth, enrolment=_enrolment(request, enrolment_id), reason=payload.reason
    )


@router.post(
    "/enrolments/{enrolment_id}/results", response={200: EnrolmentOut, **ERRORS}, auth=writer
)
def results(request, enrolment_id: int, payload: ResultsIn):
    return services.results_record(
        user=request.auth, enrolment=_enrolment(request, enrolment_id), **payload.dict()
    )


@router.get("/records", response={200: list[RecordOut], **ERRORS})
@paginate(Pagination)
def records(request, person: int | None = None):
    rows = scoped(TrainingRecord.objects.prefetch_related("topics"), request.auth)
    return (rows.filter(person_id=person) if person else rows).order_by("-completed_on", "id")


@router.post("/records", response={201: RecordOut, **ERRORS}, auth=writer)
def record_create(request, payload: ExternalRecordIn):
    """Record training done elsewhere for a person of your subtree (what a state HR system or
    a school's register sends): validated and scoped as on the person's page."""
    record = services.external_record_create(
        user=request.auth,
        person=payload.person,
        title=payload.title,
        topics=payload.topics,
        hours=payload.hours,
        completed_on=payload.completed_on,
        form=payload.form,
        certificate_number=payload.certificate_number,
        expires_on=payload.expires_on,
    )
    return 201, record


@router.get("/records/{record_id}", response={200: RecordOut, **ERRORS})
def record_detail(request, record_id: int):
    return get_scoped_or_404(TrainingRecord.objects.all(), request.auth, pk=record_id)


@router.get("/lecturers", response={200: list[LecturerOut], **ERRORS})
@paginate(Pagination)
def lecturers(request):
    return lecturers_with_figures(request.auth)


@router.get("/lecturers/{lecturer_id}", response={200: LecturerOut, **ERRORS})
def lecturer_detail(request, lecturer_id: int):
    return get_scoped_or_404(lecturers_with_figures(request.auth), request.auth, pk=lecturer_id)


@router.get("/units/{unit_id}/chairs", response={200: list[ChairOut], **ERRORS})
@paginate(Pagination)
def chairs(request, unit: UnitInPath, on: Day | None = None):
    """T-003-4: the grassroots chairs whose training is this unit's duty, as the chairs page
    lists them, a page at a time (the confederation's run to thousands, each judged by the
    engine when its page is read); per target, the number `trained` is the target's figure
    for the unit."""
    return _Chairs(chairs_to_train(unit, on or today()))


class _Chairs:
    """The chairs as the API gives them, read by slices (the paginator's page)."""

    def __init__(self, rows):
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: slice) -> list[dict]:
        return [
            {
                "position_id": p.pk,
                "person_id": p.person_id,
                "full_name": p.person.full_name,
                "unit_id": p.unit_id,
                "members": p.members,
                "target": p.target.code if p.target else None,
                "trained": p.trained,
                "status": p.status,
                "due_on": p.due_on,
                "trained_elsewhere": p.elsewhere,
            }
            for p in self.rows[index]
        ]


class TopicOut(Schema):
    code: str
    name: str


@router.get("/topics", response={200: list[TopicOut], **ERRORS})
def topics(request):
    return Topic.objects.all()


class AudienceFiguresOut(Schema):
    audience: Audience
    label: str
    classes: int
    attendances: int
    people: int


class BasicShareOut(Schema):
    cadres: int
    trained: int
    percent: Decimal | None


class BasicTrainingOut(Schema):
    """000: "100% cán bộ công đoàn chuyên trách và 80% cán bộ công đoàn cơ sở đã được bồi
    dưỡng cơ bản về nghiệp vụ công tác công đoàn"."""

    as_of: dt.date
    full_time: BasicShareOut
    grassroots: BasicShareOut


class TrainingResultsOut(Schema):
    unit_id: int
    from_year: str
    to_year: str
    own: bool
    classes: int
    attendances: int
    people: int
    by_audience: list[AudienceFiguresOut]
    attendees: dict[str, int]
    basic_training: BasicTrainingOut


@router.get("/units/{unit_id}/training-results", response={200: TrainingResultsOut, **ERRORS})
def training_results(
    request,
    unit: UnitInPath,
    from_year: int = Query(..., ge=2000, examples=[2011]),
    to_year: int | None = Query(None, ge=2000, examples=[2020]),
    own: bool = Query(False, description="Only the classes the unit itself organised."),
):
    """Report 1's figures (the training-results report, `/reports/training/`) over the years
    `from_year` to `to_year`: classes of the unit (its own, or its subtree's) counted by whom
    each was for, their attendances and distinct people, the attendances by who attended,
    and the cadres ever trained in basic union work as of the last day."""
    last = to_year or from_year
    errors = year_range_errors(from_year, last)
    if errors:
        raise ValidationError(errors)
    start, end = dt.date(from_year, 1, 1), dt.date(last, 12, 31)
    stats = class_statistics(unit=unit, start=start, end=end, own=own)
    day = min(end, today())
    basic = basic_store.shares(unit=unit, day=day)  # stored figures of today, else live

    def share(s):
        return {"cadres": s.of, "trained": s.trained, "percent": s.percent}

    return {
        "unit_id": unit.pk,
        "from_year": str(from_year),
        "to_year": str(last),
        "own": own,
        "classes": stats["classes"],
        "attendances": stats["totals"]["attendances"],
        "people": stats["totals"]["people"],
        "by_audience": [
            {"audience": key, "label": str(label), **stats["by_category"][key]}
            for key, label in Audience.choices
        ],
        "attendees": stats["attendees"],
        "basic_training": {
            "as_of": day,
            "full_time": share(basic["full_time"]),
            "grassroots": share(basic["grassroots"]),
        },
    }
