"""Reads of the notifications: a user's inbox and unread count, their choices per kind, and
whom a notice about a unit or a person goes to."""

from collections.abc import Iterable

from django.conf import settings
from django.db.models import QuerySet

from accounts.models import WRITING_ROLES, User
from notifications import kinds
from notifications.models import Notification, Preference, PreferredChannel, Timing


def inbox(user) -> QuerySet[Notification]:
    """The user's own notices, newest first."""
    return (
        Notification.objects.filter(recipient=user)
        .defer("attachments")  # files for the mail only, not read here
        .order_by("-created_at", "-pk")
    )


def unread_count(user) -> int:
    """The bell's figure: one count on the partial index of the unread."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def default_choice(kind: kinds.Kind) -> tuple[str, str]:
    return (
        PreferredChannel.MAIL if kind.mail else PreferredChannel.INBOX,
        Timing.DIGEST if kind.digest else Timing.IMMEDIATE,
    )


def choices_of(users: Iterable, kind: kinds.Kind) -> dict[int, tuple[str, str]]:
    """(channel, timing) of each user for one kind: their own choice, else the kind's default."""
    ids = [u.pk for u in users]
    chosen = {
        user_id: (channel, timing)
        for user_id, channel, timing in Preference.objects.filter(
            user_id__in=ids, kind=kind.code
        ).values_list("user_id", "channel", "timing")
    }
    return {pk: chosen.get(pk, default_choice(kind)) for pk in ids}


def preferences_of(user) -> list[tuple[kinds.Kind, str, str]]:
    """Each kind the user may receive with how they receive it."""
    chosen = dict(
        (kind, (channel, timing))
        for kind, channel, timing in Preference.objects.filter(user=user).values_list(
            "kind", "channel", "timing"
        )
    )
    return [(kind, *chosen.get(kind.code, default_choice(kind))) for kind in kinds.for_user(user)]


def officers_of(unit_ids: Iterable[int]) -> QuerySet[User]:
    """The users who speak for these units: bound to one of them, active, allowed to write."""
    return User.objects.filter(
        unit_id__in=list(unit_ids), is_active=True, role__in=list(WRITING_ROLES)
    )


def accounts_of(person_ids: Iterable[int]) -> QuerySet[User]:
    """The active accounts of these people (a cadre's self-service login, an officer who is
    also a learner)."""
    return User.objects.filter(person_id__in=list(person_ids), is_active=True)


def mail_language(user) -> str:
    """The language a user's mail is written in: the one they last chose, else the system's."""
    return user.language or settings.LANGUAGE_CODE
