from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications import kinds


class MailState(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("could not be sent")
    NOT_WANTED = "not_wanted", _("in the system only")
    NO_ADDRESS = "no_address", _("no e-mail address")


# Rows a worker may still have to mail: what its queries and their index look at.
MAIL_DUE = Q(mail_state__in=[MailState.PENDING, MailState.SENDING])


class Notification(models.Model):
    """One notice to one user: always in their inbox; by mail (at once or in the daily
    digest) as they chose for its kind. Its mail is sent once: a worker takes it by moving it
    from pending to sending under a claim of its own (notifications.delivery), a move that two
    workers cannot both make."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    # The values the text was written from: the inbox writes it again in the reader's language.
    params = models.JSONField(null=True, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    mail_state = models.CharField(
        _("mail"), max_length=12, choices=MailState.choices, default=MailState.PENDING
    )
    digest = models.BooleanField(_("in the daily digest"), default=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Pending: not to be tried before then (the back-off after a failure). Sending: the claim
    # lapses then (a worker that died while sending), and another worker may take the row.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # Files the mail carries (a class's .ics): [{name, content_type, content}], text only.
    # Kept only while the mail waits (notifications.services.notify; emptied once it went):
    # the inbox shows the notice, not its files.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The inbox, newest first; the bell's count of the unread.
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            # What the worker still has to mail (a few rows among millions sent).
            models.Index(
                fields=["digest", "next_attempt_at"], condition=MAIL_DUE, name="notification_due"
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def text(self) -> tuple[str, str]:
        """Subject and body in the active language (as written when made, if its kind is
        gone or it kept no values)."""
        if self.params is not None and self.kind in kinds.KINDS:
            try:
                return kinds.compose(self.kind, self.params)
            except (KeyError, TypeError, ValueError):
                pass  # values of an older wording: the text as it was written
        return self.subject, self.body


class PreferredChannel(models.TextChoices):
    INBOX = "inbox", _("In the system only")
    MAIL = "mail", _("In the system and by e-mail")


class Timing(models.TextChoices):
    IMMEDIATE = "immediate", _("At once")
    DIGEST = "digest", _("In one mail a day")


class Preference(models.Model):
    """How a user wants one kind of notice. Without a row, the kind's default
    (notifications.kinds)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=40)
    channel = models.CharField(
        _("how"), max_length=10, choices=PreferredChannel.choices, default=PreferredChannel.MAIL
    )
    timing = models.CharField(
        _("when"), max_length=10, choices=Timing.choices, default=Timing.IMMEDIATE
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")
        ]
