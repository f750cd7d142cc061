"""Writes of the notifications. `notify` is what every app calls: the inbox rows are written
at once, in the caller's transaction (a rolled-back change tells no one), and their mail is
handed to the worker only once that transaction commits (notifications.delivery sends it)."""

import logging
import re
from collections.abc import Iterable, Sequence
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from lib.downloads import file_name
from notifications import channels, kinds
from notifications.models import MailState, Notification, Preference, PreferredChannel, Timing
from notifications.selectors import choices_of, default_choice, mail_language
from notifications.tasks import deliver

logger = logging.getLogger(__name__)


def notify(
    *,
    recipients: Iterable,
    kind: str,
    subject: str,
    body: str,
    url: str = "",
    params: dict | None = None,
    unless_repeated: bool = False,
    attachments: Sequence[dict] | None = None,
) -> list[Notification]:
    """One notice of `kind` to each active user among `recipients`, in their inbox, and by
    mail as each chose for the kind (at once, or in the daily digest). A user without an
    address still gets the inbox row. `params`: the values the text was written from, for the
    inbox to write it again in the reader's language (kinds.compose). `unless_repeated`: not
    to a user whose latest notice about the same object says the same (a grid of results
    saved twice, a decision made again). `attachments`: files the mail carries, each
    {name, content_type, content} (text; at most ATTACHMENTS_MAX_BYTES in all), kept on the
    notices whose mail is to go, not on the others."""
    definition = kinds.get(kind)
    files = _attachments(attachments or [])
    ids = {user.pk for user in recipients if user is not None and user.pk is not None}
    if not ids:
        return []
    users = list(
        User.objects.filter(pk__in=ids, is_active=True).select_related("person").order_by("pk")
    )
    if unless_repeated:
        users = _not_repeated(users, kind, subject, body, url)
    chosen = choices_of(users, definition)
    channel = channels.external()
    now = timezone.now()
    rows = []
    for user in users:
        how, when = chosen[user.pk]
        if how != PreferredChannel.MAIL:
            state = MailState.NOT_WANTED
        elif not channel.address(user):
            state = MailState.NO_ADDRESS
        else:
            state = MailState.PENDING
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                subject=subject[:255],
                body=body,
                params=params,
                url=url[:300],
                created_at=now,
                mail_state=state,
                digest=state == MailState.PENDING and when == Timing.DIGEST,
                attachments=files if state == MailState.PENDING else [],
            )
        )
    Notification.objects.bulk_create(rows)
    at_once = [n.pk for n in rows if n.mail_state == MailState.PENDING and not n.digest]
    if at_once:
        transaction.on_commit(partial(_deliver_soon, at_once), robust=True)
    return rows


def announce(
    *,
    recipients: Iterable,
    kind: str,
    url: str = "",
    unless_repeated: bool = False,
    attachments: Sequence[dict] | None = None,
    **params,
) -> list[Notification]:
    """A notice written from its kind's wording (notifications.kinds) in each recipient's
    mail language (the system's unless they chose English), keeping `params` so that the
    inbox shows it in the language of whoever reads it; `attachments` as `notify`."""
    by_language: dict[str, list] = {}
    for user in recipients:
        if user is not None:
            by_language.setdefault(mail_language(user), []).append(user)
    made = []
    for language, users in sorted(by_language.items()):
        subject, body = kinds.compose(kind, params, language)
        made += notify(
            recipients=users,
            kind=kind,
            subject=subject,
            body=body,
            url=url,
            params=params,
            unless_repeated=unless_repeated,
            attachments=attachments,
        )
    return made


# What one notice's files may weigh in all (a class of 400 sessions is about 300 KB): a file
# beyond it is left out, and the mail's link leads to the object.
ATTACHMENTS_MAX_BYTES = 512 * 1024
CONTENT_TYPE = re.compile(r"text/[a-z0-9][a-z0-9.+-]*")


def _attachments(items: Sequence[dict]) -> list[dict]:
    """The files as a notice keeps them: a safe file name, a text type, text content. A
    malformed one is the calling code's mistake (ValueError); one too heavy is left out."""
    kept, total = [], 0
    for item in items:
        name, content_type, content = item["name"], item["content_type"], item["content"]
        if not isinstance(content, str) or not CONTENT_TYPE.fullmatch(content_type):
            raise ValueError(f"An attachment is text with a text/… type: {content_type!r}")
        size = len(content.encode())
        if total + size > ATTACHMENTS_MAX_BYTES:
            logger.warning("Attachment %s left out: %s bytes is too much to mail", name, size)
            continue
        total += size
        kept.append(
            {"name": file_name(str(name))[:100], "content_type": content_type, "content": content}
        )
    return kept


def _not_repeated(users: list, kind: str, subject: str, body: str, url: str) -> list:
    if not url or not users:
        return users
    latest = (
        Notification.objects.filter(recipient=OuterRef("recipient"), url=url)
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    said = {
        recipient_id: tuple(text)
        for recipient_id, *text in Notification.objects.filter(
            recipient__in=users, url=url, pk=Subquery(latest)
        ).values_list("recipient_id", "kind", "subject", "body")
    }
    return [u for u in users if said.get(u.pk) != (kind, subject[:255], body)]


def _deliver_soon(ids: list[int]) -> None:
    """After the commit: the worker mails them within a second or two. Should the queue
    refuse, nothing is lost: the worker's regular round (deliver_notifications) finds them."""
    deliver.enqueue(ids)


def notification_read(*, user, notification: Notification) -> None:
    if notification.recipient_id != user.pk:
        raise ValidationError(_("This notification is not yours."))
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_read_all(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def preferences_save(*, user, choices: dict[str, tuple[str, str]]) -> None:
    """The user's choice per kind: (channel, timing). A choice equal to the kind's default
    keeps no row, so a better default later reaches those who never chose."""
    allowed = {kind.code: kind for kind in kinds.for_user(user)}
    for code, (channel, timing) in choices.items():
        if code not in allowed:
            raise ValidationError(_("Unknown kind of notification: %(kind)s") % {"kind": code})
        if channel not in PreferredChannel.values or timing not in Timing.values:
            raise ValidationError(
                _("Choose how and when to receive “%(kind)s”.") % {"kind": allowed[code].label}
            )
        if (channel, timing) == default_choice(allowed[code]):
            Preference.objects.filter(user=user, kind=code).delete()
        else:
            Preference.objects.update_or_create(
                user=user, kind=code, defaults={"channel": channel, "timing": timing}
            )
