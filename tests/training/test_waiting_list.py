"""The waiting list says what happened, moves up in order when a seat frees, and closes with
the class (issue 23 §2): "Accepting when the class is full says “Đã ghi nhận quyết định.”
while the person went to the waiting list; people stay waitlisted after the class closes;
nothing moves up when a seat frees. Say what happened; promote from the waiting list in
order when a seat frees …; close the list with the class."""

import pytest
from django.contrib.messages import get_messages

from accounts.access import SYSTEM
from people.services import person_create
from tests.training.test_class_life import open_class  # noqa: F401  (the fixture: 2 seats)
from training.models import Enrolment
from training.services import class_set_status, class_update, enrolment_nominate


@pytest.fixture
def nominated(tree, open_class):  # noqa: F811
    """Five people of the school nominated to the 2-seat class, in order."""
    people = [
        person_create(
            user=SYSTEM, unit=tree.school, family_name="Hoàng", given_name=name, gender="male"
        )
        for name in ("An", "Bình", "Cúc", "Dung", "Em")
    ]
    return [
        enrolment_nominate(user=tree.melinh_officer, training_class=open_class, person=p)[0]
        for p in people
    ]


def decide(client, enrolment, decision, **data):
    """The messages the class page shows after the decision."""
    response = client.post(f"/training/enrolments/{enrolment.pk}/{decision}/", data, follow=True)
    assert response.redirect_chain and response.status_code == 200
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def statuses(enrolments):
    return [Enrolment.objects.get(pk=e.pk).status for e in enrolments]


def test_accepting_says_accepted_or_the_place_on_the_waiting_list(client, tree, nominated):
    client.force_login(tree.melinh_officer)
    said = [decide(client, e, "accept") for e in nominated[:4]]
    assert said[0] == [("success", "Đã nhận Hoàng An vào lớp.")]
    assert said[2] == [
        ("warning", "Lớp đã đủ chỗ: Hoàng Cúc được đưa vào danh sách chờ, thứ tự 1.")
    ]
    assert said[3] == [
        ("warning", "Lớp đã đủ chỗ: Hoàng Dung được đưa vào danh sách chờ, thứ tự 2.")
    ]
    assert statuses(nominated[:4]) == ["accepted", "accepted", "waitlisted", "waitlisted"]


def test_a_freed_seat_goes_to_the_first_on_the_waiting_list(client, tree, nominated):
    client.force_login(tree.melinh_officer)
    for e in nominated[:4]:
        decide(client, e, "accept")
    said = decide(client, nominated[0], "reject", reason="Trùng lịch công tác")
    assert said == [
        ("success", "Đã từ chối đề cử Hoàng An."),
        ("success", "Hoàng Cúc được chuyển từ danh sách chờ vào chỗ vừa trống."),
    ]
    assert statuses(nominated[:4]) == ["rejected", "accepted", "accepted", "waitlisted"]
    # Rejecting someone on the waiting list frees no seat: nobody moves.
    assert decide(client, nominated[3], "reject", reason="Đổi người") == [
        ("success", "Đã từ chối đề cử Hoàng Dung.")
    ]


def test_a_larger_class_takes_the_waiting_list_in_order(tree, open_class, nominated):  # noqa: F811
    from training.services import enrolment_accept

    for e in nominated:
        enrolment_accept(user=tree.melinh_officer, enrolment=e)
    class_update(user=tree.melinh_officer, training_class=open_class, capacity=4)
    assert statuses(nominated) == ["accepted"] * 4 + ["waitlisted"]


def test_the_waiting_list_closes_with_the_class(tree, open_class, nominated):  # noqa: F811
    from training.services import enrolment_accept

    for e in nominated[:3]:
        enrolment_accept(user=tree.melinh_officer, enrolment=e)
    class_set_status(user=SYSTEM, training_class=open_class, status="running")
    closed = Enrolment.objects.get(pk=nominated[2].pk)
    assert closed.status == "rejected"
    assert closed.reason == "Danh sách chờ đã đóng khi lớp ngừng nhận học viên."
    assert statuses(nominated[:2]) == ["accepted", "accepted"]
    assert statuses(nominated[3:]) == ["nominated", "nominated"]  # never decided: left as is
