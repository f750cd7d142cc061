from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts import twofactor
from accounts.models import User
from demo.generator import DEMO_ACCOUNTS, PASSWORD, load_demo
from units.models import Unit


class Command(BaseCommand):
    help = (
        "Load the deterministic demo data into an empty database, then list the demo "
        "accounts. A database that already has units is left alone (exit status 0)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Say nothing about existing data; just list the accounts (what `make run` uses).",
        )

    def handle(self, *args, if_empty: bool = False, **options):
        if Unit.objects.exists():
            if not if_empty:
                self.stdout.write(
                    "Cơ sở dữ liệu đã có đơn vị: không nạp lại dữ liệu mẫu. "
                    "Dùng một cơ sở dữ liệu trống để nạp dữ liệu mẫu."
                )
        else:
            self.stdout.write("Đang nạp dữ liệu mẫu…")
            counts = load_demo()
            n = {key: f"{value:,}".replace(",", ".") for key, value in counts.items()}
            self.stdout.write(
                "Đã nạp: {units} đơn vị ({grassroots} CĐCS), {people} người, "
                "{positions} chức vụ.".format(**n)
            )
        self.print_accounts()
        self.print_enrolment_codes()

    def print_accounts(self) -> None:
        width = max(len(username) for username, *_ in DEMO_ACCOUNTS)
        role_width = max(len(label) for _, label, _ in DEMO_ACCOUNTS)
        self.stdout.write(f"\nTài khoản mẫu (mật khẩu chung: {PASSWORD}):")
        self.stdout.write(f"  {'Tài khoản':<{width}}  {'Vai trò':<{role_width}}  Đơn vị")
        for username, label, unit in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<{width}}  {label:<{role_width}}  {unit}")

    def print_enrolment_codes(self) -> None:
        """The demo's administrator sets up two-factor login at the first login, which takes
        a one-time enrolment code (accounts.twofactor): this command, run by whoever runs the
        demo, hands one out — never in production, where the operator issues them."""
        if settings.PRODUCTION:
            return
        usernames = [username for username, *_ in DEMO_ACCOUNTS]
        for user in User.objects.filter(username__in=usernames).order_by("username"):
            if user.two_factor_required and not twofactor.has_device(user):
                code, expires_at = twofactor.enrolment_code_issue(user)
                self.stdout.write(
                    f"\nĐăng nhập hai bước của {user.username}: sau mật khẩu, nhập mã thiết lập "
                    f"{code} (dùng một lần, đến {timezone.localtime(expires_at):%d/%m/%Y %H:%M}"
                    "), rồi quét mã QR bằng ứng dụng xác thực."
                )
