"""A stored set of figures is marked changed once per transaction, however many changes in it
asked (lib/commit.py): a service saving twenty posts in one transaction marks each store with
one statement at the commit, not twenty; a change rolled back with its savepoint takes its
mark with it, and a change after it still marks the store."""

import datetime as dt

import pytest
from django.db import connection, transaction

from accounts.access import SYSTEM
from lib.dates import today
from people.services import person_create, position_create
from units import counts_store
from units.models import CountStore


def seat(tree, i: int) -> None:
    person = person_create(
        user=SYSTEM, unit=tree.school, family_name="Lê", given_name=f"Ủy viên {i}", gender="male"
    )
    position_create(
        user=SYSTEM,
        person=person,
        unit=tree.school,
        role=tree.member_role,
        start_date=dt.date(2024, 1, 1),
    )


def counting(marks: list):
    """A wrapper of every statement (a query log keeps only the last 9,000) that keeps the
    UPDATEs of the stored unit counts in `marks`."""

    def wrapper(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and CountStore._meta.db_table in sql:
            marks.append(sql)
        return execute(sql, params, many, context)

    return wrapper


def test_twenty_posts_saved_in_one_transaction_mark_the_store_once(
    tree, django_capture_on_commit_callbacks
):
    store = counts_store.build(today())
    marks = []
    with connection.execute_wrapper(counting(marks)):
        with django_capture_on_commit_callbacks(execute=True):
            for i in range(20):
                seat(tree, i)
    assert len(marks) == 1
    store.refresh_from_db()
    assert store.changed_at is not None


def test_a_change_rolled_back_with_its_savepoint_does_not_keep_a_later_one_from_marking(
    tree, django_capture_on_commit_callbacks
):
    store = counts_store.build(today())
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            seat(tree, 1)  # asks for the mark inside the savepoint ...
            raise RuntimeError  # ... which is rolled back, and its callbacks with it
        store.refresh_from_db()
        assert store.changed_at is None
        seat(tree, 2)
    store.refresh_from_db()
    assert store.changed_at is not None


def test_the_store_is_marked_again_after_the_mark_has_run(tree, django_capture_on_commit_callbacks):
    """The callbacks run before the transaction ends (as a test runs them): a change after
    them asks for the mark again."""
    with django_capture_on_commit_callbacks(execute=True):
        seat(tree, 1)
    store = counts_store.build(today())
    with django_capture_on_commit_callbacks(execute=True):
        seat(tree, 2)
    store.refresh_from_db()
    assert store.changed_at is not None
