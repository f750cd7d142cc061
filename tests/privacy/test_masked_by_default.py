"""Citizen IDs and contacts are masked wherever they are shown by default: a person's page,
the people list and its search, the nomination search of a class, the import's choice
between look-alikes, and the API. The full values never reach the page or the JSON."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.access import SYSTEM
from imports.services import job_create
from tests.api import ApiClient

CID, PHONE, EMAIL = "001080000001", "0912345678", "nguyen.van.an@gmail.com"
ADDRESS = "Số 5 phố Lý Thường Kiệt"


@pytest.fixture
def nguyen(tree):
    tree.nguyen.phone, tree.nguyen.email, tree.nguyen.address = PHONE, EMAIL, ADDRESS
    tree.nguyen.save()
    return tree.nguyen


def assert_masked(body: str) -> None:
    for value in (CID, PHONE, EMAIL, ADDRESS):
        assert value not in body
    assert "001•••••••01" in body


def test_a_persons_page_shows_them_masked(client, tree, nguyen):
    client.force_login(tree.hanoi_officer)
    body = client.get(f"/people/{nguyen.pk}/").content.decode()
    assert_masked(body)
    assert "•••••••678" in body and "n•••@gmail.com" in body
    assert 'id="reveal"' in body and "Hiện đầy đủ" in body


def test_the_people_list_shows_them_masked_and_a_citizen_id_still_finds_the_person(
    client, tree, nguyen
):
    client.force_login(tree.hanoi_officer)
    response = client.get("/people/", {"q": "001080"})
    assert [p.pk for p in response.context["page"].object_list] == [nguyen.pk]
    assert_masked(response.content.decode())
    # The full number typed in the search box comes back in the box and the links (the
    # user's own input), never in the rows.
    response = client.get("/people/", {"q": CID}, HTTP_HX_REQUEST="true")
    assert [p.pk for p in response.context["page"].object_list] == [nguyen.pk]
    body = response.content.decode()
    assert_masked(body[body.index("<tbody>") : body.index("</tbody>")])


def test_the_nomination_search_shows_the_citizen_id_masked(client, tree, nguyen):
    client.force_login(tree.melinh_officer)
    body = client.get(
        f"/training/classes/{tree.ml_class.pk}/candidates/", {"q": CID}
    ).content.decode()
    assert nguyen.full_name in body
    assert_masked(body)


def test_the_import_choice_between_look_alikes_shows_citizen_ids_masked(
    client, tree, nguyen, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from people.services import person_create

    person_create(
        user=SYSTEM,
        unit=tree.school,
        family_name="Nguyễn",
        middle_name="Văn",
        given_name="An",
        gender="male",
        birth_date=nguyen.birth_date,
        citizen_id="001080000777",
    )
    text = "Họ và tên,Ngày sinh,Giới tính,Mã đơn vị\nNguyễn Văn An,01/05/1980,Nam,HN-ML-01\n"
    job = job_create(
        user=tree.melinh_officer,
        kind="people",
        upload=SimpleUploadedFile("ds.csv", text.encode("utf-8")),
    )
    client.force_login(tree.melinh_officer)
    body = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'id="ambiguities"' in body
    assert_masked(body)
    assert "001•••••••77" in body and "001080000777" not in body


def test_the_api_gives_them_masked(tree, nguyen):
    response = ApiClient(tree.hanoi_officer).get(f"/people/{nguyen.pk}")
    person = response.json()
    assert person["citizen_id_masked"] == "001•••••••01"
    assert person["email_masked"] == "n•••@gmail.com"
    assert (person["citizen_id"], person["phone"], person["email"], person["address"]) == (
        None,
        None,
        None,
        None,
    )
    assert_masked(response.content.decode())
    listed = ApiClient(tree.hanoi_officer).get("/people", {"q": CID}).content.decode()
    assert nguyen.full_name in listed and CID not in listed


def test_ones_own_profile_shows_ones_own_data_in_full_and_logs_nothing(client, tree, nguyen):
    from privacy.models import PersonalDataAccess

    client.force_login(tree.cadre)
    body = client.get("/me/").content.decode()
    assert CID in body and PHONE in body and EMAIL in body and ADDRESS in body
    assert 'id="reveal"' not in body and "/privacy/me/" in body
    assert not PersonalDataAccess.objects.exists()
