"""Certificates worth signing (issue 23 §3): "A certificate carries place and date, the signer's
title and name, and the organiser's letterhead per Decree 30/2020's layout; each organiser keeps
its own template (logo, signer, wording) chosen from a few built-in layouts; PDF for one or all,
the QR on each." And §1: "certificates numbered and printed for the whole class at once as one
PDF"."""

import datetime as dt
import io

import pypdfium2
import pytest
import zxingcpp
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.access import SYSTEM
from tests.training.test_class_life import open_class  # noqa: F401  (the fixture)
from tests.training.test_waiting_list import nominated  # noqa: F401  (5 people)
from training.certificates import decree30_date
from training.models import CertificateTemplate, TrainingRecord
from training.services import (
    class_set_status,
    class_update,
    enrolment_accept,
    results_record,
)

TEMPLATE = {
    "layout": "portrait",
    "governing_body": "",
    "symbol": "GCN-LĐLĐ",
    "place": "Mê Linh",
    "title": "GIẤY CHỨNG NHẬN",
    "wording": "Đã hoàn thành khóa bồi dưỡng",
    "signer_authority": "TM. BAN THƯỜNG VỤ",
    "signer_title": "CHỦ TỊCH",
    "signer_name": "Trần Văn Ký",
}


@pytest.fixture
def passed_class(tree, open_class, nominated):  # noqa: F811
    """The Mê Linh class of 10–12/03/2025, its five participants passed."""
    class_update(user=SYSTEM, training_class=open_class, capacity=5)
    for e in nominated:
        enrolment_accept(user=tree.melinh_officer, enrolment=e)
    class_set_status(user=SYSTEM, training_class=open_class, status="running")
    for e in nominated:
        results_record(user=SYSTEM, enrolment=e, attendance_percent=100, score=9, passed=True)
    return open_class


def png(size=(40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 0, 0)).save(out, format="PNG")
    return out.getvalue()


def pages_of(pdf: bytes):
    """Each page's text and the QR codes found on it when rendered at 200 dpi."""
    document = pypdfium2.PdfDocument(pdf)
    for page in document:
        text = page.get_textpage().get_text_range()
        picture = page.render(scale=200 / 72).to_pil()
        yield (
            text,
            [
                code.text
                for code in zxingcpp.read_barcodes(picture, formats=zxingcpp.BarcodeFormat.QRCode)
            ],
        )


def test_decree_30_writes_days_under_10_and_months_1_and_2_with_a_zero():
    """Decree 30/2020: "Đối với những số chỉ ngày nhỏ hơn 10 và tháng 1, 2 thì phải ghi thêm số 0
    phía trước"."""
    assert decree30_date(dt.date(2026, 3, 5)) == "ngày 05 tháng 3 năm 2026"
    assert decree30_date(dt.date(2026, 2, 10)) == "ngày 10 tháng 02 năm 2026"
    assert decree30_date(dt.date(2026, 12, 31)) == "ngày 31 tháng 12 năm 2026"


def test_the_whole_class_is_numbered_and_printed_as_one_pdf_each_page_verifiable(
    client, tree, passed_class
):
    client.force_login(tree.melinh_officer)
    client.post(f"/training/certificate-template/?unit={tree.melinh.pk}", TEMPLATE)
    response = client.post(f"/training/classes/{passed_class.pk}/certificates/", follow=True)
    assert "Đã cấp số 5 giấy chứng nhận, từ số 00001/2025 đến số 00005/2025." in (
        response.content.decode()
    )
    records = TrainingRecord.objects.filter(training_class=passed_class).order_by(
        "person__sort_key"
    )
    assert [r.certificate_number for r in records] == ["00001", "00002", "00003", "00004", "00005"]

    response = client.get(f"/training/classes/{passed_class.pk}/certificates/")
    assert response["Content-Type"] == "application/pdf"
    pages = list(pages_of(response.content))
    assert len(pages) == 5
    issued = decree30_date(records[0].certificate_issued_on)
    for record, (text, codes) in zip(records, pages, strict=True):
        flat = " ".join(text.split())
        assert f"Số: {record.certificate_number}/2025/GCN-LĐLĐ" in flat
        assert record.person.full_name in flat
        assert f"Mê Linh, {issued}" in flat
        assert "TM. BAN THƯỜNG VỤ" in flat and "CHỦ TỊCH" in flat and "Trần Văn Ký" in flat
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
        assert "LIÊN ĐOÀN LAO ĐỘNG HUYỆN MÊ LINH" in flat  # the letterhead
        assert codes == [f"http://testserver/verify/{record.verification_code}/"]
        client.logout()
        check = client.get(codes[0].removeprefix("http://testserver"))
        assert check.status_code == 200
        assert f"{record.certificate_number}/2025" in check.content.decode()
        client.force_login(tree.melinh_officer)


def test_a_certificate_keeps_the_signer_of_the_day_it_was_signed(client, tree, passed_class):
    client.force_login(tree.melinh_officer)
    client.post(f"/training/certificate-template/?unit={tree.melinh.pk}", TEMPLATE)
    client.post(f"/training/classes/{passed_class.pk}/certificates/")
    client.post(
        f"/training/certificate-template/?unit={tree.melinh.pk}",
        {**TEMPLATE, "signer_name": "Lê Thị Mới"},
    )
    record = TrainingRecord.objects.filter(training_class=passed_class).first()
    page = client.get(f"/training/records/{record.pk}/certificate/").content.decode()
    assert "Trần Văn Ký" in page and "Lê Thị Mới" not in page
    text, _codes = next(
        pages_of(client.get(f"/training/records/{record.pk}/certificate.pdf").content)
    )  # noqa: E501
    assert "Trần Văn Ký" in text


def test_numbering_the_class_continues_after_the_organisers_last_number_of_the_year(
    client, tree, passed_class
):
    client.force_login(tree.melinh_officer)
    first = TrainingRecord.objects.filter(training_class=passed_class).order_by("pk").first()
    client.post(f"/training/records/{first.pk}/certificate/", {"number": "00041"})
    client.post(f"/training/classes/{passed_class.pk}/certificates/")
    numbers = sorted(
        TrainingRecord.objects.filter(training_class=passed_class).values_list(
            "certificate_number", flat=True
        )
    )
    assert numbers == ["00041", "00042", "00043", "00044", "00045"]
    again = client.post(f"/training/classes/{passed_class.pk}/certificates/", follow=True)
    assert "Mọi giấy chứng nhận của lớp đều đã được cấp số." in again.content.decode()


def test_each_layout_prints(client, tree, passed_class):
    client.force_login(tree.melinh_officer)
    client.post(f"/training/classes/{passed_class.pk}/certificates/")
    for layout in ("portrait", "landscape", "a5"):
        client.post(
            f"/training/certificate-template/?unit={tree.melinh.pk}",
            {**TEMPLATE, "layout": layout, "logo": SimpleUploadedFile("logo.png", png())},
        )
        response = client.get(f"/training/certificate-template/?unit={tree.melinh.pk}&preview=pdf")
        (text, codes), *_rest = pages_of(response.content)
        assert "GIẤY CHỨNG NHẬN" in text and "Nguyễn Văn A" in text and codes


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("logo.png", b"<html><script>alert(1)</script></html>", "phải là ảnh PNG hoặc JPEG"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"></svg>',
            "phải là ảnh PNG hoặc JPEG",
        ),  # noqa: E501
        ("logo.png", png((4001, 10)), "cạnh lớn hơn 4000"),
        ("logo.png", b"\x89PNG" + b"0" * (1024 * 1024 + 1), "lớn hơn 1 MB"),
    ],
)
def test_a_logo_is_checked_by_its_content(client, tree, name, content, said):
    client.force_login(tree.melinh_officer)
    response = client.post(
        f"/training/certificate-template/?unit={tree.melinh.pk}",
        {**TEMPLATE, "logo": SimpleUploadedFile(name, content, content_type="image/png")},
    )
    assert said in response.content.decode()
    assert not CertificateTemplate.objects.filter(organiser=tree.melinh).exists()


def test_a_kept_logo_is_a_png_the_system_drew(client, tree):
    client.force_login(tree.melinh_officer)
    jpeg = io.BytesIO()
    Image.new("RGB", (1200, 800), (0, 90, 200)).save(jpeg, format="JPEG")
    client.post(
        f"/training/certificate-template/?unit={tree.melinh.pk}",
        {**TEMPLATE, "logo": SimpleUploadedFile("logo.jpg", jpeg.getvalue())},
    )
    kept = Image.open(io.BytesIO(CertificateTemplate.objects.get(organiser=tree.melinh).logo))
    assert kept.format == "PNG" and max(kept.size) == 600


def test_another_province_sees_neither_the_pdf_nor_the_template(client, tree, passed_class):
    client.force_login(tree.melinh_officer)
    client.post(f"/training/classes/{passed_class.pk}/certificates/")
    record = TrainingRecord.objects.filter(training_class=passed_class).first()
    client.force_login(tree.nt_officer)
    assert client.get(f"/training/classes/{passed_class.pk}/certificates/").status_code == 404
    assert client.get(f"/training/records/{record.pk}/certificate.pdf").status_code == 404
    assert client.get(f"/training/certificate-template/?unit={tree.melinh.pk}").status_code == 404
