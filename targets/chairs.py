"""T-003-4 — who trains the chair of each grassroots union, and whether that chair is trained:
one rule, read from the targets, for the chairs page, its export and API, a union's
chair-duty level, the nomination warnings, the dashboard, the needs list and the profile.

Resolution 003 (§I.2.2) splits the chairs by the size of their union: "Cấp Tổng Liên đoàn
trực tiếp đào tạo, bồi dưỡng cho đội ngũ chủ tịch công đoàn cơ sở có từ 2.500 đoàn viên trở
lên", "Cấp tỉnh, thành phố, ngành Trung ương và tương đương … từ 1.000 đến dưới 2.500 đoàn
viên", "Cấp trên trực tiếp cơ sở … dưới 1.000 đoàn viên". The split is data: each T-003-4
target (a, b, c) names the chairs of grassroots unions, a member band (`min_members` ≤ the
member count in force on the day < `max_members`) and the level responsible. Edit a band and
the chairs pages move with the dashboard; no threshold is written in the code.

A chair is *trained* exactly when the engine finds the chair has met that target on that day
(its topics, within its window: the term), so a chairs page's "x / y" is the dashboard's
figure of that target for the unit on that day, and each row's status is the one the needs
list and the chair's own profile show.

Whose duty: the union's ancestor at the level responsible; a union with none at that level
(under 1,000 members directly under a province, say) is its parent's duty. A union with no
member count on the day is in no band: no target counts its chair, so its chair is listed on
its parent's page as "no member count", not judged.
"""

import datetime as dt
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import partial
from itertools import accumulate

from django.db.models import Exists, Q, Value

from lib.compiled import compiled
from lib.tree import line_paths
from people.models import Position
from targets import snapshots
from targets.engine import (
    due_on,
    evaluated,
    person_targets,
    qualifying_records,
    related_ids,
    shape_key,
    status_of,
)
from targets.models import Target, TargetFigure, covering
from targets.selectors import population, unit_targets
from units.models import Unit, UnitVersion, member_count_on, member_count_subquery
from units.places import versions_under
from units.selectors import children_on

CHAIR, GRASSROOTS = "chair", "grassroots"


def is_duty_target(target: Target) -> bool:
    """A T-003-4 target: on the chairs of grassroots unions, for a band of members, with a
    level responsible. An adopted copy (a stricter threshold for one subtree) judges the same
    people the same way: its source stands for it."""
    return (
        target.is_person_based
        and target.adopted_from_id is None
        and target.responsible_level_id is not None
        and (target.min_members is not None or target.max_members is not None)
        and {role.code for role in target.roles.all()} == {CHAIR}
        and {level.code for level in target.levels.all()} == {GRASSROOTS}
    )


def duty_targets(day: dt.date) -> list[Target]:
    """The T-003-4 targets in force on `day`, smallest unions first."""
    targets = [t for t in person_targets(day) if is_duty_target(t)]
    return sorted(targets, key=lambda t: (t.min_members or 0, t.rank, t.code))


def in_band(target: Target, members: int | None) -> bool:
    """Whether a union of `members` members is in the target's band (the engine's filter)."""
    if members is None:
        return False
    if target.min_members is not None and members < target.min_members:
        return False
    return target.max_members is None or members < target.max_members


def _ancestors(version: UnitVersion, day: dt.date, *, itself: bool) -> dict[int, UnitVersion]:
    """The placements on `day` of the units above `version` (and of itself), by level id."""
    paths = line_paths(version.path)
    prefixes = paths if itself else paths[:-1]
    return {
        v.kind.level_id: v
        for v in UnitVersion.objects.on(day)
        .filter(path__in=prefixes)
        .select_related("unit", "kind")
    }


def _placements(unit: Unit, day: dt.date) -> tuple[UnitVersion | None, dict[int, UnitVersion]]:
    """The unit's placement on `day` and, by level id, those of the units above it and itself
    (`_ancestors`), in one query when the tree of `day` placed it where it is now (the unit's
    path), as it does but across a restructuring."""
    prefixes = line_paths(unit.path)
    versions = list(
        UnitVersion.objects.on(day)
        .filter(Q(unit=unit) | Q(path__in=prefixes))
        .select_related("unit", "kind")
    )
    node = next((v for v in versions if v.unit_id == unit.pk), None)
    if node is None:
        return None, {}
    if node.path != unit.path:
        return node, _ancestors(node, day, itself=True)
    return node, {v.kind.level_id: v for v in versions if v.path in prefixes}


@dataclass
class UnionDuty:
    """For one grassroots union on a day: its member count, the T-003-4 target its chair falls
    under (None: no member count, or no band holds it) and the unit whose duty the chair is."""

    members: int | None
    target: Target | None
    unit: Unit | None

    @property
    def level(self) -> str | None:
        """The code of the level responsible (confederation, province, upper_grassroots)."""
        return self.target.responsible_level.code if self.target else None


def union_duty(unit: Unit, day: dt.date) -> UnionDuty | None:
    """Who must train the chair of `unit` on `day` (None if the unit did not exist then)."""
    version = UnitVersion.objects.on(day).filter(unit=unit).select_related("parent").first()
    if version is None:
        return None
    members = member_count_on(unit, day)
    target = next(
        (t for t in duty_targets(day) if in_band(t, members) and _covers(t, version, day)), None
    )
    if target is None:
        # No count: the parent lists the chair, unjudged. A count outside every band: nobody.
        return UnionDuty(members, None, version.parent if members is None else None)
    above = _ancestors(version, day, itself=False).get(target.responsible_level_id)
    return UnionDuty(members, target, above.unit if above else version.parent)


def _covers(target: Target, version: UnitVersion, day: dt.date) -> bool:
    """Whether the target's issuing unit covers the union on `day` (always, for 003): the
    reading every target uses (targets.models.covering)."""
    return bool(covering([target], version, day))


def duty_unit(unit: Unit, day: dt.date) -> Unit | None:
    """The unit that must train the chair of grassroots union `unit` on `day`."""
    duty = union_duty(unit, day)
    return duty.unit if duty else None


# --- a unit's chairs page ----------------------------------------------------------------


@dataclass
class ChairGroup:
    """The chairs of one T-003-4 target that are the unit's duty: how many, how many trained.

    `direct`: the unions directly under the unit, which have no unit at the level responsible
    above them (a small union directly under a province), counted from their judged rows;
    otherwise the whole population of the target under the unit, whose "met / eligible" is
    the dashboard's figure (targets.selectors.subtrees: the stored one when the day's
    snapshot is ready)."""

    target: Target
    eligible: int
    met: int
    direct: bool = False


@dataclass
class ChairDuty:
    unit: Unit
    day: dt.date
    targets: list[Target] = field(default_factory=list)  # every T-003-4 target in force
    groups: list[ChairGroup] = field(default_factory=list)
    unknown: list[Position] = field(default_factory=list)  # unions with no member count
    # Every chair listed, in the page's order: (sort key, post id, target or None, None, 1)
    # for a chair judged already; (the union's code, None, target, union id, its number of
    # chairs) for the chairs of a union the day's stored figures count, judged when read.
    order: list[tuple] = field(default_factory=list)
    judged: dict[int, Position] = field(default_factory=dict)  # rows already judged, by post

    @property
    def rows(self) -> "ChairRows":
        """Every chair listed, by union code then name: each with `target`, `members`,
        `trained` (None when no target judges them), `status` and `due_on` — judged a slice
        at a time (ChairRows)."""
        return ChairRows(self)


class ChairRows:
    """The chairs of a ChairDuty in order, judged when read: a page judges its own hundred,
    not the confederation's thousands (a sequence for Django's paginator; iterating judges
    them all, a chunk at a time, for the export and the API)."""

    CHUNK = 2000

    def __init__(self, duty: ChairDuty):
        self.duty = duty
        # Where each entry's chairs start in the list, and (last) how many there are.
        self.starts = list(accumulate((entry[4] for entry in duty.order), initial=0))

    def __len__(self) -> int:
        return self.starts[-1]

    def count(self) -> int:
        return len(self)

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index : index + 1 or None][0]
        if index.step is not None:
            raise TypeError("ChairRows is read by slices")
        start, stop, _step = index.indices(len(self))
        if start >= stop:
            return []
        first = bisect_right(self.starts, start) - 1
        last = bisect_left(self.starts, stop)
        rows = _rows_of(self.duty, self.duty.order[first:last])
        offset = start - self.starts[first]
        return rows[offset : offset + stop - start]

    def __iter__(self):
        for at in range(0, len(self), self.CHUNK):
            yield from self[at : at + self.CHUNK]


def _rows_of(duty: ChairDuty, entries: list[tuple]) -> list[Position]:
    """The chairs of these entries of `duty.order`, in that order: those not judged yet are
    judged here, per target, the engine asked about their holders only (`_posts`), or about
    the holders of the unions' chair posts (`_at_unions`)."""
    wanted: dict[Target, list[int]] = {}
    unions: dict[Target, list[int]] = {}
    for _key, post_id, target, union_id, _n in entries:
        if union_id is not None:
            unions.setdefault(target, []).append(union_id)
        elif post_id not in duty.judged:
            wanted.setdefault(target, []).append(post_id)
    found = {}
    for target, ids in wanted.items():
        for row in _judged(partial(_posts, target, ids, duty.day), target, duty.day, None):
            found[row["id"]] = (target, row)
    for target, ids in unions.items():
        # Compiled once per page's unions (lib.compiled): building the engine's statement
        # took longer than running it, and a page is opened again and again.
        key = ("unions", *ids)
        for row in _judged(partial(_at_unions, target, ids, duty.day), target, duty.day, key):
            found[row["id"]] = (target, row)
    posts = Position.objects.select_related(*_WITH).in_bulk(list(found))
    rows = {pk: _row(posts[pk], row, target, duty.day) for pk, (target, row) in found.items()}
    at_union: dict[int, list[Position]] = {}
    for row in sorted(rows.values(), key=lambda r: _sort_key(r.unit.code, r.person.sort_key, r.pk)):
        at_union.setdefault(row.unit_id, []).append(row)
    out = []
    for _key, post_id, _target, union_id, _n in entries:
        if union_id is not None:
            out += at_union.get(union_id, [])
        else:
            out.append(duty.judged.get(post_id) or rows[post_id])
    return out


def _sort_key(unit_code: str, sort_key: str, post_id: int) -> tuple:
    return (unit_code, sort_key, post_id)


# The columns of a judged chair, beside its post, and what its post is read with.
_JUDGED = ("id", "members", "met", "late", "overdue", "elsewhere")
_WITH = ("person", "unit", "term")


def _judged(population, target: Target, day: dt.date, key: tuple | None) -> list[dict]:
    """The chairs of `population()` (the engine's population of `target`) as values: the post
    (`id`), `members` and the engine's `met`, `late`, `overdue`, with `elsewhere`.

    The engine's query takes longer to build and compile than to run: given a `key` (what,
    besides the target and the day, its SQL is built from) it is built and compiled once per
    shape (lib.compiled)."""

    def build():
        queryset = population().annotate(members=member_count_subquery(day))
        if target.organised_by_responsible:
            # Training by another level is shown beside the chair, not counted (003 §III).
            others = qualifying_records(target, target.judged_on(day), any_organiser=True)
            queryset = queryset.annotate(elsewhere=Exists(others))
        else:
            queryset = queryset.annotate(elsewhere=Value(False))
        return queryset.order_by().values(*_JUDGED)

    shape = shape_key(target, day) if key is not None else None
    return list(build()) if shape is None else compiled(("chairs", *shape, *key), build).dicts()


def _row(post: Position, found: dict | None, target: Target | None, day: dt.date) -> Position:
    """The post with `members`, `target`, `trained`, `status`, `due_on` and `elsewhere` (all
    None when no target judges it)."""
    post.target = target
    if found is None:
        post.members = post.trained = post.status = post.due_on = post.elsewhere = None
        return post
    met = bool(found["met"])  # raw SQLite rows give 0/1
    post.members, post.trained = found["members"], met
    post.elsewhere = not met and bool(found["elsewhere"])
    post.status = status_of(met, bool(found["late"]), bool(found["overdue"]))
    post.due_on = None if met else due_on(target, post, day)
    return post


def _posts(target: Target, post_ids: list[int], day: dt.date):
    """These posts of the target's population, judged: the engine asked about their holders
    only. Each person is judged on the same post whoever else is asked about, so a page's
    chairs read as they do in the whole population."""
    holders = Position.objects.filter(pk__in=post_ids).values("person_id")
    return evaluated(target, day, holders).filter(id__in=post_ids)


def _at_unions(target: Target, union_ids: list[int], day: dt.date):
    """The target's population (targets.selectors.population) at these unions, counted by the
    day's stored figures: the engine asked about the holders of their posts of the target's
    roles only (a duty target's: chair)."""
    holders = Position.objects.active_on(target.judged_on(day)).filter(
        unit_id__in=union_ids, role_id__in=related_ids(target.roles)
    )
    return evaluated(target, day, holders.values("person_id")).filter(unit_id__in=union_ids)


def _direct(target: Target, union_ids: list[int], day: dt.date):
    """The target's population (targets.selectors.population) at these unions: the engine
    asked about their post-holders only. Each person is judged on the same post whoever else
    is asked about, so this is the unit's population narrowed to them — without evaluating
    everyone under the unit first (a province's thousands of chairs for its few direct
    unions)."""
    holders = Position.objects.active_on(target.judged_on(day)).filter(unit_id__in=union_ids)
    return evaluated(target, day, holders.values("person_id")).filter(unit_id__in=union_ids)


def duty(unit: Unit, day: dt.date) -> ChairDuty:
    """The chairs of grassroots unions whose training is `unit`'s duty on `day`, grouped by
    T-003-4 target, each with the engine's status for that target on that day."""
    out = ChairDuty(unit, day)
    node, levels_here = _placements(unit, day)
    if node is None:
        return out
    out.targets = duty_targets(day)
    if not out.targets:
        return out
    level = node.kind.level_id
    children = children_on(unit.pk, day).filter(kind__level__code=GRASSROOTS)
    direct = None  # the grassroots unions directly under the unit, read when needed
    judged = []
    snapshot = None  # the day's stored figures, read for the first target of the unit's level
    for target in out.targets:
        responsible = target.responsible_level_id
        if responsible == level:
            if snapshot is None:
                snapshot = snapshots.ready(day, start=False) or False
            if snapshot:
                _stored(out, target, node, snapshot)
                continue
            # No stored figures that day: every chair judged, counted as the dashboard's
            # live figure is (the population under the unit).
            build, key = partial(population, target, node, day), ("under", node.path)
        else:
            if responsible in levels_here:
                continue  # a unit at that level, above this one, holds the duty
            if direct is None:
                direct = list(children.order_by("unit_id").values_list("unit_id", flat=True))
            if not direct:
                continue  # no union directly under it: nobody (the confederation's case)
            build, key = partial(_direct, target, direct, day), ("direct", *direct)
        found = _judged(build, target, day, key)
        if found:  # a target with nobody here reads as on the dashboard: no figure
            judged.append((target, found, responsible != level))
    posts = Position.objects.select_related(*_WITH).in_bulk(
        [row["id"] for _, found, _ in judged for row in found]
    )
    for target, found, is_direct in judged:
        rows = [_row(posts[row["id"]], row, target, day) for row in found]
        met = sum(1 for row in rows if row.trained)
        out.groups.append(ChairGroup(target, len(rows), met, direct=is_direct))
        _listed(out, rows, target)
    out.groups.sort(key=lambda group: group.direct)  # the unit's own level first
    unknown = children.annotate(members=member_count_subquery(day, "unit")).filter(
        members__isnull=True
    )
    unjudged = Position.objects.active_on(day).filter(
        role__code=CHAIR, unit__in=unknown.values("unit")
    )
    out.unknown = [_row(post, None, None, day) for post in unjudged.select_related(*_WITH)]
    _listed(out, out.unknown, None)
    out.order.sort(key=lambda entry: entry[0])
    return out


def _stored(out: ChairDuty, target: Target, node: UnitVersion, snapshot) -> None:
    """The target's population under the unit, counted by the day's stored figures (the
    dashboard's head, targets.selectors.unit_targets) and listed union by union, unjudged: a
    page judges its own unions' chairs (ChairRows, `_at_unions`), not the confederation's
    thousands."""
    # The units whose own post-holders the stored figures count for the target are where its
    # population is, each with how many (`own_eligible`): the list is ordered by union first,
    # so a page knows which unions it shows without listing every chair (1M people: listing
    # the confederation's ~4,200 chairs through the engine took ~0.5 s of its page).
    unions = list(
        TargetFigure.objects.filter(
            snapshot=snapshot,
            target=target,
            own_eligible__gt=0,
            unit_id__in=versions_under(node.path, out.day).values("unit_id"),
        ).values_list("unit__code", "unit_id", "own_eligible")
    )
    if unions:  # a target with nobody here reads as on the dashboard: no figure
        figure = unit_targets(node, out.day, snapshot, [target])[0]
        out.groups.append(ChairGroup(target, figure.eligible, figure.met))
        out.order += [((code,), None, target, unit_id, n) for code, unit_id, n in unions]


def _listed(out: ChairDuty, rows: list[Position], target: Target | None) -> None:
    """Rows judged already: listed in the order, and kept."""
    for row in rows:
        key = _sort_key(row.unit.code, row.person.sort_key, row.pk)
        out.order.append((key, row.pk, target, None, 1))
        out.judged[row.pk] = row
