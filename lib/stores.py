"""What every store of precomputed figures keeps about itself.

A national figure that is too much for a request (retention over ten years, "trained in basic
union work" for a million cadres, the new cadres, the evaluations, the unit tree's counts) is
computed in full by the daily job into a store, read while it is current, and counted live
meanwhile. Each store's model (cadrework.RetentionStore and EvaluationStore,
training.BasicTrainingStore, planning.NewCadreStore, units.CountStore) adds its own day or
flags to these."""

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A computation running longer than this has died with its process: asked for again.
STALE = dt.timedelta(minutes=30)


class StoredFigures(models.Model):
    """`status`: being computed, done, or failed (`message` says why); `changed_at`: something
    the figures depend on changed after (or while) they were computed — they are not read
    then, and are computed again."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)
    message = models.CharField(max_length=500, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def computing(cls, **narrowing) -> models.QuerySet:
        """The stores being computed now (running, and younger than a computation may take):
        while one is, the figures are not asked of the worker again."""
        return cls.objects.filter(
            status=cls.Status.RUNNING, started_at__gte=timezone.now() - STALE, **narrowing
        )
