"""A report built in the background (a large subtree), with its progress and its file."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from units.models import Unit


class ReportKind(models.TextChoices):
    TRAINING = "training", _("Training results of the year")
    RESOLUTION = "resolution", _("Implementation of a resolution")
    STRUCTURE = "structure", _("Cadre structure")
    NEEDS = "needs", _("Training-needs list")
    PLAN = "plan", _("Plan versus actual and spending share")


class ReportFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX (Excel)"
    DOCX = "docx", "DOCX (Word)"


class ReportJob(models.Model):
    """One report of one unit's subtree, queued for the worker; seen by whoever's scope
    covers the unit (not only the user who asked for it)."""

    SCOPE_UNIT_FIELDS = ("unit",)

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("report job", "Queued")
        RUNNING = "running", pgettext_lazy("report job", "Running")
        DONE = "done", pgettext_lazy("report job", "Done")
        FAILED = "failed", pgettext_lazy("report job", "Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("asked by"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    kind = models.CharField(_("report"), max_length=20, choices=ReportKind.choices)
    format = models.CharField(_("format"), max_length=4, choices=ReportFormat.choices)
    params = models.JSONField(_("parameters"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    steps_total = models.PositiveSmallIntegerField(default=0)
    steps_done = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(steps_done__lte=models.F("steps_total")),
                name="reportjob_steps_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("reports:job", args=[self.pk])

    @property
    def percent_done(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.steps_done / self.steps_total) if self.steps_total else 0

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class FilingStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    ACCEPTED = "accepted", _("Accepted")


class ImplementationReport(models.Model):
    """A unit's yearly report on implementing a resolution, filed to the unit above (001
    §IV: districts, sectors and departments report yearly to the province), which accepts it
    or returns it with a comment. The figures are those of the day it was filed, kept as
    filed: what the unit above received."""

    SCOPE_UNIT_FIELDS = ("unit",)

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    document = models.ForeignKey(
        "targets.SourceDocument", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=FilingStatus.choices)
    figures = models.JSONField(default=dict)
    note = models.TextField(_("note"), blank=True)
    comment = models.TextField(_("comment of the unit above"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "unit__path"]
        verbose_name = _("implementation report")
        verbose_name_plural = _("implementation reports")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "document"], name="implementationreport_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.year}"
