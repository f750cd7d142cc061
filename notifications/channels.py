"""How a notice leaves the system. The inbox is the system itself; beyond it, a channel: mail
through Django's mail framework now, an SMS gateway or a chat app later. A channel says where
it reaches a user and sends a batch, saying for each message whether it went; it never raises
for a message that could not go, so that the caller keeps the notice to try again.

settings.NOTIFICATIONS_CHANNEL names the class (EmailChannel unless set)."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    """A file a message carries (a class's .ics): text, as a notice keeps it (JSON)."""

    name: str
    content_type: str
    content: str

    @classmethod
    def from_json(cls, data: dict) -> "Attachment":
        return cls(data["name"], data["content_type"], data["content"])

    def size(self) -> int:
        return len(self.content.encode())


@dataclass(frozen=True)
class Outgoing:
    """One message to one address (a mail box, later a phone number). A channel that cannot
    carry files (a text message) leaves `attachments` out: the message's link leads to the
    object."""

    address: str
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = ()


class Channel(Protocol):
    code: str

    def address(self, user) -> str:
        """Where the channel reaches the user; "" when it does not."""
        ...

    def send(self, messages: Sequence[Outgoing]) -> list[str | None]:
        """Send each message: None for one that went, else why it did not (same order)."""
        ...


def _why(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:1000]


class EmailChannel:
    """Mail through Django's mail framework: EMAIL_BACKEND and the SMTP settings (from the
    environment, config/settings.py), one connection per batch."""

    code = "email"

    def address(self, user) -> str:
        # The account's own address, else the one on the person's record (an officer types
        # a chair's e-mail with their other details; the chair may never set one).
        if user.email:
            return user.email
        person = user.person if user.person_id else None
        return person.email if person is not None else ""

    def send(self, messages: Sequence[Outgoing]) -> list[str | None]:
        if not messages:
            return []
        connection = get_connection(fail_silently=False)
        try:
            connection.open()
        except Exception as error:  # the server down or refusing us: every message waits
            logger.warning("Mail server unreachable: %s", error)
            return [_why(error)] * len(messages)
        results: list[str | None] = []
        try:
            for message in messages:
                try:
                    mail = EmailMessage(
                        subject=message.subject,
                        body=message.body,
                        from_email=settings.DEFAULT_FROM_EMAIL,
                        to=[message.address],
                        connection=connection,
                        headers={"Auto-Submitted": "auto-generated"},
                    )
                    for attachment in message.attachments:
                        mail.attach(attachment.name, attachment.content, attachment.content_type)
                    mail.send()
                    results.append(None)
                except Exception as error:
                    logger.warning("Mail to %s failed: %s", message.address, error)
                    results.append(_why(error))
        finally:
            try:
                connection.close()
            except Exception:  # a server that hung up already: nothing left to close
                pass
        return results


def external() -> Channel:
    """The channel beyond the inbox (settings.NOTIFICATIONS_CHANNEL)."""
    path = getattr(settings, "NOTIFICATIONS_CHANNEL", "notifications.channels.EmailChannel")
    return import_string(path)()
