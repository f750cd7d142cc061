"""Units: the structure as of a date, its terms and figures, and its reorganisations."""

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from accounts.scope import scope_q
from api.auth import writer
from api.schemas import Day, ErrorOut, Pagination, Ref
from lib.dates import today
from lib.vntext import fold
from targets.chairs import union_duty
from units import services
from units.models import MAX_COUNT, Term, Unit, UnitKind, UnitVersion, member_count_on
from units.selectors import children_with_counts, subtree_counts, version_on

router = Router(tags=["units"])

UNITS = Unit.objects.select_related("kind__level")
# The unit named by the path: outside the user's subtree it does not exist (404).
UnitInPath = Annotated[Unit, Ref(UNITS, in_path=True), Path(..., alias="unit_id")]
# A unit named in a query or a body: outside the subtree it is an error on that field.
UnitRef = Annotated[Unit, Ref(UNITS)]
KindRef = Annotated[
    UnitKind, Ref(UnitKind.objects.select_related("level"), key="code", in_scope=False)
]
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
On = Annotated[Day | None, Query(None, description="As of this day (default: today).")]


class UnitOut(Schema):
    """A unit as it stands now (its latest name and placement)."""

    id: int
    code: str
    name: str
    kind: str = Field(..., alias="kind.code")
    parent: int | None = Field(None, alias="parent_id")
    depth: int
    sector: str
    founded_on: dt.date | None
    dissolved_on: dt.date | None


class UnitOnDay(Schema):
    """A unit's name and placement in force on a day, and the period they were in force."""

    id: int = Field(..., alias="unit_id")
    code: str = Field(..., alias="unit.code")
    name: str
    kind: str = Field(..., alias="kind.code")
    parent: int | None = Field(None, alias="parent_id")
    depth: int
    valid_from: dt.date | None = Field(
        None, description="First day in force (None: since founded)."
    )
    valid_to: dt.date | None = Field(
        None, description="Last day in force, inclusive (None: still in force)."
    )


class TermOut(Schema):
    id: int
    name: str
    start_date: dt.date
    end_date: dt.date


class FiguresOut(Schema):
    effective_on: dt.date
    member_count: int
    worker_count: int | None


class Counts(Schema):
    sub_units: int
    cadres: int
    full_time: int


class UnitDetail(Schema):
    unit: UnitOut
    on: dt.date
    as_of: UnitOnDay | None = Field(
        None, description="Its shape on `on`; null if it did not exist then."
    )
    counts: Counts | None = Field(None, description="Its subtree on `on`.")
    terms: list[TermOut]
    figures: list[FiguresOut]
    member_count: int | None = Field(None, description="Members in force on `on`.")
    chair_trained_by: str | None = Field(
        None,
        description="For a grassroots union: the level that must train its chair on "
        "`on` (T-003-4): confederation, province or upper_grassroots — the level responsible "
        "of the T-003-4 target whose member band holds the union's member count; null when "
        "it has no member count then.",
    )
    chair_target: str | None = Field(
        None, description="For a grassroots union: that T-003-4 target's code."
    )


class ChildOut(Counts):
    id: int
    code: str
    name: str
    kind: str


class KindOut(Schema):
    code: str
    name: str
    name_en: str
    level: str = Field(..., alias="level.code")
    rank: int = Field(..., alias="level.rank")


class UnitFilters(Schema):
    q: str = Field("", description="Code or name, ignoring accents and case.")
    parent: UnitRef | None = Field(None, description="Children of this unit on `on`.")
    kind: KindRef | None = Field(None, description="A unit kind's code.")
    on: Day | None = Field(None, description="As of this day (default: today).")


class UnitCreateIn(Schema):
    code: str
    name: str
    kind: KindRef
    parent: UnitRef | None = None
    sector: str = Field("", description="state, non_state or empty.")
    founded_on: dt.date | None = None


class UnitUpdateIn(Schema):
    """Corrections only: a new name or parent is a dated reorganisation (rename, move)."""

    code: str = None
    sector: str = None
    founded_on: dt.date | None = None


class Dated(Schema):
    effective_on: dt.date
    # The reorganisation services store names and notes without full_clean(): the lengths
    # are checked here so that PostgreSQL never sees an over-long value.
    note: str = Field("", max_length=500)


class MoveIn(Dated):
    parent: UnitRef


class RenameIn(Dated):
    name: str = Field(..., max_length=255)


class MergeIn(Dated):
    sources: list[UnitRef] = Field(..., min_length=1)
    target: UnitRef


class TermIn(Schema):
    name: str
    start_date: dt.date
    end_date: dt.date


@router.get("/unit-kinds", response={200: list[KindOut], **ERRORS})
def unit_kinds(request: HttpRequest):
    return UnitKind.objects.select_related("level")


@router.get("/units", response={200: list[UnitOnDay], **ERRORS})
@paginate(Pagination, max_limit=500)
def unit_list(request: HttpRequest, filters: Query[UnitFilters]):
    """Units of the user's subtree as they stood on `on`, in tree order."""
    versions = (
        UnitVersion.objects.on(filters.on or today())
        .filter(scope_q(request.auth, "unit"))
        .select_related("unit", "kind")
        .order_by("path")
    )
    if filters.q:
        versions = versions.filter(unit__search_name__contains=fold(filters.q))
    if filters.parent is not None:
        versions = versions.filter(parent=filters.parent)
    if filters.kind is not None:
        versions = versions.filter(kind=filters.kind)
    return versions


@router.post("/units", response={201: UnitOut, **ERRORS}, auth=writer)
def unit_create(request: HttpRequest, payload: UnitCreateIn):
    return Status(201, services.unit_create(user=request.auth, **dict(payload)))


# Before /units/{unit_id}: Django tries the patterns in order.
@router.post("/units/merge", response={200: UnitOut, **ERRORS}, auth=writer)
def unit_merge(request: HttpRequest, payload: MergeIn):
    """Merge `sources` into `target`: their sub-units and cadres pass to it, they end."""
    return services.unit_merge(
        user=request.auth,
        sources=payload.sources,
        target=payload.target,
        effective_on=payload.effective_on,
        note=payload.note,
    )


@router.get("/units/{unit_id}", response={200: UnitDetail, **ERRORS})
def unit_detail(request: HttpRequest, unit: UnitInPath, on: On = None):
    day = on or today()
    version = version_on(unit, day)
    members = member_count_on(unit, day)
    return {
        "unit": unit,
        "on": day,
        "as_of": version,
        "counts": subtree_counts(version, day, request.auth) if version else None,
        "terms": unit.terms.all(),
        "figures": unit.figures.all(),
        "member_count": members,
        **_chair_duty(unit, day),
    }


def _chair_duty(unit: Unit, day: dt.date) -> dict:
    """T-003-4 for a grassroots union: the rule of the chairs pages (targets.chairs)."""
    duty = union_duty(unit, day) if unit.is_grassroots else None
    return {
        "chair_trained_by": duty.level if duty else None,
        "chair_target": duty.target.code if duty and duty.target else None,
    }


@router.patch("/units/{unit_id}", response={200: UnitOut, **ERRORS}, auth=writer)
def unit_update(request: HttpRequest, unit: UnitInPath, payload: UnitUpdateIn):
    fields = {"code": unit.code, "sector": unit.sector, "founded_on": unit.founded_on}
    fields.update({name: getattr(payload, name) for name in payload.model_fields_set})
    return services.unit_update(user=request.auth, unit=unit, **fields)


@router.post("/units/{unit_id}/move", response={200: UnitOut, **ERRORS}, auth=writer)
def unit_move(request: HttpRequest, unit: UnitInPath, payload: MoveIn):
    return services.unit_move(
        user=request.auth,
        unit=unit,
        new_parent=payload.parent,
        effective_on=payload.effective_on,
        note=payload.note,
    )


@router.post("/units/{unit_id}/rename", response={200: UnitOut, **ERRORS}, auth=writer)
def unit_rename(request: HttpRequest, unit: UnitInPath, payload: RenameIn):
    return services.unit_rename(user=request.auth, unit=unit, **dict(payload))


@router.post("/units/{unit_id}/dissolve", response={200: UnitOut, **ERRORS}, auth=writer)
def unit_dissolve(request: HttpRequest, unit: UnitInPath, payload: Dated):
    return services.unit_dissolve(user=request.auth, unit=unit, **dict(payload))


@router.get("/units/{unit_id}/terms", response={200: list[TermOut], **ERRORS})
def term_list(request: HttpRequest, unit: UnitInPath):
    return Term.objects.filter(unit=unit)


@router.post("/units/{unit_id}/terms", response={201: TermOut, **ERRORS}, auth=writer)
def term_create(request: HttpRequest, unit: UnitInPath, payload: TermIn):
    return Status(201, services.term_create(user=request.auth, unit=unit, **dict(payload)))


class FiguresIn(Schema):
    """A unit's member and worker counts from a day (what a province's member database sends):
    a second entry for the same day replaces the first. T-003-4 places a union in its band
    (1,000 and 2,500 members) by the count in force on the day asked."""

    effective_on: Day = Field(..., examples=["2025-01-01"])
    member_count: int = Field(..., ge=0, le=MAX_COUNT, examples=[1000])
    worker_count: int | None = Field(None, ge=0, le=MAX_COUNT, examples=[1200])


@router.post("/units/{unit_id}/figures", response={200: FiguresOut, **ERRORS}, auth=writer)
def unit_figures_set(request: HttpRequest, unit: UnitInPath, payload: FiguresIn):
    """Record the unit's member and worker counts from a day, as the unit's page does."""
    return services.unit_set_figures(user=request.auth, unit=unit, **dict(payload))


@router.get("/units/{unit_id}/children", response={200: list[ChildOut], **ERRORS})
def unit_children(request: HttpRequest, unit: UnitInPath, on: On = None):
    """The unit's children on `on`, each with counts over its own subtree."""
    day = on or today()
    node = version_on(unit, day)
    if node is None:
        return []
    return [
        {
            "id": c["unit"].pk,
            "code": c["unit"].code,
            "name": c["version"].name,
            "kind": c["version"].kind.code,
            "sub_units": c["sub_units"],
            "cadres": c["cadres"],
            "full_time": c["full_time"],
        }
        for c in children_with_counts(node, day, request.auth)
    ]
