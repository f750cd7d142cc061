"""Queue the phone version (elearning.video) of the video lessons that have none: those saved
before phone versions were made, and with --failed those whose making failed (after a limit
was raised, say). The worker makes them, one at a time."""

from django.core.management.base import BaseCommand
from django.db import transaction

from elearning.models import Lesson, LessonKind, PhoneVideo
from elearning.tasks import phone_video_queue


class Command(BaseCommand):
    help = "Queue the phone version of the video lessons that have none."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--failed", action="store_true", help="also the lessons whose phone version failed"
        )

    def handle(self, *args, failed: bool, **options) -> None:
        states = [""] + ([PhoneVideo.FAILED] if failed else [])
        lessons = Lesson.objects.filter(kind=LessonKind.VIDEO, phone_status__in=states).exclude(
            file=""
        )
        count = 0
        for lesson in lessons.iterator():
            with transaction.atomic():
                phone_video_queue(lesson)
            count += 1
        self.stdout.write(f"{count} phone version(s) queued")
