"""The targets in force are kept in each process's memory (`engine.person_targets`) and read
again whenever the definitions token changes: every write to a target, its filters, or what
it names changes the token in the same transaction, whoever makes it — a save, a queryset
update, another process writing the database directly."""

import datetime as dt
import secrets
import threading

import pytest
from django.db import connection, transaction

from people.models import Role
from targets import signals
from targets.engine import person_targets
from targets.models import Revision, Target
from training.models import Topic
from units.models import UnitLevel

DAY = dt.date(2026, 6, 1)


def codes(day=DAY) -> dict[str, object]:
    return {t.code: t for t in person_targets(day)}


def test_the_targets_are_read_once_then_only_the_token(db, django_assert_num_queries):
    first = codes()
    assert "T-003-2" in first
    with django_assert_num_queries(1):  # the token
        again = codes()
    assert again.keys() == first.keys()
    # Each call has copies of its own: what one request sets or loads lazily stays there.
    again["T-003-2"].threshold = 1
    assert codes()["T-003-2"].threshold == first["T-003-2"].threshold != 1


@pytest.mark.parametrize("how", ["save", "queryset update", "another process"])
def test_an_edited_threshold_is_seen_at_once(db, how):
    assert codes()["T-003-2"].threshold == 100
    target = Target.objects.get(code="T-003-2")
    if how == "save":
        target.threshold = 90
        target.save()
    elif how == "queryset update":
        Target.objects.filter(pk=target.pk).update(threshold=90)
    else:  # plain SQL, no signal, on this connection (another one: the transactional tests)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE targets_target SET threshold = 90 WHERE id = %s", [target.pk])
            cursor.execute(
                "UPDATE targets_revision SET token = %s WHERE name = %s",
                [secrets.token_hex(16), Revision.DEFINITIONS],
            )
    assert codes()["T-003-2"].threshold == 90


def test_a_target_switched_off_or_on_and_its_filters_are_seen_at_once(db):
    assert "T-003-2" in codes()
    Target.objects.filter(code="T-003-2").update(active=False)
    assert "T-003-2" not in codes()
    target = Target.objects.get(code="T-003-2")
    target.active = True
    target.save()
    kept = codes()["T-003-2"]
    assert {r.code for r in kept.roles.all()} == set(target.roles.values_list("code", flat=True))
    role = Role.objects.exclude(pk__in=target.roles.all()).first()
    target.roles.add(role)
    assert role.code in {r.code for r in codes()["T-003-2"].roles.all()}
    # T-003-2 names no topics of its own (its title standard does): add one, then clear them.
    theory = Topic.objects.get(code="union_theory")
    target.topics.add(theory)
    assert list(codes()["T-003-2"].topics.all()) == [theory]
    target.topics.clear()
    assert list(codes()["T-003-2"].topics.all()) == []


def test_what_the_targets_name_is_seen_at_once(db):
    level = UnitLevel.objects.get(pk=codes()["T-003-4c"].responsible_level.pk)
    level.name = "Tổng Liên đoàn (đổi tên)"
    level.save()
    assert codes()["T-003-4c"].responsible_level.name == "Tổng Liên đoàn (đổi tên)"
    code, kept = next((c, t) for c, t in codes().items() if t.topics.all())
    topic = Topic.objects.get(pk=kept.topics.all()[0].pk)
    topic.name = "Chủ đề đổi tên"
    topic.save()
    assert "Chủ đề đổi tên" in {t.name for t in codes()[code].topics.all()}


def test_without_a_token_nothing_is_kept(db, django_assert_num_queries):
    Revision.objects.all().delete()  # as after a flush
    codes()
    with django_assert_num_queries(7):  # the token, the targets, their five filters
        codes()
    Revision.bump(Revision.DEFINITIONS)
    codes()
    with django_assert_num_queries(1):
        codes()


def test_each_day_has_its_own_targets(db):
    target = Target.objects.get(code="T-003-2")
    target.valid_from = dt.date(2026, 1, 1)
    target.save()
    assert "T-003-2" in codes(dt.date(2026, 1, 1))
    assert "T-003-2" not in codes(dt.date(2025, 12, 31))


# --- with real transactions: another connection, a rollback, autocommit -------------------


def _elsewhere(write) -> None:
    """Run `write` on a connection of its own (a thread), as another process would."""
    errors = []

    def run():
        try:
            write()
        except Exception as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert not errors


@pytest.mark.django_db(transaction=True)
def test_a_target_changed_and_committed_by_another_connection_is_seen_at_once():
    Revision.bump(Revision.DEFINITIONS)  # a transactional test's flush removes the row
    assert codes()["T-003-2"].threshold == 100

    def edit():
        target = Target.objects.get(code="T-003-2")
        target.threshold = 90
        target.save()

    _elsewhere(edit)
    assert codes()["T-003-2"].threshold == 90


@pytest.mark.django_db(transaction=True)
def test_an_edit_rolled_back_leaves_the_kept_targets_right():
    Revision.bump(Revision.DEFINITIONS)
    assert codes()["T-003-2"].threshold == 100
    target = Target.objects.get(code="T-003-2")
    with pytest.raises(RuntimeError), transaction.atomic():
        target.threshold = 50
        target.save()
        assert codes()["T-003-2"].threshold == 50  # read, and kept, inside the transaction
        raise RuntimeError
    signals._pending.__dict__.pop("state", None)  # the rolled-back marks
    assert codes()["T-003-2"].threshold == 100


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["save", "queryset update"])
def test_in_autocommit_an_edit_and_its_token_commit_together(monkeypatch, how):
    target = Target.objects.get(code="T-003-2")

    def fail(cls, name):
        raise RuntimeError("the token could not move")

    monkeypatch.setattr(Revision, "bump", classmethod(fail))
    with pytest.raises(RuntimeError):
        if how == "save":
            target.threshold = 90
            target.save()
        else:
            Target.objects.filter(pk=target.pk).update(threshold=90)
    assert Target.objects.get(pk=target.pk).threshold == 100  # not kept stale elsewhere
