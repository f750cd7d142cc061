"""Reading the access log: who may, what they see, what a person is told about their data."""

import datetime as dt

from django.db.models import Q, QuerySet

from accounts.scope import logs_visible_to, may_read_logs
from lib.tree import line_paths
from people.models import Person
from privacy.models import Action, PersonalDataAccess

LOG = PersonalDataAccess.objects.select_related("unit", "user")


def may_read_access_log(user) -> bool:
    """Who reads the access log: the rule of every log (accounts.scope)."""
    return may_read_logs(user)


def access_log_visible_to(user) -> QuerySet:
    """A system administrator sees the entries about their subtree (the unit an export
    covered, or the person's home unit); a superuser sees every entry, those without a unit
    included."""
    return logs_visible_to(LOG, user)


def access_log_search(
    entries: QuerySet,
    *,
    who: str = "",
    whose: str = "",
    action: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet:
    """The entries matching a search: part of a username, part of a person's name (as on
    the entry, accents ignored through the person's search key when they still exist)."""
    if who:
        entries = entries.filter(username__icontains=who.strip())
    if whose:
        key = whose.strip()
        entries = entries.filter(
            Q(person_name__icontains=key) | Q(person__in=Person.objects.search(key).values("pk"))
        )
    if action:
        entries = entries.filter(action=action)
    if start:
        entries = entries.filter(at__date__gte=start)
    if end:
        entries = entries.filter(at__date__lte=end)
    return entries


def recent_full_views(person: Person, limit: int = 5) -> list[PersonalDataAccess]:
    """The last full views of a person's data (shown on their page)."""
    return list(LOG.filter(person=person, action=Action.VIEW_FULL)[:limit])


def accesses_about(person: Person, limit: int = 200) -> list[PersonalDataAccess]:
    """What a person is told of the accesses to their data: every full view of it and their
    own exports, and the exports of lists covering their unit or a unit above, which may
    hold their name (the log keeps what an export covered, not every name in it)."""
    covering = Q(action=Action.EXPORT, unit__path__in=line_paths(person.unit.path))
    return list(LOG.filter(Q(person=person) | covering)[:limit])
