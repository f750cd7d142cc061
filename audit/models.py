"""The change history: django-auditlog's log entry with where each entry belongs.

django-auditlog writes an entry for every create, update and delete of a registered model
(audit.registry) through its signals; bulk writes, which send no signals, write theirs through
audit.bulk. This model (AUDITLOG_LOGENTRY_MODEL) adds to auditlog's fields what the pages need
to find entries without reading their JSON:

* `subject`: the object whose history page shows the entry — the object itself for a unit,
  person, class, plan, evaluation or target; its owner for a position, training record or
  pool entry (the person), an enrolment (the class), a plan line (the plan), a unit's figures
  or terms (the unit);
* `person_id`: a second page the entry is shown on — the person an enrolment is about;
* `unit`: the unit whose data it was when it was written (the subject's unit), which decides
  which system administrators see the entry in the audit log, as in privacy's access log.
  A unit that moves keeps its entries; a person who moves leaves theirs with the old unit.

The unit is a plain reference (no database constraint, nothing done on delete): an entry is
never rewritten, and outlives what it describes."""

import json

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from audit import context
from units.models import Unit


class LettersJSONEncoder(json.JSONEncoder):
    def __init__(self, *args, **kwargs):
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


class EntryManager(LogEntryManager):
    """auditlog's receivers call log_create / log_m2m_changes: the entry gets its subject,
    unit, readable name, actor and address here (masked personal data too)."""

    def log_create(self, instance, force_log: bool = False, **kwargs):
        from audit import registry

        if kwargs.get("changes"):
            kwargs["changes"] = registry.masked(type(instance), kwargs["changes"])
        return super().log_create(instance, force_log, **_filled(instance, kwargs))

    def log_m2m_changes(self, changed_queryset, instance, operation, field_name, **kwargs):
        return super().log_m2m_changes(
            changed_queryset, instance, operation, field_name, **_filled(instance, kwargs)
        )


def _filled(instance, kwargs: dict) -> dict:
    from audit import registry

    kwargs.update(registry.placement(instance))
    kwargs.update(context.entry_fields())
    return kwargs


class LogEntry(AbstractLogEntry):
    # auditlog indexes these; nothing here looks entries up by them (the log filters by
    # action only together with more selective filters), and every index costs each of the
    # thousands of entries an import writes.
    object_pk = models.CharField(max_length=255, verbose_name=_("object pk"))
    action = models.PositiveSmallIntegerField(
        choices=AbstractLogEntry.Action.choices, verbose_name=_("action")
    )
    cid = models.CharField(  # noqa: DJ001 (auditlog writes None)
        max_length=255,
        blank=True,
        null=True,
        verbose_name=_("Correlation ID"),
    )
    # Letters kept as they are (SQLite stores the text): a search in the changes for
    # "Hòa" finds it, and the entries of bulk writes (audit.bulk) read the same.
    changes = models.JSONField(
        null=True, encoder=LettersJSONEncoder, verbose_name=_("change message")
    )
    # No database constraint on the references of an entry: each would be checked again for
    # every one of the thousands of entries an import writes, at its commit; Django still
    # applies on_delete (an account deleted leaves its entries with no actor).
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        verbose_name=_("content type"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        verbose_name=_("actor"),
    )
    # Indexed together with subject_id below (its own index would only duplicate that).
    subject_type = models.ForeignKey(
        ContentType,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    subject_id = models.BigIntegerField(null=True, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )

    SCOPE_UNIT_FIELDS = ("unit",)

    objects = EntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("change")
        verbose_name_plural = _("change history")
        indexes = [
            models.Index(
                fields=["subject_type", "subject_id", "-timestamp"], name="audit_entry_subject"
            ),
        ]
