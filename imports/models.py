from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import Unit


class ImportKind(models.TextChoices):
    UNITS = "units", _("Units")
    PEOPLE = "people", _("People and positions")
    PARTICIPANTS = "participants", _("Class participants and results")
    RECORDS = "records", _("External training records")
    EMPLOYERS = "employers", _("Enterprise register (employers)")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked")
    COMMITTING = "committing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


SUMMARY_LABELS = {
    "people_created": _("people added"),
    "people_updated": _("people updated"),
    "people_unchanged": _("people unchanged"),
    "positions_created": _("positions added"),
    "positions_updated": _("positions updated"),
    "positions_unchanged": _("positions unchanged"),
    "enrolments_created": _("participants added"),
    "enrolments_updated": _("participants updated"),
    "enrolments_unchanged": _("participants unchanged"),
    "records_created": _("training records added"),
    "records_deleted": _("training records removed (not passed)"),
    "records_unchanged": _("training records already there"),
    "units_created": _("units added"),
    "units_updated": _("units updated"),
    "units_unchanged": _("units unchanged"),
    "figures_set": _("member counts recorded"),
    "employers_created": _("employers added"),
    "employers_updated": _("employers updated"),
    "employers_unchanged": _("employers unchanged"),
}


class ImportJob(models.Model):
    """One uploaded file, checked (a dry run that writes nothing) and then committed, all or
    nothing. The file is kept so that a check and the commit read exactly the same rows."""

    SCOPE_UNIT_FIELDS = ("unit",)
    RUNNING = (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.COMMITTING)

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="imports",
        verbose_name=_("user"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    commit_requested = models.BooleanField(default=False)
    rows_total = models.PositiveIntegerField(default=0)
    header_row = models.PositiveIntegerField(null=True, blank=True)
    problems = models.JSONField(default=list, blank=True)  # [{row, column, message}]
    ambiguities = models.JSONField(default=list, blank=True)  # [{row, name, candidates}]
    resolutions = models.JSONField(default=dict, blank=True)  # {row: person id or "new"}
    summary = models.JSONField(default=dict, blank=True)  # {what: count}
    notes = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.filename

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def can_commit(self) -> bool:
        return (
            self.status == ImportStatus.CHECKED
            and not self.problems
            and not self.unresolved
            and self.rows_total > 0
        )

    @property
    def unresolved(self) -> list[dict]:
        return [a for a in self.ambiguities if str(a["row"]) not in self.resolutions]
