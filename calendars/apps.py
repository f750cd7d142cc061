from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    """Each user's own calendar feed (issue 24 §3): the classes they attend, teach or organise
    and the deadlines of their plans and surveys, at a secret address a calendar app reads
    without logging in, which they can renew or revoke."""

    name = "calendars"
    verbose_name = _("Calendars")
