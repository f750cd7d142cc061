"""Time and place, each written once (lib.periods, units.places): every list and its total,
every report and the dashboard place a unit by the tree of the same day, and every dated thing
is in force from its first day to its last day, both inclusive.

Issue 19: "The planning lists (`planning/views.spending`, `growth`,
`reports/selectors.spending_rows`) place units by today's tree while their totals
(`spending_figures`, `growth_totals`) use the tree of the day asked: after a merger the list
and its total disagree. `targets/measures.unit_targets_for` uses the issuer's current path,
`targets/selectors.targets_for` its path on the day."
"""

import datetime as dt
import re
from decimal import Decimal

import pytest

from planning import selectors as planning_selectors
from planning.models import MemberGrowth
from planning.services import growth_save, spending_save
from reports import selectors as report_selectors
from targets.measures import unit_measures
from targets.models import SourceDocument, Target
from targets.selectors import targets_for
from tests.conftest import make_unit
from units.models import UnitVersion
from units.selectors import subtree_counts, version_on
from units.services import unit_merge, unit_move

YEAR_END = dt.date(2025, 12, 31)
MOVED_ON = dt.date(2026, 3, 1)


@pytest.fixture
def moved(tree):
    """A grassroots union of Mê Linh (Hà Nội) that entered its 2025 spending and member growth,
    then moved to Ninh Thuận on 01/03/2026."""
    union = make_unit("HN-ML-09", "Công đoàn Công ty Dệt Mê Linh", "grassroots", tree.melinh)
    for unit, operating, training in (
        (union, 100_000_000, 20_000_000),
        (tree.school, 200_000_000, 10_000_000),
    ):
        spending_save(
            user=tree.admin,
            unit=unit,
            year=2025,
            operating_total=Decimal(operating),
            other_training=Decimal(training),
        )
    for unit, admitted in ((union, 40), (tree.school, 3)):
        growth_save(
            user=tree.admin,
            unit=unit,
            period_start=dt.date(2025, 1, 1),
            period_end=YEAR_END,
            admitted=admitted,
        )
    unit_move(user=tree.admin, unit=union, new_parent=tree.ninhthuan, effective_on=MOVED_ON)
    tree.moved = union
    return tree


def _listed_codes(html: str, table_id: str) -> set[str]:
    table = re.search(rf'<table id="{table_id}".*?</table>', html, re.S)
    assert table, f"no table #{table_id}"
    return set(re.findall(r"\b(HN-[A-Z0-9-]+|NT-[A-Z0-9-]+)\b", table.group(0)))


def test_the_spending_list_holds_the_rows_its_total_counts_after_a_move(client, moved):
    """The Hà Nội spending list of 2025 shows the union that was under Hà Nội all that year,
    as the spending-share figure counts it; Ninh Thuận's list and figure leave it out."""
    client.force_login(moved.admin)
    rows_by_unit = {}
    for province in (moved.hanoi, moved.ninhthuan):
        node = version_on(province, YEAR_END)
        figures = planning_selectors.spending_figures(node, 2025, Decimal(15), YEAR_END)
        page = client.get("/planning/spending/", {"unit": province.pk, "year": "2025"})
        assert page.status_code == 200
        listed = set(
            planning_selectors.spending_rows(node, 2025, YEAR_END).values_list(
                "unit__code", flat=True
            )
        )
        report = set(
            report_selectors.spending_rows(node, 2025, YEAR_END).values_list(
                "unit__code", flat=True
            )
        )
        assert listed == report
        assert figures["reporting"] == len(listed)
        for code in listed:
            assert code in page.content.decode()
        rows_by_unit[province.code] = listed
    assert "HN-ML-09" in rows_by_unit[moved.hanoi.code]
    assert "HN-ML-09" not in rows_by_unit[moved.ninhthuan.code]
    assert (
        planning_selectors.spending_figures(
            version_on(moved.hanoi, YEAR_END), 2025, Decimal(15), YEAR_END
        )["reaching"]
        == 1
    )  # 20% for the moved union, 5% for the school


def test_the_growth_list_adds_up_to_its_total_after_a_move(client, moved):
    """Each subtree total is the sum of its rows: admitted 43 in Hà Nội's 2025 (40 + 3)."""
    client.force_login(moved.admin)
    node = version_on(moved.hanoi, YEAR_END)
    totals = planning_selectors.growth_totals(node, dt.date(2025, 1, 1), YEAR_END)
    rows = planning_selectors.growth_rows(node, dt.date(2025, 1, 1), YEAR_END)
    assert totals["admitted"] == sum(r.admitted for r in rows) == 43
    page = client.get("/planning/growth/", {"unit": moved.hanoi.pk, "year": "2025"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Công đoàn Công ty Dệt Mê Linh" in body
    nt = planning_selectors.growth_totals(
        version_on(moved.ninhthuan, YEAR_END), dt.date(2025, 1, 1), YEAR_END
    )
    assert nt["admitted"] == 0
    assert MemberGrowth.objects.count() == 2


def test_a_target_issued_by_a_moved_unit_covers_its_subtree_on_days_before_the_move(tree):
    """A unit target issued by Mê Linh applies to the school under it in 2025, whether Mê Linh
    has since moved: unit targets and person targets both read the issuer's place on the day."""
    document = SourceDocument.objects.get(code="001")
    target = Target.objects.create(
        document=document,
        code="T-ML-CHI",
        name="Chi đào tạo của Mê Linh",
        kind="spending_share",
        threshold=15,
        scope_unit=tree.melinh,
    )
    person_target = Target.objects.create(
        document=document, code="T-ML-NGUOI", name="Cán bộ Mê Linh", scope_unit=tree.melinh
    )
    unit_move(user=tree.admin, unit=tree.melinh, new_parent=tree.ninhthuan, effective_on=MOVED_ON)
    for day in (YEAR_END, MOVED_ON):
        node = version_on(tree.school, day)
        assert target in [m.target for m in unit_measures(node, day)]
        assert person_target in targets_for(node, day)
    # A target of Mê Linh's never covers the province above it.
    hanoi = version_on(tree.hanoi, YEAR_END)
    assert person_target not in targets_for(hanoi, YEAR_END)
    assert target not in [m.target for m in unit_measures(hanoi, YEAR_END)]


def test_a_merger_on_1_july_counts_each_unit_once_on_each_side_of_the_day(tree):
    """A merger effective 01/07/2025: the sources stand in the tree up to and including 30/06
    (their placements end on their last day, lib.periods) and the merged unit from 01/07;
    cadres are counted under exactly one of them each day."""
    merged = make_unit(
        "HN-KV1",
        "Công đoàn khu vực Mê Linh - Đông Anh",
        "upper_grassroots_other",
        tree.hanoi,
        founded_on=dt.date(2025, 7, 1),
    )
    unit_merge(
        user=tree.admin,
        sources=[tree.melinh, tree.donganh],
        target=merged,
        effective_on=dt.date(2025, 7, 1),
    )
    last_day, first_day = dt.date(2025, 6, 30), dt.date(2025, 7, 1)
    old = UnitVersion.objects.filter(unit=tree.melinh).order_by("valid_from").last()
    assert old.valid_to == last_day
    assert version_on(tree.melinh, last_day) is not None
    assert version_on(tree.melinh, first_day) is None
    assert version_on(merged, last_day) is None
    assert version_on(tree.school, first_day).parent_id == merged.pk
    assert version_on(tree.school, last_day).parent_id == tree.melinh.pk
    hanoi_before = subtree_counts(version_on(tree.hanoi, last_day), last_day, tree.admin)
    hanoi_after = subtree_counts(version_on(tree.hanoi, first_day), first_day, tree.admin)
    assert hanoi_before["cadres"] == hanoi_after["cadres"] >= 1
    melinh = subtree_counts(version_on(tree.melinh, last_day), last_day, tree.admin)
    area = subtree_counts(version_on(merged, first_day), first_day, tree.admin)
    assert melinh["cadres"] >= 1 and area["cadres"] >= melinh["cadres"]


def test_a_provincial_officer_reads_the_rows_that_make_the_total(client, moved):
    """Read by Hà Nội's own officer (the union now lies outside their scope): the growth page
    and the API list the moved union's 2025 row, and the rows add up to the totals shown."""
    from accounts.models import ApiToken

    officer = moved.hanoi_officer
    token = ApiToken.issue(officer)
    report = client.get(
        f"/api/v1/units/{moved.hanoi.pk}/member-growth",
        {"start": "2025-01-01", "end": "2025-12-31"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    ).json()
    assert {r["unit"]["code"] for r in report["rows"]} >= {"HN-ML-09"}
    assert sum(r["admitted"] for r in report["rows"]) == report["totals"]["admitted"] == 43
    client.force_login(officer)
    page = client.get("/planning/growth/", {"unit": moved.hanoi.pk, "year": "2025"})
    assert "Công đoàn Công ty Dệt Mê Linh" in page.content.decode()
    assert page.context["totals"]["admitted"] == sum(r.admitted for r in page.context["rows"])
    spending = client.get("/planning/spending/", {"unit": moved.hanoi.pk, "year": "2025"})
    assert "Công đoàn Công ty Dệt Mê Linh" in spending.content.decode()
