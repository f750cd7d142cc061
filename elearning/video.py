"""The phone version of a video lesson (issue 25 §3: "lessons (text, PDF, video at a phone's
bitrate) can be saved for offline reading").

When a video lesson's file is saved (the form, the API, a course archive: all through
services.lesson_save), the worker makes a copy a phone plays and keeps: at most 360p, about
460 kbit/s, a fast-start MP4 (elearning.transcode). The lesson page offers it on a small screen
or a slow connection, and "Save for offline reading" keeps it instead of the original.

The source is whatever the organiser uploaded, so it is treated as hostile: FFmpeg reads it in
a child process with a memory, CPU-time and file-size limit and a wall-clock timeout; a source
too long or too large is refused before it is decoded. Whatever goes wrong ends with the
lesson's `phone_status` "failed" and a reason in Vietnamese the organiser sees on the course
page; the lesson still plays its original file."""

import json
import logging
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from elearning.models import Lesson, LessonKind, PhoneVideo

log = logging.getLogger(__name__)

MAX_SECONDS = 3 * 3600  # a recorded training day is cut into lessons well under this
MAX_PIXELS = 3840 * 2160  # 4K: a larger picture is no lecture filmed for a course
# The wall-clock time allowed: 60 s of 1080p took 25 s on two shared cores (2.4 times faster
# than it plays), so as long as the video lasts, plus five minutes, is a hang, not slowness.
WALL_BASE_SECONDS = 300
WALL_PER_SECOND = 1.0
PROBE_SECONDS = 60  # reading the file's header
MEMORY_BYTES = 2 * 1024**3  # address space: decoding 4K H.264 with threads fits in it
OUTPUT_BYTES = 1024**3  # 3 h at 464 kbit/s is 630 MB
TRANSCODE = Path(__file__).with_name("transcode.py")
PHONE_KINDS = {"mp4": OUTPUT_BYTES}  # what a phone version is served as, read from its bytes


def reason(answer: dict) -> str:
    """What the organiser is told when no phone version was made (`answer` as _run gives)."""
    if answer["error"] == "too_slow":
        minutes = max(1, round(answer["wall"] / 60))
        return _("Making the phone version took longer than %(minutes)s minutes: stopped.") % {
            "minutes": minutes
        }
    return reasons()[answer["error"]]


def reasons() -> dict[str, str]:
    """The child's codes (elearning/transcode.py) and the worker's own, with their text."""
    return {
        "unreadable": _("The file cannot be read as a video."),
        "no_video": _("The file holds no picture."),
        "too_long": _("The video is longer than %(hours)s hours: no phone version is made.")
        % {"hours": int(MAX_SECONDS // 3600)},
        "too_large": _("The picture of the video is larger than 4K: no phone version is made."),
        "crashed": _("Making the phone version failed (the video is damaged or too heavy)."),
        "missing": _("The file of the lesson is missing on the server."),
    }


def phone_video_make(lesson_id: int) -> Lesson | None:
    """What the worker runs: make the lesson's phone version from its file, or record why
    not. A lesson whose file changed meanwhile is left to the job its change queued."""
    lesson = Lesson.objects.filter(pk=lesson_id).first()
    if lesson is None or lesson.kind != LessonKind.VIDEO or not lesson.file:
        return None
    source_name = lesson.file.name
    with tempfile.TemporaryDirectory(prefix="phone-video-") as work:
        target = Path(work) / "phone.mp4"
        failure = _run(lesson, Path(work), target)
        with transaction.atomic():
            current = Lesson.objects.select_for_update().filter(pk=lesson_id).first()
            if current is None or current.file.name != source_name:
                return current  # replaced while we worked: its own job makes its version
            if failure is None:
                stem = PurePosixPath(source_name).stem[:80]
                with target.open("rb") as made:
                    current.phone_file.save(f"{stem}-360p.mp4", File(made), save=False)
                current.phone_status, current.phone_reason = PhoneVideo.READY, ""
            else:
                with translation.override(settings.LANGUAGE_CODE):  # recorded in Vietnamese
                    current.phone_status = PhoneVideo.FAILED
                    current.phone_reason = reason(failure)
            current.save(update_fields=["phone_file", "phone_status", "phone_reason"])
    return current


def _run(lesson: Lesson, work: Path, target: Path) -> dict | None:
    """Transcode in a child process; None when the phone version is in `target`, else
    {"error": code, …} (elearning.video.reason)."""
    storage, name = lesson.file.storage, lesson.file.name
    try:
        source = Path(storage.path(name))
    except NotImplementedError:  # a remote storage: the child reads a local copy
        source = work / "source"
        try:
            with storage.open(name, "rb") as remote, source.open("wb") as local:
                shutil.copyfileobj(remote, local)
        except OSError:
            return {"error": "missing"}
    if not source.exists():
        return {"error": "missing"}
    # First what the file says of itself (a quick look, bounded like the rest), then the
    # work, allowed as long as the video lasts plus a margin; a picture past the length it
    # declared is refused, so a file cannot claim a short length and run for hours.
    answer = _child(
        ["--probe", str(source), str(MAX_SECONDS), str(MAX_PIXELS)], work, PROBE_SECONDS
    )
    if "error" in answer:
        return answer
    declared = answer.get("seconds")
    if isinstance(declared, int | float) and 0 <= declared <= MAX_SECONDS:
        longest = min(MAX_SECONDS, declared + 2)
        wall = WALL_BASE_SECONDS + WALL_PER_SECOND * longest
    else:  # no length in the file (a recording in the browser, say): the outer bounds
        longest, wall = MAX_SECONDS, WALL_BASE_SECONDS + WALL_PER_SECOND * MAX_SECONDS
    answer = _child([str(source), str(target), str(longest), str(MAX_PIXELS)], work, wall)
    if "error" in answer:
        return answer
    if target.exists() and target.stat().st_size > 0:
        return None
    return {"error": "crashed"}


def _child(arguments: list[str], work: Path, wall: float) -> dict:
    """Run elearning/transcode.py with the limits and a wall-clock timeout: its answer, or
    {"error": code} when it was stopped, died or said nothing readable."""
    try:
        finished = subprocess.run(
            [sys.executable, "-I", str(TRANSCODE), *arguments],
            capture_output=True,
            timeout=wall,
            preexec_fn=partial(_limits, wall),
            env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"},
            cwd=work,
        )
    except subprocess.TimeoutExpired:  # run() has killed it
        return {"error": "too_slow", "wall": wall}
    try:
        answer = json.loads(finished.stdout.decode().strip().splitlines()[-1])
    except (ValueError, IndexError, UnicodeDecodeError):
        answer = None
    if finished.returncode != 0 or not isinstance(answer, dict):
        log.warning("phone video: the child ended with %s", finished.returncode)
        return {"error": "crashed"}
    if "error" in answer:
        return answer if answer["error"] in reasons() else {"error": "crashed"}
    return answer if answer.get("ok") is True else {"error": "crashed"}


def _limits(wall: float) -> None:
    """In the child, before it runs: bounds on what a crafted file can make it take."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    cpu = int(2 * wall) + 1  # two threads busy for the whole wall-clock limit
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_BYTES, OUTPUT_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.nice(10)  # the web pages come first
