"""API tokens are per user, revocable, and scoped like their user: a revoked token, a
deactivated user's token or a garbled one gets 401 (in Vietnamese) on reads and writes alike;
a token sees its user's subtree only and can do only what its user's role can do; a user
revokes their own tokens on their account page (a lost token cannot revoke itself)."""

import json

import pytest

from accounts.models import ApiToken
from tests.api import BASE, ApiClient

UNAUTHORISED = "Hãy gửi mã truy cập API hợp lệ: Authorization: Bearer <token>."


def reads_and_writes(tree):
    return [
        ("get", "/units", None),
        ("get", f"/people/{tree.nguyen.pk}", None),
        ("patch", f"/people/{tree.nguyen.pk}", {"phone": "0912345678"}),
        (
            "post",
            "/people",
            {"unit": tree.school.pk, "family_name": "Đỗ", "given_name": "Bình", "gender": "male"},
        ),
    ]


def assert_refused(client, tree):
    for method, path, body in reads_and_writes(tree):
        response = getattr(client, method)(path, *([body] if body is not None else []))
        assert response.status_code == 401, (method, path)
        assert response.json()["detail"] == UNAUTHORISED
        assert response["WWW-Authenticate"] == "Bearer"
    tree.nguyen.refresh_from_db()
    assert tree.nguyen.phone != "0912345678"


def test_a_working_token_reads_and_writes(tree):
    client = ApiClient(tree.melinh_officer)
    assert client.get("/units").status_code == 200
    assert client.patch(f"/people/{tree.nguyen.pk}", {"phone": "0912345678"}).status_code == 200


def test_a_revoked_token_gets_401_on_reads_and_writes(tree):
    client = ApiClient(tree.melinh_officer)
    assert client.delete("/auth/token").status_code == 204
    assert_refused(client, tree)
    assert client.delete("/auth/token").status_code == 401  # revoking twice: already gone


def test_a_deactivated_users_token_gets_401_on_reads_and_writes(tree):
    client = ApiClient(tree.melinh_officer)
    tree.melinh_officer.is_active = False
    tree.melinh_officer.save()
    assert_refused(client, tree)


@pytest.mark.parametrize("token", ["x" * 43, ApiToken.hash("anything"), "Zm9v.YmFy", "ç" * 10])
def test_an_unknown_or_garbled_token_gets_401(tree, token):
    assert_refused(ApiClient(token=token), tree)


def test_a_stored_hash_is_not_a_token(tree):
    """Only the hash is stored: someone who reads the table cannot use it as a token."""
    client = ApiClient(tree.melinh_officer)
    stored = ApiToken.objects.get(key_hash=ApiToken.hash(client.token)).key_hash
    assert ApiClient(token=stored).get("/units").status_code == 401


def test_a_hanoi_token_sees_nothing_of_ninh_thuan(tree):
    client = ApiClient(tree.hanoi_officer)
    assert client.get(f"/people/{tree.le.pk}").status_code == 404
    assert client.get(f"/classes/{tree.nt_class.pk}").status_code == 404
    assert client.patch(f"/people/{tree.le.pk}", {"phone": "0900000000"}).status_code == 404
    people = json.dumps(client.get("/people", {"limit": 500}).json(), ensure_ascii=False)
    classes = json.dumps(client.get("/classes", {"limit": 500}).json(), ensure_ascii=False)
    units = json.dumps(client.get("/units", {"limit": 500}).json(), ensure_ascii=False)
    assert "Nguyễn" in people and "Cường" not in people
    assert tree.ml_class.code in classes and tree.nt_class.code not in classes
    assert "Mê Linh" in units and "Ninh Thuận" not in units
    # Its own province's objects, for comparison.
    assert client.get(f"/people/{tree.nguyen.pk}").status_code == 200


def test_a_token_cannot_do_what_its_users_role_cannot(tree):
    cadre = ApiClient(tree.cadre)
    assert cadre.get("/people").status_code == 403
    assert cadre.get(f"/people/{tree.nguyen.pk}").status_code == 403  # even their own record
    assert cadre.get("/me").status_code == 200
    inspector = ApiClient(tree.inspector)  # read-only
    assert inspector.get(f"/people/{tree.nguyen.pk}").status_code == 200
    response = inspector.patch(f"/people/{tree.nguyen.pk}", {"phone": "0912345678"})
    assert response.status_code == 403 and response.json()["detail"] == "Không có quyền truy cập"


def test_a_user_revokes_their_own_token_on_the_account_page(client, tree):
    api = ApiClient(tree.hanoi_officer)
    other = ApiClient(tree.hanoi_officer)
    token = ApiToken.objects.get(key_hash=ApiToken.hash(api.token))
    client.force_login(tree.hanoi_officer)
    page = client.get("/account/").content.decode()
    assert page.count("data-token=") == 2
    response = client.post("/account/tokens/revoke/", {"token": token.pk}, follow=True)
    assert "Đã thu hồi mã truy cập API" in response.content.decode()
    assert api.get("/units").status_code == 401
    assert other.get("/units").status_code == 200
    assert client.get("/account/").content.decode().count("data-token=") == 1


def test_nobody_revokes_someone_elses_token(client, tree):
    api = ApiClient(tree.nt_officer)
    token = ApiToken.objects.get(key_hash=ApiToken.hash(api.token))
    client.force_login(tree.hanoi_officer)
    for value in (token.pk, "", "abc", -1):
        assert client.post("/account/tokens/revoke/", {"token": value}).status_code == 404
    assert client.get("/account/tokens/revoke/").status_code == 405
    assert api.get("/units").status_code == 200


def test_a_session_cannot_call_the_api(client, tree):
    client.force_login(tree.hanoi_officer)
    response = client.get(BASE + "/units")
    assert response.status_code == 401 and response.json()["detail"] == UNAUTHORISED
