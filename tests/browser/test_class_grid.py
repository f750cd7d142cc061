"""A class of a hundred, the way a provincial officer who lives in Excel runs it (issue 23 §1,
on the demo): "a class of 100 nominations accepted in one action, results pasted from a 100-row
column, 100 certificates as one PDF whose pages show number, name, place and date, signer and
a QR that /verify/ accepts"."""

import datetime as dt
import re

import pypdfium2
import pytest
import zxingcpp
from playwright.sync_api import expect

from accounts.access import SYSTEM
from accounts.scope import scoped
from lib.dates import today
from people.models import Person
from tests.browser.conftest import signed_in
from training.certificates import decree30_date
from training.models import CertificateTemplate, Enrolment, Topic, TrainingRecord
from training.services import class_create, class_set_status, enrolment_nominate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def paste(page, selector: str, lines: list[str]) -> None:
    """What Ctrl+V of a column copied from Excel does: a paste event with the cells' text."""
    page.locator(selector).focus()
    page.evaluate(
        """([selector, text]) => {
          const data = new DataTransfer();
          data.setData("text/plain", text);
          document.querySelector(selector).dispatchEvent(
            new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        [selector, "\r\n".join(lines) + "\r\n"],
    )


@pytest.fixture
def hundred(demo_data):
    """A Hà Nội class of 100 seats that began two days ago and ends today, open, with 110 of
    Hà Nội's people nominated by its officer, and Hà Nội's certificate template."""
    from accounts.models import User

    officer = User.objects.get(username="hanoi")
    c = class_create(
        user=officer,
        organiser=officer.unit,
        topics=[Topic.objects.first()],
        code="HN-LUOI-100",
        name="Bồi dưỡng kỹ năng công tác công đoàn cơ sở",
        start_date=today() - dt.timedelta(days=2),
        end_date=today(),
        hours=24,
        capacity=100,
    )
    class_set_status(user=SYSTEM, training_class=c, status="open")
    people = scoped(Person.objects.all(), officer).order_by("pk")[:110]
    for person in people:
        enrolment_nominate(user=officer, training_class=c, person=person)
    CertificateTemplate.objects.create(
        organiser=officer.unit,
        place="Hà Nội",
        symbol="GCN-LĐLĐ",
        signer_authority="TM. BAN THƯỜNG VỤ",
        signer_title="CHỦ TỊCH",
        signer_name="Nguyễn Văn Ký",
    )
    return officer, c


def test_a_class_of_a_hundred_in_three_actions(live_server, browser, hundred):
    officer, c = hundred
    page = signed_in(browser, live_server.url, officer.username)
    page.goto(f"{live_server.url}/training/classes/{c.pk}/")

    # 1. Tick all, accept: 100 seats, 10 on the waiting list, said so.
    page.get_by_label("Đánh dấu tất cả").check()
    expect(page.locator("input[name=enrolment]:checked")).to_have_count(110)
    page.locator("#bulk").get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(page.locator(".msg.success")).to_contain_text("Đã nhận vào lớp: 100 người.")
    expect(page.locator(".msg.warning")).to_contain_text("danh sách chờ: 10 người")
    assert Enrolment.objects.filter(training_class=c, status="accepted").count() == 100

    # A seat freed by a rejection goes to the first on the waiting list, and the page says so
    # (issue 23 §2); running the class closes the list.
    seated = Enrolment.objects.filter(training_class=c, status="accepted").first()
    first_waiting = (
        Enrolment.objects.filter(training_class=c, status="waitlisted")
        .order_by("decided_at", "pk")
        .select_related("person")
        .first()
    )
    page.locator(f"input[name=enrolment][value='{seated.pk}']").check()
    page.locator("#bulk input[name=reason]").fill("Trùng lịch công tác")
    page.locator("#bulk").get_by_role("button", name="Từ chối").click()
    expect(page.locator("main")).to_contain_text(
        f"{first_waiting.person.full_name} được chuyển từ danh sách chờ vào chỗ vừa trống."
    )
    assert Enrolment.objects.get(pk=first_waiting.pk).status == "accepted"

    # 2. The class runs; the results of all 100 pasted as columns from Excel.
    page.locator("button[name=status][value=running]").click()
    page.get_by_role("link", name="Nhập kết quả cả lớp").click()
    rows = page.locator("table[data-grid] tbody tr")
    expect(rows).to_have_count(100)
    assert not Enrolment.objects.filter(training_class=c, status="waitlisted").exists()
    first = page.locator("table[data-grid] tbody tr").first
    attendance = [f"{80 + i % 21}%" for i in range(100)]
    scores = [f"{5 + (i % 10) / 2:.1f}".replace(".", ",") for i in range(100)]
    paste(page, f"#{first.locator('input').nth(0).get_attribute('id')}", attendance)
    expect(page.locator(".grid-status")).to_have_text("Đã dán 100 dòng.")
    paste(page, f"#{first.locator('input').nth(1).get_attribute('id')}", scores)
    paste(page, f"#{first.locator('input').nth(2).get_attribute('id')}", ["Đạt"] * 100)
    expect(rows.nth(99).locator("input").nth(2)).to_have_value("Đạt")
    # Enter moves down a column, as in a spreadsheet, and does not submit.
    rows.nth(5).locator("input").nth(1).press("Enter")
    expect(rows.nth(6).locator("input").nth(1)).to_be_focused()
    page.get_by_role("button", name="Lưu toàn bộ kết quả").click()
    expect(page.locator(".msg.success")).to_contain_text("Đã lưu kết quả: 100 dòng.")
    assert TrainingRecord.objects.filter(training_class=c).count() == 100

    # 3. One signing numbers the 100 certificates; one PDF holds them.
    page.locator("#number-certificates").click()
    year = today().year
    before = TrainingRecord.objects.filter(organiser=c.organiser, certificate_year=year)
    last = max(
        (
            int(n)
            for n in before.exclude(training_class=c).values_list("certificate_number", flat=True)
            if n.isdigit()
        ),
        default=0,
    )
    expect(page.locator(".msg.success")).to_contain_text(
        f"Đã cấp số 100 giấy chứng nhận, từ số {last + 1:05d}/{year} "
        f"đến số {last + 100:05d}/{year}."
    )
    href = page.locator("#certificates-pdf").get_attribute("href")
    response = page.context.request.get(live_server.url + href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    document = pypdfium2.PdfDocument(response.body())
    assert len(document) == 100
    records = {
        r.certificate_number: r
        for r in TrainingRecord.objects.filter(training_class=c).select_related("person")
    }
    place_date = f"Hà Nội, {decree30_date(today())}"
    checked = []
    for page_pdf in document:  # in the order of names, as the numbers were given
        text = " ".join(page_pdf.get_textpage().get_text_range().split())
        number = re.search(r"Số: (\d{5})/(\d{4})/GCN-LĐLĐ", text)
        assert number and number[2] == str(today().year), text
        record = records.pop(number[1])
        assert record.person.full_name in text and place_date in text
        assert "CHỦ TỊCH" in text and "Nguyễn Văn Ký" in text
        codes = zxingcpp.read_barcodes(
            page_pdf.render(scale=150 / 72).to_pil(), formats=zxingcpp.BarcodeFormat.QRCode
        )
        assert [code.text for code in codes] == [
            f"{live_server.url}/verify/{record.verification_code}/"
        ]
        checked.append(codes[0].text)
    assert not records  # every certificate once
    document.close()

    # The QR of any page opens the public check, which accepts it.
    stranger = browser.new_context(locale="vi-VN").new_page()
    stranger.goto(checked[57])
    expect(stranger.locator("main")).to_contain_text(f"{last + 58:05d}/{year}")
    expect(stranger.locator("main")).not_to_contain_text("Không hợp lệ")
