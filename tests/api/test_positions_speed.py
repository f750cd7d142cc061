"""The posts list's count (issue 22: counting "in scope through its unit or its holder's unit"
read every post of a province): counted through each side's index, it equals the plain count
of the scope at every level, with the list's filters, a post in scope through its holder only
counted, one in scope both ways counted once; past the cap it says so; the page's items are
those of the plain scope, in its order. A person's posts are those of the scope too."""

import datetime as dt

import pytest

from accounts.access import SYSTEM
from accounts.scope import count_scoped, scope_q
from api import schemas
from lib.tree import under
from people.models import Position, active_on
from people.services import person_create, position_create
from tests.api import ApiClient

MARCH = dt.date(2024, 3, 1)


@pytest.fixture
def posts(tree):
    """A Ninh Thuận person holding a post in Mê Linh's school (in Hà Nội's scope through the
    unit only), a Hà Nội person holding one in Ninh Thuận (through the holder only), and a
    few more in Đông Anh."""
    t = tree
    far = person_create(
        user=SYSTEM, unit=t.nt_grassroots, family_name="Đỗ", given_name="Xa", gender="male"
    )
    position_create(
        user=SYSTEM, person=far, unit=t.school, role=t.member_role, start_date=dt.date(2024, 1, 1)
    )
    position_create(
        user=SYSTEM,
        person=t.tran,
        unit=t.nt_grassroots,
        role=t.member_role,
        start_date=dt.date(2024, 2, 1),
    )
    for i in range(3):
        someone = person_create(
            user=SYSTEM, unit=t.factory, family_name="Vũ", given_name=f"Số{i}", gender="female"
        )
        position_create(
            user=SYSTEM,
            person=someone,
            unit=t.factory,
            role=t.member_role,
            start_date=dt.date(2020 + i, 1, 1),
        )
    return t


def plain(user, *conditions, **filters) -> list[int]:
    rows = Position.objects.filter(
        scope_q(user, *Position.SCOPE_UNIT_FIELDS), *conditions, **filters
    )
    return list(rows.order_by("-start_date", "id").values_list("pk", flat=True))


@pytest.mark.parametrize("who", ["admin", "hanoi_officer", "nt_officer", "melinh_officer"])
def test_the_count_and_the_items_are_those_of_the_plain_scope(posts, who):
    user = getattr(posts, who)
    client = ApiClient(user)
    body = client.get("/positions", {"limit": 500}).json()
    expected = plain(user)
    assert body["count"] == len(expected) and body["count_capped"] is False
    assert [p["id"] for p in body["items"]] == expected
    narrowed = client.get("/positions", {"unit": user.unit_id, "on": "2024-03-01"}).json()
    assert narrowed["count"] == len(plain(user, under(user.unit, "unit"), active_on(MARCH)))


def test_a_post_in_scope_through_its_holder_only_is_counted_and_both_ways_once(posts):
    hanoi = posts.hanoi_officer
    expected = plain(hanoi)
    assert count_scoped(Position.objects.all(), hanoi, 100) == len(expected) == 7
    # Cut at each size: exact up to the cap, cap + 1 past it.
    for cap in range(1, 9):
        assert count_scoped(Position.objects.all(), hanoi, cap) == min(len(expected), cap + 1)


def test_past_the_cap_the_list_says_so(posts, monkeypatch):
    monkeypatch.setattr(schemas, "COUNT_CAP", 3)
    monkeypatch.setattr("api.people.COUNT_CAP", 3)
    body = ApiClient(posts.hanoi_officer).get("/positions").json()
    assert body["count"] == 3 and body["count_capped"] is True
    assert len(body["items"]) == 7


def test_a_persons_posts_are_those_of_the_scope(posts):
    body = ApiClient(posts.hanoi_officer).get(f"/people/{posts.tran.pk}").json()
    assert [p["id"] for p in body["positions"]] == plain(posts.hanoi_officer, person=posts.tran)
    assert len(body["positions"]) == 2


@pytest.mark.parametrize("cap", [100, 3], ids=["few posts: each side apart", "many: the plain or"])
@pytest.mark.parametrize("who", ["admin", "hanoi_officer", "melinh_officer"])
def test_every_page_holds_the_posts_of_the_plain_scope_at_their_place(posts, who, cap, monkeypatch):
    """Issue 22: an upper union's page of posts had the database walk every post of the
    country in the list's order, testing "through its unit or its holder's" on each (4 s at
    national scale); each side is now read in that order through its own index, unless the
    subtree holds more posts than the count's cap. Page by page, the same posts in the same
    order as the plain scope, either way."""
    monkeypatch.setattr("api.people.COUNT_CAP", cap)
    user = getattr(posts, who)
    client = ApiClient(user)
    expected = plain(user)
    seen = []
    for offset in range(len(expected) + 1):  # a post a page, and one past the end
        body = client.get("/positions", {"limit": 1, "offset": offset}).json()
        seen += [p["id"] for p in body["items"]]
    assert seen == expected and len(expected) >= 2
