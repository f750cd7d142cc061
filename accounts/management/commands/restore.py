import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from lib.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Khôi phục một bản sao lưu của `manage.py backup` vào cơ sở dữ liệu vừa migrate "
        "(cùng phiên bản migration). Dữ liệu tham chiếu do migration tạo sẵn được thay bằng "
        "dữ liệu trong bản sao lưu. Mọi thứ chạy trong một giao dịch: nếu số dòng hoặc tổng "
        "kiểm của bảng nào không khớp, không có gì được ghi. Cơ sở dữ liệu đã có dữ liệu "
        "khác: từ chối, trừ khi dùng --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Tệp ZIP do `manage.py backup` tạo")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Xoá toàn bộ dữ liệu hiện có rồi thay bằng bản sao lưu.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, path: str, replace: bool, database: str, verbosity: int = 1, **options):
        started = time.monotonic()

        def progress(message: str) -> None:
            if verbosity >= 1:
                self.stderr.write(message)

        try:
            manifest = restore(path, using=database, replace=replace, progress=progress)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        rows = sum(t["rows"] for t in manifest["tables"])
        self.stdout.write(
            f"Đã khôi phục {len(manifest['tables'])} bảng, {rows:,} dòng, "
            f"{len(manifest['media'])} tệp media từ {path} (sao lưu lúc {manifest['created_at']}, "
            f"{manifest['vendor']}); số dòng và tổng kiểm từng bảng khớp "
            f"({time.monotonic() - started:.1f} giây)."
        )
