"""Targets measured on unit figures rather than on people: spending share, member growth,
grassroots unions founded, coverage of enterprises.

The figures live in the planning app, which sits beside this one; it registers one function
per kind here when it loads, and every entry point (dashboard, API, report) reads them
through `unit_measures`."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from targets.models import PERSON_KINDS, Target, covering
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


def unit_targets_for(node: UnitVersion, day: dt.date) -> list[Target]:
    """Unit targets in force on `day` whose issuing unit covers the node (on that day)."""
    return covering(
        Target.objects.in_force_on(day)
        .exclude(kind__in=PERSON_KINDS)
        .select_related("scope_unit", "document"),
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
