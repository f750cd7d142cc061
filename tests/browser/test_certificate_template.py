"""Each organiser keeps its own certificate template (issue 23 §3, on the demo, as Hà Nội's
officer): "each organiser keeps its own template (logo, signer, wording) chosen from a few
built-in layouts". The officer fills it in, picks the framed landscape layout, adds the logo,
and the sample PDF shows it."""

import pypdfium2
import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import signed_in
from training.models import CertificateTemplate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_sets_up_the_certificates_of_their_federation(
    live_server, browser, demo_data, tmp_path
):
    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 300), (200, 20, 20)).save(logo)
    page = signed_in(browser, live_server.url, "hanoi")
    page.goto(f"{live_server.url}/training/certificate-template/")
    page.get_by_label("Mẫu trình bày").select_option(label="Khổ A4 ngang, có khung viền")
    page.get_by_label("Địa danh ghi trước ngày tháng").fill("Hà Nội")
    page.get_by_label("Ký hiệu sau số").fill("GCN-LĐLĐ")
    page.get_by_label("Thẩm quyền ký").fill("TM. BAN THƯỜNG VỤ")
    page.get_by_label("Chức vụ người ký").fill("CHỦ TỊCH")
    page.get_by_label("Họ và tên người ký").fill("Nguyễn Văn Ký")
    page.locator("#id_logo").set_input_files(str(logo))
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".msg.success")).to_be_visible()
    kept = CertificateTemplate.objects.get(organiser__code="HN")
    assert kept.layout == "landscape" and kept.logo

    href = page.locator("#template-preview").get_attribute("href")
    response = page.context.request.get(live_server.url + "/training/certificate-template/" + href)
    assert response.headers["content-type"] == "application/pdf"
    document = pypdfium2.PdfDocument(response.body())
    sheet = document[0]
    width, height = sheet.get_size()
    assert width > height  # landscape
    text = " ".join(sheet.get_textpage().get_text_range().split())
    assert "Hà Nội, ngày" in text and "Nguyễn Văn Ký" in text and "GCN-LĐLĐ" in text
    assert "LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ HÀ NỘI" in text
    assert sheet.get_objects(filter=[pypdfium2.raw.FPDF_PAGEOBJ_IMAGE])  # the logo (and QR)
    document.close()
