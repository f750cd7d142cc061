"""Retention after training (`000`): of the people trained in a period who held a post in a
unit's subtree, how many left it (rotated, transferred, left) within 6, 12 and 24 months —
in total, per programme, topic or organiser, per unit below and per year — and the people
behind each figure. Definitions and counting: cadrework.retention."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from api.people import UnitBrief
from api.schemas import ErrorOut, Pagination, Ref
from api.units import UnitInPath
from cadrework import retention, retention_store
from lib.dates import today
from training.models import Programme, Topic
from units.models import Unit

router = Router(tags=["cadre work"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
EARLIEST, LATEST = dt.date(1950, 1, 1), dt.date(2100, 12, 31)

# Reference data every user may name.
TopicRef = Annotated[Topic, Ref(Topic.objects.all(), key="code", in_scope=False)]


def _window(value: int | None) -> int | None:
    if value is not None and value not in retention.WINDOWS:
        # Django's own message for a value outside the choices (already translated).
        raise PydanticCustomError(
            "literal_error",
            _("Select a valid choice. That choice is not one of the available choices."),
        )
    return value


Months = Annotated[int | None, AfterValidator(_window)]


class RetentionFilters(Schema):
    start: dt.date | None = Field(
        None, description="First completion day (default: the day after 3 years before `end`)."
    )
    end: dt.date | None = Field(None, description="Last completion day (default: `on`).")
    on: dt.date | None = Field(
        None,
        description="As of this day: a window counts once it has closed by then (default: today).",
    )
    programme: str | None = Field(
        None, description="A programme's id, or `none` for records without a programme."
    )
    topic: TopicRef | None = Field(None, description="A topic's code.")
    organiser: str | None = Field(
        None, description="The organising unit's id, or `none` for training done elsewhere."
    )


class FiguresQuery(RetentionFilters):
    by: Literal["programme", "topic", "organiser"] = Field(
        "programme", description="How the groups are formed."
    )


class PeopleQuery(RetentionFilters):
    months: Months = Field(
        None,
        description="6, 12 or 24: the people who left union work within that "
        "many months (among those whose window is known); "
        "none: every trained person.",
    )
    direct: bool = Field(False, description="Posts held in the unit itself only, not below.")
    moved: bool = Field(
        False,
        description="With `months`: those who moved to another union post within the window "
        "instead of those who left union work.",
    )


class WindowOut(Schema):
    months: int
    known: int = Field(
        ...,
        description="Trained people whose window had closed on the as-of "
        "day: the base of the percentage.",
    )
    left: int = Field(
        ...,
        description="Of those, people who left union work within the window: a post ended "
        "(rotated, transferred, left) and no other union post held the day after.",
    )
    moved: int = Field(
        ...,
        description="Of those, people whose post ended within the window for another union "
        "post (held the day after): not a loss, not in the percentage.",
    )
    percent: Decimal | None
    is_known: bool = Field(..., description="False: no window has closed yet (not yet known).")
    complete: bool = Field(..., description="The window is known for every trained person.")


class RetentionFiguresOut(Schema):
    trained: int = Field(
        ...,
        description="Distinct people trained in the period who held a "
        "post in the subtree on the day of their (first) "
        "training.",
    )
    windows: list[WindowOut]


class GroupOut(Schema):
    key: str = Field(
        ...,
        description="The value to pass as `programme`, `topic` or "
        "`organiser` to narrow to this group (`none`: without).",
    )
    label: str
    figures: RetentionFiguresOut


class UnitRowOut(Schema):
    unit: UnitBrief
    itself: bool = Field(
        ...,
        description="Posts held in the unit itself (pass `direct=true` "
        "for its people), not in a unit below.",
    )
    figures: RetentionFiguresOut


class YearOut(Schema):
    year: int
    figures: RetentionFiguresOut


class RetentionOut(Schema):
    unit: UnitBrief
    start: dt.date
    end: dt.date
    as_of: dt.date
    computed_at: dt.datetime | None = Field(
        None,
        description="The default question (no period, day or narrowing) is answered from "
        "figures computed once a day and after changes: when these were (their day is "
        "`as_of`; null: counted for this request).",
    )
    by: str
    totals: RetentionFiguresOut
    groups: list[GroupOut]
    units: list[UnitRowOut] = Field(
        ...,
        description="The units directly below, and the unit itself when people held posts in it.",
    )
    trend: list[YearOut] = Field(..., description="Per year of training, each year its own cohort.")


class RetentionPersonOut(Schema):
    person: int = Field(..., alias="person_id")
    full_name: str
    record: int = Field(
        ...,
        alias="pk",
        description="The training record counted (the person's first in the period).",
    )
    course: str = Field(..., alias="title")
    completed_on: dt.date
    programme: int | None = Field(None, alias="programme_id")
    organiser: int | None = Field(None, alias="organiser_id")
    position: int = Field(
        ...,
        alias="post_id",
        description="The post left within the window, else the post held on the day of training.",
    )
    role: str
    unit_code: str = Field(..., alias="post_unit_code")
    unit_name: str = Field(..., alias="post_unit_name")
    start_date: dt.date = Field(..., alias="post_start")
    end_date: dt.date | None = Field(None, alias="post_end")
    end_reason: str | None = Field(None, alias="post_end_reason")
    end_reason_label: str
    months_after: int | None = Field(
        None, description="Whole months from the training to the end of the post."
    )

    @staticmethod
    def resolve_full_name(row) -> str:
        return row.person.full_name

    @staticmethod
    def resolve_role(row) -> str:
        return retention.describe(row, get_language())["role"]

    @staticmethod
    def resolve_end_reason(row) -> str | None:
        return row.post_end_reason or None

    @staticmethod
    def resolve_end_reason_label(row) -> str:
        return retention.describe(row)["reason"]

    @staticmethod
    def resolve_months_after(row) -> int | None:
        return retention.describe(row)["months"]


def _day(filters: RetentionFilters, name: str) -> dt.date | None:
    day = getattr(filters, name)
    if day is not None and not EARLIEST <= day <= LATEST:
        raise ValidationError(
            {
                name: _("Enter a date between %(first)s and %(last)s.")
                % {"first": EARLIEST.strftime("%d/%m/%Y"), "last": LATEST.strftime("%d/%m/%Y")}
            }
        )
    return day


def _cohort(
    request: HttpRequest, unit: Unit, filters: RetentionFilters, direct: bool = False
) -> retention.Cohort:
    """The question the query asks, checked field by field (422 naming the field)."""
    as_of = _day(filters, "on") or today()
    end = _day(filters, "end") or as_of
    start = _day(filters, "start") or retention.default_period(end)[0]
    if end < start:
        raise ValidationError({"end": _("The end date cannot be before the start date.")})
    invalid = _("Select a valid choice. That choice is not one of the available choices.")
    programme = filters.programme
    if programme and programme != retention.NONE:
        programme = Programme.objects.filter(pk=retention.as_id(programme)).first()
        if programme is None:
            raise ValidationError({"programme": invalid})
    organiser = filters.organiser
    if organiser and organiser != retention.NONE:
        organiser = (
            retention.organisers_visible_to(request.auth)
            .filter(pk=retention.as_id(organiser))
            .first()
        )
        if organiser is None:
            raise ValidationError({"organiser": invalid})
    return retention.Cohort(
        unit=unit,
        start=start,
        end=end,
        as_of=as_of,
        programme=programme or None,
        topic=filters.topic,
        organiser=organiser or None,
        direct=direct,
    )


@router.get("/units/{unit_id}/retention", response={200: RetentionOut, **ERRORS})
def retention_figures(request: HttpRequest, unit: UnitInPath, filters: Query[FiguresQuery]):
    """Trained people and how many left union work (and how many moved to another union
    post) within 6, 12 and 24 months: in total, per group, per unit directly below and per
    year of training."""
    asked = any(getattr(filters, name) for name in ("start", "end", "on"))
    cohort, store = retention_store.answer(_cohort(request, unit, filters), asked)
    if store is not None:
        found = retention_store.read(store, cohort, filters.by)
    else:
        found = {
            "totals": retention.totals(cohort),
            "groups": retention.by_group(cohort, filters.by),
            "units": retention.by_unit(cohort),
            "trend": retention.trend(cohort),
        }
    return {
        "unit": unit,
        "start": cohort.start,
        "end": cohort.end,
        "as_of": cohort.as_of,
        "computed_at": store.finished_at if store is not None else None,
        "by": filters.by,
        "totals": found["totals"],
        "groups": [
            {"key": row.params[filters.by], "label": row.label, "figures": row.figures}
            for row in found["groups"]
        ],
        "units": [
            {"unit": row.obj, "itself": "direct" in row.params, "figures": row.figures}
            for row in found["units"]
        ],
        "trend": [{"year": row.key, "figures": row.figures} for row in found["trend"]],
    }


@router.get("/units/{unit_id}/retention/people", response={200: list[RetentionPersonOut], **ERRORS})
@paginate(Pagination, max_limit=500)
def retention_people(request: HttpRequest, unit: UnitInPath, filters: Query[PeopleQuery]):
    """The people behind a figure: every trained person, or (`months`) those who left union
    work within 6, 12 or 24 months (`moved`: those who moved to another union post). Narrow
    like the figures, or to a year with `start` and `end`, or to a unit below with its id in
    the path."""
    cohort = _cohort(request, unit, filters, direct=filters.direct)
    months, moved = filters.months, bool(filters.months and filters.moved)
    # Read a page at a time, counted from the stored figures when they hold the cohort.
    count = retention_store.listed(cohort, months, moved)
    return retention.PeopleList(cohort, months, moved, count=count)
