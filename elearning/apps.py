import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


def remind(previous: dt.datetime | None, now: dt.datetime) -> str:
    """The scheduled reminders (schedule): every published course's learners who have not
    started or have stalled, and those assigned who have not enrolled."""
    from elearning import reminders

    sent = reminders.send_all_reminders(days=reminders.DEFAULT_STALLED_DAYS, include_assigned=True)
    count = sum(sent.values())
    return ngettext(
        "%(count)s reminder for %(courses)s published courses",
        "%(count)s reminders for %(courses)s published courses",
        count,
    ) % {"count": count, "courses": len(sent)}


class ElearningConfig(AppConfig):
    name = "elearning"
    verbose_name = _("E-learning")

    def ready(self) -> None:
        from schedule.registry import Job, register

        register(
            Job(
                code="elearning.reminders",
                label=_("Reminders of the online courses"),
                every=dt.timedelta(days=1),
                at=dt.time(7, 0),
                run=remind,
            )
        )
