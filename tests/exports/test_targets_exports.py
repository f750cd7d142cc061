"""The targets dashboard exports its three tables (the unit's targets, the units below as
ranked, the unit's post-holders); the needs list exports to XLSX the same rows as its CSV.

The world is the targets pages' one (`tests/targets/pages_world.py`)."""

import csv
import datetime as dt
import io

from django.utils.translation import gettext as _

from targets.selectors import needs
from tests.exports.sheets import page_and_export, row, sheet, table, tables, text
from units.selectors import version_on

# --- the dashboard -----------------------------------------------------------------------

STANDINGS = {
    "achieved": "Achieved",
    "at_risk": "At risk",
    "missed": "Missed",
    "none": "No one concerned",
}
STATUSES = {"met": "Met", "overdue": "Overdue", "due": "Due", "late": "Trained late"}


def expected_dashboard(context) -> dict[str, list[list]]:
    """The three tables of the page's context, as the sheet should hold them."""
    head = [
        row(
            [
                r.target.code,
                r.target.name,
                r.target.threshold,
                r.eligible,
                r.met,
                r.percent,
                _(STANDINGS[r.standing]),
                r.overdue,
                r.late,
                r.target.responsible_level.name if r.target.responsible_level else "",
            ]
        )
        for r in context["results"]
    ]
    children = [
        row(
            [
                c["version"].unit.code,
                c["version"].name,
                *(x for r in c["results"] for x in (r.eligible, r.met, r.percent)),
            ]
        )
        for c in context["children"]
    ]
    people = [
        row(
            [
                p["position"].person.full_name,
                p["position"].role.name,
                _("Yes") if p["position"].full_time else _("No"),
                *(_(STATUSES[s]) if s else "" for s in p["statuses"]),
            ]
        )
        for p in context["people"]
    ]
    return {"targets": head, "children": children, "people": people}


def dashboard_tables(rows) -> dict[str, list[list]]:
    ((_c, _h, head),) = tables(rows, header=_("Target code"))
    ((_c, _h, children),) = tables(rows, header=_("Unit code"))
    ((_c, _h, people),) = tables(rows, header=_("Full name"))
    return {"targets": head, "children": children, "people": people}


def test_the_dashboard_exports_its_targets_children_and_post_holders(client, world):
    html, rows = page_and_export(client, world.tree.hanoi_officer, "/targets/")
    got = dashboard_tables(rows)
    assert got == expected_dashboard(html.context)
    t2 = next(r for r in got["targets"] if r[0] == "T-003-2")
    assert t2[3:8] == [5.0, 3.0, 60.0, _("Missed"), 1.0]
    assert [r[0] for r in got["children"]] == [
        r["version"].unit.code for r in html.context["children"]
    ]
    assert rows[0][0] == _("Targets of %(name)s as of %(day)s") % {
        "name": world.tree.hanoi.name,
        "day": f"{world.today:%d/%m/%Y}",
    }
    ((caption, head, _body),) = tables(rows, header=_("Unit code"))
    assert caption.endswith(html.context["rank_by"].code)
    assert head[2:5] == [
        f"{html.context['targets'][0].code} – {_(x)}" for x in ("Concerned", "Met", "Percent (%)")
    ]


def test_the_unit_the_day_and_the_ranking_narrow_the_dashboard_export(client, world):
    tree = world.tree
    params = {"unit": tree.melinh.pk}
    html, rows = page_and_export(client, tree.hanoi_officer, "/targets/", params)
    assert dashboard_tables(rows) == expected_dashboard(html.context)
    assert [r[0] for r in dashboard_tables(rows)["children"]] == ["HN-ML-01"]
    html, rows = page_and_export(
        client, tree.hanoi_officer, "/targets/", {"on": world.past.isoformat()}
    )
    t2 = next(r for r in dashboard_tables(rows)["targets"] if r[0] == "T-003-2")
    assert t2[3:8] == [4.0, 1.0, 25.0, _("At risk"), 0.0] and dashboard_tables(
        rows
    ) == expected_dashboard(html.context)
    html, rows = page_and_export(client, tree.hanoi_officer, "/targets/", {"rank": "T-003-3"})
    assert [r[0] for r in dashboard_tables(rows)["children"]] == ["HN-ML", "HN-DA"]
    assert dashboard_tables(rows) == expected_dashboard(html.context)


def test_an_officer_never_exports_another_provinces_targets(client, world):
    tree = world.tree
    _html, rows = page_and_export(client, tree.hanoi_officer, "/targets/")
    assert "Ninh Thuận" not in text(rows) and world.phuc.full_name not in text(rows)
    _html, rows = page_and_export(client, tree.nt_officer, "/targets/")
    assert world.phuc.full_name in text(rows) and "Hà Nội" not in text(rows)
    client.force_login(tree.hanoi_officer)
    assert client.get("/targets/", {"unit": tree.ninhthuan.pk, "format": "xlsx"}).status_code == 404


# --- the needs list ----------------------------------------------------------------------


def csv_rows(response) -> list[list[str]]:
    raw = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(raw)))


def as_csv(values: list) -> list[str]:
    """A sheet row written the way the CSV writes it (dates dd/mm/yyyy)."""
    return [v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else str(v) for v in values]


def needs_export(client, user, params):
    client.force_login(user)
    xlsx = sheet(client.get("/targets/needs/", {**params, "format": "xlsx"}))
    plain = csv_rows(client.get("/targets/needs/", {**params, "format": "csv"}))
    head, body = table(xlsx, header=_("Target"))
    return xlsx, head, body, plain


def test_the_needs_xlsx_holds_the_same_rows_as_the_csv(client, world):
    xlsx, head, body, plain = needs_export(client, world.tree.hanoi_officer, {})
    assert head == plain[0]
    assert [as_csv(r) + [""] * (len(head) - len(r)) for r in body] == plain[1:]
    assert {r[0] for r in body} >= {"T-003-2", "T-003-3"}
    dung = next(r for r in body if r[1] == world.dung.full_name and r[0] == "T-003-2")
    assert dung[2] == dt.date(1975, 1, 15) and dung[8] == world.melinh_term.end_date
    assert xlsx[0][0] == _("Training needs — %(name)s") % {"name": world.tree.hanoi.name}


def test_the_chosen_target_narrows_the_needs_export_to_the_pages_list(client, world):
    tree = world.tree
    params = {"target": world.t2.pk}
    _xlsx, _head, body, plain = needs_export(client, tree.hanoi_officer, params)
    node = version_on(tree.hanoi, world.today)
    shown = list(needs(world.t2, node, world.today))
    assert (
        [r[1] for r in body]
        == [p.person.full_name for p in shown]
        == [world.dung.full_name, world.chi.full_name]
    )
    assert {r[0] for r in body} == {"T-003-2"} and len(plain) == len(body) + 1
    client.force_login(tree.hanoi_officer)
    html = client.get("/targets/needs/", params)
    assert [p.person.full_name for p in html.context["page"]] == [r[1] for r in body]


def test_an_officer_never_exports_another_provinces_needs(client, world):
    tree = world.tree
    xlsx, _head, body, _plain = needs_export(client, tree.hanoi_officer, {})
    assert "Ninh Thuận" not in text(xlsx) and world.sen.full_name not in text(xlsx)
    xlsx, _head, body, _plain = needs_export(client, tree.nt_officer, {})
    assert world.sen.full_name in text(xlsx) and world.chi.full_name not in text(xlsx)
    client.force_login(tree.hanoi_officer)
    assert (
        client.get("/targets/needs/", {"unit": tree.ninhthuan.pk, "format": "xlsx"}).status_code
        == 404
    )
