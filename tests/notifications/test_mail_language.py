"""Issue 24 §1: "Messages are Vietnamese, with the English switch" — a user who switched the
system to English gets their mail in English (the notice, its link and footer, their digest);
everyone else's stays Vietnamese. Read from a real SMTP server."""

from django.test import Client

from accounts.models import User
from notifications.delivery import deliver_pending
from tests.notifications.test_events import deliver, nominate
from training.services import enrolment_accept


def switch(user, language: str) -> None:
    client = Client()
    client.force_login(user)
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == language  # Django's switch still


def test_the_language_switch_is_remembered_and_the_mail_follows_it(smtp, world):
    switch(world.cadre, "en")
    assert User.objects.get(pk=world.cadre.pk).language == "en"
    enrolment_accept(user=world.melinh_officer, enrolment=nominate(world))
    deliver_pending()
    [mail] = smtp.to("an.nguyen@example.vn")
    assert mail.subject == "Accepted into the class “Lớp mở”"
    assert "You have been accepted into the class “Lớp mở”." in mail.body
    assert "Open: https://daotao.congdoan.vn/notifications/open/?id=" in mail.body
    assert "please do not reply" in mail.body
    deliver()  # the nominating officer, who never switched, reads Vietnamese
    [digest] = smtp.to("truong@example.vn")
    assert digest.subject.startswith("Tổng hợp thông báo đến hết ngày")
    assert "Được nhận: Nguyễn Văn An" in digest.body


def test_an_officer_in_english_gets_an_english_digest_and_can_switch_back(smtp, world):
    switch(world.school_officer, "en")
    enrolment_accept(user=world.melinh_officer, enrolment=nominate(world))
    deliver()
    [digest] = smtp.to("truong@example.vn")
    assert digest.subject.startswith("Notifications up to ")
    assert "Your notifications up to the end of" in digest.body
    assert "Accepted: Nguyễn Văn An" in digest.body
    switch(world.school_officer, "vi")
    assert User.objects.get(pk=world.school_officer.pk).language == "vi"


def test_an_anonymous_switch_changes_no_account(client, world):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert not User.objects.filter(language="en").exists()
