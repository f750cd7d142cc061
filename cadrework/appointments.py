"""Filling a post: is the person in the post's succession pool, trained as the post
requires, rated at least 'completed' last year? Registered with people.appointments when the
app loads; the findings (and the reason, when one was needed) are kept as an Appointment.

`check` answers for one post (the pages, the API); `check_many` for an import's whole file,
with the selectors' set-based twins: the same findings, in a few queries for all posts."""

import datetime as dt

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import recorded_user
from cadrework import selectors
from cadrework.models import Appointment, Pool
from lib.bulk import insert_rows
from people import appointments
from people.appointments import Finding
from people.models import Person
from standards.models import TitleStandard


def check(position) -> list[Finding]:
    """Nothing for posts no pool prepares (e.g. a union-group leader). Binding only where the
    unit keeps a pool for the post in the term of the start date."""
    if selectors.post_of(position.role) is None:
        return []
    day, person = position.start_date, position.person
    pool = selectors.pool_for(position.unit, position.role, day)
    standard = selectors.post_standard(position.role, position.unit, day)
    trained = selectors.trained_q(standard, day)
    people = Person.objects.filter(pk=person.pk).annotate(rated=selectors.rated_q(day.year - 1))
    if trained is not None:
        people = people.annotate(trained=trained)
    facts = people.values("rated", *(["trained"] if trained is not None else [])).get()
    in_pool = pool is not None and selectors.open_entries(pool, day).filter(person=person).exists()
    return findings(pool, in_pool, standard, facts.get("trained"), facts["rated"], day)


def check_many(positions: list) -> list[list[Finding]]:
    """`check` of each of many posts (their people saved), in their order."""
    out: list[list[Finding]] = [[] for _p in positions]
    posts = [(i, p) for i, p in enumerate(positions) if selectors.post_of(p.role) is not None]
    if not posts:
        return out
    pools = selectors.pools_for_many(
        [(p.unit_id, selectors.post_of(p.role), p.start_date) for _i, p in posts]
    )
    pooled = selectors.in_pools_many(
        [
            (pool.pk, p.person_id, p.start_date)
            for pool, (_i, p) in zip(pools, posts, strict=True)
            if pool
        ]
    )
    standards = selectors.post_standards_many(
        [(p.role_id, p.unit_id, p.start_date) for _i, p in posts]
    )
    trained = selectors.trained_many(
        [(s, p.start_date, p.person_id) for s, (_i, p) in zip(standards, posts, strict=True) if s]
    )
    rated = selectors.rated_many([(p.person_id, p.start_date.year - 1) for _i, p in posts])
    for (i, p), pool, standard in zip(posts, pools, standards, strict=True):
        day = p.start_date
        out[i] = findings(
            pool,
            pool is not None and (pool.pk, p.person_id, day) in pooled,
            standard,
            standard is not None and (standard.pk, day, p.person_id) in trained,
            (p.person_id, day.year - 1) in rated,
            day,
        )
    return out


def findings(
    pool: Pool | None,
    in_pool: bool,
    standard: TitleStandard | None,
    trained: bool | None,
    rated: bool,
    day: dt.date,
) -> list[Finding]:
    """What the three checks found, in the user's words; binding where the unit keeps a pool."""
    binding = pool is not None
    return [
        Finding(
            _("in the succession pool for the post")
            if pool
            else _("no succession pool is kept for this post"),
            in_pool,
            binding,
        ),
        # "Trained as the post requires" is its title standard (standards.rules); a post with
        # none in force cannot be checked, and says so.
        Finding(_("meets the title standard of the post"), trained, binding)
        if standard is not None
        else Finding(_("no title standard is in force for this post"), True, False),
        Finding(
            _("rated at least 'completed' in %(year)s") % {"year": day.year - 1},
            rated,
            binding,
        ),
    ]


def record(position, findings: list[Finding], reason: str, user) -> None:
    in_pool, trained, rated = (f.ok for f in findings)
    Appointment.objects.create(
        position=position,
        in_pool=in_pool,
        trained=trained,
        rated=rated,
        reason=reason,
        user=recorded_user(user),
    )


def record_many(appointed: list[tuple], reason: str, user) -> None:
    """`record` of each (saved position, its findings), in one insert (no history is kept of
    an Appointment, and nothing listens to its saves)."""
    if not appointed:
        return
    by = recorded_user(user)
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    insert_rows(
        Appointment,
        ("position", "in_pool", "trained", "rated", "reason", "user", "at"),
        (
            (position.pk, *(f.ok for f in found), reason, by.pk if by else None, at)
            for position, found in appointed
        ),
    )


def register() -> None:
    appointments.register(check, record, check_many=check_many, record_many=record_many)
