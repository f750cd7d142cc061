"""Report 4, training-needs list: per target and per unit below, equal to the targets' needs
page, and the list of names equal to its CSV export. The world is `tests/targets/pages_world`.
"""

import csv
import io

import pytest
from django.utils.translation import gettext as _

from tests.reports.conftest import docx_text, download, sheets, table
from tests.targets.pages_world import build


@pytest.fixture
def world(tree):
    return build(tree)


def needs(client, world, fmt="xlsx"):
    return download(
        client,
        world.tree.hanoi_officer,
        "needs",
        {"unit": "HN", "on": world.today.strftime("%d/%m/%Y")},
        fmt,
    )


def needs_page(client, world):
    client.force_login(world.tree.hanoi_officer)
    response = client.get(
        "/targets/needs/", {"unit": world.tree.hanoi.pk, "on": world.today.isoformat()}
    )
    assert response.status_code == 200
    return response.context


def test_the_needs_by_target_equal_the_needs_page(client, world):
    data = needs(client, world)
    assert sheets(data) == ["Theo chỉ tiêu", _("By unit below"), "Danh sách"]
    _header, rows = table(data)
    found = {row[0]: [int(v) for v in row[3:]] for row in rows}
    results = needs_page(client, world)["results"]
    assert list(found) == [r.target.code for r in results]
    for r in results:
        assert found[r.target.code] == [r.eligible, r.not_met, r.overdue]
    assert found["T-003-2"] == [5, 2, 1]


def test_the_needs_by_unit_below_equal_the_needs_page(client, world):
    header, rows = table(needs(client, world), 1)
    context = needs_page(client, world)
    codes = [t.code for t in context["targets"]]
    assert header[2:] == codes
    found = {row[0]: [int(v) for v in row[2:]] for row in rows}
    assert found["HN"] == [r.not_met for r in context["own"]]
    for child in context["children"]:
        assert found[child["version"].unit.code] == [r.not_met for r in child["results"]]


def test_the_list_of_names_equals_the_csv_export(client, world):
    header, rows = table(needs(client, world), 2)
    client.force_login(world.tree.hanoi_officer)
    response = client.get(
        "/targets/needs/",
        {"unit": world.tree.hanoi.pk, "on": world.today.isoformat(), "format": "csv"},
    )
    exported = list(
        csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )[1:]
    assert sorted((r[0], r[1]) for r in rows) == sorted((r[0], r[1]) for r in exported)
    assert len(rows) == sum(r.not_met for r in needs_page(client, world)["results"]) > 0
    # Dates are dates: the workbook gives them back as such.
    assert all(row[2] == "" or hasattr(row[2], "year") for row in rows)


def test_the_word_report_lists_the_names_of_a_small_unit(client, world):
    text = docx_text(needs(client, world, "docx"))
    assert "Nhu cầu đào tạo, bồi dưỡng cán bộ công đoàn" in text
    assert "Hồ Thị Chi" in text and "Lý Văn Dũng" in text


def test_the_word_report_leaves_a_long_list_to_the_workbook(client, world, monkeypatch):
    monkeypatch.setattr("reports.builders.PEOPLE_IN_DOCX", 1)
    text = docx_text(needs(client, world, "docx"))
    assert "Hồ Thị Chi" not in text and "bản XLSX" in text
