"""Lecturers, the chairs a unit must train and the training statistics export what their pages
show, for the same unit, date and period, and nothing of another province."""

import datetime as dt

import pytest
from django.utils.translation import gettext as _

from accounts.access import SYSTEM
from people.models import Person, Position
from tests.conftest import make_unit
from tests.exports.sheets import page_and_export, row, table, tables, text
from tests.training.test_chairs_organiser import trained_by
from units.services import unit_set_figures

# --- lecturers ---------------------------------------------------------------------------


def lecturer_rows(lecturers) -> list[list]:
    return [
        row(
            [
                lec.person.full_name,
                lec.get_kind_display(),
                lec.unit.name,
                lec.classes,
                lec.hours,
                lec.rating,
            ]
        )
        for lec in lecturers
    ]


def test_the_lecturers_export_is_the_list_the_page_shows(client, tree):
    html, rows = page_and_export(client, tree.hanoi_officer, "/training/lecturers/")
    head, body = table(rows, header=_("Full name"))
    assert head == [
        _("Full name"),
        _("Kind"),
        _("Unit"),
        _("Classes"),
        _("Hours"),
        _("Average rating"),
    ]
    assert body == lecturer_rows(html.context["lecturers"])
    assert body == [[tree.nguyen.full_name, _("Part-time lecturer"), tree.school.name, 1.0, 8.0]]
    assert rows[0][0] == _("Lecturers — %(unit)s") % {"unit": tree.hanoi.name}


def test_an_officer_never_exports_another_provinces_lecturers(client, tree):
    _html, rows = page_and_export(client, tree.hanoi_officer, "/training/lecturers/")
    assert tree.le.full_name not in text(rows) and "Ninh Thuận" not in text(rows)
    html, rows = page_and_export(client, tree.nt_officer, "/training/lecturers/")
    assert table(rows, header=_("Full name"))[1] == lecturer_rows(html.context["lecturers"])
    assert tree.nguyen.full_name not in text(rows)


# --- chairs to train ---------------------------------------------------------------------


def chair_rows(rows) -> list[list]:
    return [
        row(
            [
                p.person.full_name,
                p.unit.code,
                p.unit.name,
                p.members,
                p.target.code,
                _("Yes") if p.trained else _("Not yet"),
                _("Met") if p.trained else _("Due"),
                p.due_on,
            ]
        )
        for p in rows
    ]


@pytest.fixture
def chairs(tree):
    """The Mê Linh school has 1,500 members from 2024: its chair is Hà Nội's duty, and Hà Nội
    trained him in May 2024; a second grassroots union of Đông Anh, 1,200 members, gets a chair
    on 1 March 2025."""
    unit_set_figures(
        user=SYSTEM, unit=tree.school, effective_on=dt.date(2024, 1, 1), member_count=1500
    )
    trained_by(tree, tree.hanoi, tree.nguyen, "HN-2024-CT", start=dt.date(2024, 5, 20))
    tree.plant = make_unit(
        "HN-DA-02", "Công đoàn Nhà máy Nước Đông Anh", "grassroots", tree.donganh, sector="state"
    )
    unit_set_figures(
        user=SYSTEM, unit=tree.plant, effective_on=dt.date(2024, 1, 1), member_count=1200
    )
    person = Person(
        unit=tree.plant, family_name="Đinh", middle_name="Thị", given_name="Hoa", gender="female"
    )
    person.fill_keys()
    person.save()
    Position.objects.create(
        person=person, unit=tree.plant, role=tree.chair_role, start_date=dt.date(2025, 3, 1)
    )
    return tree


def test_the_chairs_export_is_the_duty_list_of_the_page(client, chairs):
    html, rows = page_and_export(
        client, chairs.hanoi_officer, "/training/chairs/", {"on": "31/12/2025"}
    )
    head, body = table(rows, header=_("Full name"))
    assert head == [
        _("Full name"),
        _("Unit code"),
        _("Grassroots union"),
        _("Members"),
        _("Target"),
        _("Trained"),
        _("Status"),
        _("Due by"),
    ]
    assert body == chair_rows(html.context["rows"])
    # Đinh Thị Hoa has no term: her window runs from taking the post, with no deadline.
    assert body == [
        [
            "Đinh Thị Hoa",
            "HN-DA-02",
            chairs.plant.name,
            1200.0,
            "T-003-4b",
            _("Not yet"),
            _("Due"),
        ],
        [
            chairs.nguyen.full_name,
            "HN-ML-01",
            chairs.school.name,
            1500.0,
            "T-003-4b",
            _("Yes"),
            _("Met"),
        ],
    ]
    assert rows[0][0] == _("Chairs we must train — %(unit)s") % {"unit": chairs.hanoi.name}
    assert "31/12/2025" in rows[1][0] and "T-003-4b: 1 / 2" in rows[1][0]


def test_the_day_narrows_the_chairs_export(client, chairs):
    html, rows = page_and_export(
        client, chairs.hanoi_officer, "/training/chairs/", {"on": "31/12/2024"}
    )
    assert table(rows, header=_("Full name"))[1] == chair_rows(html.context["rows"])
    assert [r[1] for r in table(rows, header=_("Full name"))[1]] == ["HN-ML-01"]


def test_an_officer_never_exports_another_provinces_chairs(client, chairs):
    unit_set_figures(
        user=SYSTEM, unit=chairs.nt_grassroots, effective_on=dt.date(2024, 1, 1), member_count=1100
    )
    _html, rows = page_and_export(client, chairs.hanoi_officer, "/training/chairs/")
    assert chairs.le.full_name not in text(rows)
    html, rows = page_and_export(client, chairs.nt_officer, "/training/chairs/")
    assert [r[0] for r in table(rows, header=_("Full name"))[1]] == [chairs.le.full_name]
    client.force_login(chairs.hanoi_officer)
    response = client.get("/training/chairs/", {"unit": chairs.ninhthuan.pk, "format": "xlsx"})
    assert response.status_code == 404


# --- statistics --------------------------------------------------------------------------


def figures(r: dict) -> list:
    return [r.get("classes") or 0, r.get("attendances") or 0, r.get("people") or 0]


def stat_tables(rows) -> dict[str, list[list]]:
    """Each stacked table by its first header: {caption: [[label, classes, attendances,
    people]]}."""
    return {head[0]: body for _, head, body in tables(rows, header=_("Classes"), column=1)}


def expected_tables(context) -> dict[str, list[list]]:
    stats = context["stats"]
    out = {
        _("Total"): [
            row(
                [
                    _("Total"),
                    stats["classes"],
                    stats["totals"]["attendances"],
                    stats["totals"]["people"],
                ]
            )
        ],
        _("By audience of the class"): [
            row([str(label), *figures(r)]) for label, r in context["audiences"]
        ],
    }
    for caption, split in context["splits"]:
        out[str(caption)] = [row([label, *figures(r)]) for label, r in split]
    return out


def test_the_statistics_export_stacks_the_tables_of_the_page(client, tree):
    params = {"from": "01/01/2024", "to": "31/12/2024"}
    html, rows = page_and_export(client, tree.hanoi_officer, "/training/statistics/", params)
    got = stat_tables(rows)
    assert got == expected_tables(html.context)
    assert list(got) == [
        _("Total"),
        _("By audience of the class"),
        _("By form"),
        _("By organiser level"),
        _("By topic"),
    ]
    assert got[_("Total")] == [[_("Total"), 1.0, 1.0, 1.0]]
    # Hà Nội's class of 2024 was for cadres and members (the default audience).
    assert got[_("By audience of the class")][3] == [_("Cadres and members"), 1.0, 1.0, 1.0]
    assert rows[0][0] == _("Training statistics — %(unit)s") % {"unit": tree.hanoi.name}
    assert "01/01/2024" in rows[1][0] and "31/12/2024" in rows[1][0]


def test_the_period_narrows_the_statistics_export(client, tree):
    params = {"from": "01/01/2025", "to": "31/12/2025"}
    html, rows = page_and_export(client, tree.hanoi_officer, "/training/statistics/", params)
    got = stat_tables(rows)
    assert got == expected_tables(html.context)
    assert got[_("Total")] == [[_("Total"), 0.0, 0.0, 0.0]]


def test_statistics_of_a_province_count_none_of_another(client, tree):
    params = {"from": "01/01/2024", "to": "31/12/2024"}
    _html, rows = page_and_export(client, tree.admin, "/training/statistics/", params)
    assert stat_tables(rows)[_("Total")] == [[_("Total"), 2.0, 2.0, 2.0]]
    _html, rows = page_and_export(client, tree.hanoi_officer, "/training/statistics/", params)
    assert stat_tables(rows)[_("Total")] == [[_("Total"), 1.0, 1.0, 1.0]]
    client.force_login(tree.hanoi_officer)
    response = client.get(
        "/training/statistics/", {**params, "unit": tree.ninhthuan.pk, "format": "xlsx"}
    )
    assert response.status_code == 404
