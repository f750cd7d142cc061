"""The import tells everything at once (issue 23 §5, on the demo, as Mê Linh's officer): "The
first check of a file reported the citizen-ID and date errors but not the unknown unit code
on the same row, which appeared only after re-uploading. Every problem of every row comes out
of one check." One upload of a row with a short citizen ID, 31 February and a unit code that
does not exist lists the three, each at its row and column, and offers no import."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import signed_in
from tests.browser.test_import import upload
from tests.imports.helpers import xlsx_bytes
from tests.imports.test_one_check import PEOPLE, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_one_check_lists_every_problem_of_the_row(live_server, browser, demo_data):
    page = signed_in(browser, live_server.url, "melinh")
    page.goto(f"{live_server.url}/imports/")
    page.select_option("#id_kind", "people")
    data = xlsx_bytes(
        [
            PEOPLE,
            person(**{"Mã đơn vị": "HN-KV1"}),  # a good row first
            person(**{"Số CCCD": "12345", "Ngày sinh": "31/02/1988", "Mã đơn vị": "HN-XX-99"}),
        ]
    )
    upload(page, "#upload-form input[type=file]", data)
    page.click("#upload-form button[type=submit]")
    problems = page.locator("#problems")
    expect(problems).to_be_visible()
    rows = problems.locator("tbody tr")
    expect(rows).to_have_count(3)
    cells = [rows.nth(i).locator("td").all_inner_texts() for i in range(3)]
    assert [c[0] for c in cells] == ["3", "3", "3"]  # all on the file's third row
    said = " ".join(" ".join(c) for c in cells)
    for column, value in (
        ("Ngày sinh", "31/02/1988"),
        ("Số CCCD", "12345"),
        ("Mã đơn vị", "HN-XX-99"),
    ):
        assert column in said and value in said, said
    expect(page.locator("#commit")).to_have_count(0)
