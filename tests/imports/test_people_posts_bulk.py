"""Posts new to the system, from the people spreadsheet: checked by position_create's rules
for the whole file at once (people.services: position_errors, post_refusal, the appointment
checks) and written in one insert, with the same history entries and appointment records as
a post added on its page (issue 22: "the services' rules applied in bulk, not row by row
through the ORM, and the audit log kept")."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType

from audit.context import acting_as
from audit.models import LogEntry
from cadrework.models import Appointment
from imports.models import ImportStatus
from people.models import Person, Position, Role
from people.services import person_create, position_create
from tests.imports.helpers import import_file, xlsx_bytes

HEADER = ["Họ và tên", "Giới tính", "Mã đơn vị", "Chức vụ", "Ngày bắt đầu"]


def entries(position: Position) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Position), object_id=position.pk
        )
    )


def test_a_post_written_in_bulk_has_the_history_entry_of_one_added_on_its_page(tree):
    with acting_as(tree.melinh_officer):  # as on its page: the officer's doing
        by_hand = position_create(
            user=tree.melinh_officer,
            person=person_create(
                user=tree.melinh_officer,
                unit=tree.school,
                family_name="Phạm",
                middle_name="Minh",
                given_name="Hải",
                gender="male",
            ),
            unit=tree.school,
            role=Role.objects.get(code="vice_chair"),
            start_date=dt.date(2024, 3, 1),
        )
    job = import_file(
        tree.melinh_officer,
        "people",
        xlsx_bytes([HEADER, ["Đỗ Thị Lan", "Nữ", "HN-ML-01", "Phó Chủ tịch", "01/03/2024"]]),
    )
    assert job.status == ImportStatus.DONE, job.problems
    imported = Position.objects.get(person__given_name="Lan", person__family_name="Đỗ")
    [hand], [bulk] = entries(by_hand), entries(imported)
    assert bulk.actor == hand.actor == tree.melinh_officer
    assert bulk.action == hand.action == LogEntry.Action.CREATE
    assert bulk.object_repr == "Đỗ Thị Lan — Phó Chủ tịch — Công đoàn Trường THPT Mê Linh"
    assert hand.object_repr == "Phạm Minh Hải — Phó Chủ tịch — Công đoàn Trường THPT Mê Linh"
    assert (bulk.unit_id, bulk.person_id) == (tree.school.pk, None)
    assert bulk.subject_id == imported.person_id
    assert sorted(bulk.changes) == sorted(hand.changes)
    assert bulk.changes["term"] == hand.changes["term"] == ["None", str(tree.term_school.pk)]
    assert bulk.changes["role"] == hand.changes["role"]
    # Both were checked for the post's pool, standard and rating, and the findings kept.
    assert Appointment.objects.filter(position__in=[by_hand, imported]).count() == 2


def test_a_file_seating_a_chair_where_one_sits_is_refused_as_the_page_refuses_it(tree):
    """019: "a unit got three chairs at once, from an import, 'Thêm chức vụ' and the one it
    had, and nothing warned"."""
    rows = [
        HEADER,
        ["Đỗ Thị Lan", "Nữ", "HN-ML-01", "Ủy viên Ban Chấp hành", "01/01/2025"],
        ["Vũ Văn Minh", "Nam", "HN-ML-01", "Chủ tịch", "01/01/2025"],
    ]
    job = import_file(tree.melinh_officer, "people", xlsx_bytes(rows))
    assert job.status == ImportStatus.CHECKED
    assert [(p["row"], p["column"]) for p in job.problems] == [(3, "Chức vụ")]
    assert "Nguyễn Văn An" in job.problems[0]["message"]
    assert not Person.objects.filter(given_name__in=("Lan", "Minh")).exists()


def test_posts_of_one_file_are_checked_against_each_other(tree):
    """A person holds the same post in the same unit once at a time: a file giving a second
    open vice-chair period beside the first is refused on that row; a period that ended
    before the next one starts is not."""
    header = [*HEADER, "Ngày kết thúc", "Lý do kết thúc"]
    earlier = ["Đỗ Thị Lan", "Nữ", "HN-ML-01", "Phó Chủ tịch", "01/01/2020"]
    rows = [
        header,
        [*earlier, "31/12/2022", "Luân chuyển"],
        ["Đỗ Thị Lan", "Nữ", "HN-ML-01", "Phó Chủ tịch", "01/01/2023", None, None],
        ["Đỗ Thị Lan", "Nữ", "HN-ML-01", "Phó Chủ tịch", "01/06/2024", None, None],
    ]
    job = import_file(tree.melinh_officer, "people", xlsx_bytes(rows))
    assert [(p["row"], p["column"]) for p in job.problems] == [(4, "Chức vụ")], job.problems
    assert "01/01/2023" in job.problems[0]["message"]
    assert not Person.objects.filter(given_name="Lan", family_name="Đỗ").exists()
    job = import_file(tree.melinh_officer, "people", xlsx_bytes(rows[:3]))
    assert job.status == ImportStatus.DONE, job.problems
    held = Position.objects.filter(person__given_name="Lan", person__family_name="Đỗ")
    assert sorted((p.start_date, p.end_date) for p in held) == [
        (dt.date(2020, 1, 1), dt.date(2022, 12, 31)),
        (dt.date(2023, 1, 1), None),
    ]
