"""Inspections of lower units' cadre work: an upper unit records what it inspected, its
findings and the follow-up actions it requires; the inspected unit reports them done.

Every rule is cadrework.inspections'; the routes only look objects up through the scope
helper and shape the answers."""

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ValidationInfo
from pydantic_core import PydanticCustomError

from api.auth import writer
from api.people import UnitBrief
from api.schemas import ErrorOut, Pagination, Ref
from api.units import UnitRef
from cadrework import inspections as rules
from cadrework.models import FollowUp, Inspection
from lib.dates import today
from units.models import Unit

router = Router(tags=["cadre work"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}

INSPECTIONS = Inspection.objects.select_related("inspecting", "inspected")
# The object named by the path: outside the user's subtree it does not exist (404).
InspectionInPath = Annotated[
    Inspection, Ref(INSPECTIONS, in_path=True), Path(..., alias="inspection_id")
]
FOLLOW_UPS = FollowUp.objects.select_related("inspection__inspecting", "inspection__inspected")
FollowUpInPath = Annotated[FollowUp, Ref(FOLLOW_UPS, in_path=True), Path(..., alias="follow_up_id")]


@dataclass(frozen=True)
class NameableUnitRef(Ref):
    """A unit of the user's subtree, or one on their line above (whose name they see), so that
    naming a unit above is refused with the reason; any other unit is not found (422)."""

    def lookup(self, value: int | str, info: ValidationInfo):
        user = info.context["request"].auth
        unit = rules.units_nameable_by(user).filter(pk=value).first()
        if unit is None:
            raise PydanticCustomError(
                "not_found",
                _("Select a valid choice. That choice is not one of the available choices."),
            )
        return unit


InspectedRef = Annotated[Unit, NameableUnitRef(Unit.objects.all())]


class FollowUpOut(Schema):
    id: int
    inspection: int = Field(..., alias="inspection_id")
    action: str
    deadline: dt.date
    done_on: dt.date | None
    status: str = Field(..., description="done, open or overdue (deadline passed, not done).")

    @staticmethod
    def resolve_status(follow_up: FollowUp) -> str:
        return str(rules.status_of(follow_up))


class InspectionOut(Schema):
    id: int
    inspecting: UnitBrief
    inspected: UnitBrief
    held_on: dt.date
    areas: list[str] = Field(..., description=", ".join(rules.Area.values))
    area_labels: list[str]
    findings: str
    follow_up_count: int
    open_count: int = Field(..., description="Follow-ups not done.")
    overdue_count: int = Field(..., description="Follow-ups not done whose deadline passed.")

    @staticmethod
    def resolve_areas(inspection: Inspection) -> list[str]:
        return rules.area_codes(inspection.areas)

    @staticmethod
    def resolve_area_labels(inspection: Inspection) -> list[str]:
        return rules.area_labels(inspection.areas)


class InspectionDetail(InspectionOut):
    follow_ups: list[FollowUpOut]

    @staticmethod
    def resolve_follow_ups(inspection: Inspection):
        return inspection.follow_ups.all()


class InspectionFilters(Schema):
    unit: UnitRef | None = Field(
        None, description="Inspections of this unit's subtree (default: the user's)."
    )
    overdue: bool | None = Field(
        None, description="true: only inspections with an overdue follow-up."
    )


class FollowUpIn(Schema):
    action: str
    deadline: dt.date


class InspectionIn(Schema):
    inspected: InspectedRef = Field(..., description="A unit strictly below the user's.")
    held_on: dt.date = Field(..., description="Not in the future.")
    areas: list[str] = Field(..., description=", ".join(rules.Area.values))
    findings: str
    follow_ups: list[FollowUpIn] = []


class DoneIn(Schema):
    done_on: dt.date | None = Field(None, description="Default: today. Not before the inspection.")


def _counted(user, pk: int) -> Inspection:
    """The inspection with its follow-up counts, as the list gives them."""
    return rules.inspections_under(user, user.unit).get(pk=pk)


@router.get("/inspections", response={200: list[InspectionOut], **ERRORS})
@paginate(Pagination)
def inspection_list(request: HttpRequest, filters: Query[InspectionFilters]):
    """Inspections of the subtree (the inspected unit in it), latest first."""
    day = today()
    inspections = rules.inspections_under(request.auth, filters.unit or request.auth.unit, day)
    if filters.overdue is not None:
        inspections = (
            inspections.filter(overdue_count__gt=0)
            if filters.overdue
            else inspections.filter(overdue_count=0)
        )
    return inspections


@router.post("/inspections", response={201: InspectionDetail, **ERRORS}, auth=writer)
def inspection_create(request: HttpRequest, payload: InspectionIn):
    """By the user's unit, of a unit strictly below it, with its follow-up actions."""
    inspection = rules.inspection_create(
        user=request.auth,
        inspected=payload.inspected,
        held_on=payload.held_on,
        areas=payload.areas,
        findings=payload.findings,
        follow_ups=[item.dict() for item in payload.follow_ups],
    )
    return Status(201, _counted(request.auth, inspection.pk))


@router.get("/inspections/{inspection_id}", response={200: InspectionDetail, **ERRORS})
def inspection_detail(request: HttpRequest, inspection: InspectionInPath):
    return _counted(request.auth, inspection.pk)


@router.post(
    "/inspections/{inspection_id}/follow-ups", response={201: FollowUpOut, **ERRORS}, auth=writer
)
def follow_up_add(request: HttpRequest, inspection: InspectionInPath, payload: FollowUpIn):
    """By the inspecting unit or a unit above it."""
    return Status(
        201,
        rules.follow_up_add(
            user=request.auth,
            inspection=inspection,
            action=payload.action,
            deadline=payload.deadline,
        ),
    )


@router.post("/follow-ups/{follow_up_id}/done", response={200: FollowUpOut, **ERRORS}, auth=writer)
def follow_up_done(request: HttpRequest, follow_up: FollowUpInPath, payload: DoneIn = None):
    """By the inspected unit (or the inspecting one): once, on a day not before the
    inspection and not in the future."""
    done_on = payload.done_on if payload is not None and payload.done_on else today()
    return rules.follow_up_done(user=request.auth, follow_up=follow_up, done_on=done_on)
