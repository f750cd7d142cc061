"""Security review, finding "control characters": a unit code with CR/LF gave a 500 on an
export, one with a quote broke the download's file name. A unit's code and name are one line
of visible text (a code also without a quote or a slash): the form, the API, the import and
the rename refuse anything else with a message in Vietnamese naming the field, and write
nothing."""

import pytest

from tests.api import ApiClient, fields_of, messages_of
from tests.imports.helpers import import_file, messages, xlsx_bytes
from units.models import Unit, UnitVersion

LINE_BREAK = "Hãy xoá dấu xuống dòng, dấu tab hoặc ký tự ẩn"
BAD_CODES = {
    "HN-ML\r\n02": "U+000D",
    "HN-ML\n02": "U+000A",
    "HN-ML\t02": "U+0009",
    "HN\u202eML-02": "U+202E",
    "HN-ML\u200b02": "U+200B",
}
NOT_IN_CODES = {'HN-ML"02': '"', "HN-ML/02": "/", "HN-ML\\02": "\\"}


def refusal(char: str) -> str:
    if char in NOT_IN_CODES.values():
        return f"Mã không được chứa ký tự “{char}” (mã được dùng trong tên tệp và địa chỉ)."
    return f"{LINE_BREAK} ({char}): tên hoặc mã chỉ là một dòng chữ nhìn thấy được."


def create_form(tree, code: str, name: str = "Công đoàn Công ty CP Mê Linh") -> dict:
    return {
        "code": code,
        "name": name,
        "kind": tree.school.kind_id,
        "parent": "HN-ML",
        "sector": "non_state",
        "founded_on": "01/01/2024",
    }


@pytest.mark.parametrize(("code", "char"), {**BAD_CODES, **NOT_IN_CODES}.items())
def test_the_form_refuses_a_code_with_a_line_break_an_invisible_character_or_a_quote(
    client, tree, code, char
):
    """Finding "control characters": a Vietnamese message on the code, nothing created."""
    client.force_login(tree.melinh_officer)
    before = Unit.objects.count()
    response = client.post("/units/new/", create_form(tree, code))
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [refusal(char)]
    assert Unit.objects.count() == before


def test_the_form_refuses_a_name_with_a_right_to_left_override(client, tree):
    """Finding "control characters": U+202E shows the rest of a name backwards."""
    client.force_login(tree.melinh_officer)
    response = client.post("/units/new/", create_form(tree, "HN-ML-02", "Công đoàn \u202eLinh Mê"))
    assert response.context["form"].errors["name"] == [refusal("U+202E")]
    assert not Unit.objects.filter(code="HN-ML-02").exists()


def test_a_code_is_refused_when_corrected_too(client, tree):
    client.force_login(tree.melinh_officer)
    response = client.post(f"/units/{tree.school.pk}/edit/", {"code": 'HN-ML"01'})
    assert response.context["form"].errors["code"] == [refusal('"')]
    assert Unit.objects.get(pk=tree.school.pk).code == "HN-ML-01"


def test_a_renaming_to_an_invisible_character_is_refused_and_writes_no_version(client, tree):
    client.force_login(tree.melinh_officer)
    before = list(UnitVersion.objects.values_list("pk", "name", "valid_to"))
    response = client.post(
        f"/units/{tree.school.pk}/rename/",
        {"name": "Công đoàn\u200b Trường THPT", "effective_on": "01/07/2025"},
    )
    assert response.context["form"].errors["name"] == [refusal("U+200B")]
    assert list(UnitVersion.objects.values_list("pk", "name", "valid_to")) == before


def test_a_name_with_hyphens_accents_and_formula_signs_is_still_a_name(client, tree):
    """Only invisible characters are refused: "=" or "-" at the start of a name is the
    exports' business (tests/exports/test_formula_injection.py)."""
    client.force_login(tree.melinh_officer)
    response = client.post(
        "/units/new/", create_form(tree, "HN-ML-02.A", "=Công đoàn Công ty Mê Linh – Đông Anh")
    )
    assert response.status_code == 302
    assert Unit.objects.get(code="HN-ML-02.A").name == "=Công đoàn Công ty Mê Linh – Đông Anh"


@pytest.mark.parametrize(
    ("code", "char"), [("HN-ML\r\n02", "U+000D"), ('HN-ML"02', '"'), ("HN-ML/02", "/")]
)
def test_the_api_answers_a_bad_code_with_a_422_in_vietnamese(tree, code, char):
    """Finding "control characters": 422 naming the field, never a 500."""
    response = ApiClient(tree.melinh_officer).post(
        "/units",
        {"code": code, "name": "Công đoàn X", "kind": "grassroots", "parent": tree.melinh.pk},
    )
    assert response.status_code == 422
    assert fields_of(response) == {"code"} and messages_of(response) == [refusal(char)]
    assert not Unit.objects.filter(name="Công đoàn X").exists()


def test_the_api_refuses_a_renaming_with_an_invisible_character(tree):
    response = ApiClient(tree.melinh_officer).post(
        f"/units/{tree.school.pk}/rename",
        {"name": "Công đoàn\u202eTrường", "effective_on": "2025-07-01"},
    )
    assert response.status_code == 422
    assert fields_of(response) == {"name"} and messages_of(response) == [refusal("U+202E")]
    assert Unit.objects.get(pk=tree.school.pk).name == "Công đoàn Trường THPT Mê Linh"


def test_the_import_names_the_row_and_column_of_an_invisible_character(tree):
    """Finding "control characters": a file's hidden character is a problem on its row and
    column, and nothing of the file is written."""
    data = xlsx_bytes(
        [
            ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã đơn vị cấp trên"],
            ["HN-ML-02", "Công đoàn Công ty A", "Công đoàn cơ sở", "HN-ML"],
            ["HN-ML-03", "Công đoàn \u202eCông ty B", "Công đoàn cơ sở", "HN-ML"],
            ["HN-ML\x0704", "Công đoàn Công ty C", "Công đoàn cơ sở", "HN-ML"],
        ]
    )
    before = Unit.objects.count()
    job = import_file(tree.melinh_officer, "units", data)
    assert messages(job) == [
        f"3|Tên đơn vị|{refusal('U+202E')}",
        f"4|Mã đơn vị|{refusal('U+0007')}",
    ]
    assert Unit.objects.count() == before
