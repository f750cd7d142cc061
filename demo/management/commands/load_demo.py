from django.core.management.base import BaseCommand

from demo.generator import DEMO_ACCOUNTS, PASSWORD, load_demo
from units.models import Unit


class Command(BaseCommand):
    help = "Load the deterministic demo data (into an empty database) and list the accounts."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing (but list the accounts) when units already exist.")

    def handle(self, *args, if_empty=False, **options):
        if Unit.objects.exists():
            if not if_empty:
                self.stderr.write("Cơ sở dữ liệu đã có dữ liệu: không nạp dữ liệu mẫu.")
                return
        else:
            self.stdout.write("Đang nạp dữ liệu mẫu…")
            counts = load_demo()
            self.stdout.write("Đã nạp: {units} đơn vị ({grassroots} CĐCS), {people} người, "
                              "{positions} chức vụ.".format(**counts))
        self.stdout.write(f"\nTài khoản mẫu (mật khẩu chung: {PASSWORD}):")
        for username, _role, unit_code, label in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<11} {label} [{unit_code}]")
