"""Mail the notifications that are due: those to send at once that are still pending (new,
or failed and due to be tried again) and, from NOTIFICATIONS_DIGEST_HOUR on, yesterday's daily
digests. The background worker (`manage.py run_worker`) runs this every minute; run it by hand
after fixing the mail server's settings, with --retry-failed for the mail given up on."""

from django.core.management.base import BaseCommand

from notifications import delivery


class Command(BaseCommand):
    help = "Send the notifications' mail that is due (retries and daily digests)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="try again the mail given up on after too many failed attempts",
        )

    def handle(self, *args, retry_failed: bool, **options) -> None:
        if retry_failed:
            queued = delivery.retry_failed()
            self.stdout.write(f"{queued} notifications given up on are queued again")
        done = delivery.deliver_due()
        self.stdout.write(
            f"sent {done.sent}, failed {done.failed} (tried again later), "
            f"without an address {done.no_address}"
        )
