"""Inspections of lower units' cadre work (`001`: "upper levels inspect lower levels' cadre
work"): writes and reads.

An upper unit records what it inspected in a unit of its subtree (planning, training,
evaluation, appointments), its findings, and the follow-up actions it requires, each with a
deadline. The inspected unit and every unit above it see the inspection (its scope is the
inspected unit's); the inspecting unit, or a unit above it, changes it; the inspected unit
marks its follow-ups done. A follow-up whose deadline has passed and that is not done is
overdue.
"""

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import is_system
from accounts.scope import scope_ancestor_paths, scope_path, scope_q, scoped
from cadrework.models import FollowUp, Inspection
from lib.dates import today
from units.models import Unit
from units.places import is_within, under


class Area(models.TextChoices):
    """What an inspection covers: stored as these codes, comma-joined, in `areas`."""

    PLANNING = "planning", gettext_lazy("Planning")
    TRAINING = "training", gettext_lazy("Training")
    EVALUATION = "evaluation", gettext_lazy("Evaluation")
    APPOINTMENTS = "appointments", gettext_lazy("Appointments")


class FollowUpStatus(models.TextChoices):
    DONE = "done", gettext_lazy("Done")
    OPEN = "open", gettext_lazy("Open")
    OVERDUE = "overdue", gettext_lazy("Overdue")


ACTION_MAX = FollowUp._meta.get_field("action").max_length


# --- rules ----------------------------------------------------------------------------------


def area_codes(areas: str) -> list[str]:
    """The codes stored in an inspection's `areas`."""
    return [code for code in areas.split(",") if code]


def area_labels(areas: str) -> list[str]:
    """The areas' labels, in the user's language (an unknown stored code shows as is)."""
    labels = dict(Area.choices)
    return [str(labels.get(code, code)) for code in area_codes(areas)]


def clean_areas(areas: Iterable[str] | str | None) -> str:
    """Codes chosen (a list, or a comma-joined string) → the stored value, in the canonical
    order, each once. Raises on none or on an unknown code."""
    if isinstance(areas, str):
        areas = areas.split(",")
    chosen = {str(code).strip() for code in areas or () if str(code).strip()}
    unknown = sorted(chosen - set(Area.values))
    if unknown:
        raise ValidationError(
            {
                "areas": _("Unknown area: %(codes)s. Choose among %(known)s.")
                % {"codes": ", ".join(unknown), "known": ", ".join(Area.values)}
            }
        )
    if not chosen:
        raise ValidationError({"areas": _("Choose at least one area of cadre work.")})
    return ",".join(code for code in Area.values if code in chosen)


def _below(user, inspected: Unit, inspecting: Unit | None) -> Unit:
    """The inspecting unit (the user's), after checking the inspected unit is strictly below
    it. Without a user (a system job) the inspecting unit is given."""
    if not is_system(user):
        path = scope_path(user)
        if path is None or not user.can_write:
            raise ValidationError(_("Your account cannot record inspections."))
        inspecting = user.unit
    if inspecting is None:
        raise ValidationError({"inspecting": _("Say which unit inspects.")})
    if inspected.pk == inspecting.pk:
        raise ValidationError(
            {
                "inspected": _("A unit cannot inspect itself: choose a unit below %(unit)s.")
                % {"unit": inspecting.name}
            }
        )
    if not is_within(inspected, inspecting):
        raise ValidationError(
            {
                "inspected": _(
                    "%(inspected)s is not below %(unit)s: a unit inspects only the units below it."
                )
                % {"inspected": inspected.name, "unit": inspecting.name}
            }
        )
    return inspecting


def units_nameable_by(user) -> QuerySet:
    """Units a user may name as the inspected one: their subtree, and the units on their line
    above (whose names they already see), so that naming one is refused with the reason
    rather than as unknown."""
    return Unit.objects.filter(scope_q(user, "") | Q(path__in=scope_ancestor_paths(user)))


def can_change(user, inspection: Inspection) -> bool:
    """The inspecting unit's writers, or those of a unit above it (None: a system job)."""
    if is_system(user):
        return True
    path = scope_path(user)
    return path is not None and user.can_write and is_within(inspection.inspecting, path)


def can_mark_done(user, inspection: Inspection) -> bool:
    """The inspected unit's writers, and whoever may change the inspection."""
    if is_system(user):
        return True
    return (user.can_write and user.unit_id == inspection.inspected_id) or can_change(
        user, inspection
    )


def _check_change(user, inspection: Inspection) -> None:
    if not can_change(user, inspection):
        raise ValidationError(
            _("Only %(unit)s, which made the inspection, or a unit above it can change it.")
            % {"unit": inspection.inspecting.name}
        )


def _inspection_errors(inspected: Unit, held_on: dt.date | None, findings: str) -> dict:
    errors = {}
    if held_on is None:
        errors["held_on"] = _("Give the date of the inspection.")
    elif held_on > today():
        errors["held_on"] = _("The inspection cannot be dated in the future.")
    elif not inspected.is_alive_on(held_on):
        errors["held_on"] = _("%(unit)s did not exist on %(day)s.") % {
            "unit": inspected.name,
            "day": f"{held_on:%d/%m/%Y}",
        }
    if not (findings or "").strip():
        errors["findings"] = _("Write down the findings of the inspection.")
    return errors


def _follow_up_errors(held_on: dt.date | None, action: str, deadline: dt.date | None) -> dict:
    errors = {}
    if not (action or "").strip():
        errors["action"] = _("Say what must be done.")
    elif len(action.strip()) > ACTION_MAX:
        errors["action"] = _("Keep the action under %(n)s characters.") % {"n": ACTION_MAX}
    if deadline is None:
        errors["deadline"] = _("Give the deadline of the follow-up action.")
    elif held_on is not None and deadline < held_on:
        errors["deadline"] = _("The deadline cannot be before the inspection (%(day)s).") % {
            "day": f"{held_on:%d/%m/%Y}"
        }
    return errors


# --- writes ---------------------------------------------------------------------------------


@transaction.atomic
def inspection_create(
    *,
    user,
    inspected: Unit,
    held_on: dt.date,
    areas: Iterable[str] | str,
    findings: str,
    follow_ups: Sequence[dict] = (),
    inspecting: Unit | None = None,
) -> Inspection:
    """Record an inspection by the user's unit of a unit strictly below it, with its
    follow-up actions (each a dict of `action` and `deadline`); all or nothing."""
    inspecting = _below(user, inspected, inspecting)
    errors = _inspection_errors(inspected, held_on, findings)
    try:
        codes = clean_areas(areas)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    for i, item in enumerate(follow_ups):
        for field, message in _follow_up_errors(
            held_on if "held_on" not in errors else None,
            item.get("action", ""),
            item.get("deadline"),
        ).items():
            errors[f"follow_ups.{i}.{field}"] = message
    if errors:
        raise ValidationError(errors)
    inspection = Inspection.objects.create(
        inspecting=inspecting,
        inspected=inspected,
        held_on=held_on,
        areas=codes,
        findings=findings.strip(),
    )
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                inspection=inspection, action=item["action"].strip(), deadline=item["deadline"]
            )
            for item in follow_ups
        ]
    )
    return inspection


@transaction.atomic
def inspection_update(
    *, user, inspection: Inspection, held_on: dt.date, areas: Iterable[str] | str, findings: str
) -> Inspection:
    """Correct the date, areas or findings (by the inspecting unit or above). The inspected
    unit stays: an inspection of another unit is another inspection."""
    _check_change(user, inspection)
    errors = _inspection_errors(inspection.inspected, held_on, findings)
    try:
        codes = clean_areas(areas)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if "held_on" not in errors:
        bounds = inspection.follow_ups.aggregate(
            deadline=models.Min("deadline"), done_on=models.Min("done_on")
        )
        earliest = min((d for d in bounds.values() if d), default=None)
        if earliest and held_on > earliest:
            errors["held_on"] = _(
                "A follow-up is due or was done on %(day)s: the inspection "
                "cannot be dated after that."
            ) % {"day": f"{earliest:%d/%m/%Y}"}
    if errors:
        raise ValidationError(errors)
    inspection.held_on, inspection.areas, inspection.findings = held_on, codes, findings.strip()
    inspection.save(update_fields=["held_on", "areas", "findings"])
    return inspection


@transaction.atomic
def follow_up_add(
    *, user, inspection: Inspection, action: str, deadline: dt.date | None
) -> FollowUp:
    """A follow-up action the inspection requires (by the inspecting unit or above)."""
    _check_change(user, inspection)
    errors = _follow_up_errors(inspection.held_on, action, deadline)
    if errors:
        raise ValidationError(errors)
    return FollowUp.objects.create(inspection=inspection, action=action.strip(), deadline=deadline)


@transaction.atomic
def follow_up_done(*, user, follow_up: FollowUp, done_on: dt.date | None) -> FollowUp:
    """The inspected unit reports the action done on a day (not before the inspection, not
    in the future); once."""
    inspection = follow_up.inspection
    if not can_mark_done(user, inspection):
        raise ValidationError(
            _(
                "Only %(unit)s, the inspected unit, or the inspecting unit "
                "marks its follow-ups done."
            )
            % {"unit": inspection.inspected.name}
        )
    if follow_up.done_on is not None:
        raise ValidationError(
            _("This follow-up was already done on %(day)s.")
            % {"day": f"{follow_up.done_on:%d/%m/%Y}"}
        )
    if done_on is None:
        raise ValidationError({"done_on": _("Give the date the action was done.")})
    if done_on < inspection.held_on:
        raise ValidationError(
            {
                "done_on": _("The action cannot be done before the inspection (%(day)s).")
                % {"day": f"{inspection.held_on:%d/%m/%Y}"}
            }
        )
    if done_on > today():
        raise ValidationError({"done_on": _("The date cannot be in the future.")})
    follow_up.done_on = done_on
    follow_up.save(update_fields=["done_on"])
    return follow_up


# --- reads ----------------------------------------------------------------------------------


def status_of(follow_up: FollowUp, day: dt.date | None = None) -> str:
    if follow_up.done_on is not None:
        return FollowUpStatus.DONE
    return FollowUpStatus.OVERDUE if follow_up.deadline < (day or today()) else FollowUpStatus.OPEN


def overdue_q(day: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}done_on__isnull": True, f"{prefix}deadline__lt": day})


def inspections_visible_to(user) -> QuerySet:
    """Inspections of the user's subtree (the inspected unit in it), with both units."""
    return scoped(Inspection.objects.select_related("inspecting", "inspected"), user)


def inspections_under(user, unit: Unit, day: dt.date | None = None) -> QuerySet:
    """Inspections of `unit`'s subtree the user sees, latest first, each with its counts of
    follow-ups, open ones (not done) and overdue ones on `day` (one query). The counts are
    asked per inspection, so that a page of the list counts the follow-ups of its own rows:
    grouped over the join, every inspection of the country was counted first (0.75 s)."""
    day = day or today()
    return (
        inspections_visible_to(user)
        .filter(under(unit, "inspected"))
        .annotate(
            follow_up_count=_follow_ups_counted(Q()),
            open_count=_follow_ups_counted(Q(done_on__isnull=True)),
            overdue_count=_follow_ups_counted(overdue_q(day)),
        )
        .order_by("-held_on", "-id")
    )


def _follow_ups_counted(condition: Q) -> Coalesce:
    """How many follow-ups of the row's inspection meet `condition`."""
    counted = (
        FollowUp.objects.filter(condition, inspection=OuterRef("pk"))
        .order_by()
        .values("inspection")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


def follow_ups_visible_to(user) -> QuerySet:
    return scoped(
        FollowUp.objects.select_related("inspection__inspecting", "inspection__inspected"), user
    )


def overdue_follow_ups(user, unit: Unit, day: dt.date | None = None) -> QuerySet:
    """Follow-ups in `unit`'s subtree whose deadline passed by `day` without being done,
    the longest overdue first."""
    return (
        follow_ups_visible_to(user)
        .filter(overdue_q(day or today()), under(unit, "inspection__inspected"))
        .order_by("deadline", "id")
    )


def with_status(follow_ups: Iterable[FollowUp], day: dt.date | None = None) -> list[FollowUp]:
    """The follow-ups, each with its `status` for the day."""
    day = day or today()
    rows = list(follow_ups)
    for follow_up in rows:
        follow_up.status = status_of(follow_up, day)
    return rows
