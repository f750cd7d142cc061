"""Targets: a unit's figures for every target in force, a person's obligations, as of a day."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from api.auth import writer
from api.people import PersonInPath
from api.schemas import PAGE_BOUND, Day, ErrorOut
from api.units import On, UnitInPath, UnitRef
from lib.dates import today
from targets import explain as explained
from targets import selectors, services, snapshots
from targets.engine import person_obligations
from targets.measures import Measure, allocatable_targets, allocation, unit_measures
from units.places import is_within
from units.selectors import version_on

router = Router(tags=["targets"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class TargetFigures(Schema):
    code: str
    name: str
    document: str
    threshold: Decimal
    level_responsible: str | None
    eligible: int
    met: int
    overdue: int = Field(description="Not met, and the window has closed: missed.")
    late: int = Field(
        description="Of the overdue, those trained after the deadline (đạt muộn): not met."
    )
    percent: Decimal | None
    achieved: bool | None
    standing: str


class UnitTargetFigures(Schema):
    """A target measured on unit figures: `value` and `goal` are percentages for the
    spending share and coverage, counts for member growth and unions founded; `reaching` is
    how many of the units reporting reach the spending share (None for the other kinds)."""

    code: str
    name: str
    kind: str
    value: int | Decimal | None
    goal: int | Decimal | None
    reporting: int
    reaching: int | None
    achieved: bool | None
    standing: str


class UnitTargets(Schema):
    unit: int
    as_of: dt.date
    targets: list[TargetFigures]
    unit_targets: list[UnitTargetFigures]


class ObligationOut(Schema):
    code: str
    name: str
    status: str
    unit: int | None
    role: str | None
    due_on: dt.date | None
    record: int | None
    record_title: str | None
    record_completed_on: dt.date | None


class PersonObligations(Schema):
    person: int
    as_of: dt.date
    obligations: list[ObligationOut]


def _figures(result: selectors.Result) -> dict:
    target = result.target
    return {
        "code": target.code,
        "name": target.name,
        "document": target.document.code,
        "threshold": target.threshold,
        "level_responsible": target.responsible_level.code if target.responsible_level else None,
        "eligible": result.eligible,
        "met": result.met,
        "overdue": result.overdue,
        "late": result.late,
        "percent": result.percent,
        "achieved": result.achieved,
        "standing": result.standing,
    }


def _measure(measure: Measure) -> dict:
    target = measure.target
    return {
        "code": target.code,
        "name": target.name,
        "kind": target.kind,
        "value": measure.value,
        "goal": measure.goal,
        "reporting": measure.reporting,
        "reaching": measure.reaching,
        "achieved": measure.achieved,
        "standing": measure.standing,
    }


@router.get("/units/{unit_id}/targets", response={200: UnitTargets, **ERRORS})
def unit_targets(request: HttpRequest, unit: UnitInPath, as_of: On = None):
    """Every target in force for the unit on the day, over its whole subtree: the targets
    on people (`targets`) and those measured on unit figures (`unit_targets`: spending share,
    member growth, grassroots unions founded, coverage)."""
    day = as_of or today()
    node = version_on(unit, day)
    if node is None:
        return 404, {"detail": "Đơn vị chưa tồn tại hoặc đã giải thể vào ngày này."}
    targets = selectors.targets_for(node, day)
    snapshot = snapshots.ready(day)
    if snapshot is not None:
        results = selectors.unit_targets(node, day, snapshot, targets)
    else:  # a large tree's snapshot is being computed: answer from the base tables
        results = [selectors.subtree_live(t, node, day) for t in targets]
    return {
        "unit": unit.pk,
        "as_of": day,
        "targets": [_figures(r) for r in results],
        "unit_targets": [_measure(m) for m in unit_measures(node, day)],
    }


class ReadingOut(Schema):
    label: str
    text: str


class ExplainedPerson(Schema):
    person: int
    full_name: str
    unit: int
    unit_code: str
    role: str
    full_time: bool
    status: str = Field(description="met, due, overdue or late (trained after the deadline).")
    record: int | None = Field(None, description="The record that met it (or came late).")
    record_title: str | None
    record_completed_on: dt.date | None
    due_on: dt.date | None


class ChangesOut(Schema):
    since: dt.date
    summary: str
    newly_met: list[int]
    no_longer_met: list[int]
    joined: list[int]
    left: list[int]


class Explanation(Schema):
    """A figure explained: the seed's sentence, the system's reading, the figure (the same as
    `/units/{unit_id}/targets` gives), and the people it counts — exactly those — with the
    record that met it or the day it falls due (`count` people, `limit` from `offset`)."""

    unit: int
    as_of: dt.date
    wording: str
    document: str
    reading: list[ReadingOut]
    figures: TargetFigures
    changes: ChangesOut | None
    count: int
    people: list[ExplainedPerson]


@router.get("/units/{unit_id}/targets/{code}/explain", response={200: Explanation, **ERRORS})
def explain(
    request: HttpRequest,
    unit: UnitInPath,
    code: str,
    as_of: On = None,
    since: Annotated[Day | None, Query(None, description="Changes since this day.")] = None,
    limit: Annotated[int, Query(100, ge=1, le=500)] = 100,
    offset: Annotated[int, Query(0, ge=0, le=PAGE_BOUND)] = 0,
):
    """Why the figure of a target for the unit is what it is, person by person."""
    day = as_of or today()
    node = version_on(unit, day)
    if node is None:
        return 404, {"detail": "Đơn vị chưa tồn tại hoặc đã giải thể vào ngày này."}
    target = next((t for t in selectors.targets_for(node, day) if t.code == code), None)
    if target is None:
        return 404, {"detail": "Không có chỉ tiêu này cho đơn vị vào ngày này."}
    snapshot = snapshots.ready(day)
    if snapshot is not None:
        result = selectors.unit_targets(node, day, snapshot, [target])[0]
    else:
        result = selectors.subtree_live(target, node, day)
    people = explained.people(target, node, day)
    lines = explained.lines(target, node, day, people[offset : offset + limit])
    changes = explained.changes(target, node, day, since) if since else None
    return {
        "unit": unit.pk,
        "as_of": day,
        "wording": target.wording,
        "document": target.document.code,
        "reading": [{"label": label, "text": text} for label, text in explained.reading(target)],
        "figures": _figures(result),
        "changes": changes
        and {
            "since": changes.since,
            "summary": changes.summary(),
            **{
                name: [p.pk for p in getattr(changes, name)]
                for name in ("newly_met", "no_longer_met", "joined", "left")
            },
        },
        "count": people.count(),
        "people": [
            {
                "person": line.position.person_id,
                "full_name": line.position.person.full_name,
                "unit": line.position.unit_id,
                "unit_code": line.position.unit.code,
                "role": line.position.role.code,
                "full_time": line.position.full_time,
                "status": line.status,
                "record": line.record.pk if line.record else None,
                "record_title": line.record.title if line.record else None,
                "record_completed_on": line.record.completed_on if line.record else None,
                "due_on": line.due_on,
            }
            for line in lines
        ],
    }


@router.get("/people/{person_id}/obligations", response={200: PersonObligations, **ERRORS})
def obligations(request: HttpRequest, person: PersonInPath, as_of: On = None):
    """The person's status for every target in force: met (with the record), due, overdue,
    late (missed, trained after the deadline: with that record) or not applicable."""
    day = as_of or today()
    mine = request.auth.unit.path
    out = []
    for o in person_obligations(person, day):
        issuer = o.target.scope_unit
        if (
            o.position is None
            and issuer is not None
            and not (is_within(mine, issuer) or is_within(issuer, mine))
        ):
            continue  # another unit's own target (e.g. another province's adoption)
        out.append(
            {
                "code": o.target.code,
                "name": o.target.name,
                "status": o.status,
                "unit": o.position.unit_id if o.position else None,
                "role": o.position.role.code if o.position else None,
                "due_on": o.due_on,
                "record": o.record.pk if o.record else None,
                "record_title": o.record.title if o.record else None,
                "record_completed_on": o.record.completed_on if o.record else None,
            }
        )
    return {"person": person.pk, "as_of": day, "obligations": out}


# --- goals given down -----------------------------------------------------------------------


class AllocationRow(Schema):
    unit_id: int
    unit_code: str
    name: str
    members: int | None = Field(description="Members of its grassroots unions today.")
    workers: int | None = Field(description="Workers of its grassroots unions today.")
    allocated: int | Decimal | None = Field(description="The goal given to it (None: none).")
    own: int | Decimal | None = Field(description="A higher goal it set itself.")
    method: str
    to_train: int | None = Field(
        None, description="A target on people: those it must still train to reach it."
    )
    met: int | None = Field(None, description="A target on people: those who met it.")
    trained: int | None = Field(
        None, description="A target on people: those who met it since the goal was given."
    )
    reached: bool | None = Field(
        None, description="A target on people: whether those trained reach the goal."
    )


class AllocationOut(Schema):
    """A unit target's goal of the unit and how it is given to the units directly below it
    (004: "chỉ tiêu được giao"); each of them is judged against its own (the dashboard, the
    targets figures and the reports)."""

    unit: int
    code: str
    whole: int | Decimal | None = Field(
        description="The unit's own goal for the target (a target on people: people to train)."
    )
    people: bool = Field(description="A target on people: goals are people to train.")
    additive: bool = Field(description="A count, whose parts add up to the whole.")
    given: int | Decimal
    difference: int | Decimal | None = Field(
        description="Whole minus the goals given: + not yet given, − given beyond the whole."
    )
    adds_up: bool
    rows: list[AllocationRow]


class GoalIn(Schema):
    unit: UnitRef
    goal: Decimal | None = Field(None, description="None: take the goal back.")


class AllocationIn(Schema):
    goals: list[GoalIn] = Field(default_factory=list, description="Goals given by hand.")
    divide: Literal["members", "workers", "to_train"] | None = Field(
        None,
        description="Instead: divide the whole in proportion to members, workers or (a target "
        "on people) people still to train.",
    )


class OwnGoalIn(Schema):
    own: Decimal | None = Field(..., description="At least the goal given; None: back to it.")


def _unit_target(unit, code: str):
    day = today()
    node = version_on(unit, day)
    target = (
        next((t for t in allocatable_targets(node, day) if t.code == code), None) if node else None
    )
    if target is None:
        raise Http404
    return node, target, day


def _allocation_out(node, target, day) -> dict:
    table = allocation(target, node, day)
    return {
        "unit": node.unit_id,
        "code": target.code,
        "whole": table.whole,
        "people": table.people,
        "additive": table.additive,
        "given": table.given,
        "difference": table.difference,
        "adds_up": table.adds_up,
        "rows": [
            {
                "unit_id": r["unit"].pk,
                "unit_code": r["unit"].code,
                "name": r["version"].name,
                "members": r["members"],
                "workers": r["workers"],
                "allocated": r["allocated"],
                "own": r["own"],
                "method": r["method"],
                **{k: r.get(k) for k in ("to_train", "met", "trained", "reached")},
            }
            for r in table.rows
        ],
    }


@router.get("/units/{unit_id}/targets/{code}/allocation", response={200: AllocationOut, **ERRORS})
def allocation_detail(request: HttpRequest, unit: UnitInPath, code: str):
    """The goal of a unit target and the goals given to the units directly below today."""
    return _allocation_out(*_unit_target(unit, code))


@router.put(
    "/units/{unit_id}/targets/{code}/allocation",
    response={200: AllocationOut, **ERRORS},
    auth=writer,
)
def allocation_save(request: HttpRequest, unit: UnitInPath, code: str, payload: AllocationIn):
    """Give goals to the units directly below, by hand (`goals`) or in proportion (`divide`),
    as the page does."""
    node, target, day = _unit_target(unit, code)
    if payload.divide:
        services.goals_allocate_in_proportion(
            user=request.auth, target=target, unit=unit, by=payload.divide
        )
    else:
        services.goals_allocate(
            user=request.auth,
            target=target,
            unit=unit,
            goals={g.unit: g.goal for g in payload.goals},
        )
    return _allocation_out(node, target, day)


@router.put(
    "/units/{unit_id}/targets/{code}/own-goal", response={200: AllocationOut, **ERRORS}, auth=writer
)
def own_goal_save(request: HttpRequest, unit: UnitInPath, code: str, payload: OwnGoalIn):
    """The unit sets itself a goal higher than the one given to it."""
    node, target, day = _unit_target(unit, code)
    services.goal_set_own(user=request.auth, target=target, unit=unit, own=payload.own)
    return _allocation_out(node, target, day)
