"""Whom a plan's step tells (the wording is notifications.kinds'): a plan submitted, the
officers of the unit directly above, who approve or return it; returned (with the comment) or
approved, the officers of the plan's unit. planning.services calls these at the end of each
step, inside its transaction; the officer who acted is not told what they did."""

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import is_system
from notifications.selectors import officers_of
from notifications.services import announce
from planning.models import Plan, PlanDeadline, PlanStatus, Survey
from planning.selectors import not_submitted, survey_progress
from schedule.registry import Job, register


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


# --- surveys and plans falling due (issue 24 §1) -------------------------------------------

SURVEY_WARNING_DAYS = 3
PLAN_WARNING_DAYS = 7


def _day(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _survey_about(survey: Survey) -> dict:
    return {"title": survey.title, "unit": survey.unit.name, "deadline": _day(survey.deadline)}


def _survey_page(survey: Survey) -> str:
    return reverse("planning:survey_detail", args=[survey.pk])


def survey_opened(*, user, survey: Survey) -> None:
    """To the officers of the units directly under the survey's unit: those whose answers
    the survey's progress counts (planning.selectors.survey_progress)."""
    asked = [unit.pk for unit in survey_progress(survey, survey.unit)]
    announce(
        recipients=_but(officers_of(asked), user),
        kind="survey_opened",
        url=_survey_page(survey),
        **_survey_about(survey),
    )


def survey_closed(*, user, survey: Survey) -> None:
    """To the survey unit's officers: how many of the units asked answered."""
    progress = survey_progress(survey, survey.unit)
    announce(
        recipients=_but(officers_of([survey.unit_id]), user),
        kind="survey_closed",
        url=_survey_page(survey),
        **_survey_about(survey),
        answered=sum(1 for unit in progress if unit.answered),
        asked=len(progress),
    )


def _but(users, actor):
    return users if actor is None or is_system(actor) else users.exclude(pk=actor.pk)


def _crossed(previous: dt.datetime | None, now: dt.datetime, ahead: int) -> tuple:
    """The deadlines a daily run on `now` tells, `ahead` days before them: those that came
    within `ahead` days since the previous run (the day before, on the first run)."""
    day = timezone.localdate(now)
    since = timezone.localdate(previous) if previous else day - dt.timedelta(days=1)
    since = max(since, day - dt.timedelta(days=30))  # a worker long down tells no old news
    return day, since, (since + dt.timedelta(days=ahead), day + dt.timedelta(days=ahead))


def tell_surveys(previous: dt.datetime | None, now: dt.datetime) -> str:
    """The daily job: a survey closing in 3 days, to the officers of the units asked that have
    not answered; a survey whose deadline passed, to its unit's officers (one closed early was
    told when it was closed)."""
    day, since, (soon_after, soon_by) = _crossed(previous, now, SURVEY_WARNING_DAYS)
    reminded = closed = 0
    for survey in Survey.objects.filter(
        closed=False, deadline__gt=soon_after, deadline__lte=soon_by
    ).select_related("unit"):
        late = [unit.pk for unit in survey_progress(survey, survey.unit) if not unit.answered]
        reminded += len(
            announce(
                recipients=officers_of(late),
                kind="survey_due",
                url=_survey_page(survey),
                **_survey_about(survey),
            )
        )
    for survey in Survey.objects.filter(
        closed=False, deadline__gte=since, deadline__lt=day
    ).select_related("unit"):
        survey_closed(user=None, survey=survey)
        closed += 1
    return f"{reminded} / {closed}"


def tell_plans_due(previous: dt.datetime | None, now: dt.datetime) -> str:
    """The daily job: a week before plans are due up (PlanDeadline), the officers of each
    unit directly below that has not sent its plan (the units the report of plans not sent
    lists: planning.selectors.not_submitted)."""
    _, _, (soon_after, soon_by) = _crossed(previous, now, PLAN_WARNING_DAYS)
    told = 0
    for deadline in PlanDeadline.objects.filter(
        due_on__gt=soon_after, due_on__lte=soon_by
    ).select_related("unit"):
        late = list(not_submitted(deadline.unit, deadline.year).values_list("pk", flat=True))
        told += len(
            announce(
                recipients=officers_of(late),
                kind="report_due",
                url=reverse("planning:index"),
                title=_plan_title(deadline.year),
                unit=deadline.unit.name,
                deadline=_day(deadline.due_on),
            )
        )
    return str(told)


def _plan_title(year: int) -> str:
    with translation.override(settings.LANGUAGE_CODE):  # as the mail is written
        return _("Training plan for %(year)s") % {"year": str(year)}


def register_jobs() -> None:
    for code, label, run in (
        ("planning.surveys", gettext_lazy("Surveys closing in 3 days and closed"), tell_surveys),
        ("planning.plans_due", gettext_lazy("Plans due up in a week"), tell_plans_due),
    ):
        register(Job(code=code, label=label, every=dt.timedelta(days=1), at=dt.time(6, 0), run=run))
