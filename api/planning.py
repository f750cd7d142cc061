"""Planning: annual plans and their approval, classes run against them, consolidation up the
tree, spending, member growth and training-needs surveys.

Every rule is planning.services' (writes) or planning.selectors' (figures); the routes only
look objects up through the scope helper and shape the answers."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from accounts.scope import scoped
from api.auth import writer
from api.people import UnitBrief
from api.schemas import Day, ErrorOut, Pagination, Ref, Year
from api.units import UnitInPath, UnitRef
from lib.dates import today
from planning import new_cadres_store, selectors, services
from planning.models import Plan, PlanLine, Spending, TargetGroup
from planning.selectors import Figures
from training.models import Programme, Topic
from training.selectors import classes_visible_to
from units.places import under
from units.selectors import version_on

router = Router(tags=["planning"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}

PLANS = Plan.objects.select_related("unit")
# The object named by the path: outside the user's subtree it does not exist (404).
PlanInPath = Annotated[Plan, Ref(PLANS, in_path=True), Path(..., alias="plan_id")]
LINES = PlanLine.objects.select_related("plan__unit", "topic")
LineInPath = Annotated[PlanLine, Ref(LINES, in_path=True), Path(..., alias="line_id")]
# Reference data every user may name.
TopicRef = Annotated[Topic, Ref(Topic.objects.all(), key="code", in_scope=False)]
ProgrammeRef = Annotated[Programme, Ref(Programme.objects.all(), in_scope=False)]


def _money(value: Any) -> Decimal:
    """A JSON number or a numeric string ("1500000", "1.5e6"); "1,5 tỷ" or "abc" is refused.
    Whether the amount may be negative or fractional is the model's rule (full_clean)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        amount = None
    else:
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            amount = None
    if amount is None or not amount.is_finite():
        # Django's own message for a bad number (already translated).
        raise PydanticCustomError("decimal_parsing", _("Enter a number."))
    if amount.adjusted() < 20 and amount == amount.to_integral_value():
        amount = amount.quantize(Decimal(1))  # 1E+3 and 3000.0 are 1000 and 3000 VND
    return amount


Money = Annotated[Decimal, BeforeValidator(_money)]


def _sent(payload: Schema) -> dict:
    """The fields the client sent, as validated objects (a Ref field holds its object)."""
    return {name: getattr(payload, name) for name in payload.model_fields_set}


# --- plans --------------------------------------------------------------------------------


class PlanFiguresOut(Schema):
    """Planned figures of the lines, and the actual ones of the classes run against them."""

    planned_classes: int
    planned_trainees: int
    budget: Decimal
    classes: int
    trainees: int
    spending: Decimal
    classes_percent: Decimal | None
    trainees_percent: Decimal | None
    spending_percent: Decimal | None


class LineOut(Schema):
    id: int
    name: str
    topic: str | None = Field(None, description="The topic's code.")
    programme: int | None = Field(None, alias="programme_id")
    target_group: str
    classes: int
    trainees: int
    quarter: int | None
    budget: Decimal
    funding_source: str
    figures: PlanFiguresOut

    @staticmethod
    def resolve_topic(line: PlanLine) -> str | None:
        return line.topic.code if line.topic_id else None


class EventOut(Schema):
    action: str
    user: str | None
    at: dt.datetime
    comment: str
    changes: list[dict]

    @staticmethod
    def resolve_user(event) -> str | None:
        return event.user.username if event.user else None


class PlanOut(Schema):
    id: int
    unit: UnitBrief
    year: int
    status: str
    revision: int
    note: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None


class PlanDetail(PlanOut):
    lines: list[LineOut]
    totals: PlanFiguresOut
    events: list[EventOut] = Field(
        ..., description="History, latest first: submissions, returns, approvals and revisions."
    )

    @staticmethod
    def resolve_lines(plan: Plan) -> list[PlanLine]:
        lines = []
        for line, figures in selectors.lines_with_figures(plan):
            line.figures = figures
            lines.append(line)
        return lines

    @staticmethod
    def resolve_totals(plan: Plan) -> Figures:
        return selectors.plan_vs_actual(plan.lines.all()).get((), Figures())

    @staticmethod
    def resolve_events(plan: Plan):
        return plan.events.select_related("user")


class PlanFilters(Schema):
    year: Year | None = None
    unit: UnitRef | None = Field(None, description="Plans of this unit's subtree.")


class PlanIn(Schema):
    unit: UnitRef
    year: int
    note: str = ""


class LineIn(Schema):
    name: str
    topic: TopicRef | None = Field(None, description="A topic's code (or give a programme).")
    programme: ProgrammeRef | None = Field(None, description="A framework programme's id.")
    target_group: str = Field(..., description=", ".join(TargetGroup.values))
    classes: int
    trainees: int
    quarter: int | None = None
    budget: Money = Field(Decimal(0), description="VND: a number or a numeric string.")
    funding_source: str = "union"
    reason: str = Field("", description="Required once the plan is approved (a revision).")


class LineUpdateIn(LineIn):
    """Only the fields sent are changed."""

    name: str = None
    target_group: str = None
    classes: int = None
    trainees: int = None
    budget: Money = Field(None, description="VND: a number or a numeric string.")
    funding_source: str = None


class CommentIn(Schema):
    comment: str = ""


class ReturnIn(Schema):
    comment: str


class LinkIn(Schema):
    training_class: int | str = Field(..., description="The class's id or code.")


def _line(plan: Plan, line: PlanLine) -> PlanLine:
    if line.plan_id != plan.pk:
        raise Http404
    return line


def _with_figures(line: PlanLine) -> PlanLine:
    line.figures = selectors.plan_vs_actual(PlanLine.objects.filter(pk=line.pk), ("id",)).get(
        (line.pk,), Figures()
    )
    return line


@router.get("/plans", response={200: list[PlanOut], **ERRORS})
@paginate(Pagination)
def plan_list(request: HttpRequest, filters: Query[PlanFilters]):
    plans = scoped(PLANS, request.auth).order_by("-year", "unit__path")
    if filters.year is not None:
        plans = plans.filter(year=filters.year)
    if filters.unit is not None:
        plans = plans.filter(under(filters.unit, "unit"))
    return plans


@router.post("/plans", response={201: PlanDetail, **ERRORS}, auth=writer)
def plan_create(request: HttpRequest, payload: PlanIn):
    return Status(201, services.plan_create(user=request.auth, **_sent(payload)))


@router.get("/plans/{plan_id}", response={200: PlanDetail, **ERRORS})
def plan_detail(request: HttpRequest, plan: PlanInPath):
    return plan


@router.post("/plans/{plan_id}/lines", response={201: LineOut, **ERRORS}, auth=writer)
def line_create(request: HttpRequest, plan: PlanInPath, payload: LineIn):
    fields = {name: getattr(payload, name) for name in LineIn.model_fields}
    line = services.line_save(user=request.auth, plan=plan, **fields)
    return Status(201, _with_figures(line))


@router.patch("/plans/{plan_id}/lines/{line_id}", response={200: LineOut, **ERRORS}, auth=writer)
def line_update(request: HttpRequest, plan: PlanInPath, line: LineInPath, payload: LineUpdateIn):
    line = services.line_save(
        user=request.auth, plan=plan, line=_line(plan, line), **_sent(payload)
    )
    return _with_figures(line)


@router.delete("/plans/{plan_id}/lines/{line_id}", response={204: None, **ERRORS}, auth=writer)
def line_delete(request: HttpRequest, plan: PlanInPath, line: LineInPath, reason: str = ""):
    services.line_delete(user=request.auth, line=_line(plan, line), reason=reason)
    return Status(204, None)


@router.post("/plans/{plan_id}/submit", response={200: PlanDetail, **ERRORS}, auth=writer)
def plan_submit(request: HttpRequest, plan: PlanInPath):
    return services.plan_submit(user=request.auth, plan=plan)


@router.post("/plans/{plan_id}/return", response={200: PlanDetail, **ERRORS}, auth=writer)
def plan_return(request: HttpRequest, plan: PlanInPath, payload: ReturnIn):
    """By the unit directly above: back to the unit with what must change."""
    return services.plan_return(user=request.auth, plan=plan, comment=payload.comment)


@router.post("/plans/{plan_id}/approve", response={200: PlanDetail, **ERRORS}, auth=writer)
def plan_approve(request: HttpRequest, plan: PlanInPath, payload: CommentIn = None):
    """By the unit directly above."""
    comment = payload.comment if payload else ""
    return services.plan_approve(user=request.auth, plan=plan, comment=comment)


@router.post(
    "/plans/{plan_id}/lines/{line_id}/classes", response={201: LineOut, **ERRORS}, auth=writer
)
def line_link_class(request: HttpRequest, plan: PlanInPath, line: LineInPath, payload: LinkIn):
    """Count a class as run against the line: its classes, trainees and costs become the
    line's actual figures once it runs."""
    line = _line(plan, line)
    key = "pk" if isinstance(payload.training_class, int) else "code"
    training_class = (
        classes_visible_to(request.auth)
        .select_related("organiser")
        .filter(**{key: payload.training_class})
        .first()
    )
    if training_class is None:
        raise ValidationError(
            {
                "training_class": _(
                    "Select a valid choice. That choice is not one of the available choices."
                )
            }
        )
    services.class_link(user=request.auth, line=line, training_class=training_class)
    return Status(201, _with_figures(line))


class ConsolidatedRow(Schema):
    topic: str | None = Field(None, description="The topic's code.")
    topic_name: str | None
    programme: int | None
    programme_name: str | None
    target_group: str
    target_group_label: str
    figures: PlanFiguresOut


class ConsolidatedOut(Schema):
    unit: UnitBrief
    year: int
    rows: list[ConsolidatedRow] = Field(
        ...,
        description="The unit's own lines and those its "
        "subtree sent up, summed by topic "
        "(or programme) and target group.",
    )
    totals: PlanFiguresOut
    not_submitted: list[UnitBrief] = Field(
        ..., description="Units directly under it with no plan sent up for the year."
    )


@router.get("/units/{unit_id}/plans/{year}/consolidated", response={200: ConsolidatedOut, **ERRORS})
def consolidated(request: HttpRequest, unit: UnitInPath, year: Year):
    # The selector gives the target group's label; the API also names its code.
    group_codes = {str(label): code for code, label in TargetGroup.choices}
    rows = [
        {
            "topic": r["topic"].code if r["topic"] else None,
            "topic_name": r["topic"].name if r["topic"] else None,
            "programme": r["programme"].pk if r["programme"] else None,
            "programme_name": r["programme"].name if r["programme"] else None,
            "target_group": group_codes.get(str(r["target_group"]), str(r["target_group"])),
            "target_group_label": str(r["target_group"]),
            "figures": r["figures"],
        }
        for r in selectors.consolidated(unit, year)
    ]
    totals = selectors.plan_vs_actual(selectors.consolidated_lines(unit, year))
    return {
        "unit": unit,
        "year": year,
        "rows": rows,
        "totals": totals.get((), Figures()),
        "not_submitted": selectors.not_submitted(unit, year),
    }


# --- spending -----------------------------------------------------------------------------


class SpendingIn(Schema):
    operating_total: Money = Field(..., description="VND: a number or a numeric string.")
    other_training: Money = Field(
        Decimal(0), description="Training costs outside classes, paid from union funds."
    )
    note: str = ""


class SpendingOut(Schema):
    unit: int
    year: int
    operating_total: Decimal
    other_training: Decimal
    note: str
    class_costs: Decimal = Field(
        ...,
        description="Actual costs, paid from union funds, of the classes the unit organised "
        "that started in the year.",
    )
    other_sources: Decimal = Field(
        ...,
        description="Actual costs of its classes paid by the state budget or an international "
        "project: not counted in the share.",
    )
    training: Decimal = Field(
        ..., description="Union-funded class costs plus other training costs (the share)."
    )
    share: Decimal = Field(..., description="Training spending, % of operating spending.")


def _spending_out(spending: Spending) -> dict:
    figures = selectors.spending_share(spending)
    return {
        "unit": spending.unit_id,
        "year": spending.year,
        "operating_total": spending.operating_total,
        "other_training": spending.other_training,
        "note": spending.note,
        "class_costs": figures["class_costs"],
        "other_sources": figures["other_sources"],
        "training": figures["training"],
        "share": figures["share"],
    }


@router.get("/units/{unit_id}/spending/{year}", response={200: SpendingOut, **ERRORS})
def spending_detail(request: HttpRequest, unit: UnitInPath, year: Year):
    spending = Spending.objects.filter(unit=unit, year=year).first()
    if spending is None:
        raise Http404
    return _spending_out(spending)


@router.put("/units/{unit_id}/spending/{year}", response={200: SpendingOut, **ERRORS}, auth=writer)
def spending_save(request: HttpRequest, unit: UnitInPath, year: Year, payload: SpendingIn):
    spending = services.spending_save(user=request.auth, unit=unit, year=year, **payload.dict())
    return _spending_out(spending)


# --- member growth ------------------------------------------------------------------------


class GrowthFigures(Schema):
    admitted: int
    other_decreases: int
    transfers_in: int
    transfers_out: int
    unions_founded: int
    unions_dissolved: int
    enterprises_30plus: int
    enterprises_with_union: int
    net_growth: int = Field(..., description="Admitted minus other decreases (transfers excluded).")


class GrowthOut(GrowthFigures):
    id: int
    unit: UnitBrief
    period_start: dt.date
    period_end: dt.date


class GrowthRowOut(GrowthOut):
    grassroots_in_system: bool = Field(
        ...,
        description="A grassroots union of this unit is in the system: the unions it founded "
        "are counted from the tree, its typed `unions_founded` is not.",
    )


class GrowthLevel(Schema):
    level: str
    units: int


class GrowthTotals(GrowthFigures):
    reporting: int = Field(..., description="Units whose figures the totals count.")
    levels: list[GrowthLevel] = Field(
        ...,
        description="Which levels' figures the totals use: each subtree is counted once, from "
        "the lowest level that reports it.",
    )
    coverage: Decimal | None = Field(
        ..., description="% of enterprises with 30 workers or more that have a grassroots union."
    )
    coverage_source: str = Field(
        ...,
        description="register: counted from the enterprise register, which holds employers of "
        "the subtree; typed: from the typed figures.",
    )
    founded: int = Field(
        ...,
        description="Grassroots unions founded (T-004-4): founded_from_tree + founded_typed.",
    )
    founded_from_tree: int = Field(
        ..., description="Grassroots unions of the subtree whose founding date is in the period."
    )
    founded_typed: int = Field(
        ...,
        description="Typed figures of the units none of whose grassroots unions is in the system.",
    )
    founded_year_over: int = Field(
        ..., description="Of founded_from_tree, those founded a year or more before `end`."
    )
    founded_kept: int = Field(
        ..., description="Of founded_year_over, those still active a year after founding."
    )


class GrowthReport(Schema):
    unit: UnitBrief
    start: dt.date
    end: dt.date
    rows: list[GrowthRowOut]
    left_out: list[GrowthOut] = Field(
        ..., description="Rows not counted: units below them reported for the period."
    )
    totals: GrowthTotals


class GrowthIn(Schema):
    """Only the figures sent are changed when the unit already has this period."""

    unit: UnitRef
    period_start: dt.date
    period_end: dt.date
    admitted: int = 0
    other_decreases: int = 0
    transfers_in: int = 0
    transfers_out: int = 0
    unions_founded: int = 0
    unions_dissolved: int = 0
    enterprises_30plus: int = 0
    enterprises_with_union: int = 0


@router.get("/units/{unit_id}/member-growth", response={200: GrowthReport, **ERRORS})
def growth_report(
    request: HttpRequest, unit: UnitInPath, start: Day | None = None, end: Day | None = None
):
    """The subtree's figures for periods within [start, end] (default: this year so far)."""
    end = end or today()
    start = start or dt.date(end.year, 1, 1)
    node = version_on(unit, end)
    if node is None:  # the unit did not exist on `end`
        raise Http404
    # The rows the totals sum (the unit asked is in scope; its subtree as it stood on `end`,
    # a union since moved elsewhere included), as on the growth page.
    rows = selectors.with_grassroots_in_system(
        selectors.growth_rows(node, start, end), end
    ).select_related("unit")
    totals = selectors.growth_totals(node, start, end)
    return {
        "unit": unit,
        "start": start,
        "end": end,
        "rows": rows,
        "left_out": selectors.growth_rows_left_out(node, start, end).select_related("unit"),
        "totals": {
            **totals,
            "levels": [{"level": name, "units": n} for name, n in totals["levels"]],
        },
    }


@router.post("/member-growth", response={200: GrowthOut, **ERRORS}, auth=writer)
def growth_save(request: HttpRequest, payload: GrowthIn):
    """Enter, or correct, a unit's figures for a period."""
    return services.growth_save(user=request.auth, **_sent(payload))


# --- training-needs surveys ---------------------------------------------------------------


class SurveyOut(Schema):
    id: int
    unit: UnitBrief
    year: int
    title: str
    deadline: dt.date
    closed: bool
    is_open: bool
    topics: list[str] = Field(..., description="Codes of the topics asked.")

    @staticmethod
    def resolve_topics(survey) -> list[str]:
        return [t.code for t in survey.topics.all()]

    @staticmethod
    def resolve_is_open(survey) -> bool:
        return survey.is_open_on(today())


class NeedOut(Schema):
    topic: str
    topic_name: str
    target_group: str
    target_group_label: str
    count: int


class SurveyProgressOut(Schema):
    unit: UnitBrief
    answered: bool
    answers_below: int = Field(..., description="Answers from its whole subtree.")


class SurveyDetail(SurveyOut):
    results: list[NeedOut] = Field(..., description="Answers of the caller's subtree summed.")
    progress: list[SurveyProgressOut] = Field(
        ..., description="Per unit directly under the caller's unit."
    )


class SurveyIn(Schema):
    unit: UnitRef
    year: int
    title: str
    deadline: dt.date
    topics: list[TopicRef] = Field(..., description="Codes of the topics asked.")


class NeedIn(Schema):
    topic: TopicRef
    target_group: str = Field(..., description=", ".join(TargetGroup.values))
    count: int


class AnswerIn(Schema):
    needs: list[NeedIn]
    comment: str = ""


class AnswerOut(Schema):
    survey: int = Field(..., alias="survey_id")
    unit: UnitBrief
    comment: str
    updated_at: dt.datetime
    needs: list[NeedOut]

    @staticmethod
    def resolve_needs(answer) -> list[dict]:
        groups = dict(TargetGroup.choices)
        return [
            {
                "topic": n.topic.code,
                "topic_name": n.topic.name,
                "target_group": n.target_group,
                "target_group_label": str(groups.get(n.target_group, n.target_group)),
                "count": n.count,
            }
            for n in answer.needs.select_related("topic").order_by("topic__rank", "id")
        ]


def _surveys(request: HttpRequest):
    """Surveys opened in the caller's subtree, and those opened above it to answer."""
    return (
        selectors.surveys_visible_to(request.auth).select_related("unit").prefetch_related("topics")
    )


def _survey(request: HttpRequest, survey_id: int):
    survey = _surveys(request).filter(pk=survey_id).first()
    if survey is None:
        raise Http404
    return survey


@router.get("/surveys", response={200: list[SurveyOut], **ERRORS})
@paginate(Pagination)
def survey_list(request: HttpRequest):
    return _surveys(request).order_by("-deadline", "-id")


@router.post("/surveys", response={201: SurveyOut, **ERRORS}, auth=writer)
def survey_open(request: HttpRequest, payload: SurveyIn):
    return Status(201, services.survey_open(user=request.auth, **_sent(payload)))


@router.get("/surveys/{survey_id}", response={200: SurveyDetail, **ERRORS})
def survey_detail(request: HttpRequest, survey_id: int):
    survey = _survey(request, survey_id)
    unit = request.auth.unit
    rows = selectors.survey_results(survey, unit)
    topics = Topic.objects.in_bulk([r["topic"] for r in rows])
    survey.results = [
        {
            "topic": topics[r["topic"]].code,
            "topic_name": r["topic__name"],
            "target_group": r["target_group"],
            "target_group_label": str(r["group_label"] or r["target_group"]),
            "count": r["count"],
        }
        for r in rows
    ]
    survey.progress = [
        {"unit": u, "answered": u.answered, "answers_below": u.answers_below or 0}
        for u in selectors.survey_progress(survey, unit)
    ]
    return survey


@router.put("/surveys/{survey_id}/answer", response={200: AnswerOut, **ERRORS}, auth=writer)
def survey_answer(request: HttpRequest, survey_id: int, payload: AnswerIn):
    """The caller's unit answers for its own cadres (again, to change it, until the
    deadline)."""
    survey = _survey(request, survey_id)
    needs = {}
    for need in payload.needs:
        key = (need.topic, need.target_group)
        if key in needs:
            raise ValidationError(
                {
                    "needs": _("%(topic)s, %(group)s is given twice.")
                    % {"topic": need.topic, "group": need.target_group}
                }
            )
        needs[key] = need.count
    return services.answer_save(
        user=request.auth,
        survey=survey,
        unit=request.auth.unit,
        needs=needs,
        comment=payload.comment,
    )


# --- the enterprise register --------------------------------------------------------------


class EmployerOut(Schema):
    tax_code: str
    name: str
    address: str
    commune: str
    province: str
    sector: str
    workers: int | None
    area: UnitBrief
    union: UnitBrief | None


class AreaCoverage(Schema):
    area: int = Field(..., alias="area")
    code: str = Field(..., alias="area__code")
    name: str = Field(..., alias="area__name")
    employers: int
    with_union: int
    coverage: Decimal


class CoverageOut(Schema):
    """Employers with 30 workers or more that have a grassroots union ÷ all such (004), from
    the register; `from_register` is false (and the figures empty) where it holds none there."""

    unit: UnitBrief
    from_register: bool
    employers: int
    with_union: int
    coverage: Decimal | None
    areas: list[AreaCoverage]


def _node_today(unit):
    node = version_on(unit, today())
    if node is None:
        raise Http404
    return node


@router.get("/units/{unit_id}/employers", response={200: list[EmployerOut], **ERRORS})
@paginate(Pagination)
def employer_list(request: HttpRequest, unit: UnitInPath, without_union: bool = False):
    """The register's employers in the unit's subtree; `without_union=true`: the organiser's
    working list, employers with 30 workers or more and no grassroots union, largest first."""
    node = _node_today(unit)
    if without_union:
        return selectors.employers_without_union(node, today()).select_related("union")
    return (
        selectors.employers_under(node, today())
        .select_related("area", "union")
        .order_by("name", "tax_code")
    )


@router.get("/units/{unit_id}/employers/coverage", response={200: CoverageOut, **ERRORS})
def employer_coverage(request: HttpRequest, unit: UnitInPath):
    """Coverage from the register, in the subtree and per area union, as the page shows it."""
    found = selectors.register_coverage(_node_today(unit), today())
    if found is None:
        return {
            "unit": unit,
            "from_register": False,
            "employers": 0,
            "with_union": 0,
            "coverage": None,
            "areas": [],
        }
    return {"unit": unit, "from_register": True, **found}


# --- new cadres not yet trained, by category ----------------------------------------------


class NewCadreRow(Schema):
    unit_id: int
    unit_code: str
    name: str
    own: bool = Field(..., description="The unit's own posts (not a unit below).")
    counts: dict[str, int]
    total: int


class NewCadresOut(Schema):
    """004: the new cadres not yet trained (in basic union work) after a congress, each once,
    by category — key_leaders, inspection, committee, group_leaders, full_time, part_time —
    and per unit directly below, as the page "Cán bộ mới chưa được đào tạo" shows them."""

    unit: UnitBrief
    since: dt.date
    on: dt.date
    total: int
    totals: dict[str, int]
    rows: list[NewCadreRow]


@router.get("/units/{unit_id}/new-cadres", response={200: NewCadresOut, **ERRORS})
def new_cadres(
    request: HttpRequest, unit: UnitInPath, since: Day | None = None, on: Day | None = None
):
    """Posts taken from `since` (default: the start of the unit's current term, its
    congress) and held on `on` (default: today)."""
    day = on or today()
    node = version_on(unit, day)
    if node is None:
        raise Http404
    found = new_cadres_store.found(  # stored figures of today, else live
        node, min(since or selectors.congress_day(node, day), day), day
    )
    return {
        "unit": unit,
        "since": found["since"],
        "on": day,
        "total": found["total"],
        "totals": found["totals"],
        "rows": [
            {
                "unit_id": version.unit_id,
                "unit_code": version.unit.code,
                "name": version.name,
                "own": key == "own",
                "counts": counts,
                "total": total,
            }
            for key, version, counts, total in found["rows"]
        ],
    }


# --- classes and trainees given down (004: "chỉ tiêu mở lớp") ---------------------------------


class GoalPair(Schema):
    given: int | None = Field(description="The goal given to the unit (None: none).")
    own: int | None = Field(description="A higher goal it set itself.")
    goal: int | None = Field(description="What it is judged against: its own, else given.")
    reached: bool | None = Field(description="Whether what its subtree held reaches the goal.")


class ClassGoalRow(Schema):
    unit_id: int
    unit_code: str
    name: str
    members: int | None
    workers: int | None
    classes: GoalPair
    trainees: GoalPair
    held_classes: int = Field(description="Classes its subtree held in the year.")
    held_trainees: int = Field(description="Their attendances (lượt).")
    planned_classes: int | None = Field(description="Classes in its own plan of the year.")
    planned_trainees: int | None


class ClassGoalsOut(Schema):
    """A unit's goals of classes and trainees for a year (given to it, or its own) and those
    it gave the units directly below, each with what its subtree held that year."""

    unit: int
    year: int
    whole_classes: int | None
    whole_trainees: int | None
    given_classes: int
    given_trainees: int
    adds_up: bool
    rows: list[ClassGoalRow]


class ClassGoalIn(Schema):
    unit: UnitRef
    classes: int | None = Field(None, ge=0, le=10_000_000, description="None: none given.")
    trainees: int | None = Field(None, ge=0, le=10_000_000)


class ClassGoalsIn(Schema):
    goals: list[ClassGoalIn] = Field(
        default_factory=list,
        description="Goals given by hand.",
        examples=[[{"unit": 12, "classes": 4, "trainees": 400}]],
    )
    divide: Literal["members", "workers"] | None = Field(
        None, description="Instead: divide the unit's own goals in proportion."
    )


class OwnClassGoalIn(Schema):
    classes: int | None = Field(None, ge=0, le=10_000_000, description="None: back to given.")
    trainees: int | None = Field(None, ge=0, le=10_000_000)


def _class_goals_out(unit, year: int) -> dict:
    day = today()
    node = version_on(unit, day)
    if node is None:
        raise Http404
    table = selectors.class_goals(node, year, day)
    whole = table.whole or {}
    return {
        "unit": unit.pk,
        "year": year,
        "whole_classes": whole.get("classes"),
        "whole_trainees": whole.get("trainees"),
        "given_classes": table.given["classes"],
        "given_trainees": table.given["trainees"],
        "adds_up": table.adds_up,
        "rows": [
            {
                "unit_id": r["unit"].pk,
                "unit_code": r["unit"].code,
                "name": r["version"].name,
                "members": r["members"],
                "workers": r["workers"],
                "classes": r["classes"],
                "trainees": r["trainees"],
                "held_classes": r["held"]["classes"],
                "held_trainees": r["held"]["trainees"],
                "planned_classes": (r["planned"] or {}).get("classes"),
                "planned_trainees": (r["planned"] or {}).get("trainees"),
            }
            for r in table.rows
        ],
    }


@router.get("/units/{unit_id}/class-goals/{year}", response={200: ClassGoalsOut, **ERRORS})
def class_goals_detail(request: HttpRequest, unit: UnitInPath, year: Year):
    """The classes and trainees given to the units directly below for the year."""
    return _class_goals_out(unit, year)


@router.put(
    "/units/{unit_id}/class-goals/{year}", response={200: ClassGoalsOut, **ERRORS}, auth=writer
)
def class_goals_save(request: HttpRequest, unit: UnitInPath, year: Year, payload: ClassGoalsIn):
    """Give classes and trainees to the units directly below, by hand (`goals`) or in
    proportion (`divide`), as the page does."""
    if payload.divide:
        services.class_goals_in_proportion(
            user=request.auth, unit=unit, year=year, by=payload.divide
        )
    else:
        services.class_goals_give(
            user=request.auth,
            unit=unit,
            year=year,
            goals={g.unit: {"classes": g.classes, "trainees": g.trainees} for g in payload.goals},
        )
    return _class_goals_out(unit, year)


@router.put(
    "/units/{unit_id}/class-goals/{year}/own",
    response={200: ClassGoalsOut, **ERRORS},
    auth=writer,
)
def own_class_goal_save(
    request: HttpRequest, unit: UnitInPath, year: Year, payload: OwnClassGoalIn
):
    """The unit sets itself goals of classes and trainees higher than those given to it."""
    services.class_goal_set_own(
        user=request.auth, unit=unit, year=year, classes=payload.classes, trainees=payload.trainees
    )
    return _class_goals_out(unit, year)
