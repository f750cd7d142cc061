"""People and positions through the API: the subtree only, and the services' rules."""

import datetime as dt

import pytest

from people.models import Person, Position
from tests.api import ApiClient, fields_of, messages_of

NEW_PERSON = {
    "family_name": "Phạm",
    "middle_name": "Thị",
    "given_name": "Dung",
    "gender": "female",
    "birth_date": "1992-03-04",
    "citizen_id": "001192000004",
}


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["full_name"] for item in response.json()["items"]}


def test_it_lists_the_people_of_the_users_subtree(tree):
    assert names(ApiClient(tree.hanoi_officer).get("/people")) == {"Nguyễn Văn An", "Trần Thị Bình"}
    assert names(ApiClient(tree.melinh_officer).get("/people")) == {"Nguyễn Văn An"}


def test_the_ninh_thuan_officer_never_sees_ha_noi_people(tree):
    client = ApiClient(tree.nt_officer)
    assert names(client.get("/people")) == {"Lê Văn Cường"}
    assert names(client.get("/people", {"q": "nguyen"})) == set()
    assert names(client.get("/people", {"q": "001080"})) == set()


def test_it_filters_people_like_the_people_page(tree):
    client = ApiClient(tree.hanoi_officer)
    assert names(client.get("/people", {"q": "nguyen van"})) == {"Nguyễn Văn An"}
    assert names(client.get("/people", {"gender": "female"})) == {"Trần Thị Bình"}
    assert names(client.get("/people", {"role": tree.chair_role.pk, "on": "2024-01-01"})) == {
        "Nguyễn Văn An"
    }
    assert names(client.get("/people", {"full_time": "false", "on": "2024-01-01"})) == {
        "Trần Thị Bình"
    }
    assert names(client.get("/people", {"unit": tree.donganh.pk})) == {"Trần Thị Bình"}
    assert names(client.get("/people", {"age": "40-49", "on": "2024-01-01"})) == {"Nguyễn Văn An"}
    assert names(client.get("/people", {"cadres": "true", "on": "2023-01-01"})) == set()


def test_a_people_filter_naming_a_unit_outside_the_subtree_is_a_field_error(tree):
    response = ApiClient(tree.nt_officer).get("/people", {"unit": tree.school.pk})
    assert response.status_code == 422 and fields_of(response) == {"unit"}
    assert "Nguyễn" not in response.content.decode()


def test_it_shows_a_person_with_positions_and_masked_personal_data(tree):
    tree.nguyen.phone = "0912345678"
    tree.nguyen.save()
    person = ApiClient(tree.melinh_officer).get(f"/people/{tree.nguyen.pk}").json()
    assert person["full_name"] == "Nguyễn Văn An" and person["unit"]["code"] == "HN-ML-01"
    assert person["citizen_id_masked"] == "001•••••••01"
    assert person["phone_masked"] == "•••••••678"
    assert person["citizen_id"] is None and person["phone"] is None
    assert "001080000001" not in str(person) and "0912345678" not in str(person)
    [position] = person["positions"]
    assert position["role"]["code"] == "chair" and position["term"] == tree.term_school.pk


@pytest.mark.parametrize("method", ["get", "patch"])
def test_the_outsider_gets_404_for_a_ha_noi_person(tree, method):
    response = getattr(ApiClient(tree.nt_officer), method)(f"/people/{tree.nguyen.pk}")
    assert response.status_code == 404
    assert "Nguyễn" not in response.content.decode()


def test_a_district_officer_gets_404_for_a_person_of_the_neighbouring_district(tree):
    assert ApiClient(tree.melinh_officer).get(f"/people/{tree.tran.pk}").status_code == 404


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_the_outsider_gets_404_for_a_ha_noi_position(tree, method):
    position = Position.objects.get(person=tree.nguyen)
    response = getattr(ApiClient(tree.nt_officer), method)(f"/positions/{position.pk}")
    assert response.status_code == 404
    assert Position.objects.filter(pk=position.pk).exists()


def test_the_ninh_thuan_officer_never_sees_ha_noi_positions(tree):
    response = ApiClient(tree.nt_officer).get("/positions")
    assert [p["person_name"] for p in response.json()["items"]] == ["Lê Văn Cường"]


@pytest.mark.parametrize("few_rows", [2_000, 2, 1, 0])
def test_a_subtree_sees_the_posts_held_in_it_and_those_its_people_hold_elsewhere(
    tree, monkeypatch, few_rows
):
    """A position is in a subtree when its unit is, or when its holder's unit is
    (Position.SCOPE_UNIT_FIELDS). A small subtree's rows are found by id through each field's
    index, a large one's by the plain "or" (accounts.scope.scoped): both give the same rows,
    whatever the cap (on PostgreSQL each half stops past it too)."""
    monkeypatch.setattr("accounts.scope.FEW_ROWS", few_rows)
    Position.objects.create(  # Cường of Ninh Thuận also sits on Mê Linh's committee
        person=tree.le, unit=tree.melinh, role=tree.member_role, start_date=dt.date(2024, 1, 1)
    )
    Position.objects.create(  # An of Mê Linh also holds a post in Ninh Thuận
        person=tree.nguyen,
        unit=tree.ninhthuan,
        role=tree.member_role,
        start_date=dt.date(2024, 2, 1),
    )
    held = {
        (p["person_name"], p["unit"]["id"] if isinstance(p["unit"], dict) else p["unit"])
        for p in ApiClient(tree.melinh_officer).get("/positions").json()["items"]
    }
    assert ("Lê Văn Cường", tree.melinh.pk) in held
    assert ("Nguyễn Văn An", tree.ninhthuan.pk) in held
    assert {name for name, _ in held} == {"Nguyễn Văn An", "Lê Văn Cường"}
    assert ("Trần Thị Bình", tree.donganh.pk) not in held


def test_it_filters_positions_by_person_unit_and_day(tree):
    client = ApiClient(tree.hanoi_officer)

    def people(params):
        return {p["person_name"] for p in client.get("/positions", params).json()["items"]}

    assert people({"person": tree.tran.pk}) == {"Trần Thị Bình"}
    assert people({"unit": tree.melinh.pk}) == {"Nguyễn Văn An"}
    assert people({"on": "2023-01-01"}) == set()
    assert people({"on": "2024-01-01"}) == {"Nguyễn Văn An", "Trần Thị Bình"}
    response = client.get("/positions", {"person": tree.le.pk})
    assert response.status_code == 422 and fields_of(response) == {"person"}


def test_it_creates_a_person(tree):
    response = ApiClient(tree.melinh_officer).post(
        "/people", {**NEW_PERSON, "unit": tree.school.pk}
    )
    assert response.status_code == 201, response.content
    person = Person.objects.get(pk=response.json()["id"])
    assert person.full_name == "Phạm Thị Dung" and person.citizen_id == "001192000004"
    assert person.unit == tree.school and person.ethnicity == "Kinh"


def test_creating_a_person_with_an_invalid_citizen_id_writes_nothing(tree):
    response = ApiClient(tree.melinh_officer).post(
        "/people", {**NEW_PERSON, "citizen_id": "12345", "unit": tree.school.pk}
    )
    assert response.status_code == 422
    assert fields_of(response) == {"citizen_id"}
    assert not Person.objects.filter(given_name="Dung").exists()


def test_the_citizen_id_message_is_in_vietnamese(tree):
    response = ApiClient(tree.melinh_officer).post(
        "/people", {**NEW_PERSON, "citizen_id": "12345", "unit": tree.school.pk}
    )
    assert response.json()["detail"] == [
        {"field": "citizen_id", "message": "Số CCCD phải gồm đúng 12 chữ số."}
    ]


def test_messages_follow_accept_language(tree):
    client = ApiClient(tree.melinh_officer)
    response = client.client.post(
        "/api/v1/people",
        {**NEW_PERSON, "citizen_id": "12345", "unit": tree.school.pk},
        content_type="application/json",
        headers={**client._headers(), "Accept-Language": "en"},
    )
    assert messages_of(response) == ["A citizen ID has exactly 12 digits."]


def test_updating_a_person_with_an_invalid_citizen_id_writes_nothing(tree):
    response = ApiClient(tree.melinh_officer).patch(
        f"/people/{tree.nguyen.pk}", {"citizen_id": "0010800000011", "given_name": "Ân"}
    )
    assert response.status_code == 422 and "citizen_id" in fields_of(response)
    tree.nguyen.refresh_from_db()
    assert tree.nguyen.citizen_id == "001080000001" and tree.nguyen.given_name == "An"


def test_a_citizen_id_already_used_is_a_field_error(tree):
    response = ApiClient(tree.hanoi_officer).post(
        "/people", {**NEW_PERSON, "citizen_id": "001080000001", "unit": tree.factory.pk}
    )
    assert response.status_code == 422 and fields_of(response) == {"citizen_id"}


def test_it_updates_only_the_fields_sent(tree):
    response = ApiClient(tree.melinh_officer).patch(
        f"/people/{tree.nguyen.pk}", {"education_level": 5}
    )
    assert response.status_code == 200
    tree.nguyen.refresh_from_db()
    assert tree.nguyen.education_level == 5 and tree.nguyen.citizen_id == "001080000001"


def test_creating_a_person_in_a_unit_outside_the_subtree_writes_nothing(tree):
    response = ApiClient(tree.melinh_officer).post(
        "/people", {**NEW_PERSON, "unit": tree.factory.pk}
    )
    assert response.status_code == 422 and fields_of(response) == {"unit"}
    assert not Person.objects.filter(given_name="Dung").exists()


def test_moving_a_person_out_of_the_subtree_writes_nothing(tree):
    response = ApiClient(tree.melinh_officer).patch(
        f"/people/{tree.nguyen.pk}", {"unit": tree.nt_grassroots.pk}
    )
    assert response.status_code == 422 and fields_of(response) == {"unit"}
    tree.nguyen.refresh_from_db()
    assert tree.nguyen.unit == tree.school


def position_body(tree, **changes):
    return {
        "person": tree.nguyen.pk,
        "unit": tree.school.pk,
        "role": tree.member_role.pk,
        "start_date": "2024-01-01",
        **changes,
    }


def test_it_creates_a_position(tree):
    response = ApiClient(tree.melinh_officer).post("/positions", position_body(tree))
    assert response.status_code == 201, response.content
    position = Position.objects.get(pk=response.json()["id"])
    assert position.role == tree.member_role and position.term == tree.term_school
    assert response.json()["start_date"] == "2024-01-01"


def test_a_position_ending_before_it_starts_writes_nothing(tree):
    response = ApiClient(tree.melinh_officer).post(
        "/positions", position_body(tree, end_date="2023-12-31", end_reason="rotated")
    )
    assert response.status_code == 422 and fields_of(response) == {"end_date"}
    assert Position.objects.filter(person=tree.nguyen).count() == 1


def test_a_position_in_a_unit_outside_the_subtree_writes_nothing(tree):
    response = ApiClient(tree.melinh_officer).post(
        "/positions", position_body(tree, unit=tree.factory.pk)
    )
    assert response.status_code == 422 and fields_of(response) == {"unit"}
    assert "Đông Anh" not in response.content.decode()
    assert Position.objects.filter(person=tree.nguyen).count() == 1


def test_a_position_for_a_person_outside_the_subtree_writes_nothing(tree):
    response = ApiClient(tree.melinh_officer).post(
        "/positions", position_body(tree, person=tree.tran.pk)
    )
    assert response.status_code == 422 and fields_of(response) == {"person"}
    assert Position.objects.filter(person=tree.tran).count() == 1


def test_an_unknown_role_is_a_field_error(tree):
    response = ApiClient(tree.melinh_officer).post("/positions", position_body(tree, role=999))
    assert response.status_code == 422 and fields_of(response) == {"role"}


def test_it_ends_a_position(tree):
    position = Position.objects.get(person=tree.nguyen)
    response = ApiClient(tree.melinh_officer).patch(
        f"/positions/{position.pk}", {"end_date": "2025-06-30", "end_reason": "rotated"}
    )
    assert response.status_code == 200, response.content
    position.refresh_from_db()
    assert position.end_date == dt.date(2025, 6, 30) and position.full_time is True


def test_ending_a_position_without_a_reason_writes_nothing(tree):
    position = Position.objects.get(person=tree.nguyen)
    response = ApiClient(tree.melinh_officer).patch(
        f"/positions/{position.pk}", {"end_date": "2025-06-30"}
    )
    assert response.status_code == 422 and fields_of(response) == {"end_reason"}
    position.refresh_from_db()
    assert position.end_date is None


def test_it_deletes_a_position(tree):
    position = Position.objects.get(person=tree.nguyen)
    response = ApiClient(tree.melinh_officer).delete(f"/positions/{position.pk}")
    assert response.status_code == 204
    assert not Position.objects.filter(pk=position.pk).exists()


@pytest.mark.parametrize(
    "method,route",
    [
        ("post", "/people"),
        ("patch", "/people/{person}"),
        ("post", "/positions"),
        ("patch", "/positions/{position}"),
        ("delete", "/positions/{position}"),
    ],
)
def test_the_read_only_inspector_gets_403_on_people_writes(tree, method, route):
    position = Position.objects.get(person=tree.nguyen)
    url = route.format(person=tree.nguyen.pk, position=position.pk)
    client = ApiClient(tree.inspector)
    response = (
        client.delete(url)
        if method == "delete"
        else getattr(client, method)(
            url, {**NEW_PERSON, **position_body(tree), "unit": tree.school.pk}
        )
    )
    assert response.status_code == 403
    assert Person.objects.count() == 3 and Position.objects.filter(pk=position.pk).exists()


def test_the_inspector_reads_people(tree):
    assert names(ApiClient(tree.inspector).get("/people")) == {"Nguyễn Văn An", "Trần Thị Bình"}


def test_it_lists_roles(tree):
    roles = ApiClient(tree.inspector).get("/roles").json()
    assert {"chair", "executive_member"} <= {r["code"] for r in roles}
