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
        parser.add_argument(
            "--every-kind",
            action="store_true",
            help="Also fill every other kind of record at national volume (classes, lecturers, "
            "spending, growth, employers, pools, inspections, surveys, online courses: "
            "bench/national_kinds.py). On a database that already has the national data it "
            "only adds what is missing, without generating again.",
        )

    def handle(self, *args, people: int, grassroots: int | None, every_kind: bool, **options):
        if every_kind and Unit.objects.exists():
            self._every_kind()
            return
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
        if every_kind:
            self._every_kind()

    def _every_kind(self):
        from bench.national_kinds import ensure_every_kind

        started = time.monotonic()
        counts = ensure_every_kind()
        added = ", ".join(f"{kind} {count:,}" for kind, count in counts.items())
        self.stdout.write(f"Đã bổ sung: {added} trong {time.monotonic() - started:.0f} giây.")
