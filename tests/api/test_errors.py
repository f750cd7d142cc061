"""Errors the API answers before any route's code runs: in Vietnamese, in the usual shape."""

import pytest
from django.test import Client

from people.models import Person
from tests.api import BASE, ApiClient


@pytest.mark.parametrize("body", [b"{", b"not json", b'{"family_name": "Ng', b"\xff\xfe"])
def test_a_body_that_is_not_json_is_refused_in_vietnamese(tree, body):
    token = ApiClient(tree.hanoi_officer).token
    before = Person.objects.count()
    response = Client().post(
        f"{BASE}/people",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Nội dung yêu cầu không phải JSON hợp lệ."}
    assert Person.objects.count() == before


def test_a_valid_body_still_reaches_the_route(tree):
    response = ApiClient(tree.hanoi_officer).post("/people", {"family_name": ""})
    assert response.status_code == 422
