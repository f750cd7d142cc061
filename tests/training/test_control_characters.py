"""Security review, finding "control characters": a class's code goes into the name of its
participants' download, its name into every export. The page and the API refuse a code with
a line break, a quote or a slash, and a name with an invisible character, in Vietnamese."""

import pytest

from tests.api import ApiClient, fields_of, messages_of
from tests.training.test_class_life import CLASS
from training.models import TrainingClass

HIDDEN = (
    "Hãy xoá dấu xuống dòng, dấu tab hoặc ký tự ẩn ({char}): tên hoặc mã chỉ là một "
    "dòng chữ nhìn thấy được."
)
QUOTE = "Mã không được chứa ký tự “{char}” (mã được dùng trong tên tệp và địa chỉ)."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("code", "ML-2025\r\n01", HIDDEN.format(char="U+000D")),
        ("code", 'ML-2025"01', QUOTE.format(char='"')),
        ("code", "ML/2025/01", QUOTE.format(char="/")),
        ("name", "Kỹ năng\u202e thương lượng", HIDDEN.format(char="U+202E")),
        ("venue", "Hội trường\x00", "Dữ liệu không được chứa ký tự NUL."),
    ],
)
def test_the_page_refuses_a_class_code_or_name_that_would_break_an_export(
    client, tree, field, value, message
):
    """Finding "control characters": a Vietnamese message on the field, no class created."""
    client.force_login(tree.melinh_officer)
    response = client.post(
        "/training/classes/new/", {**CLASS, "topics": [tree.topic.pk], field: value}
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not TrainingClass.objects.filter(name__startswith="Kỹ năng").exists()


def test_the_api_answers_a_bad_class_code_with_a_422(tree):
    response = ApiClient(tree.melinh_officer).post(
        "/classes",
        {
            "code": "ML-2025\n01",
            "name": "Kỹ năng thương lượng",
            "organiser": tree.melinh.pk,
            "topics": [tree.topic.code],
            "start_date": "2025-03-10",
            "end_date": "2025-03-12",
            "hours": 24,
            "capacity": 20,
        },
    )
    assert response.status_code == 422
    assert fields_of(response) == {"code"}
    assert messages_of(response) == [HIDDEN.format(char="U+000A")]
    assert not TrainingClass.objects.filter(name="Kỹ năng thương lượng").exists()
