"""Reading the change history: an object's history, and the searchable log for system
administrators. Scope is the caller's: the history pages look the object up with the
owning app's scope rules first; the log narrows by the unit each entry belongs to."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from accounts.scope import logs_visible_to, may_read_logs
from audit import registry
from audit.display import kind_name
from audit.models import LogEntry
from lib.vntext import fold
from people.models import Person
from units.models import Unit

ENTRIES = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-id")


def history_of(obj) -> QuerySet:
    """Every entry shown on `obj`'s history page: its own and those of what it owns (a
    person's positions, records and pool entries, a class's enrolments, a plan's lines, a
    unit's figures, terms and spending); for a person, their enrolments in any class too."""
    kind = ContentType.objects.get_for_model(type(obj))
    q = Q(subject_type=kind, subject_id=obj.pk)
    if isinstance(obj, Person):
        q |= Q(person_id=obj.pk)
    return ENTRIES.filter(q)


def may_read_log(user) -> bool:
    """Who reads the audit log: the rule of every log (accounts.scope)."""
    return may_read_logs(user)


def log_visible_to(user) -> QuerySet:
    """A system administrator sees the entries about their unit's subtree; a superuser sees
    every entry, those about no unit (system-wide targets, accounts without a unit) too."""
    return logs_visible_to(ENTRIES, user)


def kinds() -> list[tuple[str, str]]:
    """The audited kinds of object, for the log's filter: (app_label.model, name)."""
    return sorted(
        ((m._meta.label_lower, kind_name(m)) for m in registry.audited_models()),
        key=lambda kind: kind[1],
    )


def log_search(
    entries: QuerySet,
    *,
    who: str = "",
    kind: str = "",
    action: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    text: str = "",
) -> QuerySet:
    """The entries matching the log's filters. `text` is looked for in the object's name and
    in the changes; for people and units, accents and case are ignored (their search keys)."""
    if who:
        entries = entries.filter(actor__username__icontains=who.strip())
    if kind:
        app_label, _dot, model = kind.partition(".")
        entries = entries.filter(content_type__app_label=app_label, content_type__model=model)
    if action is not None:
        entries = entries.filter(action=action)
    if start:
        entries = entries.filter(timestamp__date__gte=start)
    if end:
        entries = entries.filter(timestamp__date__lte=end)
    if text.strip():
        entries = entries.filter(_text_q(text.strip()))
    return entries


def _text_q(text: str) -> Q:
    q = Q(object_repr__icontains=text) | Q(changes__icontains=text)
    key = fold(text)
    if key and not key.isdigit():
        people = Person.objects.filter(search_name__contains=key).values("pk")
        units = Unit.objects.filter(search_name__contains=key).values("pk")
        q |= (
            Q(subject_type=ContentType.objects.get_for_model(Person), subject_id__in=people)
            | Q(person_id__in=people)
            | Q(subject_type=ContentType.objects.get_for_model(Unit), subject_id__in=units)
        )
    return q
