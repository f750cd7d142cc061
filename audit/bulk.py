"""Log entries for writes that send no signals: bulk_create, queryset.update(), and the
imports' own bulk inserts.

An entry written here reads exactly like one django-auditlog writes for a single save (the
same change format: field → [old, new] as strings, "None" for nothing, a foreign key as its
id), so the history pages need not know how a change was made. Entries are inserted in bulk
(lib.bulk: one executemany on SQLite, COPY on PostgreSQL), in the caller's transaction: a
write rolled back leaves no entry, and an import of 100,000 rows stays one pass.

(queryset.delete() needs nothing here: Django sends each deleted row's signals whenever a
model has receivers, so auditlog logs those deletions itself.)"""

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from auditlog.diff import get_field_value, model_instance_diff, track_field
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone
from django.utils.encoding import smart_str

from audit import context, registry
from audit.models import LettersJSONEncoder, LogEntry
from lib.bulk import insert_rows

CREATE, UPDATE, DELETE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE

COLUMNS = (
    "content_type",
    "object_pk",
    "object_id",
    "object_repr",
    "action",
    "changes",
    "changes_text",
    "actor",
    "remote_addr",
    "cid",
    "timestamp",
    "subject_type",
    "subject_id",
    "person_id",
    "unit",
)


class Row(NamedTuple):
    """One entry: the object's id and readable name, its changes, and where it belongs."""

    object_id: int
    label: str
    changes: dict
    subject_id: int | None
    unit_id: int | None
    person_id: int | None = None


def text(value) -> str:
    """A value as auditlog stores it."""
    return "None" if value is None else str(value)


def created(values: dict) -> dict:
    """The changes of a new row: every field given a value, from "None"."""
    return {name: ["None", str(v)] for name, v in values.items() if v is not None}


def log_rows(model: type[models.Model], action: int, rows: Iterable[Row]) -> int:
    """Write one entry per row for `model` (a registered model); returns how many."""
    if context.disabled():
        return 0
    content_type = ContentType.objects.get_for_model(model).pk
    subject_type = ContentType.objects.get_for_model(registry.subject_model(model)).pk
    actor = context.entry_fields()
    # As the database driver takes it (SQLite: naive UTC text, like Django's own writes).
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    spec = registry.spec_of(model)
    self_subject, masks = not spec.subject, bool(spec.masks)
    # The changes as JSON text, written here: Django's JSON field adapts value by value at
    # twice the cost.
    dumps = LettersJSONEncoder().encode
    return insert_rows(
        LogEntry,
        COLUMNS,
        (
            (
                content_type,
                str(r.object_id),
                r.object_id,
                r.label[:1000],
                action,
                dumps(registry.masked(model, r.changes) if masks else r.changes),
                "",
                actor.get("actor_id"),
                actor.get("remote_addr"),
                actor.get("cid"),
                now,
                subject_type,
                r.object_id if self_subject else r.subject_id,
                r.person_id,
                r.unit_id,
            )
            for r in rows
        ),
        prepared=("changes",),
    )


def _row(obj: models.Model, changes: dict) -> Row:
    where = registry.placement(obj)
    return Row(
        obj.pk,
        where.get("object_repr") or str(obj),
        changes,
        where["subject_id"],
        where["unit_id"],
        where["person_id"],
    )


def log_created(objects: Sequence[models.Model]) -> int:
    """Entries for rows just written by bulk_create (their ids known)."""
    if not objects:
        return 0
    changes = creation_changes(type(objects[0]))
    rows = [_row(obj, changes(obj)) for obj in objects]
    return log_rows(type(objects[0]), CREATE, rows)


@functools.cache
def creation_changes(model: type[models.Model]) -> Callable[[models.Model], dict]:
    """A function giving what auditlog's model_instance_diff(None, obj) gives a new `obj` of
    `model`, with the fields it compares chosen once per model, not once per row (an import's
    thousands of rows spent most of their history's time choosing them again).

    The diff of a new row compares each field's value as text with "None": a foreign key is
    compared as its raw id, so an empty one is kept as ["None", "None"]; any other empty
    field drops out. Fields of kinds read otherwise (date-times, JSON) and models that mask
    fields in auditlog's own registry go through auditlog itself."""
    from auditlog.registry import auditlog

    chosen = auditlog.get_model_fields(model)
    fields = [
        f
        for f in model._meta.get_fields()
        if track_field(f)
        and (not chosen["include_fields"] or f.name in chosen["include_fields"])
        and f.name not in chosen["exclude_fields"]
    ]
    if (
        chosen["mask_fields"]
        or getattr(settings, "AUDITLOG_USE_FK_STRING_REPRESENTATION", False)
        or not all(f.concrete for f in fields)
    ):
        return lambda obj: model_instance_diff(None, obj) or {}
    keys = [f.attname for f in fields if f.many_to_one or f.one_to_one]
    plain = [
        f.name
        for f in fields
        if not (f.many_to_one or f.one_to_one)
        and not isinstance(f, models.DateTimeField | models.JSONField)
    ]
    other = [f for f in fields if not (f.many_to_one or f.one_to_one) and f.name not in plain]
    names = {f.attname: f.name for f in fields}

    def changes(obj: models.Model) -> dict:
        out = {}
        for attname in keys:
            out[names[attname]] = ["None", smart_str(getattr(obj, attname))]
        for name in plain:
            value = smart_str(getattr(obj, name))
            if value != "None":
                out[name] = ["None", value]
        for field in other:
            value = get_field_value(obj, field)
            if value != "None":
                out[field.name] = ["None", smart_str(value)]
        return out

    return changes


def bulk_create(model: type[models.Model], objects: list, **kwargs) -> list:
    """model.objects.bulk_create(objects), logged."""
    made = model.objects.bulk_create(objects, **kwargs)
    log_created(made)
    return made


def update(queryset: models.QuerySet, *, select_related: Sequence[str] = (), **values) -> int:
    """queryset.update(**values) for plain values, with an entry for each row that changes.
    `select_related`: what the entries' names and units read (a query per row otherwise)."""
    model = queryset.model
    fields = [model._meta.get_field(name) for name in values]
    rows = []
    for obj in queryset.select_related(*select_related):
        changes = {}
        for f in fields:
            old = get_field_value(obj, f)
            value = values[f.name]
            setattr(obj, f.attname, value.pk if isinstance(value, models.Model) else value)
            new = get_field_value(obj, f)
            if old != new:
                changes[f.name] = [old, new]
        if changes:
            rows.append(_row(obj, changes))
    if not rows:
        return 0
    log_rows(model, UPDATE, rows)
    return model.objects.filter(pk__in=[r.object_id for r in rows]).update(**values)


def m2m_added(objects: Iterable) -> dict:
    """A many-to-many field's change as auditlog writes it, for objects added."""
    return {"type": "m2m", "operation": "add", "objects": [str(o) for o in objects]}


def delete(queryset: models.QuerySet, *, select_related: Sequence[str] = ()) -> int:
    """queryset.delete() with one bulk insert of entries instead of a signal per row, each of
    which would read the row's names again (`select_related`: what the entries read)."""
    from auditlog.context import disable_auditlog

    objects = list(queryset.select_related(*select_related))
    if not objects:
        return 0
    log_rows(
        type(objects[0]),
        DELETE,
        [_row(obj, model_instance_diff(obj, None) or {}) for obj in objects],
    )
    with disable_auditlog():  # written above; the rows cascaded to are not audited
        return queryset.model.objects.filter(pk__in=[o.pk for o in objects]).delete()[0]
