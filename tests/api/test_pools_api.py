"""Succession pools through the API: the yearly review end to end, structure figures, scope
and bad input."""

import pytest

from accounts.models import ApiToken
from cadrework.models import Notice, PoolEntry, PoolReview


def api(client, user):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}

    def call(method, url, body=None):
        kwargs = {"content_type": "application/json"} if body is not None else {}
        return (
            getattr(client, method)(f"/api/v1{url}", body, **kwargs, **headers)
            if body is not None
            else getattr(client, method)(f"/api/v1{url}", **headers)
        )

    return call


def test_a_review_through_the_api(pool_world, client):
    w, tree = pool_world, pool_world.tree
    call = api(client, tree.melinh_officer)
    pool = call("get", f"/pools/{w.pool.pk}?as_of=2025-12-01").json()
    assert [c["full_name"] for c in pool["candidates"]] == ["Đỗ Văn Hưu"]
    review = call(
        "post", f"/pools/{w.pool.pk}/reviews", {"year": 2025, "held_on": "2025-12-01"}
    ).json()
    response = call(
        "post",
        f"/pool-reviews/{review['id']}/entries",
        {"person": w.young.pk, "reason": "Nữ, trẻ, đã qua bồi dưỡng"},
    )
    assert response.status_code == 201 and response.json()["entered"] == [w.young.pk]
    response = call(
        "post",
        f"/pool-reviews/{review['id']}/removals",
        {"entry": w.retired_entry.pk, "reason": "Nghỉ hưu"},
    )
    assert response.json()["removed"] == [w.retired.pk]
    pool = call("get", f"/pools/{w.pool.pk}?as_of=2025-12-01").json()
    structure = {s["measure"]: s for s in pool["structure"]}
    assert (structure["women"]["count"], structure["women"]["total"]) == (1, 1)
    assert [c["trained"] for c in pool["candidates"]] == [True]
    published = call("post", f"/pool-reviews/{review['id']}/publish").json()
    assert published["published_at"]
    assert set(Notice.objects.values_list("person_id", flat=True)) == {w.young.pk, w.retired.pk}
    again = call(
        "post", f"/pool-reviews/{review['id']}/entries", {"person": w.retired.pk, "reason": "x"}
    )
    assert again.status_code == 422


@pytest.mark.parametrize(
    "body,field",
    [
        ({"person": 0, "reason": "x"}, "person"),
        ({"reason": "x"}, "person"),
        ({"person": "ME", "reason": " "}, "reason"),
    ],
)
def test_bad_entries_are_refused(pool_world, client, body, field):
    w, tree = pool_world, pool_world.tree
    call = api(client, tree.melinh_officer)
    review = PoolReview.objects.create(pool=w.pool, year=2025, held_on="2025-12-01")
    if body.get("person") == "ME":
        body["person"] = w.young.pk
    response = call("post", f"/pool-reviews/{review.pk}/entries", body)
    assert response.status_code == 422
    assert field in [d["field"] for d in response.json()["detail"]]
    assert PoolEntry.objects.count() == 1


def test_other_provinces_see_nothing(pool_world, client):
    w, tree = pool_world, pool_world.tree
    call = api(client, tree.nt_officer)
    assert call("get", f"/pools/{w.pool.pk}").status_code == 404
    assert call("get", "/pools").json()["items"] == []
    assert (
        call(
            "post", f"/pools/{w.pool.pk}/reviews", {"year": 2025, "held_on": "2025-12-01"}
        ).status_code
        == 404
    )
    # A person of Hà Nội named by Ninh Thuận is not found either (422 on the field).
    nt_pool_body = {"unit": tree.ninhthuan.pk, "term": w.term.pk, "post": "chair"}
    response = call("post", "/pools", nt_pool_body)
    assert response.status_code == 422 and not w.pool.unit.pools.exclude(pk=w.pool.pk).exists()
