"""Tokens: issued for a username and password, required on every other route, revocable."""

import json

import pytest

from accounts.models import ApiToken
from api.urls import api
from tests.api import BASE, ApiClient
from tests.conftest import PASSWORD


def test_it_issues_a_token(tree):
    response = ApiClient().post("/auth/token", {"username": "hanoi", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.get(key_hash=ApiToken.hash(token)).user == tree.hanoi_officer
    assert ApiClient(token=token).get("/units").status_code == 200


def test_it_stores_only_the_hash_of_a_token(tree):
    token = ApiClient().post("/auth/token", {"username": "hanoi", "password": PASSWORD}).json()
    assert not ApiToken.objects.filter(key_hash=token["token"]).exists()


def test_it_refuses_a_wrong_password_in_vietnamese(tree):
    response = ApiClient().post("/auth/token", {"username": "hanoi", "password": "wrong"})
    assert response.status_code == 401
    assert response.json()["detail"] == "Sai tên đăng nhập hoặc mật khẩu."
    assert not ApiToken.objects.exists()


def test_it_refuses_an_unknown_user(tree):
    response = ApiClient().post("/auth/token", {"username": "nobody", "password": PASSWORD})
    assert response.status_code == 401


def test_it_refuses_an_inactive_user(tree):
    tree.hanoi_officer.is_active = False
    tree.hanoi_officer.save()
    response = ApiClient().post("/auth/token", {"username": "hanoi", "password": PASSWORD})
    assert response.status_code == 401
    assert not ApiToken.objects.exists()


def test_a_deactivated_users_token_stops_working(tree):
    client = ApiClient(tree.hanoi_officer)
    tree.hanoi_officer.is_active = False
    tree.hanoi_officer.save()
    assert client.get("/units").status_code == 401


def test_it_answers_a_token_request_without_a_password_with_422(tree):
    response = ApiClient().post("/auth/token", {"username": "hanoi"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "password"


def test_it_revokes_the_token_used(tree):
    client = ApiClient(tree.hanoi_officer)
    other = ApiClient(tree.hanoi_officer)
    assert client.delete("/auth/token").status_code == 204
    assert client.get("/units").status_code == 401
    assert ApiToken.objects.get(key_hash=ApiToken.hash(client.token)).revoked_at is not None
    assert other.get("/units").status_code == 200


def test_it_records_when_a_token_was_last_used(tree):
    client = ApiClient(tree.hanoi_officer)
    client.get("/roles")
    assert ApiToken.objects.get(key_hash=ApiToken.hash(client.token)).last_used_at is not None


@pytest.mark.parametrize(
    "path", ["/units", "/people", "/positions", "/roles", "/unit-kinds", "/me"]
)
def test_it_refuses_a_request_without_a_token(tree, path):
    response = ApiClient().get(path)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Bearer garbage", "Bearer ", "Basic aGFub2k6eA==", "garbage"])
def test_it_refuses_a_garbage_token(client, tree, header):
    response = client.get(BASE + "/units", headers={"Authorization": header})
    assert response.status_code == 401


def test_a_session_is_not_enough(client, tree):
    client.force_login(tree.hanoi_officer)
    assert client.get(BASE + "/units").status_code == 401


@pytest.mark.parametrize("path", ["/units", "/people", "/positions", "/roles", "/unit-kinds"])
def test_a_self_service_cadre_gets_403_on_lists(tree, path):
    response = ApiClient(tree.cadre).get(path)
    assert response.status_code == 403
    assert response.json()["detail"] == "Không có quyền truy cập"


def test_a_self_service_cadre_gets_their_own_profile(tree):
    response = ApiClient(tree.cadre).get("/me")
    assert response.status_code == 200
    me = response.json()
    assert me["role"] == "cadre" and me["can_browse"] is False
    assert me["person"]["id"] == tree.nguyen.pk
    assert me["person"]["citizen_id_masked"] == "001•••••••01"
    assert [p["role"]["code"] for p in me["person"]["positions"]] == ["chair"]


def test_an_officer_without_a_profile_gets_their_account(tree):
    me = ApiClient(tree.melinh_officer).get("/me").json()
    assert me["username"] == "melinh" and me["person"] is None
    assert me["unit"]["code"] == "HN-ML" and me["can_write"] is True


def test_the_openapi_document_lists_every_route(client, tree):
    response = client.get(BASE + "/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["info"]["version"] == "1"
    declared = {
        (path, method) for path, ops in api.get_openapi_schema()["paths"].items() for method in ops
    }
    listed = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert listed == declared
    for route in [
        ("/api/v1/auth/token", "post"),
        ("/api/v1/units/{unit_id}/move", "post"),
        ("/api/v1/units/merge", "post"),
        ("/api/v1/people/{person_id}", "patch"),
        ("/api/v1/positions/{position_id}", "delete"),
        ("/api/v1/me", "get"),
    ]:
        assert route in listed
    assert document["components"]["securitySchemes"]


def test_every_route_but_issuing_a_token_needs_one(tree):
    for path, ops in api.get_openapi_schema()["paths"].items():
        for method, op in ops.items():
            if (path, method) == ("/api/v1/auth/token", "post"):
                assert "security" not in op
            else:
                assert op.get("security"), f"{method.upper()} {path} has no auth"
