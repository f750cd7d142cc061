"""What a SCORM package asks for and the system does not do (hidden items, assets,
prerequisites, time limits, sequencing: elearning.scorm's notes) is shown to the organiser:
as a warning (amber, not the green of a success) once the uploaded package is saved, and on
the edit page of each of its lessons, read again from the stored package."""

from django.test import Client
from django.urls import reverse

from elearning import services
from tests.elearning.test_scorm import world  # noqa: F401  (the fixture)
from tests.fixtures.scorm.build import package, several_scos, upload

HIDDEN = "Các mục bị ẩn trong gói"
ASSETS = "Các mục trỏ tới tài nguyên asset (tệp không báo kết quả về hệ thống)"
PREREQUISITES = "Điều kiện tiên quyết của gói (adlcp:prerequisites) không được áp dụng"
FIELDS = {"title": "Gói ba phần", "rank": "1", "kind": "scorm", "required": "on", "body": ""}
FIELDS.update(question_count="10", pass_percent="70", max_attempts="3")


def organiser(w) -> Client:
    client = Client()
    client.force_login(w.tree.melinh_officer)
    return client


def warnings(page: str) -> list[str]:
    return [part.split("</p>")[0] for part in page.split('<p class="msg warning"')[1:]]


def test_the_notes_of_an_uploaded_package_are_shown_as_warnings(world):  # noqa: F811
    client = organiser(world)
    module = services.module_save(user=world.tree.melinh_officer, course=world.course, title="P2")
    url = reverse("elearning:manage_lesson_create", args=[module.pk])
    response = client.post(url, {**FIELDS, "file": upload(several_scos())}, follow=True)
    assert response.status_code == 200
    shown = warnings(response.content.decode())
    assert len(shown) == 3
    assert HIDDEN in shown[0] and "Trang ẩn" in shown[0]
    assert ASSETS in shown[1] and "Tài liệu tham khảo" in shown[1]
    assert PREREQUISITES in shown[2]

    # Each lesson of the package says the same on its edit page.
    for lesson in module.lessons.all():
        page = client.get(reverse("elearning:manage_lesson_edit", args=[lesson.pk]))
        notes = page.content.decode().split('id="scorm-notes"')[1].split("</div>")[0]
        assert "Những yêu cầu của gói SCORM mà hệ thống không thực hiện" in notes
        assert HIDDEN in notes and ASSETS in notes and PREREQUISITES in notes

    # Saving a lesson again without a new package repeats no warning.
    lesson = module.lessons.order_by("rank").first()
    edit_url = reverse("elearning:manage_lesson_edit", args=[lesson.pk])
    again = client.post(edit_url, {**FIELDS, "title": "Bài 1"}, follow=True)
    assert again.status_code == 200 and warnings(again.content.decode()) == []
    assert "msg success" in again.content.decode()


def test_a_package_asking_nothing_unsupported_shows_no_warning(world):  # noqa: F811
    client = organiser(world)
    module = services.module_save(user=world.tree.melinh_officer, course=world.course, title="P2")
    url = reverse("elearning:manage_lesson_create", args=[module.pk])
    response = client.post(url, {**FIELDS, "file": upload(package())}, follow=True)
    assert response.status_code == 200 and warnings(response.content.decode()) == []
    edit = client.get(reverse("elearning:manage_lesson_edit", args=[module.lessons.get().pk]))
    assert 'id="scorm-notes"' not in edit.content.decode()
