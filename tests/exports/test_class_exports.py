"""The class list exports every class of its filtered list (all pages); a class's page exports
its participants as it lists them."""

import datetime as dt

from django.utils.translation import gettext as _

from tests.exports import data
from tests.exports.sheets import row, sheet, table, text


def classes(client, user, params=None):
    client.force_login(user)
    html = client.get("/training/classes/", params or {})
    rows = sheet(client.get("/training/classes/", {**(params or {}), "format": "xlsx"}))
    shown = list(html.context["page"].paginator.object_list)
    expected = [
        row([c.code, c.name, c.organiser.name, c.start_date, c.end_date, c.get_status_display()])
        for c in shown
    ]
    return rows, table(rows, header=_("Class code"))[1], expected


def test_the_class_list_exports_every_page(client, tree):
    data.more_classes(tree, 55)
    rows, body, expected = classes(client, tree.hanoi_officer)
    assert table(rows, header=_("Class code"))[0] == [
        _("Class code"),
        _("Name"),
        _("Organiser"),
        _("Start date"),
        _("End date"),
        _("Status"),
    ]
    assert body == expected and len(body) == 56  # two pages of 50 on the screen
    assert body[-1][:2] == ["ML-2024-01", tree.ml_class.name]
    assert body[-1][3] == dt.date(2024, 4, 1)
    assert rows[0][0] == _("Classes — %(unit)s") % {"unit": tree.hanoi.name}


def test_the_filters_narrow_the_export(client, tree):
    data.more_classes(tree, 3)
    rows, body, expected = classes(client, tree.hanoi_officer, {"status": "running"})
    assert body == expected and [r[0] for r in body] == ["ML-2024-01"]
    rows, body, expected = classes(client, tree.hanoi_officer, {"year": "2025"})
    assert body == expected and len(body) == 3
    assert "2025" in rows[1][0]
    _rows, body, _expected = classes(
        client, tree.hanoi_officer, {"year": "2025", "status": "running"}
    )
    assert body == []


def test_an_officer_never_exports_another_provinces_classes(client, tree):
    rows, body, _expected = classes(client, tree.hanoi_officer)
    assert [r[0] for r in body] == ["ML-2024-01"] and "Ninh Thuận" not in text(rows)
    rows, body, _expected = classes(client, tree.nt_officer)
    assert [r[0] for r in body] == ["NT-2024-01"] and "Mê Linh" not in text(rows)


# --- participants of a class -----------------------------------------------------------


def participants(client, user, training_class):
    client.force_login(user)
    url = f"/training/classes/{training_class.pk}/"
    html = client.get(url)
    rows = sheet(client.get(url, {"format": "xlsx"}))
    results = {True: _("Passed"), False: _("Not passed"), None: ""}
    expected = [
        row(
            [
                e.person.full_name,
                e.nominating_unit.name,
                e.get_status_display(),
                e.reason,
                e.attendance_percent,
                e.score,
                results[e.passed],
            ]
        )
        for e in html.context["enrolments"]
    ]
    return rows, table(rows, header=_("Full name"))[1], expected


def test_a_class_exports_its_participants_as_the_page_lists_them(client, tree):
    rows, body, expected = participants(client, tree.melinh_officer, tree.ml_class)
    assert body == expected
    assert body == [
        [tree.nguyen.full_name, tree.melinh.name, _("Accepted"), "", 100.0, 9.0, _("Passed")]
    ]
    assert tree.ml_class.code in rows[0][0] and tree.ml_class.name in rows[0][0]


def test_each_province_exports_only_its_own_participants(client, tree, national_class):
    rows, body, expected = participants(client, tree.hanoi_officer, national_class)
    assert body == expected and [r[0] for r in body] == [tree.nguyen.full_name]
    assert "Ninh Thuận" not in text(rows) and tree.le.full_name not in text(rows)
    rows, body, expected = participants(client, tree.nt_officer, national_class)
    assert body == expected and [r[0] for r in body] == [tree.le.full_name]
    _rows, body, expected = participants(client, tree.admin, national_class)
    assert body == expected and len(body) == 2


def test_another_provinces_class_cannot_be_exported(client, tree):
    client.force_login(tree.hanoi_officer)
    response = client.get(f"/training/classes/{tree.nt_class.pk}/", {"format": "xlsx"})
    assert response.status_code == 404
