"""Writes on succession pools: open a pool for a post and term, review it yearly (who
enters, who leaves, with dates and reasons), publish the review — which tells every person
concerned — and set the structure goals of a unit's pools."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import Data, check_may_write
from cadrework.models import (
    Notice,
    Pool,
    PoolEntry,
    PoolReview,
    StructureGoal,
)
from people.models import Person
from units.models import Term, Unit


def check_scope(user, unit: Unit, field: str = "unit", kind: Data = Data.POOLS) -> None:
    """Writers of cadre work act on their unit's subtree only (accounts.access)."""
    check_may_write(user, unit, kind, field)


@transaction.atomic
def pool_create(*, user, unit: Unit, term: Term, post: str) -> Pool:
    check_scope(user, unit)
    if term.unit_id != unit.pk:
        raise ValidationError(
            {"term": _("The term must be one of %(unit)s's terms.") % {"unit": unit.name}}
        )
    if Pool.objects.filter(unit=unit, term=term, post=post).exists():
        raise ValidationError({"post": _("This pool already exists.")})
    pool = Pool(unit=unit, term=term, post=post)
    pool.full_clean()
    pool.save()
    return pool


@transaction.atomic
def review_open(*, user, pool: Pool, year: int, held_on: dt.date, note: str = "") -> PoolReview:
    """Start (or reopen, while unpublished) the year's review of the pool."""
    check_scope(user, pool.unit)
    review = PoolReview.objects.filter(pool=pool, year=year).first()
    if review is None:
        review = PoolReview(pool=pool, year=year, held_on=held_on, note=note)
    elif review.published_at:
        raise ValidationError(
            _("The %(year)s review is published: it cannot change.") % {"year": year}
        )
    else:
        review.held_on, review.note = held_on, note
    review.full_clean()
    review.save()
    return review


def _unpublished(review: PoolReview | None) -> None:
    if review is not None and review.published_at:
        raise ValidationError(
            _("The %(year)s review is published: it cannot change.") % {"year": review.year}
        )


@transaction.atomic
def entry_add(
    *, user, pool: Pool, person: Person, reason: str, on: dt.date, review: PoolReview | None = None
) -> PoolEntry:
    """A candidate enters the pool (within the user's subtree; once at a time)."""
    check_scope(user, pool.unit)
    check_scope(user, person.unit, "person")
    _unpublished(review)
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Say why the person enters the pool.")
    if pool.entries.filter(person=person, left_on__isnull=True).exists():
        errors["person"] = _("%(name)s is already in this pool.") % {"name": person.full_name}
    if not pool.term.start_date <= on <= pool.term.end_date:
        errors["on"] = _("The date must fall within the term %(term)s.") % {"term": pool.term}
    if errors:
        raise ValidationError(errors)
    entry = PoolEntry(
        pool=pool, person=person, entered_on=on, entry_reason=reason.strip(), entered_in=review
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def entry_remove(
    *, user, entry: PoolEntry, reason: str, on: dt.date, review: PoolReview | None = None
) -> PoolEntry:
    check_scope(user, entry.pool.unit)
    _unpublished(review)
    errors = {}
    if entry.left_on is not None:
        errors["entry"] = _("%(name)s has already left the pool.") % {
            "name": entry.person.full_name
        }
    if not reason.strip():
        errors["reason"] = _("Say why the person leaves the pool.")
    if on < entry.entered_on:
        errors["on"] = _("A person cannot leave the pool before entering it.")
    if errors:
        raise ValidationError(errors)
    entry.left_on, entry.leave_reason, entry.left_in = on, reason.strip(), review
    entry.save(update_fields=["left_on", "leave_reason", "left_in"])
    return entry


@transaction.atomic
def review_publish(*, user, review: PoolReview) -> PoolReview:
    """Publish the lists of entries and removals; each person concerned is told."""
    pool = review.pool
    check_scope(user, pool.unit)
    _unpublished(review)
    review.published_at = timezone.now()
    review.save(update_fields=["published_at"])
    what = {"post": pool.get_post_display(), "unit": pool.unit.name, "term": pool.term.name}
    notices = [
        Notice(
            person=e.person,
            text=_("You have entered the succession pool for %(post)s of %(unit)s, term %(term)s.")
            % what,
        )
        for e in review.entries.select_related("person")
    ]
    notices += [
        Notice(
            person=e.person,
            text=_("You have left the succession pool for %(post)s of %(unit)s, term %(term)s.")
            % what,
        )
        for e in review.removals.select_related("person")
    ]
    Notice.objects.bulk_create(notices)
    return review


@transaction.atomic
def structure_goal_set(*, user, unit: Unit, measure: str, min_percent: Decimal) -> StructureGoal:
    check_scope(user, unit, kind=Data.TARGETS)
    goal = StructureGoal.objects.filter(unit=unit, measure=measure).first() or StructureGoal(
        unit=unit, measure=measure
    )
    goal.min_percent = min_percent
    goal.full_clean()
    goal.save()
    return goal
