"""Remind the learners of every published course who have not started or have stalled."""

from django.core.management.base import BaseCommand, CommandError

from elearning import reminders


class Command(BaseCommand):
    help = (
        "Remind the learners of every published online course who have not started or "
        "have had no activity for N days (in the system, and by email when they have an "
        "address); nobody is reminded of a course twice within N days. Run it daily."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=reminders.DEFAULT_STALLED_DAYS,
            help="stalled after this many days without activity, and the "
            "least time between two reminders (default 14)",
        )
        parser.add_argument(
            "--assigned",
            action="store_true",
            help="also remind people assigned a course who have not enrolled",
        )

    def handle(self, *args, days: int, assigned: bool, **options) -> None:
        if days < 1:
            raise CommandError("--days must be at least 1")
        sent = reminders.send_all_reminders(days=days, include_assigned=assigned)
        for course, count in sent.items():
            if count:
                self.stdout.write(f"{course.code}: {count} reminder(s)")
        self.stdout.write(
            f"Done: {sum(sent.values())} reminder(s) for {len(sent)} published course(s)."
        )
