import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy, ngettext


def fail_stale(previous: dt.datetime | None, now: dt.datetime) -> str:
    """The scheduled clean-up (schedule): imports whose worker died, marked failed so that
    they can be run again (imports.services.jobs_fail_stale)."""
    from imports.services import jobs_fail_stale

    count = len(jobs_fail_stale())
    return ngettext(
        "%(count)s import had lost its worker: marked failed",
        "%(count)s imports had lost their worker: marked failed",
        count,
    ) % {"count": count}


class ImportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "imports"
    verbose_name = "Spreadsheet imports"

    def ready(self) -> None:
        from schedule.registry import Job, register

        register(
            Job(
                code="imports.fail_stale",
                label=gettext_lazy("Imports whose worker died, marked failed"),
                every=dt.timedelta(minutes=5),
                run=fail_stale,
            )
        )
