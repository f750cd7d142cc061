"""Progress made on a phone without a connection, sent when it is back online (issue 25 §3:
"progress made offline is sent when the phone is back online, and the server decides what
counts (quizzes stay online, marked on the server)").

The phone sends a list of events, each {key, lesson, percent, position, at}: an idempotency
key it made, the lesson, how far it was read or watched, the video's position in seconds and
the phone's time. Each is judged here and, when it counts, applied through the same service
as the lesson page's own reports (`services.progress_report`), so a course completed offline
writes its record and certificate as one completed online does. Nothing the phone says is
trusted: the lesson must be in a course the user is enrolled in, the time must lie between
the enrolment and now, a quiz or a video from another site is never done offline, and a
video's position and the share watched must fit the video's real length (read from the file)
and the time the phone had to watch it.
"""

import datetime as dt
import re
import struct

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from elearning import services
from elearning.models import CourseEnrolment, Lesson, LessonKind, LessonProgress, OfflineEvent

MAX_EVENTS = 200  # a week of a chair's lessons on the bus, many times over
MAX_BODY_BYTES = 64 * 1024
CLOCK_SKEW = dt.timedelta(minutes=5)  # a phone's clock may run a little ahead
PLAYBACK_RATE = 2  # the fastest a player plays: watching can go no faster
KEY = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def reasons() -> dict[str, str]:
    """Each refusal's code and what the learner is told (translated when asked)."""
    return {
        "malformed": _("The record of this progress is not readable."),
        "no_lesson": _("This lesson does not exist any more."),
        "not_enrolled": _("You are not enrolled in the course of this lesson."),
        "quiz": _("A quiz is taken online only: its answers are marked on the server."),
        "embed": _("A video from another site cannot be watched offline."),
        "future": _("The time of this progress is in the future: check the phone's clock."),
        "before_enrolment": _("The time of this progress is before you enrolled in the course."),
        "past_the_end": _("The position reported is past the end of the video."),
        "too_fast": _("The video could not have been watched in the time reported."),
        "unknown_length": _(
            "The length of this video cannot be read: finish watching it online to count it."
        ),
        "error": _("This progress could not be saved."),
    }


class Refused(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _whole(value, low: int = 0, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Refused("malformed")
    if value != value or value in (float("inf"), float("-inf")):  # NaN, infinity
        raise Refused("malformed")
    number = int(value)
    if number < low or (high is not None and number > high):
        raise Refused("malformed")
    return number


def parse_event(raw) -> dict:
    """One event as sent, checked for shape only (Refused("malformed") otherwise)."""
    if not isinstance(raw, dict):
        raise Refused("malformed")
    key = raw.get("key")
    if not isinstance(key, str) or not KEY.match(key):
        raise Refused("malformed")
    at = raw.get("at")
    made_at = parse_datetime(at) if isinstance(at, str) and len(at) <= 40 else None
    if made_at is None:
        raise Refused("malformed")
    if timezone.is_naive(made_at):
        raise Refused("malformed")  # the phone sends UTC with its offset; a bare time is ambiguous
    return {
        "key": key,
        "lesson": _whole(raw.get("lesson"), 1, 2**62),
        "percent": _whole(raw.get("percent"), 0, 100),
        "position": _whole(raw.get("position", 0), 0, 10**7),
        "at": made_at,
    }


# --- a video's length, read from the file ----------------------------------------------------

CONTAINERS = {b"moov", b"trak", b"mdia"}


def _mp4_seconds(opened, end: int) -> float | None:
    """The duration in an MP4's movie header (moov/mvhd), walking the boxes without reading
    the media; None if there is none."""
    position = opened.tell()
    while position + 8 <= end:
        opened.seek(position)
        head = opened.read(8)
        if len(head) < 8:
            return None
        size, kind = struct.unpack(">I4s", head)
        header = 8
        if size == 1:
            size = struct.unpack(">Q", opened.read(8))[0]
            header = 16
        elif size == 0:
            size = end - position
        if size < header:
            return None
        if kind == b"moov":
            opened.seek(position + header)
            found = _mp4_seconds(opened, position + size)
            if found is not None:
                return found
        elif kind == b"mvhd":
            body = opened.read(32)
            if not body:
                return None
            if body[0] == 1:  # version 1: 64-bit times
                timescale, duration = struct.unpack(">IQ", body[20:32])
            else:
                timescale, duration = struct.unpack(">II", body[12:20])
            return duration / timescale if timescale else None
        position += size
    return None


def video_seconds(lesson: Lesson) -> float | None:
    """How long the lesson's video lasts, read from the file (MP4); None when not known. The
    phone version (elearning.video), an MP4 of the same length, answers for an original it
    cannot read (a WebM); the phone may have played either."""
    for file in (lesson.file, lesson.phone_file):
        if file and (seconds := _file_seconds(file)) is not None:
            return seconds
    return None


def _file_seconds(file) -> float | None:
    storage, name = file.storage, file.name
    try:
        size = storage.size(name)
        with storage.open(name, "rb") as opened:
            return _mp4_seconds(opened, size)
    except (OSError, struct.error, ValueError):
        return None


# --- judging and applying ------------------------------------------------------------------


def judge(event: dict, lesson: Lesson | None, enrolment, record, seconds) -> None:
    """Refused(code) unless the event may count. `record` is the learner's progress in the
    lesson as the server knows it (or None); `seconds` the video's length (or None)."""
    if lesson is None:
        raise Refused("no_lesson")
    if enrolment is None:
        raise Refused("not_enrolled")
    if lesson.kind == LessonKind.QUIZ:
        raise Refused("quiz")
    if lesson.kind == LessonKind.EMBED:
        raise Refused("embed")
    at = event["at"]
    if at > timezone.now() + CLOCK_SKEW:
        raise Refused("future")
    if at < enrolment.enrolled_at:
        raise Refused("before_enrolment")
    if lesson.kind != LessonKind.VIDEO:
        return
    if seconds is None:
        if event["percent"] >= services.VIDEO_DONE_PERCENT or event["position"] > 0:
            raise Refused("unknown_length")
        return
    if event["position"] > seconds + 1:
        raise Refused("past_the_end")
    # The share newly watched needs that much playing time since the last thing the server
    # knew of this lesson (or since enrolling), at the fastest a player plays.
    since, credited = enrolment.enrolled_at, 0
    if record is not None and record.updated_at <= at:
        since, credited = record.updated_at, record.percent
    needed = max(0, event["percent"] - credited) / 100 * seconds / PLAYBACK_RATE
    if needed > (at - since).total_seconds() + 2:
        raise Refused("too_fast")


def sync(user, raw_events: list) -> list[dict]:
    """Judge and apply the events, oldest first; one answer per event, in the order sent:
    {key, accepted, reason (code), message, lesson, done, completed}. An event whose key was
    received before gets the same answer again and changes nothing."""
    person_id = user.person_id
    answers: list[dict | None] = [None] * len(raw_events)
    parsed = []
    for index, raw in enumerate(raw_events):
        try:
            parsed.append((index, parse_event(raw)))
        except Refused as refused:
            key = raw.get("key") if isinstance(raw, dict) else None
            answers[index] = _answer(key if isinstance(key, str) else None, False, refused.code)
    parsed.sort(key=lambda pair: pair[1]["at"])
    lessons = {
        lesson.pk: lesson
        for lesson in Lesson.objects.select_related("module").filter(
            pk__in={event["lesson"] for _i, event in parsed}
        )
    }
    enrolments = {
        e.course_id: e
        for e in CourseEnrolment.objects.filter(
            person_id=person_id,
            course_id__in={lesson.module.course_id for lesson in lessons.values()},
        )
    }
    lengths: dict[int, float | None] = {}
    for index, event in parsed:
        answers[index] = _one(user, event, lessons, enrolments, lengths)
    return answers


def _one(user, event, lessons, enrolments, lengths) -> dict:
    seen = OfflineEvent.objects.filter(person_id=user.person_id, key=event["key"]).first()
    if seen is not None:
        return _answer(seen.key, seen.accepted, seen.reason, lesson=seen.lesson_id_sent, again=True)
    lesson = lessons.get(event["lesson"])
    enrolment = enrolments.get(lesson.module.course_id) if lesson else None
    record = (
        LessonProgress.objects.filter(enrolment=enrolment, lesson=lesson).first()
        if enrolment
        else None
    )
    if lesson is not None and lesson.kind == LessonKind.VIDEO and lesson.pk not in lengths:
        lengths[lesson.pk] = video_seconds(lesson)
    try:
        judge(event, lesson, enrolment, record, lengths.get(event["lesson"]))
        with transaction.atomic():
            OfflineEvent.objects.create(
                person_id=user.person_id,
                key=event["key"],
                lesson_id_sent=event["lesson"],
                made_at=event["at"],
                accepted=True,
            )
            progress = services.progress_report(
                user=user,
                enrolment=enrolment,
                lesson=lesson,
                percent=event["percent"],
                position_seconds=event["position"],
            )
    except Refused as refused:
        _remember(user, event, refused.code)
        return _answer(event["key"], False, refused.code, lesson=event["lesson"])
    except IntegrityError:  # the same key sent twice at once: the other request answered it
        return _answer(event["key"], True, "", lesson=event["lesson"], again=True)
    except ValidationError:
        _remember(user, event, "error")
        return _answer(event["key"], False, "error", lesson=event["lesson"])
    return _answer(
        event["key"],
        True,
        "",
        lesson=lesson.pk,
        done=progress.done_at is not None,
        completed=enrolment.completed_at is not None,
    )


def _remember(user, event, code: str) -> None:
    try:
        with transaction.atomic():
            OfflineEvent.objects.create(
                person_id=user.person_id,
                key=event["key"],
                lesson_id_sent=event["lesson"],
                made_at=event["at"],
                accepted=False,
                reason=code,
            )
    except IntegrityError:
        pass


def _answer(key, accepted: bool, code: str, lesson=None, done=False, completed=False, again=False):
    return {
        "key": key,
        "accepted": accepted,
        "reason": code,
        "message": reasons().get(code, "") if code else "",
        "lesson": lesson,
        "done": done,
        "completed": completed,
        "again": again,
    }
