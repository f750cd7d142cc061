"""Security review finding: "'Citizen ID already exists' tells an officer that an ID exists
outside their scope."

A citizen ID belongs to one person. When an officer types one that someone already holds:
inside the officer's subtree the answer names that person (with a link to their record);
outside it, the answer neither names them nor says where they are — only that the ID cannot
be used here, and what to do when the person moved from another unit (the level above both
units moves the record). The same on the pages and in the API.
"""

import pytest

from people.models import Person
from tests.api import ApiClient

NEUTRAL = (
    "Không dùng được số CCCD này ở đây. Nếu người này chuyển đến từ đơn vị khác, hãy "
    "đề nghị cấp trên chuyển hồ sơ của họ về đơn vị mình."
)
LE_ID = "058075000003"  # Lê Văn Cường, Ninh Thuận
NGUYEN_ID = "001080000001"  # Nguyễn Văn An, Mê Linh (Hà Nội)


def new_person(unit_code: str, citizen_id: str) -> dict:
    return {
        "unit": unit_code,
        "family_name": "Hoàng",
        "middle_name": "Minh",
        "given_name": "Tuấn",
        "gender": "male",
        "citizen_id": citizen_id,
        "ethnicity": "Kinh",
        "education_level": 0,
        "political_theory": 0,
    }


def assert_tells_nothing_of_ninh_thuan(body: str) -> None:
    for hint in ("Lê Văn Cường", "Cường", "Ninh Thuận", "NT-PR-01", "đã tồn tại", "already exists"):
        assert hint not in body, hint


def test_a_hanoi_officer_learns_nothing_of_a_ninh_thuan_citizen_id(client, tree):
    """The Hà Nội officer types the citizen ID of a Ninh Thuận chair for a new person."""
    client.force_login(tree.hanoi_officer)
    response = client.post("/people/new/", new_person("HN-ML-01", LE_ID))
    body = response.content.decode()
    assert response.status_code == 200
    assert NEUTRAL in body
    assert_tells_nothing_of_ninh_thuan(body)
    assert 'id="citizen-id-holder"' not in body
    assert not Person.objects.filter(given_name="Tuấn").exists()


def test_nor_when_editing_someone_of_their_own(client, tree):
    client.force_login(tree.hanoi_officer)
    response = client.post(f"/people/{tree.tran.pk}/edit/", new_person("HN-DA-01", LE_ID))
    body = response.content.decode()
    assert NEUTRAL in body
    assert_tells_nothing_of_ninh_thuan(body)
    tree.tran.refresh_from_db()
    assert tree.tran.citizen_id is None


def test_nor_through_the_api(tree):
    api = ApiClient(tree.hanoi_officer)
    payload = {
        "unit": tree.school.pk,
        "family_name": "Hoàng",
        "given_name": "Tuấn",
        "gender": "male",
        "citizen_id": LE_ID,
    }
    for response in (
        api.post("/people", payload),
        api.patch(f"/people/{tree.tran.pk}", {"citizen_id": LE_ID}),
    ):
        assert response.status_code == 422
        assert response.json()["detail"] == [{"field": "citizen_id", "message": NEUTRAL}]
        assert_tells_nothing_of_ninh_thuan(response.content.decode())


def test_a_district_officer_learns_nothing_of_the_next_district(client, tree):
    tree.tran.citizen_id = "001190000002"
    tree.tran.save()  # Đông Anh, beside Mê Linh
    client.force_login(tree.melinh_officer)
    body = client.post("/people/new/", new_person("HN-ML-01", "001190000002")).content.decode()
    assert NEUTRAL in body and "Trần Thị Bình" not in body and "Đông Anh" not in body


def test_inside_the_subtree_the_holder_is_named_with_a_link(client, tree):
    client.force_login(tree.hanoi_officer)
    body = client.post("/people/new/", new_person("HN-DA-01", NGUYEN_ID)).content.decode()
    assert (
        "Số CCCD này đã là của Nguyễn Văn An (Công đoàn Trường THPT Mê Linh): hãy mở hồ "
        "sơ của người này thay vì thêm lại."
    ) in body
    assert (
        f'<p id="citizen-id-holder"><a href="/people/{tree.nguyen.pk}/">'
        "Mở hồ sơ của Nguyễn Văn An</a></p>"
    ) in body
    assert NEUTRAL not in body


def test_inside_the_subtree_the_api_names_the_holder(tree):
    response = ApiClient(tree.hanoi_officer).post(
        "/people",
        {"unit": tree.factory.pk, "given_name": "Tuấn", "gender": "male", "citizen_id": NGUYEN_ID},
    )
    assert response.status_code == 422
    assert "Nguyễn Văn An" in response.json()["detail"][0]["message"]


def test_the_national_administrator_sees_every_holder(client, tree):
    client.force_login(tree.admin)
    body = client.post("/people/new/", new_person("HN-ML-01", LE_ID)).content.decode()
    assert "Lê Văn Cường" in body and NEUTRAL not in body


def test_keeping_ones_own_citizen_id_is_no_conflict(client, tree):
    client.force_login(tree.hanoi_officer)
    data = new_person("HN-ML-01", NGUYEN_ID) | {
        "family_name": "Nguyễn",
        "middle_name": "Văn",
        "given_name": "An",
    }
    response = client.post(f"/people/{tree.nguyen.pk}/edit/", data)
    assert response.status_code == 302


@pytest.mark.parametrize("citizen_id", ["05807500000", "05807500000X"])
def test_a_malformed_citizen_id_is_told_as_such(client, tree, citizen_id):
    client.force_login(tree.hanoi_officer)
    body = client.post("/people/new/", new_person("HN-ML-01", citizen_id)).content.decode()
    assert "Số CCCD phải gồm đúng 12 chữ số." in body and NEUTRAL not in body


def test_the_level_above_moves_a_person_who_moved_between_provinces(tree):
    """What the neutral message advises works: the confederation (above both provinces)
    moves Lê Văn Cường's record to Hà Nội; from then on Hà Nội sees him by name."""
    response = ApiClient(tree.admin).patch(f"/people/{tree.le.pk}", {"unit": tree.school.pk})
    assert response.status_code == 200
    response = ApiClient(tree.hanoi_officer).post(
        "/people",
        {"unit": tree.school.pk, "given_name": "Tuấn", "gender": "male", "citizen_id": LE_ID},
    )
    assert "Lê Văn Cường" in response.json()["detail"][0]["message"]


@pytest.mark.django_db
def test_the_people_import_says_the_same_and_tells_nothing_of_ninh_thuan(tree):
    """The import had its own words: "This citizen ID belongs to a person outside your
    scope" confirmed that the ID exists elsewhere."""
    from tests.imports.helpers import import_file, problems_on, xlsx_bytes

    rows = [
        ["Họ và tên", "Giới tính", "Mã đơn vị", "Số CCCD"],
        ["Hoàng Minh Tuấn", "Nam", "HN-ML-01", LE_ID],
    ]
    job = import_file(tree.hanoi_officer, "people", xlsx_bytes(rows))
    assert [p["message"] for p in problems_on(job, 2)] == [NEUTRAL]
    assert not Person.objects.filter(given_name="Tuấn", family_name="Hoàng").exists()
