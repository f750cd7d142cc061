"""Load a course archive as a new draft course of a unit."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.access import SYSTEM
from elearning import exchange
from units.models import Unit


class Command(BaseCommand):
    help = (
        "Import an online course archive (.zip, as exported) as a new draft course of the "
        "unit given; nothing is written when the archive is refused."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="the .zip archive")
        parser.add_argument("--unit", required=True, help="code of the organiser unit")
        parser.add_argument(
            "--code",
            help="the new course's code (default: the archive's, with a suffix when taken)",
        )

    def handle(self, *args, path: str, unit: str, code: str | None, **options) -> None:
        organiser = Unit.objects.filter(code__iexact=unit).first()
        if organiser is None:
            raise CommandError(f"No unit with code {unit!r}.")
        try:
            course = exchange.import_course(user=SYSTEM, archive=path, unit=organiser, code=code)
        except FileNotFoundError as exc:
            raise CommandError(f"No file {path!r}.") from exc
        except OSError as exc:  # a folder, a file it may not read
            raise CommandError(f"Cannot read {path!r}: {exc.strerror}.") from exc
        except ValidationError as exc:
            raise CommandError("The archive was refused:\n- " + "\n- ".join(exc.messages)) from exc
        self.stdout.write(f"Imported {course.code} — {course.title} (draft) for {organiser.code}.")
