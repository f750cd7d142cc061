"""The chairs page and API with the day's stored figures (issue 22): the chairs are listed
union by union from the stored figures (each union's number of chairs the target counts) and
a page judges its own unions' chairs only — every page, at every size and offset, the same
rows in the same order as when every chair is judged, and the count the same."""

import datetime as dt

import pytest

from targets import snapshots
from tests.training.test_chairs_one_rule import DAY, api, chair, finding, union  # noqa: F401


@pytest.fixture
def many(finding):  # noqa: F811
    """Seven chairs of T-003-4b over seven unions of Hà Nội, in two districts."""
    t = finding
    for i, (parent, given) in enumerate(
        [(t.melinh, "Bảo"), (t.donganh, "Cường"), (t.melinh, "Đức"), (t.donganh, "Giang")]
    ):
        unit, term = union(t, f"HN-X-{i}", f"Công đoàn Công ty X{i}", parent, 1100 + i)
        chair(t, unit, "Lê", "Văn", given, dt.date(2023, 6, 1), term)
    return t


def _listed(client, t, limit: int) -> tuple[int, list[tuple]]:
    rows, offset, count = [], 0, None
    while count is None or offset < count:
        body = api(
            client,
            t.hanoi_officer,
            f"/units/{t.hanoi.pk}/chairs",
            on=DAY.isoformat(),
            limit=limit,
            offset=offset,
        )
        count = body["count"]
        rows += [(r["position_id"], r["unit_id"], r["trained"], r["status"]) for r in body["items"]]
        offset += limit
    return count, rows


def test_every_page_lists_the_same_chairs_stored_and_judged(client, many):
    t = many
    judged = {size: _listed(client, t, size) for size in (1, 2, 3, 7, 50)}
    assert snapshots.ready(DAY, start=False) is None
    snapshots.compute(DAY)
    assert snapshots.ready(DAY, start=False) is not None
    stored = {size: _listed(client, t, size) for size in (1, 2, 3, 7, 50)}
    assert stored == judged
    count, rows = stored[50]
    assert count == len(rows) == 7
    assert len({pk for pk, *_ in rows}) == 7
