"""Mail of the notices: each sent once, none lost.

A worker takes rows by moving them from pending to sending under a claim of its own, in one
UPDATE that two workers cannot both win (PostgreSQL re-reads a row locked by another's UPDATE
and finds it no longer pending; SQLite has one writer at a time). It then sends with no
transaction open, and records each outcome under its claim. A mail that could not go stays
pending with its error and attempt count and is tried again later (1, 2, 4 … minutes, at most
6 hours apart) until NOTIFICATIONS_MAX_ATTEMPTS, then is failed (`deliver_notifications
--retry-failed` puts it back). A worker that died while sending leaves its claim, which lapses
after LEASE: the row is then sent again — the one case of a mail sent twice, rather than never.

Digests: each user's notices of the digest kind, up to the end of a day, in one mail; the
worker sends yesterday's from NOTIFICATIONS_DIGEST_HOUR on (`deliver_due`). A digest carries
the files of its notices (a class's .ics of an acceptance), each once, up to
DIGEST_ATTACHMENTS_MAX_BYTES."""

import datetime as dt
import uuid
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications import channels
from notifications.channels import Attachment, Outgoing
from notifications.models import MailState, Notification
from notifications.selectors import mail_language

LEASE = dt.timedelta(minutes=10)
BATCH = 200
DIGEST_USERS = 100  # users whose digests one claim takes
# A digest carries its notices' files (a class's .ics) up to this weight in all; the rest are
# left out, each notice's link still leading to its object.
DIGEST_ATTACHMENTS_MAX_BYTES = 2 * 1024 * 1024


@dataclass
class Delivered:
    sent: int = 0  # notices mailed (a digest counts each notice in it)
    failed: int = 0  # attempts that failed this time (tried again later, or given up)
    no_address: int = 0

    def __add__(self, other: "Delivered") -> "Delivered":
        return Delivered(
            self.sent + other.sent,
            self.failed + other.failed,
            self.no_address + other.no_address,
        )


def _takeable(now: dt.datetime) -> Q:
    waiting = Q(mail_state=MailState.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    lapsed = Q(mail_state=MailState.SENDING, next_attempt_at__lt=now)
    return waiting | lapsed


def _claim(ids: list[int], now: dt.datetime) -> tuple[str, list[Notification]]:
    """Take those of `ids` that are still free; the rows taken, by this claim only."""
    token = uuid.uuid4().hex
    Notification.objects.filter(_takeable(now), pk__in=ids).update(
        mail_state=MailState.SENDING, claim=token, next_attempt_at=now + LEASE
    )
    taken = (
        Notification.objects.filter(claim=token, mail_state=MailState.SENDING)
        .select_related("recipient__person")
        .order_by("recipient_id", "created_at", "pk")
    )
    return token, list(taken)


def backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), dt.timedelta(hours=6))


def _settle(token: str, rows: list[Notification], error: str | None, now: dt.datetime) -> None:
    """Record one send's outcome on its rows (only while they are still this claim's)."""
    if error is None:
        Notification.objects.filter(pk__in=[row.pk for row in rows], claim=token).update(
            mail_state=MailState.SENT,
            sent_at=now,
            attachments=[],  # mailed: the files have done their work (the inbox shows none)
            attempts=F("attempts") + 1,
            claim="",
            next_attempt_at=None,
        )
        return
    for row in rows:
        attempts = row.attempts + 1
        given_up = attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
        Notification.objects.filter(pk=row.pk, claim=token).update(
            mail_state=MailState.FAILED if given_up else MailState.PENDING,
            attempts=attempts,
            last_error=error,
            claim="",
            next_attempt_at=None if given_up else now + backoff(attempts),
        )


def _no_address(token: str, rows: list[Notification]) -> None:
    Notification.objects.filter(pk__in=[r.pk for r in rows], claim=token).update(
        mail_state=MailState.NO_ADDRESS, claim="", next_attempt_at=None
    )


def _site(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if settings.SITE_URL else ""


def _footer() -> str:
    where = _site(reverse("notifications:preferences"))
    return "\n".join(
        line
        for line in (
            "-- ",
            _("An automatic message from the union cadre training system: please do not reply."),
            _("Choose which notifications reach you by e-mail: %(url)s") % {"url": where}
            if where
            else "",
        )
        if line
    )


def _link(notification: Notification) -> str:
    if not notification.url:
        return ""
    url = _site(f"{reverse('notifications:open')}?id={notification.pk}")
    return _("Open: %(url)s") % {"url": url} if url else ""


def _files(rows: list[Notification], limit: int | None = None) -> tuple[Attachment, ...]:
    """The rows' files, each once (the same class's file twice in a digest is one), up to
    `limit` bytes in all: beyond it a file is left out, its notice's link still there."""
    files: dict[tuple[str, str], Attachment] = {}
    total = 0
    for row in rows:
        for data in row.attachments or []:
            attachment = Attachment.from_json(data)
            key = (attachment.name, attachment.content)
            if key in files:
                continue
            if limit is not None and total + attachment.size() > limit:
                continue
            total += attachment.size()
            files[key] = attachment
    names: dict[str, int] = {}
    unique = []
    for attachment in files.values():  # two files of one name: "lop-A.ics", "lop-A-2.ics"
        count = names[attachment.name] = names.get(attachment.name, 0) + 1
        if count > 1:
            stem, dot, ext = attachment.name.rpartition(".")
            name = f"{stem}-{count}.{ext}" if dot else f"{attachment.name}-{count}"
            attachment = Attachment(name, attachment.content_type, attachment.content)
        unique.append(attachment)
    return tuple(unique)


def _one(notification: Notification, address: str) -> Outgoing:
    body = "\n\n".join(part for part in (notification.body, _link(notification), _footer()) if part)
    return Outgoing(address, notification.subject, body, _files([notification]))


def _digest(rows: list[Notification], address: str, day: dt.date) -> Outgoing:
    values = {"day": f"{day:%d/%m/%Y}", "count": len(rows)}
    items = [
        "\n".join(part for part in (f"{n}. {row.subject}", row.body, _link(row)) if part)
        for n, row in enumerate(rows, start=1)
    ]
    body = "\n\n".join(
        [_("Your notifications up to the end of %(day)s:") % values, *items, _footer()]
    )
    return Outgoing(
        address,
        _("Notifications up to %(day)s: %(count)s") % values,
        body,
        _files(rows, DIGEST_ATTACHMENTS_MAX_BYTES),
    )


def _send(token: str, groups: list[list[Notification]], write, now: dt.datetime) -> Delivered:
    """One message per group of rows (one user's), as `write(rows, address)` words it; each
    outcome recorded on its rows."""
    channel = channels.external()
    done, outgoing, sending = Delivered(), [], []
    for rows in groups:
        user = rows[0].recipient
        address = channel.address(user) if user.is_active else ""
        if not address:
            _no_address(token, rows)
            done.no_address += len(rows)
            continue
        with translation.override(mail_language(user)):  # the frame: digest, link, footer
            outgoing.append(write(rows, address))
        sending.append(rows)
    for rows, error in zip(sending, channel.send(outgoing), strict=True):
        _settle(token, rows, error, now)
        if error is None:
            done.sent += len(rows)
        else:
            done.failed += len(rows)
    return done


def deliver_pending(*, ids: list[int] | None = None, now: dt.datetime | None = None) -> Delivered:
    """Mail every notice due at once (or those of `ids`): new ones, and failed ones whose
    next try has come."""
    now = now or timezone.now()
    due = Notification.objects.filter(_takeable(now), digest=False)
    if ids is not None:
        due = due.filter(pk__in=ids)
    done = Delivered()
    while batch := list(due.order_by("pk").values_list("pk", flat=True)[:BATCH]):
        token, rows = _claim(batch, now)
        done += _send(token, [[row] for row in rows], lambda r, a: _one(r[0], a), now)
        if len(batch) < BATCH:
            break
    return done


def _day_end(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def send_digests(day: dt.date, *, now: dt.datetime | None = None) -> Delivered:
    """Each user's notices of the digest kind made up to the end of `day` and not yet mailed,
    in one mail per user (earlier days' too, if the worker did not run then)."""
    now = now or timezone.now()
    due = Notification.objects.filter(_takeable(now), digest=True, created_at__lt=_day_end(day))
    users = list(due.order_by("recipient_id").values_list("recipient_id", flat=True).distinct())
    done = Delivered()
    for start in range(0, len(users), DIGEST_USERS):
        chunk = users[start : start + DIGEST_USERS]
        ids = list(due.filter(recipient_id__in=chunk).values_list("pk", flat=True))
        token, rows = _claim(ids, now)
        groups = [list(mine) for _user, mine in groupby(rows, key=lambda row: row.recipient_id)]
        done += _send(token, groups, lambda r, a: _digest(r, a, day), now)
    return done


def deliver_due(now: dt.datetime | None = None) -> Delivered:
    """One round of the worker: the mail due at once, and yesterday's digests from
    NOTIFICATIONS_DIGEST_HOUR (local time) on."""
    now = now or timezone.now()
    done = deliver_pending(now=now)
    local = timezone.localtime(now)
    if local.hour >= settings.NOTIFICATIONS_DIGEST_HOUR:
        done += send_digests(local.date() - dt.timedelta(days=1), now=now)
    return done


def retry_failed() -> int:
    """Put the mail given up on back in the queue (after the server's settings are fixed)."""
    return Notification.objects.filter(mail_state=MailState.FAILED).update(
        mail_state=MailState.PENDING, attempts=0, next_attempt_at=None
    )
