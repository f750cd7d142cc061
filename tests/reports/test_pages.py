"""The reports pages: the list of the five reports, the forms and their
answers to bad input, and a bounded number of queries whatever the data size."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.services import report_build
from tests.reports.conftest import post_report, table
from tests.training.bulk import add_classes, make_people


def test_the_list_offers_every_report(client, tree):
    client.force_login(tree.hanoi_officer)
    html = client.get("/reports/").content.decode()
    for kind, name in (
        ("training", "Kết quả đào tạo, bồi dưỡng năm"),
        ("resolution", "Báo cáo kết quả thực hiện nghị quyết"),
        ("structure", "Cơ cấu đội ngũ cán bộ"),
        ("needs", "Danh sách nhu cầu đào tạo"),
        ("plan", "Kế hoạch so với thực hiện và tỷ lệ kinh phí"),
    ):
        assert f'href="/reports/{kind}/"' in html and name in html
    assert "Sẽ có khi phân hệ kế hoạch" not in html


def test_each_form_asks_for_what_its_report_needs(client, tree):
    client.force_login(tree.hanoi_officer)
    fields = {
        kind: list(client.get(f"/reports/{kind}/").context["form"].fields)
        for kind in ("training", "resolution", "structure", "needs")
    }
    assert fields == {
        "training": ["unit", "year", "to_year", "own", "format"],
        "resolution": ["unit", "on", "document", "format"],
        "structure": ["unit", "on", "format"],
        "needs": ["unit", "on", "format"],
    }
    html = client.get(f"/reports/structure/?unit={tree.melinh.pk}").content.decode()
    assert 'value="HN-ML"' in html and 'name="format" value="docx"' in html


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"unit": "HN", "year": "2099"}, "year", "Năm báo cáo không được sau năm hiện tại."),
        ({"unit": "HN", "year": "năm ngoái"}, "year", None),
        ({"unit": "", "year": "2024"}, "unit", None),
        ({"unit": "HN", "year": "2024", "format": "pdf"}, "format", None),
    ],
)
def test_bad_input_is_told_by_field(client, tree, data, field, message):
    client.force_login(tree.hanoi_officer)
    response = client.post("/reports/training/", {"format": "xlsx", **data})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    if message:
        assert errors[field] == [message]


def test_a_bad_date_is_told(client, tree):
    response = post_report(
        client, tree.hanoi_officer, "structure", {"unit": "HN", "on": "31/02/2024"}
    )
    assert list(response.context["form"].errors) == ["on"]


def _queries(unit, year) -> int:
    with CaptureQueriesContext(connection) as queries:
        built = report_build(kind="training", unit=unit, params={"year": year}, fmt="xlsx")
    table(built.file.read())
    return len(queries)


def test_the_training_report_issues_the_same_queries_whatever_the_data_size(tree):
    small = _queries(tree.ninhthuan, 2019)
    people = make_people(tree, tree.phanrang, 300, False, tree.member_role)
    add_classes(tree, tree.phanrang, 31, 900, people, "Q")
    add_classes(tree, tree.ninhthuan, 7, 300, people, "R", start=dt.date(2019, 9, 9))
    assert _queries(tree.ninhthuan, 2019) == small <= 25


@pytest.mark.parametrize(
    "kind,params", [("structure", {"on": "2024-06-01"}), ("needs", {"on": "2024-06-01"})]
)
def test_the_other_reports_issue_a_bounded_number_of_queries(
    tree, kind, params, django_assert_max_num_queries
):
    report_build(kind=kind, unit=tree.vgcl, params=params, fmt="docx")  # the snapshot
    with django_assert_max_num_queries(40):
        report_build(kind=kind, unit=tree.vgcl, params=params, fmt="docx")
