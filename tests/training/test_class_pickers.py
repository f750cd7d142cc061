"""Issue 23 §4: "Co-organisers and invited units are picked from the tree with search, not
typed as comma-separated codes; the institution box has choices"."""

from tests.training.test_class_life import (
    CLASS,
    open_class,  # noqa: F401  (the fixture)
)
from training.models import Institution, TrainingClass, TrainingRecord


def test_units_are_found_by_name_anywhere_in_the_tree(client, tree):
    client.force_login(tree.melinh_officer)
    page = client.get(
        "/units/pick/", {"field": "co_organisers", "pick-co_organisers": "dong anh"}
    ).content.decode()
    # Đông Anh is outside Mê Linh's subtree: a co-organiser may be any unit.
    assert 'name="co_organisers" value="HN-DA"' in page
    assert "Liên đoàn Lao động huyện Đông Anh" in page
    assert "Liên đoàn Lao động thành phố Hà Nội" in page  # where it sits, to tell namesakes
    nothing = client.get("/units/pick/", {"field": "invited_units", "pick-invited_units": "zzz"})
    assert "Không có đơn vị nào phù hợp." in nothing.content.decode()


def test_a_picker_answers_only_for_a_field_name(client, tree):
    client.force_login(tree.melinh_officer)
    assert client.get("/units/pick/", {"field": '"><script>'}).status_code == 404


def test_the_class_form_offers_pickers_and_saves_the_ticked_units(client, tree):
    client.force_login(tree.melinh_officer)
    form = client.get("/training/classes/new/").content.decode()
    assert 'id="id_co_organisers"' in form and 'name="pick-co_organisers"' in form
    assert "comma" not in form and "dấu phẩy" not in form
    response = client.post(
        "/training/classes/new/",
        {
            **CLASS,
            "topics": [tree.topic.pk],
            "co_organisers": ["HN-DA"],
            "invited_units": ["NT-PR", "HN-DA"],
        },
    )
    assert response.status_code == 302
    c = TrainingClass.objects.get(code=CLASS["code"])
    assert list(c.co_organisers.all()) == [tree.donganh]
    assert set(c.invited_units.all()) == {tree.phanrang, tree.donganh}
    edit = client.get(f"/training/classes/{c.pk}/edit/").content.decode()
    assert 'name="co_organisers" value="HN-DA" checked' in edit  # chosen, shown ticked


def test_an_unknown_code_is_named(client, tree):
    client.force_login(tree.melinh_officer)
    response = client.post(
        "/training/classes/new/",
        {**CLASS, "topics": [tree.topic.pk], "invited_units": ["NT-PR", "XX-99"]},
    )
    assert "Không tìm thấy đơn vị có mã: XX-99" in response.content.decode()


def test_the_outside_body_of_a_record_is_chosen_from_a_list(client, tree):
    school = Institution.objects.create(name="Trường Chính trị tỉnh Ninh Thuận", kind="other")
    client.force_login(tree.hanoi_officer)
    url = f"/training/people/{tree.tran.pk}/records/new/"
    form = client.get(url).content.decode()
    assert f'<option value="{school.pk}">Trường Chính trị tỉnh Ninh Thuận</option>' in form
    response = client.post(
        url,
        {
            "title": "Trung cấp lý luận chính trị",
            "topics": [tree.topic.pk],
            "hours": "1.200",
            "completed_on": "30/06/2025",
            "form": "on_site",
            "institution": school.pk,
        },
    )
    assert response.status_code == 302
    record = TrainingRecord.objects.get(person=tree.tran, title="Trung cấp lý luận chính trị")
    assert record.institution == school and record.hours == 1200


def test_a_lecturer_is_added_from_the_class_page_with_the_class_hours(client, tree, open_class):  # noqa: F811
    """Issue 23 §4: "a lecturer can be added from the class page"."""
    from training.models import ClassLecturer

    client.force_login(tree.melinh_officer)
    page = client.get(f"/training/classes/{open_class.pk}/").content.decode()
    assert f'href="/training/lecturers/new/?class={open_class.pk}"' in page
    url = f"/training/lecturers/new/?class={open_class.pk}"
    assert 'name="hours"' in client.get(url).content.decode()
    data = {"citizen_id": "001080000001", "kind": "part_time", "topics": [tree.topic.pk]}
    too_many = client.post(url, {**data, "hours": "99"})  # the class has 16 hours
    assert "Số giờ giảng của giảng viên không được vượt quá tổng số giờ của lớp." in (
        too_many.content.decode()
    )
    assert not ClassLecturer.objects.filter(training_class=open_class).exists()
    response = client.post(url, {**data, "hours": "8"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/training/classes/{open_class.pk}/"
    assert "Đã phân công Nguyễn Văn An giảng dạy lớp." in response.content.decode()
    row = ClassLecturer.objects.get(training_class=open_class)
    assert row.hours == 8 and row.lecturer.person == tree.nguyen


def test_a_lecturer_made_outside_a_class_is_not_asked_for_hours(client, tree):
    client.force_login(tree.melinh_officer)
    assert 'name="hours"' not in client.get("/training/lecturers/new/").content.decode()
