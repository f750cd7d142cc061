from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts import twofactor
from accounts.models import User


class Command(BaseCommand):
    help = (
        "Cấp mã thiết lập đăng nhập hai bước dùng một lần cho một tài khoản bắt buộc đăng "
        "nhập hai bước (quản trị hệ thống) chưa có thiết bị: người đó nhập mã sau mật khẩu "
        "rồi mới quét được mã QR. Mã hết hạn sau 24 giờ; cấp mã mới thì mã cũ hết hiệu "
        "lực. --reset xóa thiết bị cũ trước (mất điện thoại, không còn quản trị nào khác)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Xóa thiết bị hiện có của tài khoản trước khi cấp mã.",
        )

    def handle(self, *args, username: str, reset: bool = False, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {username!r}.")
        if not user.two_factor_required:
            raise CommandError(
                f"{username} không bắt buộc đăng nhập hai bước: tự bật ở trang "
                "Tài khoản, không cần mã thiết lập."
            )
        if reset:
            twofactor.devices_remove(user)
        elif twofactor.has_device(user):
            raise CommandError(f"{username} đã có thiết bị. Nếu bị mất, chạy lại với --reset.")
        code, expires_at = twofactor.enrolment_code_issue(user)
        until = timezone.localtime(expires_at)
        self.stdout.write(
            f"Mã thiết lập đăng nhập hai bước của {username}: {code}\n"
            f"Dùng một lần, đến {until:%d/%m/%Y %H:%M}. Trao tận tay hoặc qua "
            "điện thoại, không gửi email."
        )
