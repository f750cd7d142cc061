"""Showing a person's citizen ID and contacts in full: on request (a POST), to those who may
see the person, and always logged with who, whom, when and from where."""

import pytest

from privacy.models import Action, PersonalDataAccess, Source
from tests.api import ApiClient

CID = "001080000001"


@pytest.fixture
def nguyen(tree):
    tree.nguyen.phone, tree.nguyen.email = "0912345678", "an@congdoan.vn"
    tree.nguyen.address = "Số 5 phố Lý Thường Kiệt"
    tree.nguyen.save()
    return tree.nguyen


def reveal(client, user, person, **headers):
    client.force_login(user)
    return client.post(f"/privacy/people/{person.pk}/reveal/", REMOTE_ADDR="10.1.2.3", **headers)


def test_the_full_view_shows_everything_and_is_logged(client, tree, nguyen):
    response = reveal(client, tree.hanoi_officer, nguyen, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="personal-data">')  # the fragment htmx swaps
    for value in (CID, "0912345678", "an@congdoan.vn", "Số 5 phố Lý Thường Kiệt"):
        assert value in body
    assert "Lần xem này đã được ghi lại" in body
    entry = PersonalDataAccess.objects.get()
    assert (entry.user, entry.username, entry.action, entry.source) == (
        tree.hanoi_officer,
        "hanoi",
        Action.VIEW_FULL,
        Source.PERSON_PAGE,
    )
    assert (entry.person, entry.person_name, entry.unit) == (nguyen, "Nguyễn Văn An", tree.school)
    assert entry.remote_addr == "10.1.2.3" and entry.at is not None


def test_without_htmx_the_full_view_is_a_page_of_its_own(client, tree, nguyen):
    response = reveal(client, tree.melinh_officer, nguyen)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" in body and CID in body
    assert f'href="/people/{nguyen.pk}/"' in body
    assert PersonalDataAccess.objects.get().user == tree.melinh_officer


def test_each_full_view_is_one_more_entry(client, tree, nguyen):
    for _ in range(3):
        reveal(client, tree.melinh_officer, nguyen, HTTP_HX_REQUEST="true")
    assert PersonalDataAccess.objects.filter(person=nguyen, user=tree.melinh_officer).count() == 3


def test_an_officer_of_another_province_gets_404_and_nothing_is_logged(client, tree, nguyen):
    response = reveal(client, tree.nt_officer, nguyen, HTTP_HX_REQUEST="true")
    assert response.status_code == 404
    assert CID not in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_a_self_service_cadre_may_not_reveal_anyone(client, tree):
    assert reveal(client, tree.cadre, tree.tran).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_a_get_reveals_nothing(client, tree, nguyen):
    client.force_login(tree.hanoi_officer)
    response = client.get(f"/privacy/people/{nguyen.pk}/reveal/")
    assert response.status_code == 405 and not PersonalDataAccess.objects.exists()


def test_the_reveal_needs_the_csrf_token(tree, nguyen):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(tree.hanoi_officer)
    assert client.post(f"/privacy/people/{nguyen.pk}/reveal/").status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_the_page_lists_the_last_full_views(client, tree, nguyen):
    reveal(client, tree.melinh_officer, nguyen, HTTP_HX_REQUEST="true")
    client.force_login(tree.hanoi_officer)
    body = client.get(f"/people/{nguyen.pk}/").content.decode()
    assert 'id="recent-accesses"' in body and "melinh" in body
    client.force_login(tree.admin)
    body = client.get(f"/people/{nguyen.pk}/").content.decode()
    assert f"/privacy/log/?person={nguyen.pk}" in body


def test_opening_the_edit_form_is_a_logged_full_view(client, tree, nguyen):
    client.force_login(tree.melinh_officer)
    body = client.get(f"/people/{nguyen.pk}/edit/").content.decode()
    assert f'value="{CID}"' in body and 'value="0912345678"' in body
    entry = PersonalDataAccess.objects.get()
    assert (entry.user, entry.action, entry.source, entry.person) == (
        tree.melinh_officer,
        Action.VIEW_FULL,
        Source.PERSON_EDIT,
        nguyen,
    )
    # Saving sends back what the officer typed: not one more view.
    client.post(f"/people/{nguyen.pk}/edit/", {"given_name": ""})
    assert PersonalDataAccess.objects.count() == 1


def test_the_edit_form_of_an_outsider_is_404_and_not_logged(client, tree, nguyen):
    client.force_login(tree.nt_officer)
    assert client.get(f"/people/{nguyen.pk}/edit/").status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_the_api_reveals_on_request_only_and_logs_it(tree, nguyen):
    api = ApiClient(tree.hanoi_officer)
    masked = api.get(f"/people/{nguyen.pk}").json()
    assert masked["citizen_id"] is None and not PersonalDataAccess.objects.exists()
    assert api.get(f"/people/{nguyen.pk}", {"reveal": "false"}).json()["citizen_id"] is None
    assert not PersonalDataAccess.objects.exists()
    full = api.get(f"/people/{nguyen.pk}", {"reveal": "true"}).json()
    assert (full["citizen_id"], full["phone"], full["email"], full["address"]) == (
        CID,
        "0912345678",
        "an@congdoan.vn",
        "Số 5 phố Lý Thường Kiệt",
    )
    assert full["citizen_id_masked"] == "001•••••••01"
    entry = PersonalDataAccess.objects.get()
    assert (entry.user, entry.action, entry.source, entry.person) == (
        tree.hanoi_officer,
        Action.VIEW_FULL,
        Source.API_PERSON,
        nguyen,
    )


def test_the_api_reveal_of_an_outsider_is_404_and_not_logged(tree, nguyen):
    response = ApiClient(tree.nt_officer).get(f"/people/{nguyen.pk}", {"reveal": "true"})
    assert response.status_code == 404 and CID not in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_writes_through_the_api_answer_masked(tree, nguyen):
    response = ApiClient(tree.hanoi_officer).patch(
        f"/people/{nguyen.pk}", {"it_skill": "Tin học B"}
    )
    assert response.status_code == 200
    assert response.json()["citizen_id"] is None and CID not in response.content.decode()
    assert not PersonalDataAccess.objects.exists()
