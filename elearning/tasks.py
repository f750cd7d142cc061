"""Background work of e-learning: the phone version of a video lesson (elearning.video), made
by the worker once the lesson's save commits. `lesson_saved` (called by services.lesson_save)
queues it; `make_phone_video` is what the worker runs."""

from django.db import transaction
from django_tasks import task

from elearning.models import Lesson, LessonKind, PhoneVideo
from elearning.video import phone_video_make


@task()
def make_phone_video(lesson_id: int) -> None:
    phone_video_make(lesson_id)


def lesson_saved(lesson: Lesson, *, kind_before: str | None, file_before: str | None) -> None:
    """After services.lesson_save: a video lesson with a new file (or none made yet) gets a
    new phone version; a lesson that is no video any more loses its own."""
    if lesson.kind != LessonKind.VIDEO or not lesson.file:
        phone_video_clear(lesson)
    elif (
        kind_before != LessonKind.VIDEO
        or lesson.file.name != file_before
        or not lesson.phone_status
    ):
        phone_video_queue(lesson)


def phone_video_queue(lesson: Lesson) -> None:
    """Mark the lesson's phone version as being prepared and queue it once the lesson's save
    commits (a course archive writes the files after the rows, in the same transaction)."""
    old = lesson.phone_file.name
    Lesson.objects.filter(pk=lesson.pk).update(
        phone_file="", phone_status=PhoneVideo.PENDING, phone_reason=""
    )
    lesson.phone_file, lesson.phone_status, lesson.phone_reason = "", PhoneVideo.PENDING, ""
    pk = lesson.pk

    def queue() -> None:
        if old:
            Lesson._meta.get_field("phone_file").storage.delete(old)
        make_phone_video.enqueue(pk)

    transaction.on_commit(queue)


def phone_video_clear(lesson: Lesson) -> None:
    """A lesson that is no video any more (or lost its file) keeps no phone version."""
    old = lesson.phone_file.name
    if not old and not lesson.phone_status:
        return
    Lesson.objects.filter(pk=lesson.pk).update(phone_file="", phone_status="", phone_reason="")
    lesson.phone_file, lesson.phone_status, lesson.phone_reason = "", "", ""
    if old:
        storage = Lesson._meta.get_field("phone_file").storage
        transaction.on_commit(lambda: storage.delete(old))
