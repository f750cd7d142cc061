"""Log entries as people read them: who, when, what, and each changed field by its
Vietnamese name with its old and new value — a choice by its label, a date as dd/mm/yyyy,
a linked object by its name.

A page of entries costs one query per kind of linked object named in it (all the units
named on the page in one query, all the people in another…), whatever the number of
entries."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit import registry
from audit.models import LogEntry

NOTHING = "—"
LONGEST = 200  # a long text is cut in the list; the entry keeps it whole
# What str() of these reads, loaded along so that naming them costs no query each.
NAMED_WITH = {
    "people.Position": ("role", "unit"),
    "planning.Plan": ("unit",),
    "cadrework.Pool": ("unit", "term"),
    "training.Enrolment": ("person", "training_class"),
}
# Names a model does not give (adding them there would take a migration of its app).
KIND_NAMES = {"cadrework.PoolEntry": gettext_lazy("succession pool entry")}
FIELD_NAMES = {
    ("cadrework.PoolEntry", "pool"): gettext_lazy("succession pool"),
    ("cadrework.PoolEntry", "entered_in"): gettext_lazy("entered at the review of"),
    ("cadrework.PoolEntry", "left_in"): gettext_lazy("left at the review of"),
}
ACTIONS = {
    LogEntry.Action.CREATE: "create",
    LogEntry.Action.UPDATE: "update",
    LogEntry.Action.DELETE: "delete",
}


@dataclass
class Change:
    label: str
    old: str = ""
    new: str = ""
    added: str = ""  # many-to-many: the objects added, or removed
    removed: str = ""


@dataclass
class Entry:
    entry: LogEntry
    action: str  # create, update, delete
    kind: str  # the kind of object, when it is not the page's own
    changes: list[Change] = field(default_factory=list)

    @property
    def actor_name(self) -> str:
        actor = self.entry.actor
        if actor is None:
            return ""
        full = actor.get_full_name()
        return f"{actor.get_username()} ({full})" if full else actor.get_username()


def describe(entries, *, page_model: type | None = None) -> list[Entry]:
    """Readable entries; the kind of object is named unless it is `page_model`'s."""
    entries = list(entries)
    names = _linked_names(entries)
    out = []
    for e in entries:
        model = e.content_type.model_class()
        kind = "" if model is None or model is page_model else kind_name(model)
        out.append(
            Entry(
                e,
                ACTIONS.get(e.action, "update"),
                kind,
                _changes(e, model, names) if model is not None else [],
            )
        )
    return out


def kind_name(model) -> str:
    return capfirst(str(KIND_NAMES.get(model._meta.label, model._meta.verbose_name)))


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # removed since the entry was written
        return None


def _linked_names(entries) -> dict:
    """{related model: {pk as text: name}} for every foreign key value on the page."""
    wanted = defaultdict(set)
    for e in entries:
        model = e.content_type.model_class()
        for name, values in (e.changes or {}).items():
            f = _field(model, name) if model is not None else None
            if f is not None and f.many_to_one and isinstance(values, list):
                wanted[f.related_model].update(v for v in values if v not in ("None", None))
    names = {}
    for related, pks in wanted.items():
        ids = [int(pk) for pk in pks if str(pk).isdigit()]
        objects = related._default_manager.select_related(
            *NAMED_WITH.get(related._meta.label, ())
        ).filter(pk__in=ids)
        names[related] = {str(o.pk): str(o) for o in objects}
    return names


def _changes(entry: LogEntry, model, names: dict) -> list[Change]:
    out = []
    for name, values in (entry.changes or {}).items():
        f = _field(model, name)
        label = (
            capfirst(str(FIELD_NAMES.get((model._meta.label, name), f.verbose_name)))
            if f is not None
            else name
        )
        if isinstance(values, dict):  # many-to-many, as auditlog writes it
            objects = ", ".join(values.get("objects", []))
            removing = values.get("operation") == "delete"
            out.append(
                Change(
                    label, added="" if removing else objects, removed=objects if removing else ""
                )
            )
            continue
        old, new = (_value(f, v, names) for v in values)
        if entry.action == LogEntry.Action.CREATE and new == NOTHING:
            continue  # a new row: only what was given
        if entry.action == LogEntry.Action.DELETE and old == NOTHING:
            continue
        out.append(Change(label, old, new))
    return out


def _value(f, value, names: dict) -> str:
    if value in (None, "None", ""):
        return NOTHING
    value = str(value)
    if f is None:
        return value[:LONGEST]
    if f.many_to_one:
        return names.get(f.related_model, {}).get(value) or _("#%(id)s (deleted)") % {"id": value}
    if f.choices:
        return str(dict((str(k), v) for k, v in f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return {"True": _("Yes"), "False": _("No")}.get(value, value)
    return _typed(f, value)


def _typed(f, value: str) -> str:
    if isinstance(f, models.DateTimeField):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, dt.UTC)
            return formats.date_format(timezone.localtime(moment), "d/m/Y H:i")
    elif isinstance(f, models.DateField):
        try:
            return dt.date.fromisoformat(value[:10]).strftime("%d/%m/%Y")
        except ValueError:
            pass
    elif isinstance(f, models.IntegerField | models.DecimalField):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return value
        # 1.500.000 đồng, 12.000 members; but a year stays 2024.
        return formats.number_format(number, use_l10n=True, force_grouping=abs(number) >= 10000)
    return value if len(value) <= LONGEST else value[:LONGEST] + "…"


def subject_url_name(model: type) -> str | None:
    """The history page of the kind of object `model`'s entries are shown on, if any."""
    return HISTORY_PAGES.get(registry.subject_model(model)._meta.label)


HISTORY_PAGES = {
    "units.Unit": "audit:unit",
    "people.Person": "audit:person",
    "training.TrainingClass": "audit:class",
    "planning.Plan": "audit:plan",
    "cadrework.Evaluation": "audit:evaluation",
    "targets.Target": "audit:target",
}
