"""Writes of the calendar feeds: a new secret address (the old one stops working), revoking
it, and noting when a calendar app read it."""

import datetime as dt
import re
import secrets

from django.db import transaction
from django.utils import timezone

from calendars.models import CalendarFeed, token_hash

# secrets.token_urlsafe(32): 43 characters of the URL-safe alphabet (256 random bits).
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
# A calendar app reads a feed every few minutes to hours: the time of reading is noted at
# most once an hour, so that reading is not a write each time (SQLite has one writer).
READ_NOTED_EVERY = dt.timedelta(hours=1)


@transaction.atomic
def feed_renew(*, user) -> str:
    """A new secret address for the user's feed; the one they had stops working at once.
    Returns the token, which is shown once and kept only as its hash."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        user=user,
        defaults={
            "token_hash": token_hash(token),
            "created_at": timezone.now(),
            "last_read_at": None,
        },
    )
    return token


def feed_revoke(*, user) -> bool:
    """The user's feed stops working; whether they had one."""
    deleted, _ = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)


def feed_for_token(token: str) -> CalendarFeed | None:
    """The feed a token opens (an active user's), noting that it was read; None for a token
    that is malformed, unknown, revoked or replaced, or whose user is no longer active."""
    if not TOKEN.fullmatch(token or ""):
        return None
    feed = (
        CalendarFeed.objects.filter(token_hash=token_hash(token), user__is_active=True)
        .select_related("user__unit", "user__person")
        .first()
    )
    if feed is None:
        return None
    now = timezone.now()
    if feed.last_read_at is None or feed.last_read_at < now - READ_NOTED_EVERY:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=now)
        feed.last_read_at = now
    return feed
