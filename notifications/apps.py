from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """What the system tells its users: an inbox for every user, and mail (or a later channel)
    at once or in a daily digest, as each user chooses per kind of notice."""

    name = "notifications"
    verbose_name = _("Notifications")
