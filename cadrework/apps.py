import datetime as dt

from django.apps import AppConfig
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def keep_retention(previous: dt.datetime | None, now: dt.datetime) -> str:
    """The scheduled job (schedule): today's retention figures of every unit, computed here
    (in the worker) unless they are already and nothing changed since."""
    from cadrework import retention_store
    from cadrework.models import RetentionStore

    day = timezone.localdate(now)
    values = {"day": day.strftime("%d/%m/%Y")}
    if not RetentionStore.objects.filter(
        as_of=day, status=RetentionStore.Status.DONE, changed_at__isnull=True
    ).exists():
        retention_store.build(day)
    return gettext("Retention figures of %(day)s computed") % values


def keep_evaluations(previous: dt.datetime | None, now: dt.datetime) -> str:
    """The scheduled job (schedule): the evaluations list's stored figures, computed here (in
    the worker) unless they are already and nothing changed since."""
    from cadrework import evaluation_store
    from cadrework.models import EvaluationStore

    if not EvaluationStore.objects.filter(
        status=EvaluationStore.Status.DONE, changed_at__isnull=True
    ).exists():
        evaluation_store.build()
    return gettext("Evaluation figures computed")


class CadreworkConfig(AppConfig):
    name = "cadrework"
    verbose_name = _("Cadre work")

    def ready(self) -> None:
        # Filling a post checks the succession pool, training and last rating (people app).
        from cadrework import appointments

        appointments.register()
        from cadrework import retention_store
        from schedule.registry import Job, register

        retention_store.connect()  # a record or a post changed: the stored figures too
        from cadrework import evaluation_store

        evaluation_store.connect()  # an evaluation, a post or a unit changed: its figures too
        register(
            Job(
                code="cadrework.retention",
                label=_("Retention after training: every unit's figures of the day"),
                every=dt.timedelta(days=1),
                at=dt.time(2, 0),
                run=keep_retention,
            )
        )
        register(
            Job(
                code="cadrework.evaluations",
                label=_("Evaluations: the figures of the list's top units"),
                every=dt.timedelta(days=1),
                at=dt.time(2, 30),
                run=keep_evaluations,
            )
        )
