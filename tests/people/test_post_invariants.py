"""A post says how many may hold it in one unit at once (a chair: one; vice-chairs: several),
and a person never holds the same post twice over overlapping dates — on the page ("Thêm chức
vụ"), in the API, in the people import, and through a merger of unions.

Issue 19, finding: "A unit got three chairs at once (one from an import, one from "Thêm chức
vụ", one existing); nothing warned, and T-003-4c went from 1/1 to 1/2 for that union."

In the `tree`, Nguyễn Văn An chairs HN-ML-01 (the school) from 01/06/2023, with no end."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from accounts.access import SYSTEM
from imports.models import ImportStatus
from people.models import Position, Role
from people.services import person_create, position_create, position_end, position_update
from tests.api import ApiClient, fields_of, messages_of
from tests.conftest import make_unit
from tests.imports.helpers import import_file, xlsx_bytes
from units.services import unit_merge

SCHOOL_HAS_A_CHAIR = (
    "Đơn vị Công đoàn Trường THPT Mê Linh đã có Chủ tịch (Nguyễn Văn An) từ 01/06/2023; "
    "hãy kết thúc chức vụ đó trước."
)
MERGE_DAY = dt.date(2025, 7, 1)


def role(code: str) -> Role:
    return Role.objects.get(code=code)


def a_person(tree, given: str, unit=None):
    return person_create(
        user=SYSTEM,
        unit=unit or tree.school,
        family_name="Phạm",
        middle_name="Minh",
        given_name=given,
        gender="male",
        birth_date=dt.date(1985, 1, 1),
    )


def seat(person, unit, code: str, start: dt.date, end: dt.date | None = None) -> Position:
    return position_create(
        user=SYSTEM,
        person=person,
        unit=unit,
        role=role(code),
        start_date=start,
        end_date=end,
        end_reason="term_ended" if end else "",
    )


def chairs(unit) -> int:
    return Position.objects.filter(unit=unit, role__code="chair").active_on(MERGE_DAY).count()


def refusal(error: pytest.ExceptionInfo) -> str:
    return error.value.message_dict["role"][0]


# ---------------------------------------------------------------- the three write paths


def test_thêm_chức_vụ_refuses_a_second_chair_and_says_who_holds_the_post(client, tree):
    other = a_person(tree, "Hải")
    client.force_login(tree.melinh_officer)
    response = client.post(
        f"/people/{other.pk}/positions/new/",
        {
            "unit": "HN-ML-01",
            "role": tree.chair_role.pk,
            "start_date": "01/01/2025",
            "start_reason": "elected",
            "end_reason": "",
        },
    )
    assert response.status_code == 200
    assert SCHOOL_HAS_A_CHAIR in response.content.decode()
    assert not Position.objects.filter(person=other).exists()


def test_the_api_refuses_a_second_chair_on_the_role_field(tree):
    other = a_person(tree, "Hải")
    response = ApiClient(tree.melinh_officer).post(
        "/positions",
        {
            "person": other.pk,
            "unit": tree.school.pk,
            "role": tree.chair_role.pk,
            "start_date": "2025-01-01",
        },
    )
    assert response.status_code == 422
    assert fields_of(response) == {"role"}
    assert messages_of(response) == [SCHOOL_HAS_A_CHAIR]
    assert not Position.objects.filter(person=other).exists()


def test_the_api_refuses_to_make_a_vice_chair_the_second_chair(tree):
    vice = seat(a_person(tree, "Hải"), tree.school, "vice_chair", dt.date(2023, 6, 1))
    response = ApiClient(tree.melinh_officer).patch(
        f"/positions/{vice.pk}", {"role": tree.chair_role.pk}
    )
    assert response.status_code == 422 and messages_of(response) == [SCHOOL_HAS_A_CHAIR]
    vice.refresh_from_db()
    assert vice.role.code == "vice_chair"


PEOPLE_HEADER = ["Họ và tên", "Giới tính", "Mã đơn vị", "Chức vụ", "Ngày bắt đầu"]


def test_an_import_row_seating_a_second_chair_is_refused_on_its_row_and_nothing_is_written(
    tree,
):
    rows = [
        PEOPLE_HEADER,
        ["Phạm Minh Hải", "Nam", "HN-ML-01", "Phó Chủ tịch", "01/06/2023"],
        ["Đỗ Thị Lan", "Nữ", "HN-ML-01", "Chủ tịch", "01/01/2025"],
    ]
    before = Position.objects.count()
    job = import_file(tree.melinh_officer, "people", xlsx_bytes(rows))
    assert job.status == ImportStatus.CHECKED
    assert job.problems == [{"row": 3, "column": "Chức vụ", "message": SCHOOL_HAS_A_CHAIR}]
    assert Position.objects.count() == before


def test_two_rows_of_one_file_cannot_seat_two_chairs_in_a_new_union(tree):
    union = make_unit("HN-ML-02", "Công đoàn Công ty May Mê Linh", "grassroots", tree.melinh)
    rows = [
        PEOPLE_HEADER,
        ["Phạm Minh Hải", "Nam", "HN-ML-02", "Chủ tịch", "01/06/2023"],
        ["Đỗ Thị Lan", "Nữ", "HN-ML-02", "Chủ tịch", "01/01/2025"],
    ]
    job = import_file(tree.melinh_officer, "people", xlsx_bytes(rows))
    assert [(p["row"], p["column"]) for p in job.problems] == [(3, "Chức vụ")]
    assert job.problems[0]["message"].startswith(
        "Đơn vị Công đoàn Công ty May Mê Linh đã có Chủ tịch (Phạm Minh Hải) từ 01/06/2023"
    )
    assert not Position.objects.filter(unit=union).exists()


def test_a_file_that_hands_the_chair_over_is_read_in_any_row_order(tree):
    """The new chair's row above the row ending the old chair's post: the stored posts are
    written first, so the file means the same whatever the order of its rows. A file seating
    one more chair beside them is refused."""
    rows = [
        [*PEOPLE_HEADER, "Số CCCD", "Ngày kết thúc", "Lý do kết thúc"],
        ["Đỗ Thị Lan", "Nữ", "HN-ML-01", "Chủ tịch", "01/01/2025", None, None, None],
        [
            "Nguyễn Văn An",
            "Nam",
            "HN-ML-01",
            "Chủ tịch",
            "01/06/2023",
            "001080000001",
            "31/12/2024",
            "Luân chuyển",
        ],
    ]
    job = import_file(tree.melinh_officer, "people", xlsx_bytes(rows))
    assert job.status == ImportStatus.DONE, job.problems
    held = Position.objects.filter(unit=tree.school, role__code="chair").order_by("start_date")
    assert [(p.person.given_name, p.end_date) for p in held] == [
        ("An", dt.date(2024, 12, 31)),
        ("Lan", None),
    ]
    another = [PEOPLE_HEADER, ["Phạm Minh Hải", "Nam", "HN-ML-01", "Chủ tịch", "01/06/2025"]]
    job = import_file(tree.melinh_officer, "people", xlsx_bytes(another))
    assert [p["message"] for p in job.problems] == [
        "Đơn vị Công đoàn Trường THPT Mê Linh đã có Chủ tịch (Đỗ Thị Lan) từ 01/01/2025; "
        "hãy kết thúc chức vụ đó trước."
    ]


# ---------------------------------------------------------------- the rules


def test_a_chair_follows_a_chair_the_day_after_the_last_day_not_on_it(tree):
    """End dates are inclusive: the chair who ends on 31/05/2026 still holds it that day."""
    post = Position.objects.get(person=tree.nguyen, role__code="chair")
    position_end(user=SYSTEM, position=post, end_date=dt.date(2026, 5, 31), end_reason="rotated")
    nextone = a_person(tree, "Hải")
    with pytest.raises(ValidationError) as refused:
        seat(nextone, tree.school, "chair", dt.date(2026, 5, 31))
    assert refusal(refused) == (
        "Đơn vị Công đoàn Trường THPT Mê Linh có Chủ tịch (Nguyễn Văn An) từ 01/06/2023 đến "
        "31/05/2026; mỗi lúc chỉ một người giữ chức vụ này."
    )
    seat(nextone, tree.school, "chair", dt.date(2026, 6, 1))
    assert chairs(tree.school) == 1


def test_a_past_chair_recorded_after_the_current_one_must_end_before_them(tree):
    earlier = a_person(tree, "Hải")
    with pytest.raises(ValidationError) as refused:
        seat(earlier, tree.school, "chair", dt.date(2018, 6, 1))
    assert refusal(refused) == (
        "Đơn vị Công đoàn Trường THPT Mê Linh có Chủ tịch (Nguyễn Văn An) từ 01/06/2023; "
        "chức vụ này phải kết thúc trước ngày đó."
    )
    seat(earlier, tree.school, "chair", dt.date(2018, 6, 1), dt.date(2023, 5, 31))


def test_a_role_may_allow_a_number_of_holders_counted_day_by_day(tree):
    """Two at once: a third is refused while two hold it, allowed once one has left."""
    vice = role("vice_chair")
    vice.max_holders = 2
    vice.save()
    seat(
        a_person(tree, "Hải"), tree.school, "vice_chair", dt.date(2023, 6, 1), dt.date(2024, 5, 31)
    )
    seat(a_person(tree, "Lan"), tree.school, "vice_chair", dt.date(2023, 6, 1))
    third = a_person(tree, "Minh")
    with pytest.raises(ValidationError) as refused:
        seat(third, tree.school, "vice_chair", dt.date(2024, 1, 1))
    assert refusal(refused) == (
        "Ngày 01/01/2024, đơn vị Công đoàn Trường THPT Mê Linh đã có 2 người giữ chức vụ Phó "
        "Chủ tịch; chức vụ này chỉ được tối đa 2 người giữ cùng lúc."
    )
    seat(third, tree.school, "vice_chair", dt.date(2024, 6, 1))


def test_a_person_cannot_hold_the_same_post_twice_over_overlapping_dates(tree):
    """Closed periods too (the database holds only the open case)."""
    member = a_person(tree, "Hải")
    seat(member, tree.school, "executive_member", dt.date(2018, 6, 1), dt.date(2023, 6, 1))
    with pytest.raises(ValidationError) as refused:
        seat(member, tree.school, "executive_member", dt.date(2023, 6, 1))
    assert refusal(refused) == (
        "Phạm Minh Hải đã giữ chức vụ này ở đơn vị này trong khoảng thời gian trùng lặp "
        "(từ 01/06/2018 đến 01/06/2023)."
    )
    seat(member, tree.school, "executive_member", dt.date(2023, 6, 2))
    # The same post in another unit, or another post in the same unit, is another post.
    seat(member, tree.melinh, "executive_member", dt.date(2023, 6, 1))
    seat(member, tree.school, "vice_chair", dt.date(2023, 6, 1))


def test_lengthening_a_post_over_the_holders_next_one_is_refused(tree):
    member = a_person(tree, "Hải")
    first = seat(member, tree.school, "executive_member", dt.date(2018, 6, 1), dt.date(2023, 5, 31))
    seat(member, tree.school, "executive_member", dt.date(2023, 6, 1))
    with pytest.raises(ValidationError) as refused:
        position_update(user=SYSTEM, position=first, end_date=dt.date(2023, 12, 31))
    assert refusal(refused) == (
        "Phạm Minh Hải đã giữ chức vụ này ở đơn vị này trong khoảng thời gian trùng lặp "
        "(từ 01/06/2023)."
    )
    first.refresh_from_db()
    assert first.end_date == dt.date(2023, 5, 31)


def test_the_database_refuses_the_same_open_post_twice_written_around_the_services(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(
            person=tree.nguyen,
            unit=tree.school,
            role=tree.chair_role,
            start_date=dt.date(2025, 1, 1),
        )


def test_the_built_in_posts_say_how_many_hold_them_and_vice_chairs_are_several(tree):
    limits = dict(Role.objects.values_list("code", "max_holders"))
    assert limits["chair"] == limits["inspection_chair"] == limits["group_leader"] == 1
    assert limits["vice_chair"] is limits["executive_member"] is None
    for given in ("Hải", "Lan", "Minh"):
        seat(a_person(tree, given), tree.school, "vice_chair", dt.date(2023, 6, 1))
    assert Position.objects.filter(unit=tree.school, role__code="vice_chair").count() == 3


# ---------------------------------------------------------------- mergers


@pytest.fixture
def two_chaired_unions(tree):
    """The school and a garment company's union, each with its chair, both in Mê Linh."""
    tree.garment = make_unit("HN-ML-02", "Công đoàn Công ty May Mê Linh", "grassroots", tree.melinh)
    tree.hai = a_person(tree, "Hải", tree.garment)
    seat(tree.hai, tree.garment, "chair", dt.date(2022, 1, 1))
    return tree


def test_a_merger_of_two_chaired_unions_gives_the_new_union_one_chair(two_chaired_unions):
    """The chair of the first union merged carries the post; the other's ends the day before
    the merger ("reorganisation") and the officer records the post they take."""
    t = two_chaired_unions
    merged = make_unit(
        "HN-ML-03",
        "Công đoàn Giáo dục - Dệt may Mê Linh",
        "grassroots",
        t.melinh,
        founded_on=MERGE_DAY,
    )
    unit_merge(
        user=t.melinh_officer, sources=[t.school, t.garment], target=merged, effective_on=MERGE_DAY
    )
    held = Position.objects.filter(unit=merged, role__code="chair")
    assert [p.person for p in held] == [t.nguyen]
    ended = Position.objects.get(person=t.hai, unit=t.garment)
    assert (ended.end_date, ended.end_reason) == (dt.date(2025, 6, 30), "reorganised")
    assert not Position.objects.filter(person=t.hai, unit=merged).exists()
    # The officer then seats them as vice-chair of the merged union.
    seat(t.hai, merged, "vice_chair", MERGE_DAY)


def test_a_union_merged_into_a_chaired_one_leaves_that_chair_in_post(two_chaired_unions):
    t = two_chaired_unions
    unit_merge(user=t.melinh_officer, sources=[t.garment], target=t.school, effective_on=MERGE_DAY)
    assert chairs(t.school) == 1
    assert Position.objects.get(unit=t.school, role__code="chair").person == t.nguyen
    assert Position.objects.get(person=t.hai, unit=t.garment).end_date == dt.date(2025, 6, 30)


def test_a_merger_carries_the_posts_without_a_limit_and_never_one_post_twice(two_chaired_unions):
    t = two_chaired_unions
    vice = a_person(t, "Lan", t.garment)
    seat(vice, t.garment, "vice_chair", dt.date(2023, 6, 1))
    # Hải also sits on the school's committee: after the merger, he holds that seat once.
    seat(t.hai, t.school, "executive_member", dt.date(2023, 6, 1))
    seat(t.hai, t.garment, "executive_member", dt.date(2023, 6, 1))
    unit_merge(user=t.melinh_officer, sources=[t.garment], target=t.school, effective_on=MERGE_DAY)
    assert Position.objects.get(person=vice, unit=t.school).start_date == MERGE_DAY
    assert (
        Position.objects.filter(person=t.hai, unit=t.school, role__code="executive_member").count()
        == 1
    )


# ---------------------------------------------------------------- existing data


def test_the_migration_ends_the_older_of_two_open_periods_of_one_post(tree):
    """Rows written before the rules are not refused by the upgrade: the person held the post
    without a break, now recorded once.

    The upgrade is replayed inside the test's transaction (DDL is transactional on both
    databases): the rule the database keeps is taken away, a second open period written as
    an older version let it, then the migration's own data step runs and the rule is put
    back, which only data the step has put right lets happen. Migrating the schema back to
    people 0004 and forward again would undo every later migration of every app: 8 s."""
    import importlib

    from django.apps import apps

    upgrade = importlib.import_module("people.migrations.0005_post_invariants")
    rule = next(c for c in Position._meta.constraints if c.name == "position_one_open_per_post")
    editor = connection.schema_editor()
    with connection.cursor() as cursor:
        cursor.execute(str(rule.remove_sql(Position, editor)))
    first = Position.objects.get(person=tree.nguyen)
    again = Position.objects.create(
        person_id=tree.nguyen.pk,
        unit_id=tree.school.pk,
        role_id=tree.chair_role.pk,
        start_date=dt.date(2025, 1, 1),
    )
    upgrade.end_duplicate_open_posts(apps, editor)
    connection.check_constraints()  # PostgreSQL: no index made while foreign-key checks wait
    with connection.cursor() as cursor:
        cursor.execute(str(rule.create_sql(Position, editor)))
    first.refresh_from_db()
    assert (first.end_date, first.end_reason) == (dt.date(2024, 12, 31), "reorganised")
    assert Position.objects.get(pk=again.pk).end_date is None
    # The rule is back: a third open period is refused by the database itself.
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(
            person_id=tree.nguyen.pk,
            unit_id=tree.school.pk,
            role_id=tree.chair_role.pk,
            start_date=dt.date(2026, 1, 1),
        )


# ---------------------------------------------------------------- at the same moment


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs parallel writers")
@pytest.mark.django_db(transaction=True)
def test_two_chairs_seated_at_the_same_moment_leave_one(tree):
    """Two officers (or an import and "Thêm chức vụ") seat a chair in a union that has none at
    the same moment: each counted no chair before the other had written. The unit's row is
    locked before counting: one is seated, the other is told who was."""
    for round in range(4):
        union = make_unit(
            f"HN-ML-1{round}", f"Công đoàn Công ty số {round}", "grassroots", tree.melinh
        )
        people = [a_person(tree, given, union) for given in ("Hải", "Lan", "Minh")]

        def seat_chair(person, union=union):
            return lambda: seat(person, union, "chair", dt.date(2025, 1, 1)).pk

        out = in_threads(*[seat_chair(p) for p in people])
        assert sum(isinstance(r, int) for r in out) == 1, out
        assert all(isinstance(r, (int, ValidationError)) for r in out), out
        assert Position.objects.filter(unit=union, role__code="chair").count() == 1


def in_threads(*work) -> list:
    """Each callable in its own thread (its own connection), released together; returns what
    each returned or raised."""
    start = threading.Barrier(len(work))
    out = [None] * len(work)

    def run(i: int) -> None:
        try:
            start.wait(timeout=30)
            out[i] = work[i]()
        except Exception as e:  # noqa: BLE001 — returned, a thread cannot fail the test
            out[i] = e
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return out
