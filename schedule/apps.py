from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScheduleConfig(AppConfig):
    """Recurring work (mail rounds, digests, reminders, clean-ups, yesterday's snapshot) run by
    the background worker on a schedule kept in the database: no cron line to forget."""

    name = "schedule"
    verbose_name = _("Scheduled jobs")
