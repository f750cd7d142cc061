"""Succession pools: the yearly review, its publication (people told), the structure
against the goals, and the cadre's view of it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.access import SYSTEM
from cadrework import selectors, services
from cadrework.models import Notice, PoolEntry


def shares(pool, day):
    return {s.measure: s for s in selectors.structure(pool, day)}


def test_a_yearly_review_adds_removes_and_tells(pool_world, client):
    w, tree = pool_world, pool_world.tree
    day = dt.date(2025, 12, 1)
    before = shares(w.pool, day)
    assert (before["women"].count, before["women"].total) == (0, 1)
    client.force_login(tree.melinh_officer)
    response = client.post(
        reverse("cadrework:pool_detail", args=[w.pool.pk]),
        {"year": "2025", "held_on": "01/12/2025", "note": "Rà soát 2025"},
    )
    review = w.pool.reviews.get(year=2025)
    assert response.url == reverse("cadrework:review_detail", args=[review.pk])
    page = client.get(reverse("cadrework:review_detail", args=[review.pk]), {"q": "pham thu"})
    assert [p.pk for p in page.context["found"]] == [w.young.pk]
    client.post(
        reverse("cadrework:review_add", args=[review.pk, w.young.pk]),
        {"reason": "Cán bộ nữ trẻ, đã qua bồi dưỡng", "on": "01/12/2025"},
    )
    client.post(
        reverse("cadrework:review_remove", args=[review.pk, w.retired_entry.pk]),
        {"reason": "Đã nghỉ hưu", "on": "01/12/2025"},
    )
    after = shares(w.pool, day)
    assert (after["women"].count, after["women"].total) == (1, 1)
    assert (after["under_40"].count, after["degree"].count, after["trained"].count) == (1, 1, 1)
    # Nobody is told before publication; the young woman does not see it yet.
    assert not Notice.objects.exists()
    client.force_login(w.young_user)
    panel = client.get(reverse("cadrework:person_panel", args=[w.young.pk])).content.decode()
    assert "Mê Linh" not in panel
    client.force_login(tree.melinh_officer)
    client.post(reverse("cadrework:review_publish", args=[review.pk]))
    review.refresh_from_db()
    assert review.published_at is not None
    told = dict(Notice.objects.values_list("person_id", "text"))
    assert "đưa vào quy hoạch" in told[w.young.pk] or "entered" in told[w.young.pk]
    assert w.retired.pk in told
    client.force_login(w.young_user)
    panel = client.get(reverse("cadrework:person_panel", args=[w.young.pk])).content.decode()
    assert "Liên đoàn Lao động huyện Mê Linh" in panel and told[w.young.pk] in panel
    # Published: the review cannot change any more.
    with pytest.raises(ValidationError):
        services.entry_add(
            user=tree.melinh_officer,
            pool=w.pool,
            person=w.retired,
            reason="x",
            on=day,
            review=review,
        )


def test_structure_goals_come_from_the_unit_or_above(pool_world):
    w, tree = pool_world, pool_world.tree
    services.structure_goal_set(
        user=tree.hanoi_officer, unit=tree.hanoi, measure="women", min_percent=Decimal(30)
    )
    services.structure_goal_set(
        user=tree.hanoi_officer, unit=tree.hanoi, measure="under_40", min_percent=Decimal(20)
    )
    services.structure_goal_set(
        user=tree.melinh_officer, unit=tree.melinh, measure="women", min_percent=Decimal(50)
    )
    day = dt.date(2025, 12, 1)
    services.entry_add(user=tree.melinh_officer, pool=w.pool, person=w.young, reason="Trẻ", on=day)
    result = shares(w.pool, day)
    # Two candidates, one woman: 50% reaches Mê Linh's own 50% goal (not Hà Nội's 30%).
    assert (result["women"].percent, result["women"].goal, result["women"].reached) == (
        Decimal("50.0"),
        Decimal(50),
        True,
    )
    assert (result["under_40"].goal, result["under_40"].reached) == (Decimal(20), True)
    services.structure_goal_set(
        user=tree.melinh_officer, unit=tree.melinh, measure="women", min_percent=Decimal("50.01")
    )
    assert shares(w.pool, day)["women"].reached is False


def test_bad_pool_input_is_refused(pool_world, client):
    w, tree = pool_world, pool_world.tree
    with pytest.raises(ValidationError, match="ngoài phạm vi"):
        services.entry_add(
            user=tree.nt_officer, pool=w.pool, person=w.young, reason="x", on=dt.date(2025, 1, 1)
        )
    with pytest.raises(ValidationError):
        services.entry_add(
            user=tree.melinh_officer,
            pool=w.pool,
            person=w.retired,
            reason="again",
            on=dt.date(2025, 1, 1),
        )  # already in it
    with pytest.raises(ValidationError):
        services.entry_add(
            user=tree.melinh_officer,
            pool=w.pool,
            person=w.young,
            reason=" ",
            on=dt.date(2025, 1, 1),
        )  # no reason
    with pytest.raises(ValidationError):
        services.entry_add(
            user=tree.melinh_officer,
            pool=w.pool,
            person=w.young,
            reason="x",
            on=dt.date(2030, 1, 1),
        )  # outside the term
    with pytest.raises(ValidationError):
        services.entry_remove(
            user=tree.melinh_officer, entry=w.retired_entry, reason="x", on=dt.date(2023, 1, 1)
        )  # before entering
    assert PoolEntry.objects.count() == 1
    with pytest.raises(ValidationError, match="goal|mục tiêu|100"):
        services.structure_goal_set(
            user=tree.melinh_officer, unit=tree.melinh, measure="women", min_percent=Decimal(120)
        )
    client.force_login(tree.nt_officer)
    assert client.get(reverse("cadrework:pool_detail", args=[w.pool.pk])).status_code == 404
    client.force_login(tree.inspector)  # reads no pool (accounts.access)
    response = client.post(
        reverse("cadrework:pool_detail", args=[w.pool.pk]),
        {"year": "2025", "held_on": "01/12/2025"},
    )
    assert response.status_code == 403 and not w.pool.reviews.exists()


def test_the_cadre_does_not_see_unpublished_entries(pool_world, client):
    w = pool_world
    services.entry_add(user=SYSTEM, pool=w.pool, person=w.young, reason="x", on=dt.date(2025, 1, 1))
    client.force_login(w.young_user)
    panel = client.get(reverse("cadrework:person_panel", args=[w.young.pk])).content.decode()
    assert "Mê Linh" not in panel
    # Nor anyone else's panel.
    assert client.get(reverse("cadrework:person_panel", args=[w.retired.pk])).status_code == 404


def test_the_pools_of_a_subtree_are_listed_a_page_at_a_time(client, pool_world, monkeypatch):
    """Issue 22: the cadre work page listed every succession pool of the officer's subtree
    (16,000 for the confederation: 2.5 s); it shows a page of them, in the tree's order, and
    its pager reaches every one once."""
    import re

    from cadrework.views import pools as views

    w = pool_world
    for post in ("chair", "standing", "executive"):
        services.pool_create(user=w.tree.melinh_officer, unit=w.tree.melinh, term=w.term, post=post)
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    client.force_login(w.tree.hanoi_officer)
    seen = []
    for number in (1, 2):
        body = client.get(reverse("cadrework:index"), {"page": number}).content.decode()
        pools = body[body.index('id="pools"') : body.index("</table>", body.index('id="pools"'))]
        seen += re.findall(r'href="/cadrework/pools/(\d+)/"', pools)
        assert f"{number} / 2" in body
    assert len(seen) == len(set(seen)) == 4
