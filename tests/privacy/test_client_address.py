"""The access log records the client's address by the same rule as the change history
(lib.http.client_address): behind the documented reverse proxy
(AXES_PROXY_COUNT=1) the address the proxy passes on in X-Forwarded-For, never the proxy's
own; with no proxy configured, REMOTE_ADDR, whatever X-Forwarded-For the client sends."""

import pytest

from lib.http import client_address
from privacy.models import Action, PersonalDataAccess

PROXY = "127.0.0.1"  # nginx on the same host (docs/deployment.md)
CLIENT = "203.0.113.9"


@pytest.fixture
def behind_proxy(settings):
    # What config/settings.py sets from AXES_PROXY_COUNT=1.
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]


def full_view(client, tree, **headers) -> PersonalDataAccess:
    client.force_login(tree.hanoi_officer)
    response = client.post(f"/privacy/people/{tree.nguyen.pk}/reveal/", **headers)
    assert response.status_code == 200
    return PersonalDataAccess.objects.get(action=Action.VIEW_FULL)


def people_export(client, tree, **headers) -> PersonalDataAccess:
    client.force_login(tree.hanoi_officer)
    response = client.get("/people/", {"format": "xlsx"}, **headers)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    return PersonalDataAccess.objects.get(action=Action.EXPORT)


@pytest.mark.parametrize("logged", [full_view, people_export])
def test_behind_the_proxy_the_clients_address_is_recorded(client, tree, behind_proxy, logged):
    entry = logged(client, tree, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT)
    assert entry.remote_addr == CLIENT


@pytest.mark.parametrize("logged", [full_view, people_export])
def test_with_no_proxy_a_header_sent_by_the_client_is_ignored(client, tree, logged):
    entry = logged(client, tree, REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert entry.remote_addr == "10.1.2.3"


def test_behind_the_proxy_an_address_the_client_forged_is_ignored(client, tree, behind_proxy):
    # nginx appends the address it was reached from to what the client sent.
    entry = full_view(client, tree, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"6.6.6.6, {CLIENT}")
    assert entry.remote_addr == CLIENT


@pytest.mark.parametrize(
    ("forwarded", "recorded"),
    [
        ("", PROXY),  # reached the application without passing through the proxy
        ("not-an-address", PROXY),
        (f" {CLIENT} ", CLIENT),
    ],
)
def test_behind_the_proxy_an_unusable_header_falls_back_to_the_peer(
    rf, behind_proxy, forwarded, recorded
):
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == recorded
