from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledJob(models.Model):
    """The state of one registered job (schedule.registry): when it is due next, the run in
    progress if any, and how its last run went. One row per job, which is what makes a run
    once per period: a worker runs a job only after moving `due_at` past its period in one
    conditional UPDATE of this row (schedule.runner)."""

    class Status(models.TextChoices):
        OK = "ok", _("Succeeded")
        FAILED = "failed", _("Failed")

    code = models.CharField(_("code"), max_length=100, unique=True)
    period = models.CharField(max_length=50)  # Job.period when planned: a change plans again
    due_at = models.DateTimeField(_("next due"))
    # The run in progress: since when, its last sign of life, and the claim of its runner
    # (only that runner records its end).
    running_since = models.DateTimeField(null=True, blank=True)
    alive_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    last_started_at = models.DateTimeField(_("last run started"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last run ended"), null=True, blank=True)
    last_duration = models.DurationField(_("duration"), null=True, blank=True)
    last_status = models.CharField(_("status"), max_length=10, choices=Status, blank=True)
    last_summary = models.TextField(_("summary"), blank=True)  # or the error of a failure
    last_ok_at = models.DateTimeField(null=True, blank=True)  # `previous` of the next run
    last_failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
