from django.core.management.base import BaseCommand, CommandError

from demo.national import generate
from units.models import Unit


class Command(BaseCommand):
    help = ("Generate national-scale data (COPY on PostgreSQL) into an EMPTY database, for "
            "benchmarks. Accounts bench_admin / bench_province, password Bench@2026.")

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=1_000_000)
        parser.add_argument("--grassroots", type=int, default=None,
                            help="Default: one grassroots union per 7 people.")

    def handle(self, *args, people, grassroots, **options):
        if Unit.objects.exists():
            raise CommandError("Cơ sở dữ liệu phải trống (chỉ có dữ liệu danh mục).")
        if people < 1 or (grassroots is not None and grassroots < 1):
            raise CommandError("--people và --grassroots phải lớn hơn 0.")
        counts = generate(people, grassroots or max(1, people // 7))
        self.stdout.write("Đã tạo {units:,} đơn vị, {people:,} người, {positions:,} chức vụ."
                          .format(**counts))
