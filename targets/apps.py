import datetime as dt

from django.apps import AppConfig
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def keep_yesterday(previous: dt.datetime | None, now: dt.datetime) -> str:
    """The scheduled job (schedule): yesterday's figures of every target, complete — the
    snapshot computed through the one door (targets.snapshots.ready): kept if it was computed
    once the day was over, else computed again here (a small tree) or by the worker."""
    from targets import snapshots

    day = timezone.localdate(now) - dt.timedelta(days=1)
    values = {"day": day.strftime("%d/%m/%Y")}
    # Asked again without starting anything: a task run at once (TASKS_BACKEND=immediate)
    # has completed it already.
    if snapshots.ready(day) is not None or snapshots.ready(day, start=False) is not None:
        return gettext("Figures of %(day)s complete") % values
    return gettext("Figures of %(day)s being computed by the worker") % values


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = _("Targets")

    def ready(self) -> None:
        from targets import chairs, served, signals  # noqa: F401  (signals: figures current)
        from training.selectors import use_chair_rule, use_met_rule

        use_chair_rule(chairs)  # T-003-4: the chairs pages ask the targets (targets.chairs)
        use_met_rule(served.already_met)  # nominations warn of targets already met
        from targets import notices

        notices.register_jobs()
        from schedule.registry import Job, register

        register(
            Job(
                code="targets.keep_yesterday",
                label=_("Yesterday's figures of the targets, complete"),
                every=dt.timedelta(days=1),
                at=dt.time(1, 0),
                run=keep_yesterday,
            )
        )
