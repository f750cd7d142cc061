"""Filling a post: is the person in the post's succession pool, trained as the post
requires, rated at least 'completed' last year? Registered with people.appointments when the
app loads; the findings (and the reason, when one was needed) are kept as an Appointment."""

from django.utils.translation import gettext as _

from accounts.access import recorded_user
from cadrework import selectors
from cadrework.models import Appointment
from people import appointments
from people.appointments import Finding
from people.models import Person


def check(position) -> list[Finding]:
    """Nothing for posts no pool prepares (e.g. a union-group leader). Binding only where the
    unit keeps a pool for the post in the term of the start date."""
    if selectors.post_of(position.role) is None:
        return []
    day, person = position.start_date, position.person
    pool = selectors.pool_for(position.unit, position.role, day)
    binding = pool is not None
    standard = selectors.post_standard(position.role, position.unit, day)
    trained = selectors.trained_q(standard, day)
    people = Person.objects.filter(pk=person.pk).annotate(rated=selectors.rated_q(day.year - 1))
    if trained is not None:
        people = people.annotate(trained=trained)
    facts = people.values("rated", *(["trained"] if trained is not None else [])).get()
    in_pool = pool is not None and selectors.open_entries(pool, day).filter(person=person).exists()
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
        Finding(_("meets the title standard of the post"), facts["trained"], binding)
        if standard is not None
        else Finding(_("no title standard is in force for this post"), True, False),
        Finding(
            _("rated at least 'completed' in %(year)s") % {"year": day.year - 1},
            facts["rated"],
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


def register() -> None:
    appointments.register(check, record)
