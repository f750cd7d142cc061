"""Issue 24 §1: the inbox at /notifications/ (newest first, the unread in bold, marked read one
by one or all at once, a link to the object), the choices at /notifications/preferences/, and
the bell with the unread count in every page's header. Each user sees their own only: another
user's notice is not found."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification, Preference
from notifications.services import notify


def tell(user, subject: str, url: str = "/me/") -> Notification:
    [notice] = notify(
        recipients=[user], kind="results_recorded", subject=subject, body="Chi tiết", url=url
    )
    return notice


@pytest.fixture
def cadre(tree):
    """The self-service cadre, whose inbox holds what the tree's class told him."""
    Notification.objects.filter(recipient=tree.cadre).delete()
    return tree.cadre


def bell(html: str) -> str:
    return re.search(r'<a class="bell".*?</a>', html, re.S).group(0)


def test_the_inbox_lists_ones_own_newest_first_the_unread_in_bold(client, tree, cadre):
    old = tell(cadre, "Thông báo cũ")
    tell(cadre, "Thông báo mới")
    tell(tree.hanoi_officer, "Của người khác")
    Notification.objects.filter(pk=old.pk).update(read_at=old.created_at)
    client.force_login(cadre)
    html = client.get("/notifications/").content.decode()
    assert html.index("Thông báo mới") < html.index("Thông báo cũ")
    assert "Của người khác" not in html
    assert re.search(r"<strong><a [^>]*>Thông báo mới</a></strong>", html)
    assert not re.search(r"<strong><a [^>]*>Thông báo cũ</a></strong>", html)
    assert "Đánh dấu tất cả là đã đọc" in html


def test_opening_a_notice_marks_it_read_and_goes_to_its_object(client, cadre):
    notice = tell(cadre, "Kết quả học tập", url="/me/")
    client.force_login(cadre)
    response = client.get(f"/notifications/open/?id={notice.pk}")
    assert response.status_code == 302 and response["Location"] == "/me/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_link_to_another_site_is_not_followed(client, cadre):
    notice = tell(cadre, "Lạ", url="https://example.com/")
    client.force_login(cadre)
    assert client.get(f"/notifications/open/?id={notice.pk}")["Location"] == "/notifications/"


def test_marking_one_and_all_read(client, cadre):
    first, second, third = (tell(cadre, f"Số {n}") for n in range(3))
    client.force_login(cadre)
    response = client.post("/notifications/read/", {"id": first.pk})
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=cadre, read_at__isnull=True).count() == 2
    client.post("/notifications/read/", {"all": "1"})
    assert not Notification.objects.filter(recipient=cadre, read_at__isnull=True).exists()


def test_another_users_notice_is_not_found(client, tree, cadre):
    theirs = tell(tree.hanoi_officer, "Của Hà Nội")
    client.force_login(cadre)
    assert client.post("/notifications/read/", {"id": theirs.pk}).status_code == 404
    assert client.get(f"/notifications/open/?id={theirs.pk}").status_code == 404
    assert client.get("/notifications/open/?id=abc").status_code == 404
    client.post("/notifications/read/", {"all": "1"})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get("/notifications/read/").status_code == 405


def test_the_pages_want_a_login(client):
    response = client.get("/notifications/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_bell_counts_the_unread_in_one_query(client, tree, cadre):
    client.force_login(cadre)
    assert '<span class="count">' not in bell(client.get("/me/").content.decode())
    for n in range(3):
        tell(cadre, f"Số {n}")
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/me/").content.decode()
    assert '<span class="count">3</span>' in bell(html)
    assert 'aria-label="Thông báo: 3 chưa đọc"' in bell(html)
    counting = [q["sql"] for q in queries if "notifications_notification" in q["sql"]]
    assert len(counting) == 1 and "COUNT(" in counting[0].upper()
    client.post("/notifications/read/", {"all": "1"})
    assert '<span class="count">' not in bell(client.get("/me/").content.decode())


def test_every_role_has_the_bell_and_the_pages(client, tree):
    for user in (tree.admin, tree.hanoi_officer, tree.inspector, tree.cadre):
        client.force_login(user)
        for url in ("/notifications/", "/notifications/preferences/"):
            assert client.get(url).status_code == 200, (user, url)
        assert '<a class="bell"' in client.get("/notifications/").content.decode()


def test_preferences_show_the_kinds_of_ones_role_and_save(client, tree, cadre):
    client.force_login(cadre)
    html = client.get("/notifications/preferences/").content.decode()
    assert "Được nhận vào lớp" in html and "Kết quả học tập của tôi" in html
    assert "Kế hoạch đơn vị cấp dưới gửi lên" not in html  # an officer's work
    assert "Tài khoản và hồ sơ của bạn đều chưa có địa chỉ thư điện tử" in html
    response = client.post(
        "/notifications/preferences/",
        {"results_recorded-channel": "inbox", "results_recorded-timing": "immediate"},
    )
    assert response.status_code == 302
    # A kind the form left out keeps its default; a kind not offered cannot be chosen.
    assert list(Preference.objects.filter(user=cadre).values_list("kind", "channel")) == [
        ("results_recorded", "inbox")
    ]
    client.post("/notifications/preferences/", {"plan_submitted-channel": "inbox"}, follow=True)
    assert not Preference.objects.filter(user=cadre, kind="plan_submitted").exists()


def test_an_officer_chooses_the_units_kinds_too(client, tree):
    client.force_login(tree.melinh_officer)
    tree.melinh_officer.email = "melinh@congdoan.vn"
    tree.melinh_officer.save()
    html = client.get("/notifications/preferences/").content.decode()
    assert "Kế hoạch đơn vị cấp dưới gửi lên" in html
    assert "Thư được gửi tới <strong>melinh@congdoan.vn</strong>." in html
    response = client.post(
        "/notifications/preferences/",
        {"nomination_received-channel": "mail", "nomination_received-timing": "sometimes"},
        follow=True,
    )
    assert "Hãy chọn cách và thời điểm nhận “Người được cử vào lớp của đơn vị tôi”." in (
        response.content.decode()
    )
    assert not Preference.objects.filter(user=tree.melinh_officer).exists()


def test_the_inbox_speaks_english_when_the_reader_does(client, tree, settings):
    """The tree's class told its learner he was accepted; switched to English, the inbox
    writes the notice again in English from the values it kept."""
    client.force_login(tree.cadre)
    assert "Đã được nhận vào lớp “Bồi dưỡng nghiệp vụ công đoàn cơ sở 2024”" in (
        client.get("/notifications/").content.decode()
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/notifications/").content.decode()
    assert "Accepted into the class “Bồi dưỡng nghiệp vụ công đoàn cơ sở 2024”" in html
    assert "runs from 01/04/2024 to 03/04/2024" in html
    assert "Mark all as read" in html
