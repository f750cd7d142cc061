"""Whom a plan's step tells (the wording is notifications.kinds'): a plan submitted, the
officers of the unit directly above, who approve or return it; returned (with the comment) or
approved, the officers of the plan's unit. planning.services calls these at the end of each
step, inside its transaction; the officer who acted is not told what they did."""

from django.urls import reverse

from accounts.access import is_system
from notifications.selectors import officers_of
from notifications.services import announce
from planning.models import Plan, PlanStatus


def _officers(unit_id: int, actor):
    officers = officers_of([unit_id])
    return officers if is_system(actor) else officers.exclude(pk=actor.pk)


def _about(plan: Plan) -> dict:
    return {"unit": plan.unit.name, "year": str(plan.year)}


def _page(plan: Plan) -> str:
    return reverse("planning:plan_detail", args=[plan.pk])


def submitted(*, user, plan: Plan) -> None:
    # A unit with nothing above (the confederation) approved its own plan: no one to ask.
    if plan.status != PlanStatus.SUBMITTED or plan.unit.parent_id is None:
        return
    announce(
        recipients=_officers(plan.unit.parent_id, user),
        kind="plan_submitted",
        url=_page(plan),
        **_about(plan),
    )


def decided(*, user, plan: Plan, comment: str = "") -> None:
    """Returned or approved, to the plan's unit."""
    kind = {PlanStatus.RETURNED: "plan_returned", PlanStatus.APPROVED: "plan_approved"}.get(
        plan.status
    )
    if kind is None:
        return
    by = plan.unit.parent.name if is_system(user) or user.unit is None else user.unit.name
    announce(
        recipients=_officers(plan.unit_id, user),
        kind=kind,
        url=_page(plan),
        **_about(plan),
        by=by,
        comment=comment.strip(),
    )
