"""Reads for the dashboard, the needs list and the API: stored figures plus the engine."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from people.models import Position
from targets import snapshots
from targets.engine import STATUS_LABELS, due_on, evaluated, person_targets, status_of
from targets.models import Revision, Snapshot, Target, TargetFigure, covering
from training.lapsing import LIST_DAYS, lapsing_records
from units.models import UnitVersion
from units.places import placed_under
from units.selectors import children_on


class Standing:
    ACHIEVED = "achieved"
    AT_RISK = "at_risk"
    MISSED = "missed"
    NONE = "none"  # nobody in the population


@dataclass
class Result:
    """A target's figures for one unit (its subtree, or its own post-holders)."""

    target: Target
    eligible: int = 0
    met: int = 0
    overdue: int = 0
    late: int = 0  # of the overdue, trained after the deadline ("đạt muộn")

    @property
    def percent(self) -> Decimal | None:
        if not self.eligible:
            return None
        return (Decimal(100 * self.met) / self.eligible).quantize(Decimal("0.1"))

    @property
    def achieved(self) -> bool | None:
        if not self.eligible:
            return None
        return 100 * self.met >= self.target.threshold * self.eligible

    @property
    def standing(self) -> str:
        """Achieved; missed when even everyone not yet overdue could not reach the threshold;
        else at risk."""
        if not self.eligible:
            return Standing.NONE
        if self.achieved:
            return Standing.ACHIEVED
        reachable = self.eligible - self.overdue
        if 100 * reachable < self.target.threshold * self.eligible:
            return Standing.MISSED
        return Standing.AT_RISK

    @property
    def not_met(self) -> int:
        return self.eligible - self.met


def _result(target: Target, figure: TargetFigure | None, own: bool = False) -> Result:
    if figure is None:
        return Result(target)
    if own:
        return Result(
            target, figure.own_eligible, figure.own_met, figure.own_overdue, figure.own_late
        )
    return Result(target, figure.eligible, figure.met, figure.overdue, figure.late)


def targets_for(node: UnitVersion, day: dt.date) -> list[Target]:
    """Person-based targets in force on `day` whose issuing unit covers the node (on that
    day)."""
    return covering(person_targets(day), node, day)


def unit_targets(
    node: UnitVersion, day: dt.date, snapshot: Snapshot, targets: list[Target] | None = None
) -> list[Result]:
    """Each target's subtree figures for the node (the API's and the dashboard's head)."""
    targets = targets if targets is not None else targets_for(node, day)
    stored = snapshots.figures(snapshot, [node.unit_id], targets)
    return [_result(t, stored.get((t.pk, node.unit_id))) for t in targets]


def children_ranked(
    node: UnitVersion,
    day: dt.date,
    snapshot: Snapshot,
    targets: list[Target],
    rank_by: Target | None,
) -> list[dict]:
    """The node's children on `day` with every target's figures, best first by `rank_by`."""
    children = list(children_on(node.unit_id, day).select_related("unit", "kind"))
    # Counts only (a province has hundreds of units below: no model instance per figure).
    stored = {
        (target_id, unit_id): counts
        for target_id, unit_id, *counts in TargetFigure.objects.filter(
            snapshot=snapshot, unit_id__in=[c.unit_id for c in children], target__in=targets
        ).values_list("target_id", "unit_id", "eligible", "met", "overdue", "late")
    }
    rows = []
    for child in children:
        results = [Result(t, *stored.get((t.pk, child.unit_id), (0, 0, 0, 0))) for t in targets]
        key = next((r for r in results if rank_by and r.target.pk == rank_by.pk), None)
        rows.append({"version": child, "results": results, "key": key})

    def order(row):
        key = row["key"]
        percent = key.percent if key and key.percent is not None else Decimal(-1)
        return (-percent, row["version"].name)

    return sorted(rows, key=order)


def own_results(node: UnitVersion, snapshot: Snapshot, targets: list[Target]) -> list[Result]:
    """Figures of the unit's own post-holders (not its units below)."""
    stored = snapshots.figures(snapshot, [node.unit_id], targets)
    return [_result(t, stored.get((t.pk, node.unit_id)), own=True) for t in targets]


def year_series(
    node: UnitVersion, targets: list[Target], day: dt.date, years: int = 5
) -> list[tuple[Target, list[dict]]]:
    """Each target's subtree percentage at the end of each of the last years (and on `day`):
    one query for the snapshots and one for their figures, whatever the number of targets."""
    days = [dt.date(y, 12, 31) for y in range(day.year - years + 1, day.year)] + [day]
    wanted = [
        point for point in days if any(not t.valid_from or point >= t.valid_from for t in targets)
    ]
    found = {
        s.as_of: s
        for s in Snapshot.objects.filter(as_of__in=wanted, status=Snapshot.Status.DONE)
        if not snapshots.stale(s)
    }
    # A missing year is queued for the worker (or computed here on a small tree).
    ready = {point: found.get(point) or snapshots.ready(point) for point in wanted}
    stored = {
        (f.snapshot_id, f.target_id): f
        for f in TargetFigure.objects.filter(
            snapshot__in=[s for s in ready.values() if s], unit_id=node.unit_id, target__in=targets
        )
    }
    out = []
    for target in targets:
        series = []
        for point in wanted:
            if target.valid_from and point < target.valid_from:
                continue
            snapshot = ready[point]
            if snapshot is None:
                series.append({"day": point, "pending": True})
            else:
                series.append(
                    {"day": point, "result": _result(target, stored.get((snapshot.pk, target.pk)))}
                )
        out.append((target, series))
    return out


def concerned(snapshot: Snapshot | None, unit_ids, targets: list[Target]) -> list[Target]:
    """The targets that concern somebody holding a post at one of these units, read from the
    snapshot's own figures (the engine counts each person at the unit of one of their
    posts: where nobody is eligible at any of the units, nobody there is). Without a
    snapshot, every target."""
    if snapshot is None:
        return targets
    found = set(
        TargetFigure.objects.filter(
            snapshot=snapshot, unit_id__in=unit_ids, own_eligible__gt=0
        ).values_list("target_id", flat=True)
    )
    return [t for t in targets if t.pk in found]


def targets_concerning(person, day: dt.date) -> list[Target]:
    """The targets in force on `day` that may concern the person (all of them when no
    snapshot of the day is ready): the others would be 'not applicable'."""
    snapshot = Snapshot.objects.filter(as_of=day, status=Snapshot.Status.DONE).first()
    units = Position.objects.active_on(day).filter(person=person).values("unit_id")
    return concerned(snapshot, units, person_targets(day))


# This process's post-holders tables, by unit, day and the state of the snapshot they were
# read with (see unit_people).
_PEOPLE: dict[tuple, list[dict]] = {}


def unit_people(
    node: UnitVersion, day: dt.date, targets: list[Target], snapshot: Snapshot | None = None
) -> list[dict]:
    """The unit's own post-holders on `day` with their status for every target (one query
    for the people, and one per target that concerns anyone at the unit: with the day's
    snapshot the others are known to have nobody).

    With the snapshot, kept in memory until it moves: every change that can alter a status
    (a post, a record, a person, a term, member figures, a target) refreshes today's snapshot
    or drops the day's, and a refresh moves its revision even when no figure changes; a
    renamed role changes the definitions token. The token is the one the targets were read
    under (read again here, a target edited in between would store old statuses under the
    new token); without targets, read before the people."""
    key = None
    if snapshot is not None:
        tokens = (
            {getattr(t, "definitions_token", None) for t in targets}
            if targets
            else {Revision.current(Revision.DEFINITIONS)}
        )
        key = (
            node.unit_id,
            node.pk,
            day,
            snapshot.pk,
            snapshot.finished_at,
            snapshot.revision,
            tokens.pop() if len(tokens) == 1 else None,
            tuple(t.pk for t in targets),
        )
        # One look-up: another thread may clear the table between `in` and a read.
        if (people := _PEOPLE.get(key)) is not None:
            return people
    positions = list(
        Position.objects.active_on(day)
        .filter(unit_id=node.unit_id)
        .select_related("person", "role")
        .order_by("role__rank", "person__sort_key")[:300]
    )
    status: dict[tuple[int, int], str] = {}
    for target in concerned(snapshot, [node.unit_id], targets) if positions else []:
        rows = (
            evaluated(target, day, [p.person_id for p in positions])
            .filter(unit_id=node.unit_id)
            .values_list("person_id", "met", "late", "overdue")
        )
        for person_id, *flags in rows:
            status[(target.pk, person_id)] = status_of(*flags)
    people = [
        {"position": p, "statuses": [status.get((t.pk, p.person_id)) for t in targets]}
        for p in positions
    ]
    if key is not None and key[6] is not None:
        if len(_PEOPLE) >= 200:  # up to 300 posts each, with their people and roles
            _PEOPLE.clear()
        _PEOPLE[key] = people
    return people


def _under(node: UnitVersion, day: dt.date) -> Q:
    """Positions in a unit of the node's subtree as it stood on `day`."""
    return placed_under(node.path, day)


def _holders(node: UnitVersion, day: dt.date, held_on: dt.date) -> QuerySet:
    """Ids of the people holding a post on `held_on` in a unit under the node on `day`
    (narrows the engine's work)."""
    return Position.objects.active_on(held_on).filter(_under(node, day)).values("person_id")


def population(target: Target, node: UnitVersion, day: dt.date) -> QuerySet:
    """Everyone under the node in the target's population on `day`, one post each, annotated
    `met` and `overdue`: the people the subtree figures count, whom the needs list narrows to
    those not met and the chairs pages list (targets.chairs). A closed fixed-deadline target
    counts those in post on its deadline (Target.judged_on), placed by the tree of `day` as
    the stored figures are."""
    holders = _holders(node, day, target.judged_on(day))
    return evaluated(target, day, holders).filter(_under(node, day))


def needs(target: Target, node: UnitVersion, day: dt.date) -> QuerySet:
    """People under the node who must still be trained (or qualified) for the target."""
    return (
        population(target, node, day)
        .filter(met=False)
        .select_related("person", "unit", "role", "term")
        .order_by("-overdue", "unit__code", "person__sort_key")
    )


def needs_by_child(
    node: UnitVersion, day: dt.date, snapshot: Snapshot, targets: list[Target]
) -> list[dict]:
    """Consolidation up the hierarchy: how many still need each target, per child unit."""
    rows = children_ranked(node, day, snapshot, targets, None)
    return sorted(rows, key=lambda r: r["version"].unit.code)


def subtree_live(target: Target, node: UnitVersion, day: dt.date) -> Result:
    """A target's figures for the node's subtree straight from the base tables (one query):
    used when no snapshot of the day is ready."""
    row = population(target, node, day).aggregate(
        eligible=Count("id"),
        n_met=Count("id", filter=Q(met=True)),
        n_overdue=Count("id", filter=Q(overdue=True)),
        n_late=Count("id", filter=Q(late=True)),
    )
    return Result(target, row["eligible"], row["n_met"], row["n_overdue"], row["n_late"])


def subtrees(target: Target, nodes: list[UnitVersion], day: dt.date) -> dict[int, Result]:
    """A target's figures for each node's subtree, by unit id: read from the day's snapshot
    in one query when it is ready (the figures the dashboard shows), else computed live,
    node by node (about ten queries each)."""
    snapshot = snapshots.ready(day, start=False)
    if snapshot is None:
        return {node.unit_id: subtree_live(target, node, day) for node in nodes}
    stored = snapshots.figures(snapshot, [node.unit_id for node in nodes], [target])
    return {node.unit_id: _result(target, stored.get((target.pk, node.unit_id))) for node in nodes}


def needs_headers() -> list[str]:
    return [
        _("Target"),
        _("Full name"),
        _("Birth date"),
        _("Unit code"),
        _("Unit"),
        _("Role"),
        _("Full-time"),
        _("Status"),
        _("Due by"),
        _("Level responsible"),
    ]


def needs_rows(node: UnitVersion, day: dt.date, targets):
    """The rows of the needs list as exported (CSV, XLSX, the report), dates as dates,
    streamed from the database: everyone under the node still to train for each target."""
    for target in targets:
        level = target.responsible_level.name if target.responsible_level else ""
        for position in needs(target, node, day).iterator(chunk_size=2000):
            person = position.person
            yield [
                target.code,
                person.full_name,
                person.birth_date,
                position.unit.code,
                position.unit.name,
                position.role.name,
                _("Yes") if position.full_time else _("No"),
                str(STATUS_LABELS[status_of(False, position.late, position.overdue)]),
                due_on(target, position, day),
                level,
            ]


# --- training about to expire (issue 24 §5) ---------------------------------------------


def lapsing(node: UnitVersion, day: dt.date, days: int = LIST_DAYS) -> QuerySet:
    """Training of the people holding a post under the node on `day` whose last valid day
    falls within the next `days` days (from `day` itself, its last valid day, to `day` +
    `days`), unless renewed: the page's section, its exports and its count read this."""
    last = day + dt.timedelta(days=days)
    return (
        lapsing_records(day, last, on=day)
        .filter(person_id__in=_holders(node, day, day))
        .select_related("person", "person__unit")
        .order_by("expires_on", "person__sort_key", "pk")
    )


def lapsing_headers() -> list[str]:
    return [
        _("Full name"),
        _("Birth date"),
        _("Unit code"),
        _("Unit"),
        _("Course"),
        _("Completed on"),
        _("Valid until"),
    ]


def lapsing_rows(node: UnitVersion, day: dt.date):
    """The lapsing list as exported (CSV, XLSX), dates as dates, streamed."""
    for record in lapsing(node, day).iterator(chunk_size=2000):
        person = record.person
        yield [
            person.full_name,
            person.birth_date,
            person.unit.code,
            person.unit.name,
            record.title,
            record.completed_on,
            record.expires_on,
        ]
