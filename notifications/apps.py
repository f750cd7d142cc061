import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def deliver(previous: dt.datetime | None, now: dt.datetime) -> str:
    """The scheduled round of mail (schedule): notices whose first try failed, and yesterday's
    digests from NOTIFICATIONS_DIGEST_HOUR on (notifications.delivery.deliver_due)."""
    from notifications.delivery import deliver_due

    done = deliver_due(now)
    return gettext("%(sent)s mailed, %(failed)s failed, %(none)s without an address") % {
        "sent": done.sent,
        "failed": done.failed,
        "none": done.no_address,
    }


class NotificationsConfig(AppConfig):
    """What the system tells its users: an inbox for every user, and mail (or a later channel)
    at once or in a daily digest, as each user chooses per kind of notice."""

    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from schedule.registry import Job, register

        register(
            Job(
                code="notifications.deliver",
                label=_("Mail of the notifications: retries and daily digests"),
                every=dt.timedelta(minutes=1),
                run=deliver,
            )
        )
