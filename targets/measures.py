"""Targets measured on unit figures rather than on people: spending share, member growth,
grassroots unions founded, coverage of enterprises.

The figures live in the planning app, which sits beside this one; it registers one function
per kind here when it loads, and every entry point (dashboard, API, report) reads them
through `unit_measures`."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from targets.models import (
    COUNT_KINDS,
    PERCENT_KINDS,
    PERSON_KINDS,
    GoalAllocation,
    Target,
    covering,
)
from units.models import UnitVersion


@dataclass
class Measure:
    """A unit target's figure for a unit's subtree on a day, and what it must reach.

    `value` and `goal` are in the target's own unit: a percentage for spending share and
    coverage, a count for member growth and founded unions. `reporting` is how many units
    gave figures; for the spending share, `reaching` is how many of them reach it."""

    target: Target
    value: Decimal | int | None
    goal: Decimal | int | None
    reporting: int = 0
    reaching: int | None = None

    @property
    def achieved(self) -> bool | None:
        if self.value is None or self.goal is None:
            return None
        return self.value >= self.goal

    @property
    def no_goal(self) -> bool:
        """Figures, but no goal given to this unit (a count not allocated to it)."""
        return self.value is not None and self.goal is None

    @property
    def standing(self) -> str:
        from targets.selectors import Standing

        if self.achieved is None:
            return Standing.NONE
        return Standing.ACHIEVED if self.achieved else Standing.MISSED

    @property
    def is_percent(self) -> bool:
        return self.goal is not None and self.target.goal is None


Evaluator = Callable[[Target, UnitVersion, dt.date], Measure]
EVALUATORS: dict[str, Evaluator] = {}


def register(kind: str, evaluator: Evaluator) -> None:
    EVALUATORS[kind] = evaluator


def holds(target: Target, node: UnitVersion) -> bool:
    """Whether the node is the unit that holds the target itself (its issuer, or the top of
    the tree for a target of the whole system): the one the target's own goal is for."""
    if target.scope_unit_id is None:
        return node.parent_id is None
    return target.scope_unit_id == node.unit_id


def goal_for(target: Target, node: UnitVersion) -> Decimal | int | None:
    """What the node's subtree must reach for a unit target — the one rule for the dashboard,
    the API and the reports. The unit holding the target: its goal (a count) or threshold
    (a percentage). A unit below it: the goal it was given, or the higher one it set itself
    (GoalAllocation; 004: "chỉ tiêu được giao"); with none, a percentage still applies to it,
    a count does not (the whole city's 30,000 members are not one district's goal)."""
    whole = target.threshold if target.kind in PERCENT_KINDS else target.goal
    if holds(target, node):
        return whole
    given = (
        GoalAllocation.objects.filter(target=target, unit_id=node.unit_id)
        .values_list("allocated", "own")
        .first()
    )
    goal = None if given is None else (given[1] if given[1] is not None else given[0])
    if goal is None:
        return whole if target.kind in PERCENT_KINDS else None
    return int(goal) if target.kind in COUNT_KINDS else goal


def unit_targets_for(node: UnitVersion, day: dt.date) -> list[Target]:
    """Unit targets in force on `day` whose issuing unit covers the node (on that day)."""
    return covering(
        Target.objects.in_force_on(day)
        .exclude(kind__in=PERSON_KINDS)
        .select_related("scope_unit", "document"),
        node,
        day,
    )


def allocatable_targets(node: UnitVersion, day: dt.date) -> list[Target]:
    """Targets (active, in force on any day: a goal is given for the year ahead or looked at
    after) whose issuing unit covers the node on `day`: those whose goals the node may give
    down or set itself — a unit target's figure, or a target on people's people to train."""
    return covering(
        Target.objects.filter(active=True).select_related("scope_unit", "document"),
        node,
        day,
    )


def unit_measures(node: UnitVersion, day: dt.date) -> list[Measure]:
    """Every unit target's figure for the node's subtree on `day` (one or two queries each)."""
    return [
        EVALUATORS[t.kind](t, node, day)
        for t in unit_targets_for(node, day)
        if t.kind in EVALUATORS
    ]


# --- goals given down -----------------------------------------------------------------------


def people_to_train(target: Target, node: UnitVersion, day: dt.date) -> int:
    """For a target on people, how many of the node's subtree must still be trained for it
    to reach its threshold (003: "100% cán bộ … được đào tạo"): the goal in people the unit
    holding the target gives down."""
    from targets.engine import person_targets
    from targets.selectors import subtree_live, subtrees

    if any(t.pk == target.pk for t in person_targets(day)):
        # The day's figures of the target, stored when its snapshot is ready (the dashboard's):
        # counted live, the confederation's population took ~0.13 s of the allocation page.
        figures = subtrees(target, [node], day)[node.unit_id]
    else:  # a target not in force that day: no snapshot counts it
        figures = subtree_live(target, node, day)
    return _still_to_train(target, figures)


def _still_to_train(target: Target, figures) -> int:
    must = -(-target.threshold * figures.eligible // 100)  # rounded up: 80% of 11 is 9
    return max(int(must) - figures.met, 0)


@dataclass
class Allocation:
    """A unit's goal for a unit target and how it is given to the units directly below it."""

    target: Target
    node: UnitVersion
    whole: Decimal | int | None  # the unit's own goal (goal_for)
    rows: list[dict]  # each child: version, unit, members, workers, allocated, own, goal
    given: Decimal | int  # the sum of the goals given (counts only)
    additive: bool  # counts add up to the whole; percentages do not
    people: bool = False  # a target on people: goals are people to train

    @property
    def difference(self) -> Decimal | int | None:
        """What the parts lack (+) or give beyond the whole (−); None when they need not add
        up or no goal is given yet."""
        if not self.additive or self.whole is None:
            return None
        return self.whole - self.given

    @property
    def adds_up(self) -> bool:
        return self.difference in (None, 0)

    @property
    def lacking(self) -> int:
        """Of the whole, what no unit below was given yet."""
        return max(self.difference or 0, 0)

    @property
    def excess(self) -> int:
        """What the units below were given beyond the whole."""
        return max(-(self.difference or 0), 0)


def allocation(target: Target, node: UnitVersion, day: dt.date) -> Allocation:
    """The one reading of a unit's allocation for the page and the API. For a target on
    people each row also has the unit's people still to train (`to_train`), those who met
    it (`met`), those trained since the goal was given (`trained`) and whether that reaches
    the goal (`reached`)."""
    from targets.selectors import subtrees
    from targets.snapshots import children_with_figures

    children = children_with_figures(node, day)
    stored = {
        a.unit_id: a
        for a in GoalAllocation.objects.filter(
            target=target, unit_id__in=[c["unit"].pk for c in children]
        )
    }
    people = target.kind in PERSON_KINDS
    additive = target.kind in COUNT_KINDS or people

    def whole_or_decimal(value):
        return int(value) if additive and value is not None else value

    results = subtrees(target, [c["version"] for c in children], day) if people else {}
    rows = []
    for child in children:
        a = stored.get(child["unit"].pk)
        row = {
            **child,
            "allocated": whole_or_decimal(a.allocated) if a else None,
            "own": whole_or_decimal(a.own) if a else None,
            "method": a.method if a else "",
        }
        row["goal"] = row["own"] if row["own"] is not None else row["allocated"]
        if people:
            figures = results[child["unit"].pk]
            row["to_train"] = _still_to_train(target, figures)
            row["met"] = figures.met
            row["trained"] = (
                max(figures.met - a.met_when_given, 0)
                if a is not None and a.met_when_given is not None
                else None
            )
            row["reached"] = None if row["goal"] is None else (row["trained"] or 0) >= row["goal"]
        rows.append(row)
    given = sum(r["allocated"] or 0 for r in rows) if additive else 0
    return Allocation(target, node, whole_goal(target, node, day), rows, given, additive, people)


def whole_goal(target: Target, node: UnitVersion, day: dt.date) -> Decimal | int | None:
    """The node's own goal for a target it may give down: goal_for for a unit target; for a
    target on people, the people still to train where it holds the target, else the number
    given to it (or the higher one it set itself)."""
    if target.kind not in PERSON_KINDS:
        return goal_for(target, node)
    if holds(target, node):
        return people_to_train(target, node, day)
    given = GoalAllocation.objects.filter(target=target, unit_id=node.unit_id).first()
    return None if given is None or given.goal is None else int(given.goal)
