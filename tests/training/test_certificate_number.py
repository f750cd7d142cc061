"""A certificate's number carries its year as written, and the public verification page
says plainly whether a code is valid (issue 23 §3).

Issue 23: "The number prints the year as "00001/2.026" (and "…/2.020" in the demo): years
and ids must never be localised as numbers anywhere." — "The public `/verify/` page shows
the number and says "không hợp lệ" for an unknown code (today: "nằm ngoài phạm vi đơn vị
của bạn")."""

from accounts.access import SYSTEM
from training.models import TrainingRecord
from training.services import certificate_issue


def numbered(tree):
    record = TrainingRecord.objects.get(enrolment__training_class=tree.ml_class)
    return certificate_issue(user=SYSTEM, record=record)


def test_the_certificate_and_its_verification_show_the_year_as_written(client, tree):
    record = numbered(tree)
    year = record.certificate_year
    assert year >= 1000  # a year a thousands separator would break
    number = f"{record.certificate_number}/{year}"
    client.force_login(tree.hanoi_officer)
    page = client.get(f"/training/records/{record.pk}/certificate/").content.decode()
    assert f'id="certificate-number">{number}<' in page
    assert f"{year // 1000}.{year % 1000:03d}" not in page
    client.logout()
    response = client.get(f"/verify/{record.verification_code}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="certificate-number">{number}<' in body and "Không hợp lệ" not in body


def test_an_unknown_or_unnumbered_code_is_said_not_valid(client, tree):
    unnumbered = TrainingRecord.objects.get(enrolment__training_class=tree.ml_class)
    client.force_login(tree.hanoi_officer)  # whoever scans it, signed in or not
    for code in (unnumbered.verification_code, "00000000-0000-0000-0000-000000000000"):
        response = client.get(f"/verify/{code}/")
        body = response.content.decode()
        assert response.status_code == 404
        assert "Không hợp lệ: không có giấy chứng nhận nào được cấp với mã này." in body
        assert "phạm vi" not in body and unnumbered.person.full_name not in body
