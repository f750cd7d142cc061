"""Issue 18 ("where this issue is silent, do what a careful security engineer would"): a JSON
body over Django's limit was answered with Django's English HTML page, and a body nested
100,000 deep must not reach a 500. Both are answered in JSON, in Vietnamese."""

import pytest

from tests.api import BASE, ApiClient

ROUTES = ["/people", "/units", "/courses", "/auth/token"]


@pytest.fixture
def api(tree):
    return ApiClient(tree.hanoi_officer)


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES)
def test_a_body_over_the_limit_is_413_in_json(api, route):
    body = '{"title": "' + "x" * (3 * 1024 * 1024) + '"}'
    response = api.client.post(
        BASE + route, body, content_type="application/json", headers=api._headers()
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "Nội dung yêu cầu lớn hơn giới hạn 2.560 KB."}


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES)
def test_a_body_nested_100000_deep_is_400_in_json(api, route):
    body = "[" * 100_000 + "]" * 100_000
    response = api.client.post(
        BASE + route, body, content_type="application/json", headers=api._headers()
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Nội dung yêu cầu không phải JSON hợp lệ."}


@pytest.mark.django_db
def test_a_page_posted_a_body_over_the_limit_says_so_in_vietnamese(client, tree):
    """No template for 400 gave Django's English 'Bad Request (400)'."""
    client.force_login(tree.hanoi_officer)
    response = client.post("/people/new/", {"note": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "escape, message",
    [
        ("\\ud800", "Dữ liệu không được chứa ký tự hỏng (một nửa cặp UTF-16)."),
        ("\\udfff", "Dữ liệu không được chứa ký tự hỏng (một nửa cặp UTF-16)."),
        ("\\u0000", "Dữ liệu không được chứa ký tự NUL."),
    ],
)
def test_half_of_a_utf16_pair_in_a_free_text_is_a_422_not_a_500(api, tree, escape, message):
    """Found by issue 18's fuzzing (in course.json), then here: a JSON "\\ud800" escape in a
    person's address reached the database, which cannot store it (a 500 on both)."""
    body = (
        '{"unit": ' + str(tree.hanoi.pk) + ', "family_name": "Lê", "given_name": "An", '
        '"gender": "male", "address": "Số 1' + escape + ' Hà Nội"}'
    )
    response = api.client.post(
        BASE + "/people", body, content_type="application/json", headers=api._headers()
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "address", "message": message, "type": response.json()["detail"][0]["type"]}
    ]
