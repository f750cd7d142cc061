import datetime as dt

from django.apps import AppConfig
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def keep_basic_training(previous: dt.datetime | None, now: dt.datetime) -> str:
    """The scheduled job (schedule): today's figures of "trained in basic union work" of
    every unit, computed here (in the worker) unless they are already and nothing changed."""
    from training import basic_store
    from training.models import BasicTrainingStore

    day = timezone.localdate(now)
    if not BasicTrainingStore.objects.filter(
        as_of=day, status=BasicTrainingStore.Status.DONE, changed_at__isnull=True
    ).exists():
        basic_store.build(day)
    return gettext("Basic training figures of %(day)s computed") % {"day": day.strftime("%d/%m/%Y")}


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from training import lapsing

        lapsing.register_jobs()  # issue 24 §5: people told before their training expires
        from schedule.registry import Job, register
        from training import basic_store

        basic_store.connect()  # a record, a post or a unit changed: the stored figures too
        register(
            Job(
                code="training.basic_training",
                label=_("Trained in basic union work: every unit's figures of the day"),
                every=dt.timedelta(days=1),
                at=dt.time(2, 10),
                run=keep_basic_training,
            )
        )
