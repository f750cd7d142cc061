import datetime as dt

from django.apps import AppConfig
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def keep_new_cadres(previous: dt.datetime | None, now: dt.datetime) -> str:
    """The scheduled job (schedule): today's new cadres not yet trained of every unit with
    units below it, computed here (in the worker) unless they are already and nothing
    changed since."""
    from planning import new_cadres_store
    from planning.models import NewCadreStore

    day = timezone.localdate(now)
    if not NewCadreStore.objects.filter(
        as_of=day, status=NewCadreStore.Status.DONE, changed_at__isnull=True
    ).exists():
        new_cadres_store.build(day)
    return gettext("New cadres of %(day)s computed") % {"day": day.strftime("%d/%m/%Y")}


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("Planning")

    def ready(self) -> None:
        # The unit figures of spending, member growth and coverage targets come from here.
        from planning import measures, new_cadres_store, notices
        from schedule.registry import Job, register

        measures.register_all()
        notices.register_jobs()  # surveys and plans falling due
        new_cadres_store.connect()  # a record, a post, a term changed: the stored figures too
        register(
            Job(
                code="planning.new_cadres",
                label=_("New cadres not yet trained: every unit's list of the day"),
                every=dt.timedelta(days=1),
                at=dt.time(2, 20),
                run=keep_new_cadres,
            )
        )
