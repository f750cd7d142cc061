"""The demo loads what the tour promises, the same way every time."""

import datetime as dt
import hashlib

import pytest
from django.core.management import call_command
from django.db import transaction

from demo.generator import DEMO_ACCOUNTS, MERGE_DAY, PASSWORD, load_demo
from people.models import Person, Position
from units.models import Unit, UnitFigures
from units.selectors import children_with_counts, version_on


@pytest.fixture
def demo(db):
    return load_demo()


def test_the_demo_holds_what_the_tour_promises(client, demo):
    """One load (it takes seconds), every promise checked on it."""
    check_size(demo)
    check_member_bands()
    check_two_terms()
    check_the_2025_merger()
    check_accounts(client)


def digest() -> str:
    """The demo's content without database ids, which differ between loads."""
    rows = list(Unit.objects.order_by("code").values_list("code", "name", "parent__code")) + \
        list(Person.objects.order_by("unit__code", "sort_key", "citizen_id").values_list(
            "family_name", "middle_name", "given_name", "birth_date", "citizen_id",
            "unit__code"))
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def check_size(demo):
    assert demo["grassroots"] >= 200 and Person.objects.count() >= 3000
    assert Unit.objects.filter(kind__code="union_group").exists()
    for code in ("TLD", "HN", "NT", "HN-ML", "CDGD"):
        assert Unit.objects.filter(code=code).exists()
    assert {"state", "non_state"} <= set(Unit.objects.values_list("sector", flat=True))


def check_member_bands():
    counts = set(UnitFigures.objects.in_force_on(dt.date(2026, 6, 1))
                 .values_list("member_count", flat=True))
    assert any(c < 1000 for c in counts) and any(1000 <= c < 2500 for c in counts)
    assert any(c >= 2500 for c in counts) and {999, 1000, 2499, 2500} <= counts


def check_two_terms():
    assert Position.objects.filter(end_reason="term_ended").exists()
    assert Position.objects.filter(start_date=dt.date(2023, 6, 1),
                                   first_time_on_committee=True).exists()
    assert Position.objects.filter(full_time=True).exists()


def check_the_2025_merger():
    officer_unit = Unit.objects.get(code="NT")
    from accounts.models import User
    officer = User.objects.get(username="ninhthuan")
    before = {c["unit"].code for c in children_with_counts(
        version_on(officer_unit, MERGE_DAY - dt.timedelta(days=1)),
        MERGE_DAY - dt.timedelta(days=1), officer)}
    after = {c["unit"].code for c in children_with_counts(
        version_on(officer_unit, MERGE_DAY), MERGE_DAY, officer)}
    assert {"NT-NP", "NT-TN"} <= before and "NT-KV3" not in before
    assert "NT-KV3" in after and not {"NT-NP", "NT-TN"} & after


def check_accounts(client):
    for username, *_ in DEMO_ACCOUNTS:
        assert client.login(username=username, password=PASSWORD), username
        assert client.get("/").status_code == 302


def test_the_demo_is_deterministic(db):
    savepoint = transaction.savepoint()
    load_demo()
    first = digest()
    transaction.savepoint_rollback(savepoint)
    assert not Unit.objects.exists()
    load_demo()
    assert digest() == first


def test_load_demo_leaves_a_full_database_alone(db, capsys):
    call_command("load_demo", "--if-empty")
    units = Unit.objects.count()
    call_command("load_demo", "--if-empty")
    assert Unit.objects.count() == units
    assert "chutich" in capsys.readouterr().out
