"""The appointment checks of an import's posts (succession pool, title standard, last year's
rating) made for the whole file at once (people.appointments.review_many, implemented by
cadrework.appointments.check_many): the same findings as the check of one post made by the
pages, in a few queries whatever the number of posts (issue 22: "the services' rules applied
in bulk, not row by row through the ORM")."""

import datetime as dt

import pytest
from django.db import transaction

from audit.context import acting_as
from audit.models import LogEntry
from cadrework.models import Appointment, Evaluation, PoolEntry
from imports.models import ImportStatus
from people import appointments
from people.models import Person, Position, Role
from people.services import person_create, position_create
from tests.imports.helpers import history_since, import_file, xlsx_bytes


def role(code: str) -> Role:
    return Role.objects.get(code=code)


def rated(person, year: int, rating: str, tree) -> None:
    Evaluation.objects.create(
        person=person,
        unit=tree.school,
        role=role("executive_member"),
        year=year,
        rating=rating,
        approved_by=tree.melinh,
    )


def test_the_review_of_many_posts_finds_what_the_review_of_each_finds(pool_world):
    """Pool kept or not in the term of the day, in it or not (the day a person leaves the
    pool they are out), trained as the standard asks on the day or not yet, rated at least
    'completed' the year before or not, a post no pool prepares."""
    w, tree = pool_world, pool_world.tree
    rated(w.young, 2025, "good", tree)
    rated(w.retired, 2023, "not_completed", tree)
    PoolEntry.objects.filter(pk=w.retired_entry.pk).update(left_on=dt.date(2025, 6, 30))
    vice, chair, leader = role("vice_chair"), role("chair"), role("group_leader")
    asked = [
        (w.young, tree.melinh, vice, dt.date(2026, 2, 1)),  # pool, not in it, trained, rated
        (w.young, tree.melinh, vice, dt.date(2025, 2, 1)),  # not rated for 2024
        (w.young, tree.melinh, vice, dt.date(2024, 10, 3)),  # the day before her course
        (w.young, tree.melinh, vice, dt.date(2024, 10, 4)),  # the day of it
        (w.young, tree.melinh, vice, dt.date(2023, 5, 31)),  # before the pool's term
        (w.retired, tree.melinh, vice, dt.date(2025, 6, 29)),  # in the pool
        (w.retired, tree.melinh, vice, dt.date(2025, 6, 30)),  # the day he left it
        (w.retired, tree.melinh, vice, dt.date(2024, 3, 1)),  # rated 'not completed'
        (tree.tran, tree.donganh, vice, dt.date(2026, 2, 1)),  # Đông Anh keeps no pool
        (tree.tran, tree.factory, chair, dt.date(2026, 2, 1)),  # no standard for the post
        (tree.tran, tree.factory, leader, dt.date(2026, 2, 1)),  # a post no pool prepares
    ]
    positions = [
        Position(person=p, unit=u, role=r, start_date=day, full_time=False)
        for p, u, r, day in asked
    ]
    one_by_one = [appointments.review(p) for p in positions]
    assert appointments.review_many(positions) == one_by_one
    # The cases are the ones they say they are.
    oks = [tuple(f.ok for f in found) for found in one_by_one]
    binding = [any(f.binding for f in found) for found in one_by_one]
    assert oks[:8] == [
        (False, True, True),
        (False, True, False),
        (False, False, False),
        (False, True, False),
        (False, False, False),
        (True, False, False),
        (False, False, False),
        (True, False, False),
    ]
    assert binding == [True] * 4 + [False] + [True] * 3 + [False, False, False]
    assert one_by_one[-1] == []


def test_the_review_of_many_posts_reads_the_same_few_tables_however_many(
    pool_world, django_assert_max_num_queries
):
    w, tree = pool_world, pool_world.tree
    vice = role("vice_chair")
    people = [w.young, w.retired, tree.tran, tree.nguyen]
    positions = [
        Position(person=p, unit=u, role=vice, start_date=dt.date(2026, 2, 1), full_time=False)
        for p in people
        for u in (tree.melinh, tree.donganh, tree.school, tree.factory)
    ] * 5
    # Pools, their entries, the units' placements, the standards and their topics, who meets
    # the standard, who was rated.
    with django_assert_max_num_queries(8):
        found = appointments.review_many(positions)
    assert found == [appointments.review(p) for p in positions]


HEADER = [
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Mã đơn vị",
    "Chức vụ",
    "Mã đơn vị giữ chức vụ",
    "Ngày bắt đầu",
    "Ngày kết thúc",
    "Lý do kết thúc",
]
GOOD = [
    # A new person, vice-chair of the school (no pool there).
    ["Đỗ Thị Lan", None, "Nữ", "HN-ML-01", "Phó Chủ tịch", None, "01/03/2024", None, None],
    # The young woman of the pool world, vice-chair of Mê Linh, which keeps a pool.
    ["Phạm Thu Hà", "09/08/1995", "Nữ", "HN-ML-01", "Phó Chủ tịch", "HN-ML", "01/02/2026"]
    + [None, None],
    # The retired cadre (in the pool), a vice-chair of Mê Linh for a while.
    ["Đỗ Văn Hưu", "02/03/1964", "Nam", "HN-ML", "Phó Chủ tịch", None, "01/01/2024"]
    + ["31/03/2025", "Nghỉ hưu"],
    # A new person leading a union group: a post no pool prepares.
    ["Vũ Văn Minh", None, "Nam", "HN-ML-01", "Tổ trưởng công đoàn", None, "01/03/2024", None]
    + [None],
]
BAD = [
    # The school has its chair (Nguyễn Văn An) since 2023.
    ["Hoàng Văn Nam", None, "Nam", "HN-ML-01", "Chủ tịch", None, "01/03/2024", None, None],
    # Ended before it began.
    ["Bùi Thị Hoa", None, "Nữ", "HN-ML-01", "Ủy viên Ban Chấp hành", None, "01/03/2024"]
    + ["01/01/2024", "Luân chuyển"],
]


def _written_since(position_id: int, entry_id: int) -> tuple[list, list]:
    """The posts written after `position_id` with their appointment records, and the history
    entries after `entry_id`, told by names (ids differ between two runs)."""
    name = {p.pk: p.full_name for p in Person.objects.all()}
    posts = sorted(
        (
            name[p.person_id],
            p.unit.code,
            p.role.code,
            p.start_date,
            p.end_date,
            p.end_reason,
            p.full_time,
            p.term_id,
            p.start_reason,
            p.first_time_on_committee,
            tuple(
                Appointment.objects.filter(position=p).values_list(
                    "in_pool", "trained", "rated", "reason", "user"
                )
            ),
        )
        for p in Position.objects.filter(pk__gt=position_id).select_related("unit", "role")
    )
    return posts, history_since(entry_id, Person, name, keys=["person"])


@pytest.mark.parametrize("bad", range(len(BAD)))
def test_a_bad_post_is_told_on_its_row_and_column_and_nothing_is_written(pool_world, bad):
    tree = pool_world.tree
    before = Position.objects.count()
    job = import_file(tree.melinh_officer, "people", xlsx_bytes([HEADER, *GOOD, BAD[bad]]))
    assert job.status == ImportStatus.CHECKED
    column = ["Chức vụ", "Ngày kết thúc"][bad]
    assert [(p["row"], p["column"]) for p in job.problems] == [(len(GOOD) + 2, column)]
    assert Position.objects.count() == before
    assert not Appointment.objects.exists()


def test_an_imported_file_writes_what_the_services_write_one_post_at_a_time(pool_world):
    """The same posts, appointment records and history entries as position_create (and
    person_create for the new people) called for each row, on the same data."""
    w, tree = pool_world, pool_world.tree
    rated(w.young, 2025, "good", tree)
    user = tree.melinh_officer
    first_post = Position.objects.order_by("-pk").values_list("pk", flat=True).first()
    first_entry = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    with transaction.atomic(), acting_as(user):
        units = {u.code: u for u in (tree.school, tree.melinh)}
        for name, _born, gender, unit, role_name, held_in, start, end, reason in GOOD:
            family, *middle, given = name.split()
            person = Person.objects.filter(
                family_name=family, given_name=given, middle_name=" ".join(middle)
            ).first() or person_create(
                user=user,
                unit=units[unit],
                family_name=family,
                middle_name=" ".join(middle),
                given_name=given,
                gender="female" if gender == "Nữ" else "male",
            )
            position_create(
                user=user,
                person=person,
                unit=units[held_in or unit],
                role=Role.objects.get(name=role_name),
                start_date=dt.datetime.strptime(start, "%d/%m/%Y").date(),
                end_date=end and dt.datetime.strptime(end, "%d/%m/%Y").date(),
                end_reason="retired" if reason else "",
            )
        by_hand = _written_since(first_post, first_entry)
        transaction.set_rollback(True)
    job = import_file(user, "people", xlsx_bytes([HEADER, *GOOD]))
    assert job.status == ImportStatus.DONE, job.problems
    assert job.summary["positions_created"] == len(GOOD)
    imported = _written_since(first_post, first_entry)
    assert imported == by_hand
    posts, entries = imported
    assert len(posts) == len(GOOD) and len(entries) == len(GOOD) + 2  # 2 new people
    # The pool's post was checked and found outside the pool; the union group's was not.
    assert [p[-1] for p in posts if p[1] == "HN-ML"] == [
        ((False, True, True, "", user.pk),),  # Phạm Thu Hà: trained, rated for 2025
        ((True, False, False, "", user.pk),),  # Đỗ Văn Hưu: in the pool
    ]
    assert [p[-1] for p in posts if p[2] == "group_leader"] == [()]


def test_posts_written_in_bulk_mark_the_stored_figures_as_one_post_does(
    tree, django_capture_on_commit_callbacks
):
    """A person or a post saved one by one marks the stored figures that follow it (each
    store's signals, lib.stores.follow); people and posts written in bulk send no signal,
    and mark the same ones after the commit — every store, for a post."""
    from lib.stores import followers
    from tests.test_stores_follow import STORES, marked, stores_done

    stores_done(dt.date(2026, 1, 1))
    data = xlsx_bytes([HEADER, GOOD[0]])
    with django_capture_on_commit_callbacks(execute=True):
        job = import_file(tree.melinh_officer, "people", data, commit=False)
    assert job.status == ImportStatus.CHECKED and job.can_commit, job.problems
    assert marked() == set()  # a check changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        job = import_file(tree.melinh_officer, "people", data)
    assert job.status == ImportStatus.DONE, job.problems
    assert job.summary["people_created"] == 1 and job.summary["positions_created"] == 1
    assert marked() == followers("people.Person") | followers("people.Position") == set(STORES)
