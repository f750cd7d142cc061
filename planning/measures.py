"""How the targets engine measures the unit targets (T-003-5, T-004-3/4/5) from the figures
held here. Registered with `targets.measures` when the app loads."""

import datetime as dt

from planning import selectors
from targets.measures import Measure, goal_for, register
from targets.models import Target, TargetKind, WindowKind
from units.models import UnitVersion


def period(target: Target, day: dt.date) -> tuple[dt.date, dt.date]:
    """The days whose figures count on `day`: the calendar year so far, or for a fixed-date
    target from its start (or its being in force) to the deadline."""
    if target.window == WindowKind.FIXED_DATE:
        start = target.window_start or target.valid_from or dt.date(day.year, 1, 1)
        return start, min(day, target.deadline) if target.deadline else day
    return dt.date(day.year, 1, 1), day


def spending_share(target: Target, node: UnitVersion, day: dt.date) -> Measure:
    """Each level's own share (the node's); and how many units of the subtree reach it."""
    figures = selectors.spending_figures(node, day.year, target.threshold, day)
    return Measure(
        target, figures["share"], goal_for(target, node), figures["reporting"], figures["reaching"]
    )


def _growth(field: str):
    def evaluate(target: Target, node: UnitVersion, day: dt.date) -> Measure:
        totals = selectors.growth_totals(node, *period(target, day))
        # Unions founded are known from the tree where it holds the grassroots unions, even
        # when no unit typed figures; the other figures only from what the units reported.
        known = (
            totals["reporting"]
            or (field == "founded" and totals["grassroots_in_system"])
            or (field == "coverage" and totals["register"] is not None)
        )
        if not known:
            return Measure(target, None, goal_for(target, node))
        return Measure(target, totals[field], goal_for(target, node), totals["reporting"])

    return evaluate


def register_all() -> None:
    register(TargetKind.SPENDING_SHARE, spending_share)
    register(TargetKind.MEMBER_GROWTH, _growth("net_growth"))
    register(TargetKind.FOUNDED_UNIONS, _growth("founded"))
    register(TargetKind.COVERAGE, _growth("coverage"))
