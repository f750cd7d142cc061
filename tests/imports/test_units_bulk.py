"""Units new to the system, from the units spreadsheet: checked by unit_create's and
unit_set_figures' rules for the whole file (units.services: unit_check_new, the unit's own
fields, figures_check_for) and written in one insert per table, with the same rows and
history entries as the services write one unit at a time (issue 22: "the services' rules
applied in bulk, not row by row through the ORM, and the audit log kept")."""

import datetime as dt

from django.db import transaction

from audit.context import acting_as
from audit.models import LogEntry
from imports.models import ImportStatus
from tests.imports.helpers import counts, history_since, import_file, xlsx_bytes
from units import services
from units.models import (
    Reorganisation,
    Sector,
    Unit,
    UnitFigures,
    UnitKind,
    UnitVersion,
    path_segment,
)

HEADER = [
    "Mã đơn vị",
    "Tên đơn vị",
    "Loại đơn vị",
    "Mã đơn vị cấp trên",
    "Khu vực",
    "Ngày thành lập",
    "Số đoàn viên",
    "Số công nhân, viên chức, lao động",
    "Ngày số liệu",
]
GOOD = [
    # A member union listed before the union it belongs to (parents are written first).
    ["HN-ML-21", "Công đoàn cơ sở thành viên Tổ Lò", "Công đoàn cơ sở thành viên", "HN-ML-20"]
    + [None, None, 50, None, "01/01/2026"],
    ["HN-ML-20", "Công đoàn Công ty Gốm  Mê Linh", "Công đoàn cơ sở", "HN-ML", "Nhà nước"]
    + ["05/03/2021", 1234, 2000, "01/01/2026"],
    # No figures.
    ["HN-ML-22", "Công đoàn Trường Mầm non Tiền Phong", "Công đoàn cơ sở", "HN-ML", None]
    + ["01/02/2022", None, None, None],
]
KINDS = {"Công đoàn cơ sở": "grassroots", "Công đoàn cơ sở thành viên": "member_grassroots"}


def _written_since(unit_id: int, entry_id: int) -> dict:
    """What was written after the unit `unit_id` and the entry `entry_id`, told by codes
    (ids differ between two runs)."""
    new = list(Unit.objects.filter(pk__gt=unit_id).select_related("kind", "parent"))
    code = {u.pk: u.code for u in Unit.objects.all()}
    return {
        "units": sorted(
            (
                u.code,
                u.name,
                u.kind.code,
                u.parent.code,
                u.sector,
                u.founded_on,
                u.dissolved_on,
                u.depth,
                u.search_name,
                u.path == u.parent.path + path_segment(u.pk),
            )
            for u in new
        ),
        "versions": sorted(
            (
                v.unit.code,
                v.valid_from,
                v.valid_to,
                v.name,
                v.kind_id,
                v.parent.code,
                v.path == v.unit.path,
                v.depth,
            )
            for v in UnitVersion.objects.filter(unit__in=new).select_related("unit", "parent")
        ),
        "founded": sorted(
            (r.unit.code, r.kind, r.effective_on, r.other_unit.code, r.created_by_id, r.note)
            for r in Reorganisation.objects.filter(unit__in=new).select_related(
                "unit", "other_unit"
            )
        ),
        "figures": sorted(
            (f.unit.code, f.effective_on, f.member_count, f.worker_count)
            for f in UnitFigures.objects.filter(unit__in=new).select_related("unit")
        ),
        "entries": history_since(entry_id, Unit, code, keys=["parent", "unit"], units=code),
    }


def _day(text: str | None) -> dt.date | None:
    return dt.datetime.strptime(text, "%d/%m/%Y").date() if text else None


def test_an_imported_file_writes_what_the_services_write_one_unit_at_a_time(tree):
    user = tree.melinh_officer
    last_unit = Unit.objects.order_by("-pk").values_list("pk", flat=True)[0]
    last_entry = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with transaction.atomic(), acting_as(user):
        made = {u.code: u for u in Unit.objects.all()}
        for code, name, kind, parent, sector, founded, members, workers, day in sorted(
            GOOD,
            key=lambda r: r[3] != "HN-ML",  # parents first
        ):
            unit = services.unit_create(
                user=user,
                code=code,
                name=name,
                kind=UnitKind.objects.get(code=KINDS[kind]),
                parent=made[parent],
                sector={"Nhà nước": Sector.STATE}.get(sector, ""),
                founded_on=_day(founded),
            )
            made[code] = unit
            if members is not None:
                services.unit_set_figures(
                    user=user,
                    unit=unit,
                    effective_on=_day(day),
                    member_count=members,
                    worker_count=workers,
                )
        by_hand = _written_since(last_unit, last_entry)
        transaction.set_rollback(True)
    job = import_file(user, "units", xlsx_bytes([HEADER, *GOOD]))
    assert job.status == ImportStatus.DONE, job.problems
    assert job.summary == {"units_created": 3, "figures_set": 2}
    imported = _written_since(last_unit, last_entry)
    assert imported == by_hand
    assert [len(imported[k]) for k in ("units", "versions", "founded", "figures")] == [3, 3, 2, 2]
    assert len(imported["entries"]) == 5  # 3 units, 2 figures
    assert imported["units"][0][:3] == ("HN-ML-20", "Công đoàn Công ty Gốm Mê Linh", "grassroots")
    assert imported["units"][1][3] == "HN-ML-20" and imported["units"][1][7] == 4


def test_the_check_writes_nothing_and_the_commit_writes_each_unit_once(tree):
    before = counts()
    job = import_file(tree.melinh_officer, "units", xlsx_bytes([HEADER, *GOOD]), commit=False)
    assert job.status == ImportStatus.CHECKED and job.can_commit, job.problems
    assert job.summary == {"units_created": 3, "figures_set": 2}
    assert counts() == before


BAD = [
    # An upper-grassroots union under a district federation: the same level.
    ["HN-ML-23", "Công đoàn ngành Giáo dục Mê Linh", "Công đoàn ngành địa phương", "HN-ML"]
    + [None, None, None, None, None],
    # ... and a union under it: not written, nothing said on its row.
    ["HN-ML-24", "Công đoàn Trường Tiểu học Mê Linh", "Công đoàn cơ sở", "HN-ML-23"]
    + [None, None, None, None, None],
    # Under Đông Anh, outside the officer's subtree.
    ["HN-DA-05", "Công đoàn Công ty Cơ khí Đông Anh", "Công đoàn cơ sở", "HN-DA"]
    + [None, None, None, None, None],
    # Founded before Mê Linh's federation (founded 01/01/2000).
    ["HN-ML-26", "Công đoàn Hợp tác xã Mê Linh", "Công đoàn cơ sở", "HN-ML", None]
    + ["01/01/1990", None, None, None],
]


def test_a_refused_unit_is_told_on_its_row_and_column_and_nothing_is_written(tree):
    before = counts()
    job = import_file(tree.melinh_officer, "units", xlsx_bytes([HEADER, *GOOD, *BAD]))
    assert job.status == ImportStatus.CHECKED
    first = len(GOOD) + 2
    assert [(p["row"], p["column"]) for p in job.problems] == [
        (first, "Loại đơn vị"),
        (first + 2, "Mã đơn vị cấp trên"),
        (first + 3, "Mã đơn vị cấp trên"),
    ], job.problems
    assert "01/01/1990" in job.problems[2]["message"]
    assert counts() == before


def test_a_file_of_stored_units_figures_writes_what_unit_set_figures_writes(tree):
    """The yearly file of member counts: new figures where the counts in force differ, the
    same day's figures replaced, unchanged counts left alone — as unit_set_figures row by
    row, with the same history entries."""
    user = tree.hanoi_officer
    services.unit_set_figures(
        user=user, unit=tree.melinh, effective_on=dt.date(2025, 1, 1), member_count=300
    )
    services.unit_set_figures(
        user=user, unit=tree.factory, effective_on=dt.date(2026, 1, 1), member_count=70
    )
    rows = [
        # New figures (none in force yet).
        ["HN-ML-01", tree.school.name, "Công đoàn cơ sở", "HN-ML", None, None, 120, 200]
        + ["01/01/2026"],
        # Replaces the figures of the same day.
        ["HN-DA-01", tree.factory.name, "Công đoàn cơ sở", "HN-DA", None, None, 80, None]
        + ["01/01/2026"],
        # The counts in force since 2025: nothing to write.
        ["HN-ML", tree.melinh.name, "Liên đoàn Lao động quận, huyện", "HN", None, None, 300]
        + [None, "01/01/2026"],
    ]
    last_figures = UnitFigures.objects.order_by("-pk").values_list("pk", flat=True)[0]
    last_entry = LogEntry.objects.order_by("-pk").values_list("pk", flat=True)[0]

    def written():
        figures = sorted(
            (f.unit.code, f.effective_on, f.member_count, f.worker_count)
            for f in UnitFigures.objects.filter(
                unit__in=[tree.school, tree.factory, tree.melinh]
            ).select_related("unit")
        )
        entries = sorted(
            (e.action, e.object_repr, sorted(e.changes.items()), e.actor_id, e.unit_id)
            for e in LogEntry.objects.filter(pk__gt=last_entry)
        )
        return figures, entries

    with transaction.atomic(), acting_as(user):
        for code, *_cells, members, workers, day in rows:
            unit = Unit.objects.get(code=code)
            in_force = UnitFigures.objects.in_force_on(_day(day)).filter(unit=unit).first()
            if in_force and (in_force.member_count, in_force.worker_count) == (members, workers):
                continue
            services.unit_set_figures(
                user=user,
                unit=unit,
                effective_on=_day(day),
                member_count=members,
                worker_count=workers,
            )
        by_hand = written()
        transaction.set_rollback(True)
    job = import_file(user, "units", xlsx_bytes([HEADER, *rows]))
    assert job.status == ImportStatus.DONE, job.problems
    assert job.summary == {"figures_set": 2, "units_unchanged": 3}
    assert written() == by_hand
    assert UnitFigures.objects.filter(pk__gt=last_figures).count() == 1  # one replaced
    assert len(by_hand[1]) == 2  # a creation, a change
