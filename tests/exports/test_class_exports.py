"""The class list exports every class of its filtered list (all pages); a class's page exports
its participants as it lists them."""

import datetime as dt

import pytest
from django.utils.translation import gettext as _

from tests.exports.sheets import row, sheet, table, text
from training.services import class_create, class_set_status, enrolment_nominate


def more_classes(tree, n: int, year: int = 2025) -> None:
    for i in range(n):
        class_create(user=None, organiser=tree.donganh, topics=[tree.topic],
                     code=f"DA-{year}-{i:02d}", name=f"Tập huấn an toàn lao động số {i}",
                     start_date=dt.date(year, 1 + i % 12, 1 + i % 28),
                     end_date=dt.date(year, 1 + i % 12, 1 + i % 28), hours=8, capacity=30)


def classes(client, user, params=None):
    client.force_login(user)
    html = client.get("/training/classes/", params or {})
    rows = sheet(client.get("/training/classes/", {**(params or {}), "format": "xlsx"}))
    shown = list(html.context["page"].paginator.object_list)
    expected = [row([c.code, c.name, c.organiser.name, c.start_date, c.end_date,
                     c.get_status_display()]) for c in shown]
    return rows, table(rows, header=_("Class code"))[1], expected


def test_the_class_list_exports_every_page(client, tree):
    more_classes(tree, 55)
    rows, body, expected = classes(client, tree.hanoi_officer)
    assert table(rows, header=_("Class code"))[0] == [
        _("Class code"), _("Name"), _("Organiser"), _("Start date"), _("End date"), _("Status")]
    assert body == expected and len(body) == 56  # two pages of 50 on the screen
    assert body[-1][:2] == ["ML-2024-01", tree.ml_class.name]
    assert body[-1][3] == dt.date(2024, 4, 1)
    assert rows[0][0] == _("Classes — %(unit)s") % {"unit": tree.hanoi.name}


def test_the_filters_narrow_the_export(client, tree):
    more_classes(tree, 3)
    rows, body, expected = classes(client, tree.hanoi_officer, {"status": "running"})
    assert body == expected and [r[0] for r in body] == ["ML-2024-01"]
    rows, body, expected = classes(client, tree.hanoi_officer, {"year": "2025"})
    assert body == expected and len(body) == 3
    assert "2025" in rows[1][0]
    _rows, body, _expected = classes(client, tree.hanoi_officer,
                                     {"year": "2025", "status": "running"})
    assert body == []


def test_an_officer_never_exports_another_provinces_classes(client, tree):
    rows, body, _expected = classes(client, tree.hanoi_officer)
    assert [r[0] for r in body] == ["ML-2024-01"] and "Ninh Thuận" not in text(rows)
    rows, body, _expected = classes(client, tree.nt_officer)
    assert [r[0] for r in body] == ["NT-2024-01"] and "Mê Linh" not in text(rows)


@pytest.mark.parametrize("size", [0, 60])
def test_the_class_list_export_issues_a_bounded_number_of_queries(
        client, tree, size, django_assert_max_num_queries):
    more_classes(tree, size)
    client.force_login(tree.hanoi_officer)
    with django_assert_max_num_queries(8):
        rows = sheet(client.get("/training/classes/", {"format": "xlsx"}))
    assert len(table(rows, header=_("Class code"))[1]) == size + 1


# --- participants of a class -----------------------------------------------------------

def participants(client, user, training_class):
    client.force_login(user)
    url = f"/training/classes/{training_class.pk}/"
    html = client.get(url)
    rows = sheet(client.get(url, {"format": "xlsx"}))
    results = {True: _("Passed"), False: _("Not passed"), None: ""}
    expected = [row([e.person.full_name, e.nominating_unit.name, e.get_status_display(),
                     e.reason, e.attendance_percent, e.score, results[e.passed]])
                for e in html.context["enrolments"]]
    return rows, table(rows, header=_("Full name"))[1], expected


def test_a_class_exports_its_participants_as_the_page_lists_them(client, tree):
    rows, body, expected = participants(client, tree.melinh_officer, tree.ml_class)
    assert body == expected
    assert body == [[tree.nguyen.full_name, tree.melinh.name, _("Accepted"), "", 100.0, 9.0,
                     _("Passed")]]
    assert tree.ml_class.code in rows[0][0] and tree.ml_class.name in rows[0][0]


@pytest.fixture
def national_class(tree):
    """A confederation class with a participant from Mê Linh and one from Ninh Thuận."""
    c = class_create(user=None, organiser=tree.vgcl, topics=[tree.topic], code="TLD-2024-01",
                     name="Bồi dưỡng chủ tịch công đoàn cơ sở toàn quốc",
                     start_date=dt.date(2024, 9, 9), end_date=dt.date(2024, 9, 11), hours=24,
                     capacity=100)
    class_set_status(user=None, training_class=c, status="open")
    enrolment_nominate(user=tree.melinh_officer, training_class=c, person=tree.nguyen)
    enrolment_nominate(user=tree.nt_officer, training_class=c, person=tree.le)
    return c


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


def test_the_participants_export_issues_a_bounded_number_of_queries(
        client, tree, national_class, django_assert_max_num_queries):
    client.force_login(tree.admin)
    with django_assert_max_num_queries(8):
        rows = sheet(client.get(f"/training/classes/{national_class.pk}/", {"format": "xlsx"}))
    assert len(table(rows, header=_("Full name"))[1]) == 2
