"""Planning pages cost no more queries with 25 units (and lines) below than with 1."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.access import SYSTEM
from planning import services
from tests.conftest import make_unit


def grow(tree, plan, survey, prefix: str, n: int) -> None:
    """n districts under Hà Nội, each with a submitted plan, spending, growth figures and an
    answer to the survey; and n more lines in Hà Nội's own plan."""
    for i in range(n):
        unit = make_unit(
            f"HN-{prefix}{i:02d}",
            f"Liên đoàn Lao động quận {prefix}{i}",
            "district_federation",
            tree.hanoi,
        )
        own = services.plan_create(user=SYSTEM, unit=unit, year=2024)
        services.line_save(
            user=SYSTEM,
            plan=own,
            name="Lớp",
            topic=tree.topic,
            target_group="full_time",
            classes=1,
            trainees=50,
        )
        services.plan_submit(user=SYSTEM, plan=own)
        services.spending_save(
            user=SYSTEM, unit=unit, year=2024, operating_total=Decimal(10_000_000)
        )
        services.growth_save(
            user=SYSTEM,
            unit=unit,
            period_start=dt.date(2024, 1, 1),
            period_end=dt.date(2024, 12, 31),
            admitted=10,
        )
        services.answer_save(
            user=SYSTEM, survey=survey, unit=unit, needs={(tree.topic, "part_time"): 2}
        )
        services.line_save(
            user=SYSTEM,
            plan=plan,
            name=f"Lớp {prefix}{i}",
            topic=tree.topic,
            target_group="members",
            classes=1,
            trainees=5,
        )


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def survey_and_plan(tree):
    """Hà Nội's needs survey of 2025 and plan of 2024, the pages' objects."""
    survey = services.survey_open(
        user=SYSTEM,
        unit=tree.hanoi,
        year=2025,
        title="KS",
        deadline=dt.date(2099, 1, 1),
        topics=[tree.topic],
    )
    return survey, services.plan_create(user=SYSTEM, unit=tree.hanoi, year=2024)


@pytest.mark.parametrize(
    "page",
    [
        "/planning/?year=2024",
        "/planning/consolidated/?year=2024",
        "/planning/spending/?year=2024",
        "/planning/growth/?year=2024",
        "/planning/surveys/",
        "survey",
        "plan",
    ],
)
def test_planning_pages_issue_a_bounded_number_of_queries(client, tree, page):
    survey, plan = survey_and_plan(tree)
    url = {"survey": f"/planning/surveys/{survey.pk}/", "plan": f"/planning/plans/{plan.pk}/"}.get(
        page, page
    )
    client.force_login(tree.hanoi_officer)
    grow(tree, plan, survey, "A", 1)
    small = queries(client, url)
    grow(tree, plan, survey, "B", 24)
    assert queries(client, url) <= small


def test_the_plans_below_are_paged(client, tree, monkeypatch):
    """Issue 22: the confederation's planning page listed every plan of its subtree (142 s,
    58 MB of HTML); it shows a page of them, with their figures, and says how many there are."""
    from planning import views

    monkeypatch.setattr(views, "PLANS_PER_PAGE", 5)
    survey, plan = survey_and_plan(tree)
    grow(tree, plan, survey, "P", 12)
    client.force_login(tree.hanoi_officer)
    seen = []
    for number, rows in ((1, 5), (2, 5), (3, 2)):
        body = client.get(f"/planning/?year=2024&page={number}").content.decode()
        codes = re.findall(r'<tr data-unit="(HN-P\d+)">', body)
        assert len(codes) == rows
        assert f"Trang {number}/3 (12 kế hoạch)" in body
        seen += codes
    assert seen == [f"HN-P{i:02d}" for i in range(12)]  # in the tree's order, each once
    # Hà Nội's own plan stays in its own box, not in the list of the units below.
    assert '<tr data-unit="HN">' not in body


def test_the_consolidated_plans_by_unit_are_paged_and_the_export_lists_them_all(
    client, tree, monkeypatch
):
    """Issue 22: the confederation's consolidated plan listed the plan of every unit of its
    subtree by unit (~800 rows, 0.6 s at national scale); the page shows them a page at a
    time, in the tree's order, each once, while its Excel export still lists every one."""
    import io

    import openpyxl

    from planning import views

    monkeypatch.setattr(views, "PLANS_PER_PAGE", 5)
    survey, plan = survey_and_plan(tree)
    grow(tree, plan, survey, "P", 12)
    client.force_login(tree.hanoi_officer)
    seen = []
    for number, rows in ((1, 5), (2, 5), (3, 3)):  # Hà Nội's own plan and the 12 below
        body = client.get(f"/planning/consolidated/?year=2024&page={number}").content.decode()
        by_unit = body[body.index('id="by-unit"') :]
        names = re.findall(r'<a href="/planning/plans/\d+/">([^<]+)</a>', by_unit)
        assert len(names) == rows
        assert f"Trang {number}/3 (13 kế hoạch)" in body
        seen += names
    assert len(set(seen)) == 13 and seen[0] == tree.hanoi.name
    # The figures by topic still total the whole subtree, on every page.
    assert body.count("<tfoot>") == 1
    export = client.get("/planning/consolidated/?year=2024&format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    listed = [row[0] for row in book.worksheets[-1].iter_rows(values_only=True)]
    assert sum(1 for code in listed if str(code).startswith("HN")) == 13
