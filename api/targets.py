"""Targets: a unit's figures for every target in force, a person's obligations, as of a day."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from api.people import PersonInPath
from api.schemas import ErrorOut
from api.units import On, UnitInPath
from lib.dates import today
from targets import selectors, snapshots
from targets.engine import person_obligations
from targets.measures import Measure, unit_measures
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
    overdue: int
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


@router.get("/people/{person_id}/obligations", response={200: PersonObligations, **ERRORS})
def obligations(request: HttpRequest, person: PersonInPath, as_of: On = None):
    """The person's status for every target in force: met (with the record), due, overdue
    or not applicable."""
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
