"""Writes of the yearly cycle. Pages and the API call these; each checks scope and the
workflow, and changes nothing when it refuses.

Workflow of a plan: draft → submitted → approved, or returned with a comment → (edited)
→ submitted again. Only the unit directly above approves or returns. After approval a
line changes only through a revision: a reason is required and the old and new values are
kept in the plan's history."""

import datetime as dt
import math
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import audit.bulk
from accounts.access import (
    Data,
    acts_for,
    check_may_write,
    directly_above,
    is_system,
    recorded_user,
)
from lib.dates import today
from planning import notices
from planning.models import (
    ClassGoal,
    ClassLink,
    MemberGrowth,
    Plan,
    PlanDeadline,
    PlanEvent,
    PlanLine,
    PlanStatus,
    Spending,
    Survey,
    SurveyAnswer,
    SurveyNeed,
    TargetGroup,
)
from planning.selectors import class_goals
from targets.services import split_in_proportion
from training.models import TrainingClass
from units.models import Unit
from units.places import is_within
from units.selectors import children_on, version_on

# Trainees per class when a plan is drafted from counts (the 004 plan: 3,920 in 40 classes).
CLASS_SIZE = 100
LINE_FIELDS = (
    "name",
    "topic",
    "programme",
    "target_group",
    "classes",
    "trainees",
    "quarter",
    "budget",
    "funding_source",
)


def _check_scope(user, unit: Unit, field: str = "unit") -> None:
    """Writers act on their unit's subtree only (None: a system job)."""
    check_may_write(user, unit, Data.PLANNING, field)


def _full_clean(obj, exclude=()) -> None:
    obj.full_clean(exclude=list(exclude), validate_unique=True)


def _log(plan: Plan, action: str, user, comment: str = "", changes=None) -> None:
    PlanEvent.objects.create(
        plan=plan, action=action, user=recorded_user(user), comment=comment, changes=changes or []
    )


# --- plans --------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, user, unit: Unit, year: int, note: str = "") -> Plan:
    _check_scope(user, unit)
    if Plan.objects.filter(unit=unit, year=year).exists():
        raise ValidationError(
            {
                "year": _("%(unit)s already has a plan for %(year)s.")
                % {"unit": unit.name, "year": year}
            }
        )
    plan = Plan(unit=unit, year=year, note=note)
    _full_clean(plan)
    plan.save()
    _log(plan, PlanEvent.Action.CREATED, user)
    return plan


def _check_own(user, plan: Plan) -> None:
    """A plan is written by its own unit; the unit above returns or approves it."""
    _check_scope(user, plan.unit)
    if not acts_for(user, plan.unit):
        raise ValidationError(
            _(
                "Only %(unit)s changes or submits its own plan; the unit "
                "above returns it with comments."
            )
            % {"unit": plan.unit.name}
        )


def _editable(plan: Plan, reason: str) -> bool:
    """Whether a change is a revision (the plan is approved); refuses while submitted."""
    if plan.status == PlanStatus.SUBMITTED:
        raise ValidationError(
            _(
                "The plan is waiting for approval: it can be changed only "
                "after the unit above returns it."
            )
        )
    if plan.status == PlanStatus.APPROVED:
        if not reason.strip():
            raise ValidationError(
                {"reason": _("The plan is approved: say why it is being revised.")}
            )
        return True
    return False


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal(1)))
    return str(value)


@transaction.atomic
def line_save(
    *, user, plan: Plan, line: PlanLine | None = None, reason: str = "", **fields
) -> PlanLine:
    """Add a line, or change one; on an approved plan this is a logged revision."""
    _check_own(user, plan)
    revision = _editable(plan, reason)
    before = {f: _shown(getattr(line, f)) for f in LINE_FIELDS} if line else {}
    if line is None:
        line = PlanLine(plan=plan)
    elif line.plan_id != plan.pk:
        raise ValidationError(_("This line belongs to another plan."))
    for name, value in fields.items():
        setattr(line, name, value)
    _full_clean(line)
    line.save()
    if revision:
        after = {f: _shown(getattr(line, f)) for f in LINE_FIELDS}
        changes = [
            {"line": line.pk, "field": f, "old": before.get(f, ""), "new": after[f]}
            for f in LINE_FIELDS
            if before.get(f, "") != after[f]
        ]
        _revise(plan, user, reason, changes)
    return line


@transaction.atomic
def line_delete(*, user, line: PlanLine, reason: str = "") -> None:
    plan = line.plan
    _check_own(user, plan)
    if _editable(plan, reason):
        _revise(
            plan, user, reason, [{"line": line.pk, "field": "deleted", "old": line.name, "new": ""}]
        )
    line.delete()


def _revise(plan: Plan, user, reason: str, changes: list) -> None:
    plan.revision += 1
    plan.save(update_fields=["revision"])
    _log(plan, PlanEvent.Action.REVISED, user, reason.strip(), changes)


@transaction.atomic
def plan_submit(*, user, plan: Plan) -> Plan:
    """Send the plan up; a unit with no unit above (the confederation) approves its own."""
    _check_own(user, plan)
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.RETURNED):
        raise ValidationError(_("Only a draft or returned plan can be submitted."))
    if not plan.lines.exists():
        raise ValidationError(_("Add at least one line before submitting the plan."))
    now = timezone.now()
    plan.submitted_at = now
    _log(plan, PlanEvent.Action.SUBMITTED, user)
    if plan.unit.parent_id is None:
        plan.status, plan.decided_at = PlanStatus.APPROVED, now
        _log(plan, PlanEvent.Action.APPROVED, user)
    else:
        plan.status = PlanStatus.SUBMITTED
    plan.save(update_fields=["status", "submitted_at", "decided_at"])
    notices.submitted(user=user, plan=plan)
    return plan


def _check_decider(user, plan: Plan) -> None:
    if is_system(user):
        return
    if not user.can_write or acts_for(user, plan.unit):
        raise ValidationError(
            _("A unit cannot approve or return its own plan: the unit above does.")
        )
    if not directly_above(user, plan.unit):
        raise ValidationError(
            _("Only %(unit)s, the unit directly above, approves or returns this plan.")
            % {"unit": plan.unit.parent.name}
        )
    if plan.status != PlanStatus.SUBMITTED:
        raise ValidationError(_("The plan has not been submitted."))


@transaction.atomic
def plan_return(*, user, plan: Plan, comment: str) -> Plan:
    _check_decider(user, plan)
    if not comment.strip():
        raise ValidationError({"comment": _("Say what must be changed.")})
    plan.status, plan.decided_at = PlanStatus.RETURNED, timezone.now()
    plan.save(update_fields=["status", "decided_at"])
    _log(plan, PlanEvent.Action.RETURNED, user, comment.strip())
    notices.decided(user=user, plan=plan, comment=comment)
    return plan


@transaction.atomic
def plan_approve(*, user, plan: Plan, comment: str = "") -> Plan:
    _check_decider(user, plan)
    plan.status, plan.decided_at = PlanStatus.APPROVED, timezone.now()
    plan.save(update_fields=["status", "decided_at"])
    _log(plan, PlanEvent.Action.APPROVED, user, comment.strip())
    notices.decided(user=user, plan=plan, comment=comment)
    return plan


@transaction.atomic
def deadline_set(*, user, unit: Unit, year: int, due_on: dt.date) -> PlanDeadline:
    """When the units directly under `unit` must have submitted their plans for `year`."""
    _check_scope(user, unit)
    deadline, _created = PlanDeadline.objects.update_or_create(
        unit=unit, year=year, defaults={"due_on": due_on}
    )
    return deadline


@transaction.atomic
def class_link(*, user, line: PlanLine, training_class: TrainingClass) -> ClassLink:
    """Count a class as run against a line: organised in the plan's subtree, that year."""
    plan = line.plan
    _check_scope(user, plan.unit)
    if not is_within(training_class.organiser, plan.unit):
        raise ValidationError(
            {
                "training_class": _(
                    "Class %(code)s is not organised by %(unit)s or a unit under it."
                )
                % {"code": training_class.code, "unit": plan.unit.name}
            }
        )
    if training_class.start_date.year != plan.year:
        raise ValidationError(
            {
                "training_class": _("Class %(code)s starts in %(year)s, not in the plan's year.")
                % {"code": training_class.code, "year": training_class.start_date.year}
            }
        )
    existing = ClassLink.objects.filter(training_class=training_class).first()
    if existing and existing.line_id != line.pk:
        raise ValidationError(
            {
                "training_class": _("Class %(code)s already counts toward another plan line.")
                % {"code": training_class.code}
            }
        )
    link, _created = ClassLink.objects.get_or_create(
        training_class=training_class, defaults={"line": line}
    )
    return link


@transaction.atomic
def class_unlink(*, user, link: ClassLink) -> None:
    _check_scope(user, link.line.plan.unit)
    link.delete()


# --- spending and member growth -----------------------------------------------------------


@transaction.atomic
def spending_save(
    *,
    user,
    unit: Unit,
    year: int,
    operating_total: Decimal,
    other_training: Decimal = Decimal(0),
    note: str = "",
) -> Spending:
    _check_scope(user, unit)
    spending = Spending.objects.filter(unit=unit, year=year).first() or Spending(
        unit=unit, year=year
    )
    spending.operating_total, spending.other_training = operating_total, other_training
    spending.note = note
    if operating_total is not None and operating_total <= 0:
        raise ValidationError({"operating_total": _("Operating spending must be above 0.")})
    _full_clean(spending)
    spending.save()
    return spending


GROWTH_FIGURES = (
    "admitted",
    "other_decreases",
    "transfers_in",
    "transfers_out",
    "unions_founded",
    "unions_dissolved",
    "enterprises_30plus",
    "enterprises_with_union",
)


@transaction.atomic
def growth_save(
    *, user, unit: Unit, period_start: dt.date, period_end: dt.date, **figures
) -> MemberGrowth:
    """Enter (or correct) a unit's member-growth figures for a period."""
    _check_scope(user, unit)
    row = MemberGrowth.objects.filter(
        unit=unit, period_start=period_start, period_end=period_end
    ).first() or MemberGrowth(unit=unit, period_start=period_start, period_end=period_end)
    for name in GROWTH_FIGURES:
        if name in figures:
            setattr(row, name, figures[name])
    errors = {}
    if period_start and period_end and period_end < period_start:
        errors["period_end"] = _("The end of the period cannot be before its start.")
    if (
        isinstance(row.enterprises_with_union, int)
        and isinstance(row.enterprises_30plus, int)
        and row.enterprises_with_union > row.enterprises_30plus
    ):
        errors["enterprises_with_union"] = _(
            "More enterprises with a union than enterprises in the area."
        )
    if errors:
        raise ValidationError(errors)
    _full_clean(row)
    row.save()
    return row


# --- needs surveys ------------------------------------------------------------------------


@transaction.atomic
def survey_open(*, user, unit: Unit, year: int, title: str, deadline: dt.date, topics) -> Survey:
    _check_scope(user, unit)
    topics = list(topics)
    errors = {}
    if not topics:
        errors["topics"] = _("Choose at least one topic to ask about.")
    if deadline and deadline < today():
        errors["deadline"] = _("The deadline cannot be in the past.")
    if errors:
        raise ValidationError(errors)
    survey = Survey(unit=unit, year=year, title=title, deadline=deadline)
    _full_clean(survey)
    survey.save()
    survey.topics.set(topics)
    notices.survey_opened(user=user, survey=survey)
    return survey


@transaction.atomic
def survey_close(*, user, survey: Survey) -> Survey:
    _check_scope(user, survey.unit)
    was_open = not survey.closed
    survey.closed = True
    survey.save(update_fields=["closed"])
    if was_open:
        notices.survey_closed(user=user, survey=survey)
    return survey


@transaction.atomic
def answer_save(
    *, user, survey: Survey, unit: Unit, needs: dict, comment: str = "", day: dt.date | None = None
) -> SurveyAnswer:
    """A unit under the survey's unit answers for its own cadres; it may change its answer
    until the deadline. `needs` maps (topic, target group) to a count."""
    _check_scope(user, unit)
    if unit.pk == survey.unit_id or not is_within(unit, survey.unit):
        raise ValidationError(
            _("Only units under %(unit)s answer this survey.") % {"unit": survey.unit.name}
        )
    if not survey.is_open_on(day or today()):
        raise ValidationError(_("The survey is closed: answers are no longer accepted."))
    topics = {t.pk for t in survey.topics.all()}
    errors = []
    for (topic, group), count in needs.items():
        if topic.pk not in topics:
            errors.append(_("Topic %(topic)s is not asked in this survey.") % {"topic": topic})
        if group not in TargetGroup.values:
            errors.append(_("Unknown target group: %(group)s.") % {"group": group})
        if not isinstance(count, int) or count < 0:
            errors.append(
                _("%(topic)s: the number of cadres must be a whole number, 0 or more.")
                % {"topic": topic}
            )
    if errors:
        raise ValidationError({"needs": errors})
    answer, _created = SurveyAnswer.objects.update_or_create(
        survey=survey, unit=unit, defaults={"comment": comment, "answered_by": recorded_user(user)}
    )
    answer.needs.all().delete()
    rows = [
        SurveyNeed(answer=answer, topic=topic, target_group=group, count=count)
        for (topic, group), count in needs.items()
        if count
    ]
    for row in rows:  # the field's own bounds (e.g. a count too large for the database)
        row.full_clean(exclude=["answer"], validate_unique=False)
    SurveyNeed.objects.bulk_create(rows)
    return answer


@transaction.atomic
def plan_draft_from_needs(
    *, user, unit: Unit, year: int, survey: Survey | None, day: dt.date | None = None
) -> Plan:
    """One action: a draft plan whose lines are the survey's results for the unit's subtree,
    plus one line per target with people under the unit still to train. Then edited."""
    from planning import selectors

    _check_scope(user, unit)
    plan = Plan.objects.filter(unit=unit, year=year).first()
    if plan is None:
        plan = plan_create(user=user, unit=unit, year=year)
    elif plan.status != PlanStatus.DRAFT or plan.lines.exists():
        raise ValidationError(
            _("%(unit)s already has a plan for %(year)s: edit it instead.")
            % {"unit": unit.name, "year": year}
        )
    lines = selectors.draft_lines(unit, survey, day or today())
    for line in lines:
        line.plan = plan
        line.classes = max(1, math.ceil(line.trainees / CLASS_SIZE))
    audit.bulk.bulk_create(PlanLine, lines)
    if survey is not None:
        plan.note = _("Drafted from the survey “%(title)s” and the training-needs list.") % {
            "title": survey.title
        }
        plan.save(update_fields=["note"])
    return plan


# --- classes and trainees given down (004: "chỉ tiêu mở lớp") ---------------------------------

GOAL_FIELDS = ("classes", "trainees")


def _checked_count(value, field: str) -> int | None:
    if value is None:
        return None
    if value < 0 or value != int(value) or value > 10_000_000:
        raise ValidationError({field: _("Enter a whole number of 0 or more.")})
    return int(value)


def _children_today(unit: Unit) -> set[int]:
    return {c.unit_id for c in children_on(unit.pk, today())}


@transaction.atomic
def class_goals_give(
    *, user, unit: Unit, year: int, goals: dict, method: str = "by_hand"
) -> list[ClassGoal]:
    """`unit` gives the units directly below it goals of classes and trainees for `year`
    (`goals`: unit → {"classes", "trainees"}, a None value takes that goal back)."""
    _check_scope(user, unit)
    children = _children_today(unit)
    saved = []
    for child, values in goals.items():
        if child.pk not in children:
            raise ValidationError(
                {
                    "goals": _("%(unit)s is not directly below %(parent)s.")
                    % {"unit": child.name, "parent": unit.name}
                }
            )
        goal, _created = ClassGoal.objects.select_for_update().get_or_create(
            year=year, unit=child, defaults={"given_by": unit}
        )
        goal.given_by, goal.method = unit, method
        for field in GOAL_FIELDS:
            value = _checked_count(values.get(field), "goals")
            setattr(goal, field, value)
            own = getattr(goal, f"own_{field}")
            if own is not None and value is not None and own < value:
                setattr(goal, f"own_{field}", None)  # the goal given now asks more
        _full_clean(goal)
        goal.save()
        saved.append(goal)
    return saved


@transaction.atomic
def class_goal_set_own(*, user, unit: Unit, year: int, classes=None, trainees=None) -> ClassGoal:
    """A unit sets itself goals of classes and trainees at least those given (None: back to
    the given one)."""
    _check_scope(user, unit)
    node = version_on(unit, today())
    if node is None or node.parent_id is None:
        raise ValidationError({"own": _("A unit sets its own goal only for a goal given to it.")})
    goal = ClassGoal.objects.select_for_update().filter(year=year, unit=unit).first()
    if goal is None:
        goal = ClassGoal(year=year, unit=unit, given_by_id=node.parent_id)
    for field, value in zip(GOAL_FIELDS, (classes, trainees), strict=True):
        value = _checked_count(value, field)
        given = getattr(goal, field)
        if value is not None and given is not None and value < given:
            raise ValidationError(
                {
                    field: _("Your own goal cannot be lower than the one given (%(given)s).")
                    % {"given": given}
                }
            )
        setattr(goal, f"own_{field}", value)
    _full_clean(goal)
    goal.save()
    return goal


def class_goals_in_proportion(*, user, unit: Unit, year: int, by: str) -> list[ClassGoal]:
    """`unit`'s own goals of classes and trainees divided among the units directly below it
    in proportion to their grassroots unions' members or workers, in whole numbers adding up
    to them."""
    if by not in ("members", "workers"):
        raise ValidationError({"method": _("Divide by members or by workers.")})
    _check_scope(user, unit)
    day = today()
    node = version_on(unit, day)
    table = class_goals(node, year, day) if node is not None else None
    if table is None or table.whole is None:
        raise ValidationError(
            {"method": _("%(unit)s was given no goal to divide.") % {"unit": unit.name}}
        )
    weights = {r["unit"]: r[by] for r in table.rows}
    parts = {
        field: split_in_proportion(table.whole[field], weights)
        if table.whole[field] is not None
        else dict.fromkeys(weights)
        for field in GOAL_FIELDS
    }
    goals = {u: {f: parts[f][u] for f in GOAL_FIELDS} for u in weights}
    return class_goals_give(user=user, unit=unit, year=year, goals=goals, method=by)
