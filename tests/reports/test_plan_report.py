"""Report 5, plan versus actual and spending share: for a unit and a year, the consolidated
plan by topic and target group (planned classes, trainees and budget against the classes held,
their trainees and their costs), each unit's plan, the units below that have not sent theirs
up, and each unit's training spending — read back from the workbook and compared with the
planning module's selectors; in the Decree 30 layout, opening in LibreOffice.

The world: Hà Nội's 2018 plan (004: 40 classes for 3,920 trainees) entered as two lines, one
class of Hà Nội's run against it; Mê Linh's plan submitted; Đông Anh's still a draft."""

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils.translation import gettext as _
from docx import Document

from planning import selectors as planning
from planning.models import PlanStatus, TargetGroup
from planning.services import (
    class_link,
    deadline_set,
    line_save,
    plan_create,
    plan_submit,
    spending_save,
)
from reports.builders import STEPS
from reports.models import ReportJob
from targets.models import Target
from tests.conftest import make_user
from tests.reports.conftest import docx_text, download, post_report, sheets, table, to_pdf
from training.models import Topic
from training.services import (
    class_create,
    class_set_status,
    enrolment_accept,
    enrolment_nominate,
)

MILLION = Decimal(1_000_000)


def value(v):
    """A cell as the figure it holds: whole floats as ints, blanks as None."""
    if v == "":
        return None
    if isinstance(v, float):
        return int(v) if v.is_integer() else Decimal(str(v))
    return v


def rows_of(data: bytes, sheet: str) -> tuple[list, list[list]]:
    head, rows = table(data, sheets(data).index(sheet))
    return head, [[value(v) for v in row] for row in rows]


def figures(f) -> list:
    return [
        f.planned_classes,
        f.classes,
        f.classes_percent,
        f.planned_trainees,
        f.trainees,
        f.trainees_percent,
        int(f.budget),
        int(f.spending),
        f.spending_percent,
    ]


@pytest.fixture
def plan_2018(tree):
    """The 004 plan of Hà Nội for 2018 and what ran against it."""
    w = SimpleNamespace(tree=tree)
    Target.objects.filter(document__code="004").update(scope_unit=tree.hanoi, active=True)
    theory = Topic.objects.get(code="union_theory")
    officer = tree.hanoi_officer
    deadline_set(user=officer, unit=tree.hanoi, year=2018, due_on=dt.date(2017, 12, 15))
    w.plan = plan_create(user=officer, unit=tree.hanoi, year=2018)
    w.leaders = line_save(
        user=officer,
        plan=w.plan,
        name="Lớp lãnh đạo chủ chốt",
        topic=theory,
        target_group=TargetGroup.KEY_LEADERS,
        classes=2,
        trainees=120,
        budget=240 * MILLION,
        quarter=2,
    )
    w.cadres = line_save(
        user=officer,
        plan=w.plan,
        name="Bồi dưỡng cán bộ công đoàn cơ sở",
        topic=tree.topic,
        target_group=TargetGroup.FULL_TIME,
        classes=38,
        trainees=3_800,
        budget=3_000 * MILLION,
    )
    # One class of the plan has run: two trainees accepted, 150,000,000 VND spent.
    w.held = class_create(
        user=officer,
        organiser=tree.hanoi,
        topics=[tree.topic],
        code="HN-2018-01",
        name="Bồi dưỡng cán bộ công đoàn cơ sở, lớp 1",
        start_date=dt.date(2018, 5, 2),
        end_date=dt.date(2018, 5, 4),
        hours=24,
        capacity=100,
        budget_actual=150 * MILLION,
    )
    class_set_status(user=officer, training_class=w.held, status="open")
    for person in (tree.nguyen, tree.tran):
        enrolment, _warnings = enrolment_nominate(
            user=officer, training_class=w.held, person=person
        )
        enrolment_accept(user=officer, enrolment=enrolment)
    class_set_status(user=officer, training_class=w.held, status="running")
    class_link(user=officer, line=w.cadres, training_class=w.held)
    # Mê Linh sends its plan up; Đông Anh keeps a draft (not in the consolidation).
    w.melinh_plan = plan_create(user=tree.melinh_officer, unit=tree.melinh, year=2018)
    line_save(
        user=tree.melinh_officer,
        plan=w.melinh_plan,
        name="Tập huấn tổ trưởng",
        topic=tree.topic,
        target_group=TargetGroup.GROUP_LEADERS,
        classes=3,
        trainees=150,
        budget=60 * MILLION,
    )
    plan_submit(user=tree.melinh_officer, plan=w.melinh_plan)
    w.donganh_officer = make_user("donganh", tree.donganh)
    w.donganh_plan = plan_create(user=w.donganh_officer, unit=tree.donganh, year=2018)
    line_save(
        user=w.donganh_officer,
        plan=w.donganh_plan,
        name="Tập huấn nghiệp vụ",
        topic=theory,
        target_group=TargetGroup.PART_TIME,
        classes=1,
        trainees=80,
        budget=0,
    )
    return w


def report(client, user, unit_code="HN", year=2018, fmt="xlsx") -> bytes:
    return download(client, user, "plan", {"unit": unit_code, "year": str(year)}, fmt)


def test_the_consolidated_plan_equals_the_planning_selectors(client, plan_2018):
    tree = plan_2018.tree
    data = report(client, tree.hanoi_officer)
    assert sheets(data) == [_("Consolidated plan"), _("By unit"), _("Not submitted")]
    head, rows = rows_of(data, _("Consolidated plan"))
    assert head == [
        _("Topic or programme"),
        _("Target group"),
        _("Planned classes"),
        _("Classes held"),
        _("Classes (%)"),
        _("Planned trainees"),
        _("Trainees"),
        _("Trainees (%)"),
        _("Budget estimate (VND)"),
        _("Actual spending (VND)"),
        _("Spending (%)"),
    ]
    expected = planning.consolidated(tree.hanoi, 2018)
    assert rows[:-1] == [
        [str(r["topic"] or r["programme"]), str(r["target_group"]), *figures(r["figures"])]
        for r in expected
    ]
    total = planning.plan_vs_actual(planning.consolidated_lines(tree.hanoi, 2018))[()]
    assert rows[-1] == [_("Total"), None, *figures(total)]
    # Hà Nội's 40 classes for 3,920 trainees and Mê Linh's 3 for 150 (sent up); Đông Anh's
    # draft is not consolidated. One class held, 2 trainees, 150,000,000 VND.
    assert rows[-1][2:] == [
        43,
        1,
        Decimal("2.3"),
        4_070,
        2,
        Decimal("0.0"),
        3_300_000_000,
        150_000_000,
        Decimal("4.5"),
    ]
    cadres = next(r for r in rows if r[1] == TargetGroup.FULL_TIME.label)
    assert cadres[2:8] == [38, 1, Decimal("2.6"), 3_800, 2, Decimal("0.1")]


def test_each_units_plan_and_the_units_that_have_not_submitted(client, plan_2018):
    tree = plan_2018.tree
    data = report(client, tree.hanoi_officer)
    head, rows = rows_of(data, _("By unit"))
    assert head[:3] == [_("Unit code"), _("Unit"), _("Status")]
    expected = planning.plans_under(tree.hanoi, 2018)
    assert rows == [
        [p.unit.code, p.unit.name, p.get_status_display(), *figures(f)] for p, f in expected
    ]
    by_code = {r[0]: r for r in rows}
    assert by_code["HN"][3] == 40 and by_code["HN"][6] == 3_920  # the plan of 004
    assert by_code["HN"][4] == 1 and by_code["HN"][7] == 2
    assert by_code["HN-ML"][2] == str(PlanStatus.SUBMITTED.label)
    assert by_code["HN-DA"][2] == str(PlanStatus.DRAFT.label)

    head, rows = rows_of(data, _("Not submitted"))
    assert head == [_("Unit code"), _("Unit"), _("Plan status")]
    missing = list(planning.not_submitted(tree.hanoi, 2018))
    assert [r[0] for r in rows] == [u.code for u in missing] == ["HN-DA"]
    assert rows[0][2] == str(PlanStatus.DRAFT.label)
    # Once Đông Anh sends its plan up it is consolidated and no longer missing.
    plan_submit(user=plan_2018.donganh_officer, plan=plan_2018.donganh_plan)
    data = report(client, tree.hanoi_officer)
    assert _("Not submitted") not in sheets(data)
    _head, rows = rows_of(data, _("Consolidated plan"))
    assert rows[-1][2] == 44 and rows[-1][5] == 4_150


def test_a_district_reports_its_own_plan_only(client, plan_2018):
    tree = plan_2018.tree
    _head, rows = rows_of(report(client, tree.melinh_officer, "HN-ML"), _("By unit"))
    assert [r[0] for r in rows] == ["HN-ML"]
    _head, rows = rows_of(report(client, tree.melinh_officer, "HN-ML"), _("Consolidated plan"))
    assert rows[-1][2] == 3 and rows[-1][5] == 150
    response = post_report(client, tree.melinh_officer, "plan", {"unit": "HN", "year": "2018"})
    assert response.status_code == 200 and response.context["form"].errors["unit"]


def test_the_word_report_says_it_in_the_decrees_layout(client, plan_2018):
    tree = plan_2018.tree
    data = report(client, tree.hanoi_officer, fmt="docx")
    text = docx_text(data)
    assert "BÁO CÁO" in text and "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert _("Implementation of the training plan of %(year)s") % {"year": 2018} in text
    assert "Kính gửi: Tổng Liên đoàn Lao động Việt Nam" in text
    assert "3.920" in text and "3.300.000.000" in text and "150.000.000" in text
    assert _("Plans are due by %(day)s.") % {"day": "15/12/2017"} in text
    assert tree.donganh.name in text
    document = Document(io.BytesIO(data))
    grids = [t for t in document.tables if t.style is not None and t.style.name == "Table Grid"]
    assert len(grids) == 3  # consolidated, by unit, not submitted (no spending entered)


def test_training_spending_and_the_share_reached(client, tree):
    """2024: T-003-5 (15%) is in force; Mê Linh's class costs count as its training, those of
    a class the state budget paid are shown beside (003: "15% tổng chi cho hoạt động của mỗi
    cấp công đoàn" — the union's own money)."""
    from tests.planning.test_spending_union_funds import paid_class
    from training.services import class_update

    class_update(user=tree.melinh_officer, training_class=tree.ml_class, budget_actual=10 * MILLION)
    paid_class(tree, "state", 20 * MILLION)
    spending_save(
        user=tree.hanoi_officer,
        unit=tree.hanoi,
        year=2024,
        operating_total=100 * MILLION,
        other_training=Decimal(15_000_000),
    )
    spending_save(
        user=tree.melinh_officer,
        unit=tree.melinh,
        year=2024,
        operating_total=100 * MILLION,
        other_training=Decimal(4_990_000),
    )
    data = report(client, tree.hanoi_officer, year=2024)
    head, rows = rows_of(data, _("Spending"))
    assert head == [
        _("Unit code"),
        _("Unit"),
        _("Total operating spending (VND)"),
        _("Classes' actual costs from union funds (VND)"),
        _("Other training costs (VND)"),
        _("Training spending (VND)"),
        _("Share (%)"),
        _("Classes paid from other sources (VND, not counted)"),
        _("Result"),
    ]
    assert rows == [
        ["HN", tree.hanoi.name, 100_000_000, 0, 15_000_000, 15_000_000, 15, 0, "Đạt"],
        [
            "HN-ML",
            tree.melinh.name,
            100_000_000,
            10_000_000,
            4_990_000,
            14_990_000,
            Decimal("14.99"),
            20_000_000,
            "Chưa đạt",
        ],
    ]
    text = docx_text(report(client, tree.hanoi_officer, year=2024, fmt="docx"))
    assert "T-003-5" in text and "15,00%" in text and "14,99" in text


def test_the_form_asks_for_a_year_and_the_list_offers_the_report(client, tree):
    client.force_login(tree.hanoi_officer)
    html = client.get("/reports/").content.decode()
    assert 'href="/reports/plan/"' in html and "Kế hoạch so với thực hiện" in html
    assert list(client.get("/reports/plan/").context["form"].fields) == ["unit", "year", "format"]
    next_year = dt.date.today().year + 1
    response = post_report(
        client, tree.hanoi_officer, "plan", {"unit": "HN", "year": str(next_year + 1)}
    )
    assert list(response.context["form"].errors) == ["year"]
    data = report(client, tree.hanoi_officer, year=next_year)  # next year's plan is made now
    _head, rows = rows_of(data, _("Consolidated plan"))
    assert rows == []


def test_a_large_subtree_is_built_by_the_worker(client, plan_2018, settings):
    tree = plan_2018.tree
    inline = report(client, tree.hanoi_officer)
    settings.REPORTS_INLINE_UNITS = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    response = post_report(client, tree.hanoi_officer, "plan", {"unit": "HN", "year": "2018"})
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.status, job.kind, job.params, job.steps_total, job.steps_done) == (
        "done",
        "plan",
        {"year": 2018},
        STEPS["plan"],
        STEPS["plan"],
    )
    built = job.file.read()
    for sheet in sheets(inline):
        assert rows_of(built, sheet) == rows_of(inline, sheet)


def test_the_plan_report_opens_in_libreoffice(client, plan_2018, tmp_path):
    tree = plan_2018.tree
    spending_save(
        user=tree.hanoi_officer,
        unit=tree.hanoi,
        year=2018,
        operating_total=100 * MILLION,
        other_training=Decimal(20_000_000),
    )
    files = []
    for fmt in ("xlsx", "docx"):
        path = tmp_path / f"plan.{fmt}"
        path.write_bytes(report(client, tree.hanoi_officer, fmt=fmt))
        files.append(path)
    for source, pdf in to_pdf(files, tmp_path / "pdf").items():
        assert pdf.exists(), f"LibreOffice did not open {source.name}"
        assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 1000, source.name
