import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from lib.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Sao lưu toàn bộ cơ sở dữ liệu (mọi bảng, kể cả bảng liên kết) và các tệp trong "
        "MEDIA_ROOT vào một tệp ZIP, kèm manifest với số dòng và tổng kiểm từng bảng. "
        "Khôi phục bằng `manage.py restore`. Với cơ sở dữ liệu PostgreSQL rất lớn, "
        "pg_dump nhanh hơn (docs/backup.md). Tiến độ ghi ra stderr."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Tệp ZIP sẽ ghi, ví dụ backup-2026-01-31.zip")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, path: str, database: str, verbosity: int = 1, **options):
        started = time.monotonic()

        def progress(message: str) -> None:
            if verbosity >= 1:
                self.stderr.write(message)

        try:
            manifest = backup(path, using=database, progress=progress)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        rows = sum(t["rows"] for t in manifest["tables"])
        self.stdout.write(
            f"Đã sao lưu {len(manifest['tables'])} bảng, {rows:,} dòng, "
            f"{len(manifest['media'])} tệp media vào {path} "
            f"({time.monotonic() - started:.1f} giây)."
        )
