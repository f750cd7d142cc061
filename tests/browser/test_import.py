"""An officer imports the participants of a class in a browser: the check runs in the
background behind a progress bar, the preview names the bad cell, the officer uploads the
corrected file, commits, and watches the import finish."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.test_class_life import log_in
from tests.imports.helpers import xlsx_bytes
from training.models import Enrolment, TrainingRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = [
    "Mã lớp",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Mã đơn vị",
    "Tỷ lệ tham dự (%)",
    "Điểm",
    "Kết quả",
]


def participants_file(bad_score: bool) -> bytes:
    rows = [HEADER]
    for i in range(1, 21):
        score = "11" if bad_score and i == 7 else "8,5"
        rows.append(
            [
                "ML-2024-01",
                f"Đoàn Văn Học {i:02d}",
                f"{i:02d}/03/1990",
                "Nam",
                "HN-ML-01",
                100,
                score,
                "Đạt",
            ]
        )
    return xlsx_bytes(rows, title_rows=["DANH SÁCH HỌC VIÊN LỚP ML-2024-01"], merge_title=True)


class Worker:
    """The task worker, run when the test wants the queued job to go on (in this thread: the
    worker sets signal handlers), while the page keeps polling the live server."""

    def run_queued(self):
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def upload(page, selector, data: bytes):
    page.set_input_files(
        selector,
        files=[
            {
                "name": "hoc-vien.xlsx",
                "buffer": data,
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ],
    )


def test_an_officer_fixes_a_file_after_the_preview_and_imports_it(
    live_server, tree, page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORTS_INLINE_BYTES = 0  # every file goes to the background worker
    worker = Worker()
    base = live_server.url
    tree.ml_class.capacity = 40
    tree.ml_class.save()
    before = Enrolment.objects.filter(training_class=tree.ml_class).count()

    log_in(page, base, "melinh")
    page.goto(f"{base}/imports/")
    page.select_option("#id_kind", "participants")
    upload(page, "#upload-form input[type=file]", participants_file(bad_score=True))
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#progress progress")).to_be_visible()  # queued: the bar shows
    worker.run_queued()
    problems = page.locator("#problems")
    expect(problems).to_be_visible()
    expect(problems).to_contain_text("Điểm")
    expect(problems.locator("tbody tr")).to_have_count(1)
    # Row 1 is the title, row 2 the header: the 7th person is on row 9.
    expect(problems.locator("tbody td").first).to_have_text("9")
    expect(page.locator("#commit")).to_have_count(0)

    upload(page, "#replace-form input[type=file]", participants_file(bad_score=False))
    page.click("#replace-form button[type=submit]")
    expect(page.locator("#progress progress")).to_be_visible()
    worker.run_queued()
    expect(page.locator("#summary")).to_contain_text("20 học viên được thêm")
    assert Enrolment.objects.filter(training_class=tree.ml_class).count() == before

    page.click("#commit")
    expect(page.locator("#progress")).to_contain_text("Đang nhập dữ liệu")
    worker.run_queued()
    expect(page.locator("#job-status")).to_contain_text("Đã nhập")
    assert Enrolment.objects.filter(training_class=tree.ml_class).count() == before + 20
    assert (
        TrainingRecord.objects.filter(
            training_class=tree.ml_class, person__family_name="Đoàn"
        ).count()
        == 20
    )
