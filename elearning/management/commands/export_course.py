"""Write a course's archive (course.json and its lesson files) to a .zip file, or the course as
a SCORM 1.2 package or an IMS Common Cartridge (--format)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from elearning import exchange, scorm_export
from elearning.models import Course

FORMATS = {
    "scorm12": scorm_export.write_scorm12,
    "cc": scorm_export.write_common_cartridge,
}


class Command(BaseCommand):
    help = "Export an online course, by its code, as one .zip archive."

    def add_arguments(self, parser) -> None:
        parser.add_argument("code", help="the course's code")
        parser.add_argument("path", help="the file to write")
        parser.add_argument(
            "--format",
            choices=["own", *FORMATS],
            default="own",
            help="own: this system's archive (default); scorm12: a SCORM 1.2 package (.zip); "
            "cc: an IMS Common Cartridge 1.1 (.imscc), quizzes left out",
        )

    def handle(self, *args, code: str, path: str, format: str, **options) -> None:
        course = Course.objects.filter(code=code).first()
        if course is None:
            raise CommandError(f"No course with code {code!r}.")
        target = Path(path)
        try:
            with open(target, "wb") as handle:
                if format in FORMATS:
                    FORMATS[format](course, handle)
                else:
                    document = exchange.export_course(course, handle)
        except ValidationError as exc:
            target.unlink(missing_ok=True)
            raise CommandError(" ".join(exc.messages)) from exc
        if format in FORMATS:
            self.stdout.write(f"Wrote {target}: {course.code} as {format}.")
            return
        lessons = sum(len(m["lessons"]) for m in document["modules"])
        self.stdout.write(
            f"Wrote {target}: {len(document['modules'])} module(s), {lessons} "
            f"lesson(s), {len(document['questions'])} question(s)."
        )
