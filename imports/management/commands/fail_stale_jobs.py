"""Mark failed every import whose worker died mid-way (see imports.services): for a cron, or
for a deployment to run before it starts `manage.py db_worker`."""

from django.core.management.base import BaseCommand

from imports.services import jobs_fail_stale


class Command(BaseCommand):
    help = "Mark failed the imports whose worker stopped (no heartbeat for IMPORTS_STALE_SECONDS)."

    def handle(self, *args, **options) -> None:
        failed = jobs_fail_stale()
        for job in failed:
            self.stdout.write(f"import {job.pk} ({job.filename}): failed, its worker stopped")
        self.stdout.write(f"{len(failed)} stale import(s) marked failed")
