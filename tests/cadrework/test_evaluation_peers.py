"""Equivalent posts counted for a whole page at once (issue 22): one grouped query per depth
of the approving units on the page, each row read once. Every row's comparison is the one
the definition gives (cadrework.evaluations._equivalent_posts), whatever depth approved it,
and the list page shows the same figure as the evaluation's own page."""

import pytest

from cadrework import evaluations as rules
from cadrework.models import Evaluation
from tests.cadrework.test_evaluations import YEAR, build, chair_of, record
from units.places import is_within

LIST = "/cadrework/evaluations/"


def by_definition(e: Evaluation, everything: list[Evaluation]) -> tuple[int, float | None]:
    peers = [
        x
        for x in everything
        if x.published_at is not None
        and (x.year, x.occasion, x.role_id) == (e.year, e.occasion, e.role_id)
        and x.unit.kind.level_id == e.unit.kind.level_id
        and is_within(x.unit, e.approved_by)
    ]
    if e.published_at is None and is_within(e.unit, e.approved_by):
        peers.append(e)
    shares = [100.0 * (x.votes_excellent + x.votes_good) / x.votes for x in peers if x.votes]
    return len(peers), (sum(shares) / len(shares) if shares else None)


@pytest.fixture
def two_depths(tree):
    """Hà Nội's evaluations, published; two more chairs of Mê Linh evaluated by Mê Linh
    itself (one level down): one published, one not."""
    w = build(tree)
    for evaluation in (w.nguyen, w.dung_eval, w.em_eval, w.tran):
        rules.evaluation_publish(user=tree.hanoi_officer, evaluation=evaluation)
    _unit, giang = chair_of(
        tree, "HN-ML-03", "Công đoàn Trường THCS Mê Linh", tree.melinh, "Vũ", "Văn", "Giang"
    )
    w.giang = record(tree.melinh_officer, giang, "good", (3, 3, 2, 2))
    rules.evaluation_publish(user=tree.melinh_officer, evaluation=w.giang)
    _unit, hoa = chair_of(
        tree, "HN-ML-04", "Công đoàn Trường Mầm non Mê Linh", tree.melinh, "Đỗ", "Thị", "Hoa"
    )
    w.hoa = record(tree.melinh_officer, hoa, "completed", (0, 1, 8, 1))
    return w


def test_each_row_is_compared_within_its_own_approving_units_subtree(client, two_depths):
    w = two_depths
    everything = list(Evaluation.objects.select_related(*rules.RELATED))
    rows = list(rules.with_comparison(Evaluation.objects.filter(year=YEAR)))
    assert len({len(e.approved_by.path) for e in rows}) >= 2  # approvers at two depths
    for e in rows:
        count, share = by_definition(e, everything)
        assert e.peer_count == count, e
        assert e.peer_share == pytest.approx(share), e
    mine = {e.pk: (e.peer_count, round(e.peer_share, 1)) for e in rows}
    # Mê Linh's chairs compared within Mê Linh (Giang, Hoa itself, Nguyễn, Dũng), Hà Nội's
    # within Hà Nội (Nguyễn, Dũng, Em, Giang).
    assert mine[w.hoa.pk][0] == 4 and mine[w.nguyen.pk][0] == 4
    # The list page and the evaluation's own page say the same.
    client.force_login(w.tree.hanoi_officer)
    page = client.get(LIST, {"year": YEAR})
    listed = {e.pk: (e.peer_count, round(e.peer_share, 1)) for e in page.context["page"]}
    assert listed == {pk: v for pk, v in mine.items() if pk in listed}
    assert len(listed) == len([e for e in rows if is_within(e.unit, w.tree.hanoi)])
    for pk in (w.hoa.pk, w.nguyen.pk):
        detail = client.get(f"{LIST}{pk}/").context["comparison"]
        assert (detail.count, float(detail.average_share)) == mine[pk]
