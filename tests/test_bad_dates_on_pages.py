"""Issue 19: "A page's ?on= date that is not a date silently becomes today (the API answers
422)" — "Bad ?on= and other bad query values answer with a message, on pages as in the API".
The page shows today's figures and says that it does."""

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/targets/", "/targets/needs/", "/units/", "/people/"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("value", ["31/02/2026", "abc", "01/01/1899", "9" * 30])
def test_a_day_that_is_not_a_date_is_answered_with_a_message(client, tree, page, value):
    client.force_login(tree.hanoi_officer)
    response = client.get(page, {"on": value})
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        f"“{value[:40]}” không phải là một ngày từ 01/01/1900 đến 31/12/2100: số liệu "
        "hiển thị là của ngày hôm nay." in html
    )


@pytest.mark.parametrize("page", PAGES)
def test_a_real_day_gets_no_message(client, tree, page):
    client.force_login(tree.hanoi_officer)
    html = client.get(page, {"on": "01/07/2025"}).content.decode()
    assert "không phải là một ngày" not in html
