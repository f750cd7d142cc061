"""Sessions of a class (buổi học) and attendance at them (issue 24 §4): the schedule, the
officer's attendance grid, the learner's check-in by a QR code that changes every minute, and
the figures that follow from them — each participant's attendance percentage and each
lecturer's teaching hours. Pages and the API call these; views stay thin."""

import datetime as dt
import hmac
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts.access import is_system
from accounts.scope import scope_ancestor_paths, scope_q
from training.attendance import attendance_recompute
from training.models import (
    CheckIn,
    ClassLecturer,
    ClassSession,
    ClassStatus,
    Enrolment,
    EnrolmentStatus,
    Lecturer,
    SessionAttendance,
    TrainingClass,
)
from training.services import _log_if_closed, _require_organiser_scope

# Check-in opens this long before a session starts (people arrive early and sit down) and
# closes when it ends; the officer's grid follows the same opening.
EARLY = dt.timedelta(minutes=30)
# A QR code is good for its own minute and the one after it (the screen may have changed just
# as the phone read it, a phone's camera takes a few seconds), and a minute before it (a
# server whose clock is a little ahead): never older — a photo sent to a friend is stale
# by the time it arrives.
CODE_SECONDS = 60
CODE_SALT = "training.sessions.checkin"
# A learner not signed in when they scan logs in first: the code they scanned still counts
# for this long after the scan (typing a password on a phone takes time), in that browser only.
LOGIN_GRACE = dt.timedelta(minutes=10)


# --- the schedule ---------------------------------------------------------------------------


def _locked_class(training_class: TrainingClass) -> TrainingClass:
    """The class's row, locked until the transaction ends: sessions of one class are
    checked for overlaps and saved one writer at a time."""
    return (
        TrainingClass.objects.select_for_update(of=("self",))
        .select_related("organiser")
        .get(pk=training_class.pk)
    )


def lecturers_for(user, training_class: TrainingClass):
    """The lecturers a session of the class may name: the class's own, those of the user's
    subtree, and those of the units above it (a province's lecturer teaching in a district),
    as a lecturer is added to a class."""
    mine = Q(teaching__training_class=training_class)
    if is_system(user):
        return Lecturer.objects.select_related("person").order_by("person__sort_key")
    return (
        Lecturer.objects.filter(
            mine | scope_q(user, "unit") | Q(unit__path__in=scope_ancestor_paths(user))
        )
        .select_related("person")
        .distinct()
        .order_by("person__sort_key")
    )


def _check_not_cancelled(training_class: TrainingClass) -> None:
    if training_class.status == ClassStatus.CANCELLED:
        raise ValidationError(_("The class is cancelled."))


def _validate_session(user, training_class: TrainingClass, session: ClassSession) -> None:
    errors: dict[str, str] = {}
    c = training_class
    if session.date and not (c.start_date <= session.date <= c.end_date):
        errors["date"] = _("The class runs from %(start)s to %(end)s: choose a day in it.") % {
            "start": f"{c.start_date:%d/%m/%Y}",
            "end": f"{c.end_date:%d/%m/%Y}",
        }
    if session.starts_at and session.ends_at and session.ends_at <= session.starts_at:
        errors["ends_at"] = _("A session ends after it starts.")
    if session.topic_id and not c.topics.filter(pk=session.topic_id).exists():
        errors["topic"] = _("Choose one of the class's topics.")
    if session.lecturer_id and not lecturers_for(user, c).filter(pk=session.lecturer_id).exists():
        errors["lecturer"] = _("Choose a lecturer of the class or of your unit.")
    if errors:
        raise ValidationError(errors)
    _check_overlaps(session)
    session.full_clean()


def _overlapping(session: ClassSession):
    return ClassSession.objects.filter(
        date=session.date, starts_at__lt=session.ends_at, ends_at__gt=session.starts_at
    ).exclude(pk=session.pk)


def _check_overlaps(session: ClassSession) -> None:
    """A class has one session at a time, and a lecturer teaches one session at a time."""
    same = _overlapping(session).filter(training_class=session.training_class_id).first()
    if same is not None:
        raise ValidationError(
            {
                "starts_at": _("The class already has a session at that time: %(other)s.")
                % {"other": str(same)}
            }
        )
    if session.lecturer_id:
        busy = (
            _overlapping(session)
            .filter(lecturer=session.lecturer_id)
            .select_related("training_class")
            .first()
        )
        if busy is not None:
            raise ValidationError(
                {
                    "lecturer": _(
                        "This lecturer already teaches “%(name)s” at that time (%(when)s)."
                    )
                    % {"name": busy.training_class.name, "when": str(busy)}
                }
            )


def _describe(session: ClassSession) -> str:
    return f"{session} {session.venue}".strip()


@transaction.atomic
def session_save(
    *,
    user,
    training_class: TrainingClass,
    session: ClassSession | None = None,
    date: dt.date,
    starts_at: dt.time,
    ends_at: dt.time,
    venue: str = "",
    lecturer: Lecturer | None = None,
    topic=None,
) -> ClassSession:
    """Add a session to a class, or change one: by those who may change the class, inside its
    dates, not overlapping another of its sessions; a closed class only as a correction by its
    organiser (logged). Its lecturers' hours follow."""
    training_class = _locked_class(training_class)
    _require_organiser_scope(user, training_class)
    _check_not_cancelled(training_class)
    if session is None:
        session = ClassSession(training_class=training_class)
        before = None
    else:
        session = ClassSession.objects.select_for_update().get(
            pk=session.pk, training_class=training_class
        )
        before = _describe(session)
    session.date, session.starts_at, session.ends_at = date, starts_at, ends_at
    session.venue, session.lecturer, session.topic = (venue or "").strip(), lecturer, topic
    _validate_session(user, training_class, session)
    _log_if_closed(
        user,
        training_class,
        f"session {before} → {_describe(session)}" if before else f"session + {_describe(session)}",
    )
    session.save()
    lecturer_hours_recompute(training_class)
    attendance_recompute(training_class)
    return session


@transaction.atomic
def session_delete(*, user, session: ClassSession) -> None:
    """Remove a session and the attendance taken at it; the class's figures follow."""
    training_class = _locked_class(session.training_class)
    _require_organiser_scope(user, training_class)
    _log_if_closed(user, training_class, f"session − {_describe(session)}")
    ClassSession.objects.filter(pk=session.pk).delete()
    lecturer_hours_recompute(training_class)
    attendance_recompute(training_class)


def next_session_initial(training_class: TrainingClass) -> dict:
    """What a new session's form starts from: the day after the last session (within the
    class) at the same times, place and lecturer — a schedule of one session a day is typed
    as a date each — or the class's first day and venue."""
    last = (
        ClassSession.objects.filter(training_class=training_class)
        .order_by("-date", "-starts_at")
        .first()
    )
    if last is None:
        return {"date": training_class.start_date, "venue": training_class.venue}
    day = min(last.date + dt.timedelta(days=1), training_class.end_date)
    return {
        "date": day,
        "starts_at": last.starts_at,
        "ends_at": last.ends_at,
        "venue": last.venue,
        "lecturer": last.lecturer_id,
    }


def whole_hours(minutes: int) -> int:
    """Teaching time in whole hours, a half hour and more counted as an hour; any teaching
    at all is at least one hour (a 20-minute talk is still a lecturer's hour on the list)."""
    if minutes <= 0:
        return 0
    return max(1, (minutes + 30) // 60)


def _minutes(session: ClassSession) -> int:
    start = dt.datetime.combine(session.date, session.starts_at)
    return int((dt.datetime.combine(session.date, session.ends_at) - start).total_seconds() // 60)


def lecturer_hours_recompute(training_class: TrainingClass) -> None:
    """Once a class has sessions, each of its lecturers' hours are those of the sessions they
    taught (a lecturer of a session joins the class's lecturers; one who teaches none of its
    sessions has none). A class without sessions keeps the hours typed for it."""
    sessions = list(
        ClassSession.objects.filter(training_class=training_class).only(
            "date", "starts_at", "ends_at", "lecturer"
        )
    )
    if not sessions:
        return
    minutes: dict[int, int] = {}
    for s in sessions:
        if s.lecturer_id:
            minutes[s.lecturer_id] = minutes.get(s.lecturer_id, 0) + _minutes(s)
    rows = {r.lecturer_id: r for r in ClassLecturer.objects.filter(training_class=training_class)}
    for lecturer_id in rows.keys() | minutes.keys():
        hours = whole_hours(minutes.get(lecturer_id, 0))
        row = rows.get(lecturer_id)
        if row is None:
            ClassLecturer.objects.create(
                training_class=training_class, lecturer_id=lecturer_id, hours=hours
            )
        elif row.hours != hours:
            row.hours = hours
            row.save(update_fields=["hours"])


# --- attendance -----------------------------------------------------------------------------


def session_window(session: ClassSession) -> tuple[dt.datetime, dt.datetime]:
    """When attendance may be taken: from EARLY before the session starts to its end, local
    time (settings.TIME_ZONE, Asia/Ho_Chi_Minh)."""
    opens = timezone.make_aware(dt.datetime.combine(session.date, session.starts_at)) - EARLY
    closes = timezone.make_aware(dt.datetime.combine(session.date, session.ends_at))
    return opens, closes


def _check_begun(session: ClassSession, now: dt.datetime) -> None:
    opens, _closes = session_window(session)
    if now < opens:
        raise ValidationError(
            _("The session has not begun: attendance is taken from %(time)s on %(date)s.")
            % {"time": f"{timezone.localtime(opens):%H:%M}", "date": f"{session.date:%d/%m/%Y}"}
        )


@transaction.atomic
def attendance_take(
    *, user, session: ClassSession, shown: set[int], present: set[int], now=None
) -> int:
    """The officer's attendance grid of a session: each row shown is present when ticked,
    absent when not — all saved, or none when one is refused. A QR check-in left ticked keeps
    saying it was scanned. Returns how many rows changed."""
    now = now or timezone.now()
    training_class = _locked_class(session.training_class)
    _require_organiser_scope(user, training_class)
    _check_not_cancelled(training_class)
    _check_begun(session, now)
    accepted = {
        e.pk: e
        for e in Enrolment.objects.filter(
            training_class=training_class, status=EnrolmentStatus.ACCEPTED, pk__in=shown
        )
    }
    if set(shown) - accepted.keys() or set(present) - set(shown):
        raise ValidationError(
            _("Only accepted participants of this class are marked: reload the page.")
        )
    existing = {a.enrolment_id: a for a in SessionAttendance.objects.filter(session=session)}
    changed, new = [], []
    for pk in shown:
        ticked = pk in present
        row = existing.get(pk)
        if row is None:
            new.append(
                SessionAttendance(
                    session=session, enrolment_id=pk, present=ticked, how=CheckIn.OFFICER, at=now
                )
            )
        elif row.present != ticked:
            row.present, row.how, row.at = ticked, CheckIn.OFFICER, now
            changed.append(row)
    if not (new or changed):
        return 0
    _log_if_closed(user, training_class, f"attendance of {session}: {len(new) + len(changed)}")
    SessionAttendance.objects.bulk_create(new)
    SessionAttendance.objects.bulk_update(changed, ["present", "how", "at"])
    attendance_recompute(training_class)
    return len(new) + len(changed)


def attendance_of(session: ClassSession):
    """The session's grid: every accepted participant with whether, how and when they were
    marked (`mark`: their SessionAttendance or None)."""
    marks = {a.enrolment_id: a for a in SessionAttendance.objects.filter(session=session)}
    rows = list(
        Enrolment.objects.filter(
            training_class=session.training_class_id, status=EnrolmentStatus.ACCEPTED
        )
        .select_related("person", "nominating_unit")
        .order_by("person__sort_key", "pk")
    )
    for e in rows:
        e.mark = marks.get(e.pk)
    return rows


def sessions_of(training_class: TrainingClass):
    """The class's sessions in order, each with how many were present and how many of them
    checked in by QR."""
    return (
        ClassSession.objects.filter(training_class=training_class)
        .select_related("lecturer__person", "topic")
        .annotate(
            present=Count("attendance", filter=Q(attendance__present=True)),
            by_qr=Count("attendance", filter=Q(attendance__present=True, attendance__how="qr")),
        )
        .order_by("date", "starts_at")
    )


def upcoming_sessions(person_id: int, now=None, limit: int = 20):
    """The sessions a person attends (accepted) or teaches that have not ended yet, soonest
    first — what a chair with only a phone looks at to never miss a class."""
    now = timezone.localtime(now or timezone.now())
    attends = Q(
        training_class__enrolments__person_id=person_id,
        training_class__enrolments__status=EnrolmentStatus.ACCEPTED,
    )
    teaches = Q(lecturer__person_id=person_id)
    not_over = Q(date__gt=now.date()) | Q(date=now.date(), ends_at__gt=now.time())
    ids = (
        ClassSession.objects.filter(attends | teaches)
        .filter(not_over)
        .exclude(training_class__status=ClassStatus.CLOSED)
        .values("pk")
    )
    return (
        ClassSession.objects.filter(pk__in=ids)
        .select_related("training_class", "lecturer__person", "topic")
        .annotate(
            teaching=ExpressionWrapper(
                Q(lecturer__person_id=person_id), output_field=BooleanField()
            )
        )
        .order_by("date", "starts_at")[:limit]
    )


# --- the QR code ----------------------------------------------------------------------------


def minute_of(at: dt.datetime) -> int:
    """The minute a moment falls in, counted from the epoch (the same everywhere)."""
    return int(at.timestamp()) // CODE_SECONDS


def checkin_code(session_id: int, minute: int) -> str:
    """The code of a session for one minute: the minute and an HMAC of both keyed by the
    SECRET_KEY, so only the server makes one and each is good for its session alone."""
    mac = salted_hmac(CODE_SALT, f"{session_id}:{minute}", algorithm="sha256").hexdigest()
    return f"{minute}-{mac[:20]}"


def current_code(session: ClassSession, now=None) -> tuple[str, int]:
    """The code to show now, and the seconds until the next one."""
    now = now or timezone.now()
    seconds = now.timestamp()
    return checkin_code(session.pk, minute_of(now)), CODE_SECONDS - int(seconds) % CODE_SECONDS


def code_minute(session_id: int, code: str) -> int | None:
    """The minute a code was made for, when the server made it for this session; None for a
    code forged, mistyped or of another session."""
    head, _sep, _mac = str(code).partition("-")
    if not head.isdecimal() or not head.isascii() or len(head) > 12:
        return None
    minute = int(head)
    made = checkin_code(session_id, minute).encode()
    return minute if hmac.compare_digest(made, str(code).encode()) else None


@dataclass
class Refused(Exception):
    """A check-in refused, with what to tell the learner and the page's status."""

    message: str
    status: int = 400


def _enrolment_for(user, session: ClassSession) -> Enrolment:
    person = getattr(user, "person_id", None)
    enrolment = (
        Enrolment.objects.filter(training_class=session.training_class_id, person_id=person)
        .select_related("training_class")
        .first()
        if person
        else None
    )
    if enrolment is None:
        raise Refused(_("You are not on the list of participants of this class."), 403)
    if enrolment.status != EnrolmentStatus.ACCEPTED:
        raise Refused(
            _(
                "Your nomination to this class is not accepted (%(status)s): only accepted "
                "participants check in."
            )
            % {"status": enrolment.get_status_display()},
            403,
        )
    return enrolment


def _when(at: dt.datetime) -> str:
    at = timezone.localtime(at)
    return f"{at:%H:%M} {at:%d/%m/%Y}"


def _check_fresh(minute: int, seen: dt.datetime) -> None:
    now_minute = minute_of(seen)
    if minute < now_minute - 1:
        raise Refused(
            _(
                "This code has expired (it changes every minute): scan the code shown in the "
                "room now."
            )
        )
    if minute > now_minute + 1:
        raise Refused(_("This check-in code is not valid: scan the code shown in the room."))


def _check_window(session: ClassSession, now: dt.datetime) -> None:
    opens, closes = session_window(session)
    if not (opens <= now <= closes):
        raise Refused(
            _("Check-in for this session is open from %(opens)s to %(closes)s on %(date)s only.")
            % {
                "opens": f"{timezone.localtime(opens):%H:%M}",
                "closes": f"{timezone.localtime(closes):%H:%M}",
                "date": f"{session.date:%d/%m/%Y}",
            }
        )


def checkin_precheck(session: ClassSession, code: str, now=None) -> None:
    """What can be told before knowing who scanned (a visitor not signed in yet): the code is
    this session's and fresh, and the session is on. Raises Refused."""
    now = now or timezone.now()
    minute = code_minute(session.pk, code)
    if minute is None:
        raise Refused(_("This check-in code is not valid: scan the code shown in the room."))
    _check_fresh(minute, now)
    _check_window(session, now)


@transaction.atomic
def checkin(
    *, user, session: ClassSession, code: str, now=None, scanned_at=None
) -> SessionAttendance:
    """A learner, signed in as themselves, checks in to a session by its QR code: an accepted
    participant of the class, a code of this session made this minute or the one before
    (`scanned_at`: when the same browser scanned it before logging in, LOGIN_GRACE at most
    ago), while the session is on. Once: a second scan says when the first was. Raises
    Refused with what to tell them."""
    now = now or timezone.now()
    enrolment = _enrolment_for(user, session)
    minute = code_minute(session.pk, code)
    if minute is None:
        raise Refused(_("This check-in code is not valid: scan the code shown in the room."))
    if enrolment.training_class.status == ClassStatus.CLOSED:
        raise Refused(_("This class is closed."))
    if enrolment.training_class.status == ClassStatus.CANCELLED:
        raise Refused(_("The class is cancelled."))
    mark = SessionAttendance.objects.filter(session=session, enrolment=enrolment).first()
    if mark is not None and mark.present:
        raise Refused(
            _("You already checked in to this session at %(when)s.") % {"when": _when(mark.at)},
            200,
        )
    seen = scanned_at if scanned_at and now - LOGIN_GRACE <= scanned_at <= now else now
    _check_fresh(minute, seen)
    _check_window(session, now)
    if mark is None:
        try:
            with transaction.atomic():
                mark = SessionAttendance.objects.create(
                    session=session, enrolment=enrolment, present=True, how=CheckIn.QR, at=now
                )
        except IntegrityError:  # the same person's second phone, at the same moment
            mark = SessionAttendance.objects.get(session=session, enrolment=enrolment)
            raise Refused(
                _("You already checked in to this session at %(when)s.") % {"when": _when(mark.at)},
                200,
            ) from None
    # `at` is the moment of the scan (a save would stamp the clock's time on it).
    SessionAttendance.objects.filter(pk=mark.pk).update(present=True, how=CheckIn.QR, at=now)
    mark.present, mark.how, mark.at = True, CheckIn.QR, now
    attendance_recompute(session.training_class, enrolments=[enrolment])
    return mark


def attendance_summary(session: ClassSession) -> dict:
    """How many are accepted, present, and checked in by QR at a session (the QR page)."""
    marks = SessionAttendance.objects.filter(session=session, present=True).aggregate(
        present=Count("pk"), by_qr=Count("pk", filter=Q(how=CheckIn.QR))
    )
    marks["accepted"] = Enrolment.objects.filter(
        training_class=session.training_class_id, status=EnrolmentStatus.ACCEPTED
    ).count()
    return marks


def may_write_class(user, training_class: TrainingClass) -> bool:
    """Whether the user may change the class (and so its sessions): as class_update asks."""
    try:
        _require_organiser_scope(user, training_class)
    except ValidationError:
        return False
    return True
