"""Write a course's archive (course.json and its lesson files) to a .zip file."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from elearning import exchange
from elearning.models import Course


class Command(BaseCommand):
    help = "Export an online course, by its code, as one .zip archive."

    def add_arguments(self, parser) -> None:
        parser.add_argument("code", help="the course's code")
        parser.add_argument("path", help="the .zip file to write")

    def handle(self, *args, code: str, path: str, **options) -> None:
        course = Course.objects.filter(code=code).first()
        if course is None:
            raise CommandError(f"No course with code {code!r}.")
        target = Path(path)
        try:
            with open(target, "wb") as handle:
                document = exchange.export_course(course, handle)
        except ValidationError as exc:
            target.unlink(missing_ok=True)
            raise CommandError(" ".join(exc.messages)) from exc
        lessons = sum(len(m["lessons"]) for m in document["modules"])
        self.stdout.write(
            f"Wrote {target}: {len(document['modules'])} module(s), {lessons} "
            f"lesson(s), {len(document['questions'])} question(s)."
        )
