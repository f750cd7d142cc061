import time

from django.core.management.base import BaseCommand, CommandError

from bench.national import ADMIN, PASSWORD, PROVINCE_OFFICER, generate
from units.models import Unit


class Command(BaseCommand):
    help = (
        "Generate national-scale data for benchmarks: the confederation, 34 provinces, "
        "20 central sector and corporation unions, ~700 upper-grassroots unions, the "
        "grassroots unions and N people each holding one or two positions, with ~5.2 "
        "training records each over 2016-2026 (external records: topics, organiser, "
        "some on a framework programme). Needs a "
        "database WITHOUT units (migrated, reference data only): it does not add to the "
        f"demo. Creates the accounts {ADMIN} (national) and {PROVINCE_OFFICER} (Hà Nội), "
        f"password {PASSWORD}. Uses COPY on PostgreSQL; progress goes to stderr."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--people",
            type=int,
            default=1_000_000,
            help="People holding positions (default 1,000,000).",
        )
        parser.add_argument(
            "--grassroots", type=int, default=None, help="Grassroots unions (default: people / 7)."
        )

    def handle(self, *args, people: int, grassroots: int | None, **options):
        grassroots = grassroots if grassroots is not None else max(1, people // 7)
        if people < 1 or grassroots < 1:
            raise CommandError("--people và --grassroots phải lớn hơn 0.")
        if Unit.objects.exists():
            raise CommandError(
                "Cơ sở dữ liệu đã có đơn vị: generate_national cần một cơ sở "
                "dữ liệu trống (chỉ có dữ liệu danh mục)."
            )
        started = time.monotonic()
        counts = generate(people, grassroots)
        self.stdout.write(
            "Đã tạo {units:,} đơn vị ({grassroots:,} CĐCS), {people:,} người, "
            "{positions:,} chức vụ, {records:,} hồ sơ đào tạo ({record_topics:,} "
            "chủ đề)".format(**counts)
            + f" trong {time.monotonic() - started:.0f} giây."
        )
