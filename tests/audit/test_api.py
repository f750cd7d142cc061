"""An API write is the token owner's doing: the token is checked inside the view, after the
middleware has named the request's session user (none, or someone else)."""

from accounts.models import ApiToken
from audit.models import LogEntry
from people.models import Person


def test_an_api_write_records_the_tokens_user_not_the_session(client, tree):
    client.force_login(tree.hanoi_officer)  # a browser session of someone else
    token = ApiToken.issue(tree.melinh_officer)
    response = client.patch(
        f"/api/v1/people/{tree.nguyen.pk}",
        {"given_name": "Ân"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        REMOTE_ADDR="10.9.8.7",
    )
    assert response.status_code == 200, response.content
    entry = LogEntry.objects.order_by("-id").first()
    assert (entry.object_id, entry.actor, entry.remote_addr, entry.changes) == (
        tree.nguyen.pk,
        tree.melinh_officer,
        "10.9.8.7",
        {"given_name": ["An", "Ân"]},
    )


def test_a_refused_token_writes_nothing(client, tree):
    before = LogEntry.objects.count()
    response = client.patch(
        f"/api/v1/people/{tree.nguyen.pk}",
        {"given_name": "Ân"},
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer not-a-token",
    )
    assert response.status_code == 401
    assert LogEntry.objects.count() == before
    assert Person.objects.get(pk=tree.nguyen.pk).given_name == "An"


def test_reading_through_the_api_logs_nothing(client, tree):
    token = ApiToken.issue(tree.melinh_officer)
    before = LogEntry.objects.count()
    response = client.get(f"/api/v1/people/{tree.nguyen.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert LogEntry.objects.count() == before
