"""People and positions through their pages: validation in Vietnamese, nothing written on
bad input, accent-insensitive search, Vietnamese order, filters."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.access import SYSTEM
from people.models import Person, Position
from people.services import person_create, position_create

NEW_PERSON = {
    "family_name": "Phạm",
    "middle_name": "Thị",
    "given_name": "Hoa",
    "gender": "female",
    "birth_date": "05/03/1985",
    "citizen_id": "001185000123",
    "ethnicity": "Kinh",
    "education_level": "5",
    "political_theory": "2",
    "unit": "HN-ML-01",
}


def test_an_officer_creates_a_person_with_a_dd_mm_yyyy_birth_date(client, tree):
    client.force_login(tree.melinh_officer)
    response = client.post("/people/new/", NEW_PERSON)
    person = Person.objects.get(citizen_id="001185000123")
    assert response.status_code == 302
    assert person.birth_date == dt.date(1985, 3, 5) and person.unit == tree.school
    assert person.search_name == "pham thi hoa"


@pytest.mark.parametrize("citizen_id", ["12345", "00118500012A", "0011850001234"])
def test_an_invalid_citizen_id_is_refused_in_vietnamese_and_nothing_written(
    client, tree, citizen_id
):
    client.force_login(tree.melinh_officer)
    before = Person.objects.count()
    response = client.post("/people/new/", {**NEW_PERSON, "citizen_id": citizen_id})
    assert response.status_code == 200
    assert "Số CCCD phải gồm đúng 12 chữ số." in response.content.decode()
    assert Person.objects.count() == before


def test_a_citizen_id_already_used_is_refused(client, tree):
    client.force_login(tree.hanoi_officer)
    response = client.post("/people/new/", {**NEW_PERSON, "citizen_id": tree.nguyen.citizen_id})
    assert response.status_code == 200
    assert Person.objects.filter(citizen_id=tree.nguyen.citizen_id).count() == 1
    assert "CCCD" in response.content.decode()


def test_a_person_in_a_unit_outside_scope_is_refused(client, tree):
    client.force_login(tree.melinh_officer)
    before = Person.objects.count()
    response = client.post("/people/new/", {**NEW_PERSON, "unit": "HN-DA-01"})
    assert "HN-DA-01" in response.content.decode()
    assert Person.objects.count() == before


def position_data(**overrides):
    data = {
        "unit": "HN-ML-01",
        "role": "",
        "full_time": "on",
        "start_date": "01/06/2023",
        "end_date": "",
        "start_reason": "elected",
        "end_reason": "",
    }
    data.update(overrides)
    return data


def test_an_end_date_before_the_start_date_is_refused(client, tree):
    client.force_login(tree.hanoi_officer)
    before = Position.objects.count()
    response = client.post(
        f"/people/{tree.nguyen.pk}/positions/new/",
        position_data(role=tree.member_role.pk, end_date="31/05/2023", end_reason="term_ended"),
    )
    assert "Ngày kết thúc không được trước ngày bắt đầu." in response.content.decode()
    assert Position.objects.count() == before


def test_a_position_in_a_unit_outside_the_users_scope_is_refused(client, tree):
    client.force_login(tree.hanoi_officer)
    before = Position.objects.count()
    response = client.post(
        f"/people/{tree.nguyen.pk}/positions/new/",
        position_data(role=tree.member_role.pk, unit="NT-PR-01"),
    )
    assert "NT-PR-01" in response.content.decode()
    assert Position.objects.count() == before


def test_the_service_refuses_a_position_outside_scope_whatever_the_entry_point(tree):
    with pytest.raises(ValidationError) as e:
        position_create(
            user=tree.hanoi_officer,
            person=tree.nguyen,
            unit=tree.nt_grassroots,
            role=tree.chair_role,
            start_date=dt.date(2024, 1, 1),
        )
    assert "nằm ngoài phạm vi" in e.value.message_dict["unit"][0]


def test_a_position_picks_the_term_covering_its_start(client, tree):
    client.force_login(tree.hanoi_officer)
    client.post(
        f"/people/{tree.tran.pk}/positions/new/",
        position_data(role=tree.member_role.pk, start_date="15/06/2023"),
    )
    position = Position.objects.get(person=tree.tran, unit=tree.school)
    assert position.term == tree.term_school


def test_search_ignores_accents_and_case(client, tree):
    client.force_login(tree.hanoi_officer)
    body = client.get("/people/", {"q": "NGUYEN van"}).content.decode()
    assert "Nguyễn Văn An" in body and "Trần Thị Bình" not in body
    body = client.get("/people/", {"q": "tran thi binh"}).content.decode()
    assert "Trần Thị Bình" in body


def test_search_never_finds_people_of_another_province(client, tree):
    client.force_login(tree.nt_officer)
    assert "Nguyễn Văn An" not in client.get("/people/", {"q": "nguyen"}).content.decode()


def test_people_are_sorted_by_given_name_then_middle_then_family(client, tree):
    for family, middle, given in [
        ("Đỗ", "Văn", "Ánh"),
        ("Bùi", "Thị", "Anh"),
        ("Vũ", "Đức", "Anh"),
        ("Lê", "Văn", "Đạt"),
        ("Lý", "Văn", "Dũng"),
    ]:
        person_create(
            user=SYSTEM,
            unit=tree.factory,
            family_name=family,
            middle_name=middle,
            given_name=given,
            gender="male",
        )
    client.force_login(tree.hanoi_officer)
    body = client.get("/people/").content.decode()
    # Given names first; đ sorts after d; tones only break ties between equal letters.
    order = [
        "Nguyễn Văn An",
        "Vũ Đức Anh",
        "Bùi Thị Anh",
        "Đỗ Văn Ánh",
        "Trần Thị Bình",
        "Lý Văn Dũng",
        "Lê Văn Đạt",
    ]
    positions = [body.index(name) for name in order]
    assert positions == sorted(positions)


def test_filters_by_full_time_role_gender_and_unit(client, tree):
    client.force_login(tree.hanoi_officer)
    body = client.get("/people/", {"full_time": "1"}).content.decode()
    assert "Nguyễn Văn An" in body and "Trần Thị Bình" not in body
    body = client.get("/people/", {"role": tree.member_role.pk}).content.decode()
    assert "Trần Thị Bình" in body and "Nguyễn Văn An" not in body
    body = client.get("/people/", {"gender": "female"}).content.decode()
    assert "Trần Thị Bình" in body and "Nguyễn Văn An" not in body
    body = client.get("/people/", {"unit": "HN-ML"}).content.decode()
    assert "Nguyễn Văn An" in body and "Trần Thị Bình" not in body


def test_age_band_boundaries_use_the_as_of_date(client, tree):
    client.force_login(tree.hanoi_officer)
    # Born 03/02/1990: 29 the day before their 30th birthday, 30 on it.
    body = client.get("/people/", {"age": "u30", "on": "02/02/2020"}).content.decode()
    assert "Trần Thị Bình" in body
    body = client.get("/people/", {"age": "30-39", "on": "03/02/2020"}).content.decode()
    assert "Trần Thị Bình" in body


def test_positions_held_on_a_date_appear_in_the_list(client, tree):
    client.force_login(tree.hanoi_officer)
    held = "Chủ tịch – Công đoàn Trường THPT Mê Linh"
    assert held in client.get("/people/", {"on": "01/01/2024"}).content.decode()
    assert held not in client.get("/people/", {"on": "01/01/2020"}).content.decode()


def test_dates_and_numbers_are_written_the_vietnamese_way(client, tree):
    from units.services import unit_set_figures

    unit_set_figures(
        user=SYSTEM,
        unit=tree.school,
        effective_on=dt.date(2025, 1, 1),
        member_count=9551,
        worker_count=12000,
    )
    client.force_login(tree.hanoi_officer)
    body = client.get(f"/units/{tree.school.pk}/").content.decode()
    assert "9.551" in body and "12.000" in body and "01/06/2023" in body


def test_the_interface_switches_to_english(client, tree):
    client.force_login(tree.hanoi_officer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/people/"})
    assert "People" in client.get("/people/").content.decode()


def test_an_inspector_can_read_but_not_write(client, tree):
    client.force_login(tree.inspector)
    assert client.get(f"/people/{tree.nguyen.pk}/").status_code == 200
    assert client.post("/people/new/", NEW_PERSON).status_code == 403
    assert not Person.objects.filter(citizen_id="001185000123").exists()


def test_a_list_longer_than_the_cap_says_more_than_and_lists_up_to_the_cap(
    client, tree, monkeypatch
):
    client.force_login(tree.hanoi_officer)  # two people in Hà Nội
    monkeypatch.setattr("people.views.COUNT_CAP", 2)
    body = client.get("/people/").content.decode()
    assert "2 người" in body and "Trang 1/1" in body and "Hơn" not in body  # at the cap: exact
    monkeypatch.setattr("people.views.COUNT_CAP", 1)
    body = client.get("/people/").content.decode()
    assert "Hơn 1 người: lọc theo đơn vị" in body and "Trang 1/" not in body
    assert "Nguyễn Văn An" in body and "Trần Thị Bình" not in body  # the first, in name order
    # A search under the cap counts exactly again.
    body = client.get("/people/", {"q": "binh"}, headers={"HX-Request": "true"}).content.decode()
    assert "1 người" in body and "Hơn" not in body and "Trần Thị Bình" in body
