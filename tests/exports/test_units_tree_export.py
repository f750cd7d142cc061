"""The units tree exports the children it shows, with their counts, as of the page's date."""

import datetime as dt

from django.utils.translation import gettext as _

from tests.conftest import make_unit
from tests.exports.sheets import page_and_export, row, table, text


def expected(children) -> list[list]:
    return [
        row(
            [
                c["unit"].code,
                c["version"].name,
                str(c["version"].kind),
                c["sub_units"],
                c["cadres"],
                c["full_time"],
            ]
        )
        for c in children
    ]


def test_it_exports_the_children_the_page_shows(client, tree):
    html, rows = page_and_export(client, tree.hanoi_officer, "/units/")
    head, body = table(rows, header=_("Unit code"))
    assert head == [
        _("Unit code"),
        _("Unit"),
        _("Kind"),
        _("Sub-units"),
        _("Cadres"),
        _("Full-time"),
    ]
    assert body == expected(html.context["children"])
    assert [r[0] for r in body] == ["HN-DA", "HN-ML"]


def test_the_title_names_the_unit_and_the_day(client, tree):
    _html, rows = page_and_export(client, tree.hanoi_officer, "/units/", {"on": "01/03/2024"})
    assert rows[0][0] == _("Structure of %(name)s") % {"name": tree.hanoi.name}
    assert "01/03/2024" in rows[1][0]


def test_the_unit_and_the_day_narrow_the_export(client, tree):
    make_unit(
        "HN-ML-02",
        "Công đoàn Bệnh viện Mê Linh",
        "grassroots",
        tree.melinh,
        founded_on=dt.date(2025, 1, 1),
    )
    params = {"unit": tree.melinh.pk, "on": "31/12/2024"}
    html, rows = page_and_export(client, tree.hanoi_officer, "/units/", params)
    assert table(rows, header=_("Unit code"))[1] == expected(html.context["children"])
    assert [r[0] for r in table(rows, header=_("Unit code"))[1]] == ["HN-ML-01"]
    html, rows = page_and_export(
        client, tree.hanoi_officer, "/units/", {**params, "on": "01/01/2025"}
    )
    assert [r[0] for r in table(rows, header=_("Unit code"))[1]] == ["HN-ML-01", "HN-ML-02"]


def test_an_officer_never_exports_another_province(client, tree):
    _html, rows = page_and_export(client, tree.admin, "/units/")
    assert "Ninh Thuận" in text(rows)
    _html, rows = page_and_export(client, tree.hanoi_officer, "/units/")
    assert "Ninh Thuận" not in text(rows)
    client.force_login(tree.hanoi_officer)
    response = client.get("/units/", {"unit": tree.ninhthuan.pk, "format": "xlsx"})
    assert response.status_code == 404
