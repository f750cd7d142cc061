"""A class as iCalendar (RFC 5545): the `.ics` file its page offers and the acceptance mail
carries, and the events the personal calendar feeds (calendars) are made of.

Each session of a class is one event at its local time (Asia/Ho_Chi_Minh, with the zone's
VTIMEZONE, so that Outlook reads it as Google Calendar and phones do); a class without
sessions is one all-day event over its days. An event keeps one UID in every file it comes in
— the class's own, the mail's, a feed — so a calendar that has it already updates it rather
than adding it twice.

Names are typed by users and may hold anything (a name that predates the one-line rule, or
was written around it): a line break or an invisible character becomes a space, and the
icalendar package escapes the rest (commas, semicolons, backslashes), so no text can end its
property and start another. It also folds lines at 75 octets without cutting a Vietnamese
letter's bytes apart."""

import datetime as dt
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, Timezone, vText

from lib.downloads import attach
from lib.validators import is_hidden
from training.models import ClassSession, ClassStatus, TrainingClass

# The system's zone (settings.TIME_ZONE). Vietnam has kept UTC+7 since 1975, so the zone's
# definition from 2000 on is one line that every calendar reads.
ZONE_NAME = "Asia/Ho_Chi_Minh"
ZONE = ZoneInfo(ZONE_NAME)
PRODID = "-//Tong Lien doan Lao dong Viet Nam//Dao tao can bo cong doan//VI"
CONTENT_TYPE = "text/calendar; charset=utf-8"
# A class's file lists at most this many sessions (a year of weekly sessions is 52).
MAX_SESSIONS = 400
# The time a file is written is its revision: the system keeps no count of a class's
# changes, and a later file must replace an earlier one in a calendar that compares
# SEQUENCE first (Outlook). Minutes since this day fit the 32-bit number for millennia.
SEQUENCE_EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def text(value) -> str:
    """One line of visible text: line breaks, tabs and invisible characters become spaces."""
    return " ".join("".join(" " if is_hidden(c) else c for c in str(value or "")).split())


def lines(*values) -> str:
    """A description: each value one line of visible text, the empty ones left out."""
    return "\n".join(line for line in (text(v) for v in values) if line)


def host() -> str:
    """The right-hand side of every UID: the site's host, else a name of the system's own."""
    return urlsplit(settings.SITE_URL).hostname or "daotao-congdoan"


def class_uid(class_id: int, session_id: int | None = None) -> str:
    if session_id is None:
        return f"class-{class_id}@{host()}"
    return f"class-{class_id}-session-{session_id}@{host()}"


def class_url(training_class: TrainingClass, base_url: str) -> str:
    return f"{base_url}{reverse('training:class_detail', args=[training_class.pk])}"


def _sequence(now: dt.datetime) -> int:
    return int((now - SEQUENCE_EPOCH).total_seconds() // 60)


def _alarm(before: dt.timedelta, summary: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", -before)
    return alarm


def _event(*, uid: str, summary: str, now: dt.datetime, **values) -> Event:
    return Event.new(uid=uid, summary=summary, stamp=now, sequence=_sequence(now), **values)


def all_day_event(
    *,
    uid: str,
    first: dt.date,
    last: dt.date,
    summary: str,
    description: str = "",
    location: str = "",
    url: str = "",
    now: dt.datetime,
    busy: bool = True,
) -> Event:
    """An event over whole days, `first` to `last` inclusive (DTEND is the day after, as
    RFC 5545 has it). Not `busy`: a deadline, which leaves the day free. Its reminder comes
    at 09:00 the day before."""
    event = _event(
        uid=uid,
        summary=text(summary),
        now=now,
        start=first,
        end=last + dt.timedelta(days=1),
        description=description or None,
        location=text(location) or None,
        url=url or None,
        transparency="OPAQUE" if busy else "TRANSPARENT",
    )
    event.add_component(_alarm(dt.timedelta(hours=15), text(summary)))
    return event


def _status(training_class: TrainingClass) -> str:
    # A planned class may still not take place; a cancelled one stays, marked, so that a
    # calendar that has it already shows it called off (or drops it, as Google Calendar does).
    if training_class.status == ClassStatus.CANCELLED:
        return "CANCELLED"
    return "TENTATIVE" if training_class.status == ClassStatus.PLANNED else "CONFIRMED"


def _title(training_class: TrainingClass) -> str:
    name = text(training_class.name)
    if training_class.status == ClassStatus.CANCELLED:
        return _("Cancelled: %(name)s") % {"name": name}
    return name


def _about(training_class: TrainingClass, base_url: str) -> list[str]:
    return [
        _("Organiser: %(unit)s") % {"unit": text(training_class.organiser.name)},
        _("Class code: %(code)s") % {"code": text(training_class.code)},
        class_url(training_class, base_url) if base_url else "",
    ]


def class_day_event(training_class: TrainingClass, *, base_url: str, now: dt.datetime) -> Event:
    """A class without sessions: one all-day event over its days."""
    event = all_day_event(
        uid=class_uid(training_class.pk),
        first=training_class.start_date,
        last=training_class.end_date,
        summary=_title(training_class),
        description=lines(*_about(training_class, base_url)),
        location=training_class.venue,
        url=class_url(training_class, base_url) if base_url else "",
        now=now,
    )
    event.add("status", _status(training_class))
    return event


def session_event(
    training_class: TrainingClass,
    session: ClassSession,
    *,
    number: int | None,
    total: int,
    base_url: str,
    now: dt.datetime,
) -> Event:
    """One session at its local time; its reminder an hour before. `number`: its place
    among the class's sessions (None when the file has only some of them)."""
    summary = _title(training_class)
    if session.topic_id:
        summary = f"{summary} — {text(session.topic.name)}"
    place = (
        _("Session %(number)s of %(total)s") % {"number": number, "total": total}
        if number is not None
        else ""
    )
    event = _event(
        uid=class_uid(training_class.pk, session.pk),
        summary=summary,
        now=now,
        start=dt.datetime.combine(session.date, session.starts_at, tzinfo=ZONE),
        end=dt.datetime.combine(session.date, session.ends_at, tzinfo=ZONE),
        description=lines(place, *_about(training_class, base_url)),
        location=text(session.venue or training_class.venue) or None,
        url=class_url(training_class, base_url) if base_url else None,
        status=_status(training_class),
    )
    event.add_component(_alarm(dt.timedelta(hours=1), summary))
    return event


def class_events(
    training_class: TrainingClass,
    sessions: Sequence[ClassSession],
    *,
    base_url: str,
    now: dt.datetime,
    whole: bool = True,
) -> list[Event]:
    """A class's events: one per session when it has any, else one over its days. `whole`:
    `sessions` are all the class's (numbered "1 of 5"), not only some of them."""
    if not sessions:
        return [class_day_event(training_class, base_url=base_url, now=now)]
    return [
        session_event(
            training_class,
            session,
            number=number if whole else None,
            total=len(sessions),
            base_url=base_url,
            now=now,
        )
        for number, session in enumerate(sessions, start=1)
    ]


def calendar(events: Iterable[Event], *, name: str, refresh: dt.timedelta | None = None) -> bytes:
    """The file: METHOD:PUBLISH (to add, not a meeting to answer), the zone's definition when
    an event has a time, and `refresh` for a feed (how often a calendar app should fetch it
    again; Google Calendar keeps its own pace)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # TEXT, escaped as such (the package writes these two unescaped unless told).
    cal.add("name", vText(text(name)))
    cal.add("x-wr-calname", vText(text(name)))
    cal.add("x-wr-timezone", ZONE_NAME)
    if refresh is not None:
        cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", refresh)
    events = list(events)
    if any(isinstance(e.get("dtstart").dt, dt.datetime) for e in events):
        zone = Timezone.from_tzid(ZONE_NAME, first_date=dt.date(2000, 1, 1))
        zone.pop("COMMENT", None)  # "only works until 2038": not so for a zone without changes
        cal.add_component(zone)
    for event in events:
        cal.add_component(event)
    return cal.to_ical()


def sessions_of(training_class: TrainingClass) -> list[ClassSession]:
    return list(
        training_class.sessions.select_related("topic").order_by("date", "starts_at", "pk")[
            :MAX_SESSIONS
        ]
    )


def class_calendar(training_class: TrainingClass, *, base_url: str | None = None) -> bytes:
    """The class's own file: each of its sessions, or the class over its days. `base_url`:
    the site's address for the link to the class's page (settings.SITE_URL unless given)."""
    base = settings.SITE_URL if base_url is None else base_url
    events = class_events(
        training_class, sessions_of(training_class), base_url=base, now=timezone.now()
    )
    return calendar(events, name=training_class.name)


def file_name(training_class: TrainingClass) -> str:
    return f"lop-{training_class.code}.ics"


def ics_response(data: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """A calendar file as a download (`inline`: a feed, which a calendar app reads)."""
    response = HttpResponse(data, content_type=CONTENT_TYPE)
    return attach(response, filename, inline=inline)
