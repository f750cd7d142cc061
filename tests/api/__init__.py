"""Helpers for the API tests: a client that speaks JSON with a persona's bearer token."""

from django.test import Client

from accounts.models import ApiToken

BASE = "/api/v1"


class ApiClient:
    """Django's test client, JSON in and out, with `Authorization: Bearer <token>`."""

    def __init__(self, user=None, token: str | None = None):
        self.client = Client()
        self.token = token or (ApiToken.issue(user) if user is not None else None)

    def _headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, params: dict | None = None):
        return self.client.get(BASE + path, params or {}, headers=self._headers())

    def post(self, path: str, data: dict | None = None):
        return self.client.post(
            BASE + path, data or {}, content_type="application/json", headers=self._headers()
        )

    def put(self, path: str, data: dict | None = None):
        return self.client.put(
            BASE + path, data or {}, content_type="application/json", headers=self._headers()
        )

    def patch(self, path: str, data: dict | None = None):
        return self.client.patch(
            BASE + path, data or {}, content_type="application/json", headers=self._headers()
        )

    def delete(self, path: str):
        return self.client.delete(BASE + path, headers=self._headers())


def fields_of(response) -> set:
    """The fields a 422 answer names."""
    return {error["field"] for error in response.json()["detail"]}


def messages_of(response) -> list[str]:
    return [error["message"] for error in response.json()["detail"]]
