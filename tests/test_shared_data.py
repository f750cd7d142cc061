"""The shared test data (`tree`) is built once and replayed in each test (tests/snapshot.py):
a replay must hold exactly what a fresh build through the services writes, and no test may
see what another wrote."""

import datetime as dt

import pytest
from django.db import models, transaction

from people.models import Person
from tests import snapshot
from tests.conftest import build_tree


def comparable_rows() -> dict:
    """Every table's rows without what a second build gives other values to: keys (their own
    and the references to them, and a unit's path, made of them), the moments of writing and
    random values (salts, codes), and links, made of keys."""
    out = {}
    for model, rows in snapshot._rows().items():
        skipped = {
            f.attname
            for f in model._meta.concrete_fields
            if f.primary_key
            or isinstance(f, models.ForeignKey | models.DateTimeField | models.UUIDField)
            or f.attname.endswith(("_id", "_pk"))  # keys kept as plain numbers (the audit's)
            or f.attname in ("changes", "changes_text", "password", "path")
            or f.attname == "url"  # a notification's link names its object by key
        }
        values = sorted(
            repr(sorted((k, v) for k, v in row.items() if k not in skipped))
            for row in rows.values()
        )
        out[model._meta.label] = values
    return out


def within_savepoint(work):
    point = transaction.savepoint()
    try:
        return work()
    finally:
        transaction.savepoint_rollback(point)


@pytest.mark.django_db
def test_a_replayed_tree_holds_the_same_rows_and_objects_as_a_fresh_build():
    within_savepoint(lambda: snapshot.shared("tree", build_tree))  # recorded, if not yet
    assert "tree" in snapshot._kept

    def replayed():
        t = snapshot.shared("tree", build_tree)
        return t, comparable_rows()

    def built():
        t = build_tree()
        return t, comparable_rows()

    (t1, rows1), (t2, rows2) = within_savepoint(replayed), within_savepoint(built)
    assert rows1 == rows2
    assert sum(len(v) for v in rows1.values()) > 50  # not two empty databases
    assert vars(t1).keys() == vars(t2).keys()
    for name in vars(t1):
        a, b = getattr(t1, name), getattr(t2, name)
        assert type(a) is type(b), name
        if isinstance(a, models.Model) and hasattr(a, "code"):
            assert a.code == b.code, name


def test_each_test_gets_its_own_objects_and_rows(tree):
    """A test that changes the shared objects or rows leaves the next one untouched: the
    second of these two tests sees the birth date the build wrote."""
    assert tree.nguyen.birth_date == dt.date(1980, 5, 1)
    assert Person.objects.get(pk=tree.nguyen.pk).birth_date == dt.date(1980, 5, 1)
    tree.nguyen.birth_date = dt.date(1999, 1, 1)
    tree.nguyen.save(update_fields=["birth_date"])


def test_each_test_gets_its_own_objects_and_rows_again(tree):
    assert tree.nguyen.birth_date == dt.date(1980, 5, 1)
    assert Person.objects.get(pk=tree.nguyen.pk).birth_date == dt.date(1980, 5, 1)
    tree.nguyen.birth_date = dt.date(1999, 1, 1)
    tree.nguyen.save(update_fields=["birth_date"])


def rolled_back(work):
    """`work()` in a transaction of its own, rolled back (a test outside a transaction)."""
    with transaction.atomic():
        out = work()
        transaction.set_rollback(True)
    return out


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_tree_is_replayed_and_committed(tree):
    """The first of two tests outside a transaction (pytest-django runs such tests after the
    others, in file order): the tree is there for another connection (a live server) to read,
    and this test's flush empties every table before the next."""
    from django.db import connections

    assert Person.objects.filter(pk=tree.nguyen.pk).exists()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM people_person WHERE id = %s", [tree.nguyen.pk])
            assert cursor.fetchone() == (1,)
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_the_migrated_rows_come_back_with_their_keys_and_a_replay_is_a_build():
    """After the flush, the rows the migrations left are back exactly (keys too, which the
    kept recordings point at), and a replay holds what a fresh build writes."""
    assert snapshot._initial is not None
    assert snapshot._rows() == snapshot._initial

    def replayed():
        return comparable_rows_of(snapshot.shared("tree", build_tree))

    def built():
        return comparable_rows_of(build_tree())

    assert rolled_back(replayed) == rolled_back(built)
    assert snapshot._rows() == snapshot._initial  # both rolled back


def comparable_rows_of(t):
    rows = comparable_rows()
    assert sum(len(v) for v in rows.values()) > 50 and t.nguyen.pk
    return rows
