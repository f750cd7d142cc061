"""Grid work on a class (issue 23 §1): "Accepting nominations, entering attendance and results
… are one form per person. Build grid work: select many and accept / reject / move to the
waiting list; a results grid for the whole class (keyboard, paste a column from Excel,
validation per cell with the person named)"."""

import pytest
from django.contrib.messages import get_messages

from accounts.access import SYSTEM
from tests.training.test_class_life import open_class  # noqa: F401  (the fixture: 2 seats)
from tests.training.test_waiting_list import nominated, statuses  # noqa: F401  (5 people)
from training.models import Enrolment, TrainingRecord
from training.services import class_set_status, enrolment_accept


def post(client, url, data):
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    return response, [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def ticked(enrolments):
    return [str(e.pk) for e in enrolments]


def test_ticked_nominations_are_accepted_in_the_order_nominated_while_seats_last(
    client,
    tree,
    nominated,  # noqa: F811
):
    client.force_login(tree.melinh_officer)
    url = f"/training/classes/{nominated[0].training_class_id}/decide/"
    # Ticked in the page's (name) order, last first: the seats still go by nomination order.
    _response, said = post(
        client, url, {"decision": "accept", "enrolment": ticked(reversed(nominated[:4]))}
    )
    assert statuses(nominated) == ["accepted", "accepted", "waitlisted", "waitlisted", "nominated"]
    assert said == [
        ("success", "Đã nhận vào lớp: 2 người."),
        ("warning", "Lớp đã đủ chỗ — đưa vào danh sách chờ: 2 người (Hoàng Cúc, Hoàng Dung)."),
    ]


def test_ticked_nominations_are_rejected_with_one_reason_and_the_waiting_list_moves_up(
    client,
    tree,
    nominated,  # noqa: F811
):
    client.force_login(tree.melinh_officer)
    url = f"/training/classes/{nominated[0].training_class_id}/decide/"
    post(client, url, {"decision": "accept", "enrolment": ticked(nominated)})
    _response, said = post(
        client, url, {"decision": "reject", "reason": "", "enrolment": ticked(nominated[:2])}
    )
    assert said == [("error", "Hãy nêu lý do từ chối.")]
    assert statuses(nominated[:2]) == ["accepted", "accepted"]  # nothing done without a reason

    _response, said = post(
        client,
        url,
        {"decision": "reject", "reason": "Trùng lịch", "enrolment": ticked(nominated[:2])},
    )
    assert statuses(nominated) == ["rejected", "rejected", "accepted", "accepted", "waitlisted"]
    assert Enrolment.objects.get(pk=nominated[0].pk).reason == "Trùng lịch"
    assert said == [
        ("success", "Đã từ chối: 2 người."),
        ("success", "Hoàng Cúc được chuyển từ danh sách chờ vào chỗ vừa trống."),
        ("success", "Hoàng Dung được chuyển từ danh sách chờ vào chỗ vừa trống."),
    ]


def test_moving_a_seated_person_to_the_waiting_list_gives_the_seat_to_the_first_waiting(
    client,
    tree,
    nominated,  # noqa: F811
):
    client.force_login(tree.melinh_officer)
    url = f"/training/classes/{nominated[0].training_class_id}/decide/"
    post(client, url, {"decision": "accept", "enrolment": ticked(nominated[:3])})
    _response, said = post(client, url, {"decision": "waitlist", "enrolment": [nominated[0].pk]})
    assert statuses(nominated[:3]) == ["waitlisted", "accepted", "accepted"]
    assert ("success", "Hoàng Cúc được chuyển từ danh sách chờ vào chỗ vừa trống.") in said


def test_accepting_someone_already_waiting_keeps_their_place(tree, open_class, nominated):  # noqa: F811
    for e in nominated[:4]:
        enrolment_accept(user=tree.melinh_officer, enrolment=e)
    enrolment_accept(user=tree.melinh_officer, enrolment=nominated[2])  # first on the list
    first = Enrolment.objects.filter(status="waitlisted").order_by("decided_at", "pk").first()
    assert first.pk == nominated[2].pk


def test_nobody_ticked_or_no_decision_is_said_and_changes_nothing(client, tree, nominated):  # noqa: F811
    client.force_login(tree.melinh_officer)
    url = f"/training/classes/{nominated[0].training_class_id}/decide/"
    assert post(client, url, {"decision": "accept"})[1] == [
        ("error", "Hãy đánh dấu ít nhất một đề cử.")
    ]
    assert post(client, url, {"decision": "drop", "enrolment": ticked(nominated)})[1] == [
        ("error", "Hãy chọn việc cần làm với các đề cử đã đánh dấu.")
    ]
    assert statuses(nominated) == ["nominated"] * 5


def test_another_units_officer_cannot_decide_on_the_class(client, tree, nominated):  # noqa: F811
    client.force_login(tree.nt_officer)  # Ninh Thuận: another province
    url = f"/training/classes/{nominated[0].training_class_id}/decide/"
    assert (
        client.post(url, {"decision": "accept", "enrolment": ticked(nominated)}).status_code == 404
    )
    assert statuses(nominated) == ["nominated"] * 5


@pytest.fixture
def running(tree, open_class, nominated):  # noqa: F811
    """The 2-seat class running with Hoàng An and Hoàng Bình accepted."""
    for e in nominated[:2]:
        enrolment_accept(user=tree.melinh_officer, enrolment=e)
    class_set_status(user=SYSTEM, training_class=open_class, status="running")
    return open_class


def grid_data(enrolments, rows):
    data = {}
    for e, (attendance, score, passed) in zip(enrolments, rows, strict=True):
        data |= {
            f"{e.pk}-attendance_percent": attendance,
            f"{e.pk}-score": score,
            f"{e.pk}-passed": passed,
        }
    return data


def test_the_results_grid_takes_what_excel_pastes_and_saves_the_whole_class(
    client,
    tree,
    running,
    nominated,  # noqa: F811
):
    client.force_login(tree.melinh_officer)
    url = f"/training/classes/{running.pk}/results/"
    page = client.get(url).content.decode()
    assert f'name="{nominated[0].pk}-score"' in page and "Hoàng Bình" in page
    response, said = post(
        client, url, grid_data(nominated[:2], [("95%", "8,5", "Đạt"), ("60", "4", "không đạt")])
    )
    assert said == [("success", "Đã lưu kết quả: 2 dòng.")]
    an, binh = (Enrolment.objects.get(pk=e.pk) for e in nominated[:2])
    assert (an.attendance_percent, str(an.score), an.passed) == (95, "8.5", True)
    assert (binh.attendance_percent, str(binh.score), binh.passed) == (60, "4.0", False)
    assert TrainingRecord.objects.filter(enrolment=an).exists()
    assert not TrainingRecord.objects.filter(enrolment=binh).exists()


def test_a_refused_cell_names_its_person_and_nothing_is_saved(client, tree, running, nominated):  # noqa: F811
    client.force_login(tree.melinh_officer)
    url = f"/training/classes/{running.pk}/results/"
    response = client.post(
        url, grid_data(nominated[:2], [("95", "8,5", "Đạt"), ("120", "11", "có lẽ")])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="form-errors"' in page
    assert "Hoàng Bình — Tỷ lệ tham dự (%): Không được lớn hơn 100." in page
    # the person named, not "…nhỏ hơn hoặc bằng với 100 ."
    assert "Hoàng Bình — Kết quả: “có lẽ” không phải là kết quả" in page
    assert f'href="#id_{nominated[1].pk}-score"' in page
    assert 'value="120"' in page  # what was typed is kept to be corrected
    assert Enrolment.objects.get(pk=nominated[0].pk).passed is None  # not even the good row


def test_results_before_the_class_runs_are_refused_once(
    client,
    tree,
    open_class,  # noqa: F811
    nominated,  # noqa: F811
):
    for e in nominated[:2]:
        enrolment_accept(user=tree.melinh_officer, enrolment=e)
    client.force_login(tree.melinh_officer)
    _response = client.post(
        f"/training/classes/{open_class.pk}/results/",
        grid_data(nominated[:2], [("95", "8", "Đạt"), ("90", "7", "Đạt")]),
    )
    said = [str(m) for m in get_messages(_response.wsgi_request)]
    assert said == ["Chỉ được nhập kết quả khi lớp đã bắt đầu học."]  # once, not per row
    assert not TrainingRecord.objects.filter(training_class=open_class).exists()
