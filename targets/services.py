"""Writes on targets: a target added or changed on its page (and previewed before it is
saved); a unit adopting a target for its own subtree, stricter; a unit giving its goal down
to the units below it, and a unit setting itself a higher one."""

import copy
import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import WRITE, Data, check_may_write, is_system, may
from accounts.scope import in_scope
from lib.dates import today
from targets import explain as explained
from targets import signals
from targets.measures import EVALUATORS, Measure, allocation, holds, whole_goal
from targets.models import (
    PERCENT_KINDS,
    PERSON_KINDS,
    AllocationMethod,
    GoalAllocation,
    Target,
)
from targets.selectors import Result, subtree_live
from units.models import Unit, UnitVersion
from units.selectors import children_on, version_on

M2M = ("roles", "levels", "unit_kinds", "topics", "programmes")


@transaction.atomic
def target_adopt(*, target: Target, unit: Unit, threshold: Decimal) -> Target:
    """Copy `target` for `unit`'s subtree with a threshold at least the source's."""
    if target.adopted_from_id:
        target = target.adopted_from
    if Target.objects.filter(adopted_from=target, scope_unit=unit).exists():
        raise ValidationError({"threshold": _("This unit has already adopted the target.")})
    source_m2m = {name: list(getattr(target, name).all()) for name in M2M}
    copy = Target.objects.get(pk=target.pk)
    copy.pk = None
    copy.code = f"{target.code}@{unit.code}"[:30]
    copy.builtin = False
    copy.adopted_from = target
    copy.scope_unit = unit
    copy.threshold = threshold
    copy.full_clean()
    copy.save()
    for name, objects in source_m2m.items():
        getattr(copy, name).set(objects)
    return copy


# --- goals given down (004: "chỉ tiêu được giao") -------------------------------------------


def split_in_proportion(whole: int, weights: dict) -> dict:
    """`whole` shared out in proportion to `weights` in whole numbers that add up to it
    exactly: each part rounded down, the rest one by one to the largest remainders (ties in
    the weights' order). No weight at all: nothing to share by."""
    total = sum(w for w in weights.values() if w)
    if not total:
        raise ValidationError(
            {"method": _("None of the units below has figures to divide the goal by.")}
        )
    exact = {k: Decimal(whole) * (w or 0) / total for k, w in weights.items()}
    parts = {k: int(v) for k, v in exact.items()}
    rest = whole - sum(parts.values())
    for k in sorted(exact, key=lambda k: exact[k] - parts[k], reverse=True)[:rest]:
        parts[k] += 1
    return parts


def _checked_goal(target: Target, value, field: str) -> Decimal | None:
    if value is None:
        return None
    value = Decimal(value)
    if target.kind in PERCENT_KINDS:  # a target on people gives a number of people
        if not 0 <= value <= 100:
            raise ValidationError({field: _("A percentage goal lies between 0 and 100.")})
    elif value < 0 or value != value.to_integral_value():
        raise ValidationError({field: _("Enter a whole number of 0 or more.")})
    elif value > MAX_GOAL:
        raise ValidationError({field: _("This goal is too large.")})
    return value


MAX_GOAL = 50_000_000  # as many as any count of the union (units.models.MAX_COUNT)


@transaction.atomic
def goals_allocate(
    *, user, target: Target, unit: Unit, goals: dict, method: str = AllocationMethod.BY_HAND
) -> list[GoalAllocation]:
    """`unit` gives its goal for `target` to the units directly below it (`goals`: unit →
    goal, None to take a unit's back). Only a unit that has the goal (it holds the target or
    was given it), only its children of today. For a target on people the goal is people to
    train, counted from those of the unit below who had met it when first given."""
    check_may_write(user, unit, Data.TARGETS, "unit")
    day = today()
    node = version_on(unit, day)
    if node is None or whole_goal(target, node, day) is None:
        raise ValidationError(
            {"target": _("%(unit)s has no goal for this target to give.") % {"unit": unit.name}}
        )
    children = {c.unit_id: c for c in children_on(unit.pk, day)}
    saved = []
    for child, value in goals.items():
        if child.pk not in children:
            raise ValidationError(
                {
                    "goals": _("%(unit)s is not directly below %(parent)s.")
                    % {"unit": child.name, "parent": unit.name}
                }
            )
        value = _checked_goal(target, value, "goals")
        allocation, _created = GoalAllocation.objects.select_for_update().get_or_create(
            target=target, unit=child, defaults={"given_by": unit}
        )
        allocation.given_by, allocation.allocated, allocation.method = unit, value, method
        if allocation.own is not None and value is not None and allocation.own < value:
            allocation.own = None  # the goal given now asks more than the one it set itself
        _count_from_now(allocation, children[child.pk], day)
        allocation.save()
        saved.append(allocation)
    return saved


def _count_from_now(allocation: GoalAllocation, node: UnitVersion, day) -> None:
    """A target on people: those trained count from the day the goal was first given (a
    goal changed later keeps counting from then; taken back, it starts again)."""
    if allocation.target.kind not in PERSON_KINDS:
        return
    if allocation.goal is None:
        allocation.met_when_given = None
    elif allocation.met_when_given is None:
        from targets.selectors import subtree_live

        allocation.met_when_given = subtree_live(allocation.target, node, day).met


@transaction.atomic
def goal_set_own(*, user, target: Target, unit: Unit, own) -> GoalAllocation:
    """A unit sets itself a goal higher than the one it was given (None: back to it)."""
    check_may_write(user, unit, Data.TARGETS, "own")
    day = today()
    node = version_on(unit, day)
    if node is None or holds(target, node):
        raise ValidationError(
            {"own": _("A unit sets its own goal only for a target held above it.")}
        )
    own = _checked_goal(target, own, "own")
    allocation = GoalAllocation.objects.select_for_update().filter(target=target, unit=unit).first()
    given = allocation.allocated if allocation is not None else None
    if given is None and target.kind in PERCENT_KINDS:
        given = target.threshold
    if own is not None and given is not None and own < given:
        raise ValidationError(
            {
                "own": _("Your own goal cannot be lower than the one given (%(given)s).")
                % {"given": f"{given.normalize():f}"}
            }
        )
    if allocation is None:
        parent = node.parent if node.parent_id else unit
        allocation = GoalAllocation(target=target, unit=unit, given_by=parent)
    allocation.own = own
    _count_from_now(allocation, node, day)
    allocation.save()
    return allocation


def goals_allocate_in_proportion(*, user, target: Target, unit: Unit, by: str):
    """`unit`'s whole goal divided among the units directly below it in proportion to their
    grassroots unions' members or workers, or (a target on people) to the people each must
    still train (`by`), in whole numbers adding up to it."""
    fields = {AllocationMethod.MEMBERS: "members", AllocationMethod.WORKERS: "workers"}
    if target.kind in PERSON_KINDS:
        fields[AllocationMethod.TO_TRAIN] = "to_train"
    if by not in fields:
        raise ValidationError({"method": _("Divide by members or by workers.")})
    check_may_write(user, unit, Data.TARGETS, "unit")
    day = today()
    node = version_on(unit, day)
    if node is None or target.kind in PERCENT_KINDS:
        raise ValidationError(
            {
                "method": _(
                    "Only a number to reach is divided in proportion; give percentages by hand."
                )
            }
        )
    table = allocation(target, node, day)
    if table.whole is None:
        raise ValidationError(
            {"target": _("%(unit)s has no goal for this target to give.") % {"unit": unit.name}}
        )
    parts = split_in_proportion(int(table.whole), {r["unit"]: r[fields[by]] for r in table.rows})
    return goals_allocate(user=user, target=target, unit=unit, goals=parts, method=by)


# --- a target edited on its page ------------------------------------------------------------

# What an adopted copy may change: the rest is its source's reading ("stricter", not other).
COPY_FIELDS = {"name", "name_en", "threshold", "active", "valid_from", "valid_to", "rank"}
# Pairs of days of which the first may not come after the second.
IN_ORDER = [
    ("valid_from", "valid_to", gettext_lazy("A target cannot end before it comes into force.")),
    (
        "position_started_from",
        "position_started_to",
        gettext_lazy("The last day a post was taken cannot come before the first."),
    ),
    (
        "window_start",
        "deadline",
        gettext_lazy("The deadline cannot come before records start counting."),
    ),
]


def may_create_targets(user) -> bool:
    """System administrators add targets (as they did in the Django admin); officers adopt
    them for their unit (`target_adopt`)."""
    return is_system(user) or (user.is_staff and may(user, Data.TARGETS, WRITE))


def may_edit_target(user, target: Target) -> bool:
    """A target of the whole system: system administrators. A target issued by a unit: those
    who may change the targets of that unit's subtree (its officers, those above them)."""
    if is_system(user):
        return True
    if not may(user, Data.TARGETS, WRITE):
        return False
    if target.scope_unit_id is None:
        return user.is_staff
    return in_scope(user, target.scope_unit)


def _changed(target: Target, values: dict) -> set[str]:
    """The names of the fields whose value differs from the target's (a new one: all)."""
    if target.pk is None:
        return set(values)
    changed = set()
    for name, value in values.items():
        if name in M2M:
            before = set(getattr(target, name).values_list("pk", flat=True))
            if before != {obj.pk for obj in value}:
                changed.add(name)
        elif getattr(target, name) != value:
            changed.add(name)
    return changed


def _check_edit(user, target: Target, values: dict) -> None:
    """Refused unless the user may change this target and what they change may change."""
    if target.pk is None and not may_create_targets(user):
        raise ValidationError(_("Only system administrators add targets; adopt one instead."))
    if target.pk is not None and not may_edit_target(user, target):
        raise ValidationError({"scope_unit": _("You may not change this target.")})
    changed = _changed(target, values)
    if target.builtin and "code" in changed:
        raise ValidationError({"code": _("The code of a built-in target does not change.")})
    if target.adopted_from_id and changed - COPY_FIELDS:
        raise ValidationError(
            _(
                "An adopted target keeps its source's reading: only its threshold, names and "
                "dates change."
            )
        )


def _check_order(target: Target) -> None:
    errors = {}
    for first, last, message in IN_ORDER:
        start, end = getattr(target, first), getattr(target, last)
        if start is not None and end is not None and end < start:
            errors[last] = message
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def target_save(*, user, target: Target | None, values: dict) -> Target:
    """A target added (`target` None) or changed as edited on its page: every field of
    `values` set, checked (the model's rules, days in order), saved with its filters. Who may:
    `may_create_targets`, `may_edit_target` — before and after, so a target is not moved out
    of the user's subtree. The definitions token moves with the save (targets.signals): no
    process keeps reading the old definitions or their compiled SQL, and today's figures are
    computed again."""
    if target is None or target.pk is None:
        target = Target()
    else:
        target = Target.objects.select_for_update().get(pk=target.pk)
    _check_edit(user, target, values)
    for name, value in values.items():
        if name not in M2M:
            setattr(target, name, value)
    if not may_edit_target(user, target):
        raise ValidationError(
            {"scope_unit": _("The issuing unit must be your unit or a unit below it.")}
        )
    _check_order(target)
    target.full_clean()
    target.save()
    for name in M2M:
        if name in values:
            getattr(target, name).set(values[name])
    return target


@dataclass
class Preview:
    """What an edited target would count on `day` under `node` (the issuing unit, or the
    user's own for a target of the whole system), before it is saved."""

    target: Target
    day: dt.date
    node: UnitVersion | None
    reading: list[tuple[str, str]]
    result: Result | None = None  # a target on people: its figures, as the dashboard's
    measure: Measure | None = None  # a unit target: its figure
    lines: list = field(default_factory=list)  # the first people it counts

    @property
    def due(self) -> int:
        return self.result.eligible - self.result.met - self.result.overdue


PREVIEW_ROWS = 20


def target_preview(*, user, target: Target | None, values: dict) -> Preview:
    """Who the target as edited would count today, without saving it: saved as `target_save`
    saves it (the same checks, refused the same way), evaluated by the engine as the stored
    figures and the explanation page are, then rolled back. Nothing of it stays: not the
    target, not its log entry, not the token's move, not the refresh of the figures."""
    with _rolled_back():
        saved = target_save(user=user, target=target, values=values)
        day = today()
        unit = saved.scope_unit if saved.scope_unit_id else user.unit
        node = version_on(unit, day) if unit is not None else None
        preview = Preview(saved, day, node, explained.reading(saved))
        if node is None:
            return preview
        if saved.is_person_based:
            preview.result = subtree_live(saved, node, day)
            people = explained.people(saved, node, day)[:PREVIEW_ROWS]
            preview.lines = list(explained.lines(saved, node, day, people))
        elif saved.kind in EVALUATORS:
            preview.measure = EVALUATORS[saved.kind](saved, node, day)
        return preview


@contextmanager
def _rolled_back():
    """A transaction (a savepoint inside one) that is always rolled back. The marks its
    writes left for the figures' refresh (targets.signals) are dropped with it: kept, the
    next write of this thread would recompute every figure for a change that never was."""
    marks = copy.deepcopy(signals._pending.__dict__.get("state"))
    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        signals._pending.__dict__.pop("state", None)
        if marks is not None:
            signals._pending.state = marks
