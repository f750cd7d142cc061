"""Security review, finding "control characters": a person's names are one line of visible
text. The page, the API and both imports that write people (people with positions, class
participants in bulk) refuse a line break, a tab or an invisible character with a message in
Vietnamese naming the field, or the row and column, and write nothing."""

import pytest

from people.models import Person
from tests.api import ApiClient, fields_of, messages_of
from tests.imports.helpers import import_file, messages, xlsx_bytes
from tests.people.test_people import NEW_PERSON


def refusal(char: str) -> str:
    return (
        f"Hãy xoá dấu xuống dòng, dấu tab hoặc ký tự ẩn ({char}): tên hoặc mã chỉ là một "
        "dòng chữ nhìn thấy được."
    )


@pytest.mark.parametrize(
    ("field", "value", "char"),
    [
        ("given_name", "Hoa\r\nX", "U+000D"),
        ("family_name", "Phạm\tX", "U+0009"),
        ("middle_name", "Thị\u200b", "U+200B"),
        ("given_name", "\u202eaoH", "U+202E"),
    ],
)
def test_the_page_refuses_a_name_with_a_hidden_character(client, tree, field, value, char):
    """Finding "control characters": a Vietnamese message on the name, nobody created."""
    client.force_login(tree.melinh_officer)
    before = Person.objects.count()
    response = client.post("/people/new/", {**NEW_PERSON, field: value})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [refusal(char)]
    assert Person.objects.count() == before


def test_the_page_refuses_it_when_a_person_is_corrected_too(client, tree):
    client.force_login(tree.melinh_officer)
    response = client.post(
        f"/people/{tree.nguyen.pk}/edit/",
        {**NEW_PERSON, "citizen_id": tree.nguyen.citizen_id, "given_name": "An\x1b[31m"},
    )
    assert response.context["form"].errors["given_name"] == [refusal("U+001B")]
    assert Person.objects.get(pk=tree.nguyen.pk).given_name == "An"


def test_the_api_answers_a_hidden_character_with_a_422_in_vietnamese(tree):
    """Finding "control characters": 422 naming the field, never a 500."""
    response = ApiClient(tree.melinh_officer).post(
        "/people",
        {
            "given_name": "Hoa\n",
            "family_name": "Phạm\u2028Thị",
            "gender": "female",
            "unit": tree.school.pk,
        },
    )
    assert response.status_code == 422
    assert fields_of(response) == {"given_name", "family_name"}
    assert sorted(messages_of(response)) == [refusal("U+000A"), refusal("U+2028")]
    assert not Person.objects.filter(given_name__startswith="Hoa").exists()


def test_the_people_import_names_the_row_and_column(tree):
    data = xlsx_bytes(
        [
            ["Họ và tên", "Giới tính", "Mã đơn vị"],
            ["Phạm Thị Hoa", "Nữ", "HN-ML-01"],
            ["Phạm Văn\u200b Hùng", "Nam", "HN-ML-01"],
        ]
    )
    before = Person.objects.count()
    job = import_file(tree.melinh_officer, "people", data)
    assert messages(job) == [f"3|Họ và tên|{refusal('U+200B')}"]
    assert Person.objects.count() == before


def test_the_bulk_participants_import_refuses_it_too(tree):
    """The participants import writes new people in bulk, without the model's checks: the
    rule holds there all the same."""
    data = xlsx_bytes(
        [
            ["Mã lớp", "Họ và tên", "Giới tính", "Mã đơn vị", "Kết quả"],
            ["ML-2024-01", "Phạm \u202eHùng", "Nam", "HN-ML-01", "Đạt"],
        ]
    )
    before = Person.objects.count()
    job = import_file(tree.melinh_officer, "participants", data)
    assert messages(job) == [f"2|Họ và tên|{refusal('U+202E')}"]
    assert Person.objects.count() == before
