import datetime as dt

from django.apps import AppConfig
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def keep_counts(previous: dt.datetime | None, now: dt.datetime) -> str:
    """The scheduled job (schedule): today's counts of the unit tree, computed here (in the
    worker) unless they are already and nothing changed since."""
    from units import counts_store
    from units.models import CountStore

    day = timezone.localdate(now)
    if not CountStore.objects.filter(
        as_of=day, status=CountStore.Status.DONE, changed_at__isnull=True
    ).exists():
        counts_store.build(day)
    return gettext("Unit tree counts of %(day)s computed") % {"day": day.strftime("%d/%m/%Y")}


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Union units")

    def ready(self) -> None:
        from schedule.registry import Job, register
        from units import counts_store

        counts_store.connect()  # a post or the structure changed: the stored counts too
        register(
            Job(
                code="units.counts",
                label=_("Unit tree: every unit's sub-units and cadres of the day"),
                every=dt.timedelta(days=1),
                at=dt.time(1, 30),
                run=keep_counts,
            )
        )
