"""The Django admin speaks Vietnamese too (issue 23 §6): ""Quản trị → Chỉ tiêu" opens the Django
admin with English left over ("Access attempts", "TOTP devices", "Task Results", "Choose all
chức danh", "Skip to main content")… the Django admin stays for system administrators only and
is fully Vietnamese too."

The words come from Django's and the third-party apps' catalogues; those they lack are in
targets/locale, and those they never translate are given in targets/admin.py."""

import json
import re
from html.parser import HTMLParser

import pytest

from accounts.models import UserRole
from targets.models import Target
from tests.conftest import make_user

# Left in English before (the and those found beside them).
ENGLISH = [
    "Skip to main content",
    "Access attempts",
    "Access failures",
    "Access logs",
    "TOTP devices",
    "TOTP device",
    "Task Results",
    "Tasks Database Backend",
    "Otp_Totp",
    "Axes",
    "Toggle theme",
    "Model name",
    "Change or view list link",
    "Every topic required",
    "Django site admin",
    "Django administration",
    "Trang web admin Django",
]


class Text(HTMLParser):
    """What a reader sees and hears of a page: its text and its labels (not its scripts)."""

    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")
        self.parts += [v for k, v in attrs if k in ("title", "aria-label", "alt", "placeholder")]

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.parts.append(data.strip())


def text(response) -> str:
    assert response.status_code == 200
    parser = Text()
    parser.feed(response.content.decode())
    return "\n".join(parser.parts)


@pytest.fixture
def administrator(client, tree):
    user = make_user("root", tree.vgcl, UserRole.SYSTEM_ADMIN, is_superuser=True)
    client.force_login(user)  # with the second factor (tests/conftest.py)
    return user


def test_the_admin_index_names_every_app_and_kind_of_data_in_vietnamese(client, administrator):
    shown = text(client.get("/admin/"))
    assert not [word for word in ENGLISH if word in shown], shown
    for vietnamese in (
        "Chuyển đến nội dung chính",
        "Đăng nhập",  # django-axes
        "Lần thử đăng nhập",
        "Xác thực hai lớp",  # django-otp
        "Thiết bị xác thực (TOTP)",
        "Tác vụ nền",  # django-tasks-db
        "Kết quả tác vụ nền",
        "Đào tạo, bồi dưỡng cán bộ công đoàn — quản trị",
    ):
        assert vietnamese in shown


@pytest.mark.parametrize(
    "url",
    [
        "/admin/axes/accessattempt/",
        "/admin/axes/accesslog/",
        "/admin/otp_totp/totpdevice/",
        "/admin/django_tasks_database/dbtaskresult/",
        "/admin/targets/target/",
        "/admin/targets/snapshot/",
        "/admin/audit/logentry/",
    ],
)
def test_a_list_of_the_admin_is_in_vietnamese(client, administrator, url):
    shown = text(client.get(url))
    assert not [word for word in ENGLISH if word in shown], shown
    assert "Show counts" not in shown and "Select all objects" not in shown


def test_a_target_and_a_two_factor_device_are_changed_in_vietnamese(client, administrator):
    target = Target.objects.get(code="T-003-2")
    shown = text(client.get(f"/admin/targets/target/{target.pk}/change/"))
    assert not [word for word in ENGLISH if word in shown], shown
    assert "Phải học đủ mọi chuyên đề" in shown

    device = administrator.totpdevice_set.get()
    shown = text(client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/"))
    assert not [word for word in ENGLISH if word in shown], shown
    for english in ("The user that this device belongs to.", "Identity", "Throttling", "Drift"):
        assert english not in shown
    assert "Người dùng sở hữu thiết bị này." in shown and "Hạn chế nhập sai" in shown


def test_the_admins_scripts_choose_in_vietnamese(client, administrator):
    """The two-box pickers of a target's roles said "Choose all chức danh"."""
    target = Target.objects.get(code="T-003-2")
    page = client.get(f"/admin/targets/target/{target.pk}/change/").content.decode()
    assert "SelectFilter2.js" in page and "/admin/jsi18n/" in page
    script = client.get("/admin/jsi18n/").content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S).group(1))
    assert catalog["Choose all %s"] == "Chọn tất cả %s"
    assert catalog["Remove all %s"] == "Bỏ tất cả %s"
    assert catalog["abbrev. day Monday\x04Mon"] == "T2"  # the calendar
    assert catalog["Chosen %s"]  # the admin's own Vietnamese is still read


def test_the_admin_stays_for_system_administrators(client, tree):
    client.force_login(tree.hanoi_officer)
    assert client.get("/admin/targets/target/").status_code == 302  # to the admin's login


def test_a_computation_running_is_not_a_class_in_session():
    """The word "Running" alone is a class's status, "Đang học" (in session): a snapshot's or a
    store's computation that runs read "Đang học" too in the admin's lists; it is "Đang chạy"."""
    from django.utils import translation

    from cadrework.models import EvaluationStore, RetentionStore
    from planning.models import NewCadreStore
    from targets.models import Snapshot
    from training.models import BasicTrainingStore, ClassStatus
    from units.models import CountStore

    with translation.override("vi"):
        assert ClassStatus.RUNNING.label == "Đang học"
        for model in (
            Snapshot,
            CountStore,
            BasicTrainingStore,
            NewCadreStore,
            EvaluationStore,
            RetentionStore,
        ):
            assert model.Status.RUNNING.label == "Đang chạy", model
