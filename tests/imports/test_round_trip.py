"""Export the people of a unit, import the file again: nothing changes."""

import io

from python_calamine import CalamineWorkbook

from accounts.access import SYSTEM
from imports.models import ImportStatus
from people.models import Person, Position
from tests.imports.helpers import counts, import_file


def export(client, user, **params) -> bytes:
    client.force_login(user)
    response = client.get("/people/", {**params, "format": "xlsx"})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_exported_people_re_import_without_any_change(client, tree):
    data = export(client, tree.hanoi_officer)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    names = {row[0] for row in sheet[3:]}
    assert names == {"Nguyễn Văn An", "Trần Thị Bình"}  # Hà Nội's people, nobody else's
    before = counts()
    person = Person.objects.get(pk=tree.nguyen.pk)
    job = import_file(tree.hanoi_officer, "people", data, "can-bo.xlsx")
    assert job.status == ImportStatus.DONE, job.problems
    assert job.summary == {"people_unchanged": 2, "positions_unchanged": 2}
    assert counts() == before
    after = Person.objects.get(pk=tree.nguyen.pk)
    assert [getattr(after, f.name) for f in Person._meta.fields] == [
        getattr(person, f.name) for f in Person._meta.fields
    ]


def test_an_edited_export_updates_only_what_changed(client, tree):
    data = export(client, tree.melinh_officer)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    header = sheet[2]
    rows = [header] + [list(r) for r in sheet[3:]]
    rows[1][header.index("Điện thoại")] = "0912 345 678"
    from tests.imports.helpers import xlsx_bytes

    job = import_file(tree.melinh_officer, "people", xlsx_bytes(rows))
    assert job.status == ImportStatus.DONE, job.problems
    assert job.summary == {"people_updated": 1, "positions_unchanged": 1}
    assert Person.objects.get(pk=tree.nguyen.pk).phone == "0912 345 678"
    assert Position.objects.filter(person=tree.nguyen).count() == 1


def test_a_post_above_the_users_unit_reads_back_unchanged_but_cannot_be_changed(client, tree):
    # Nguyễn Văn An (Mê Linh) also sits on Hà Nội's committee: Mê Linh's export shows it.
    import datetime as dt

    from people.services import position_create
    from tests.imports.helpers import messages, xlsx_bytes

    position_create(
        user=SYSTEM,
        person=tree.nguyen,
        unit=tree.hanoi,
        role=tree.member_role,
        start_date=dt.date(2023, 10, 1),
    )
    data = export(client, tree.melinh_officer)
    job = import_file(tree.melinh_officer, "people", data)
    assert job.status == ImportStatus.DONE, job.problems
    assert job.summary == {"people_unchanged": 1, "positions_unchanged": 2}

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    header, rows = sheet[2], [list(r) for r in sheet[3:]]
    above = next(r for r in rows if r[header.index("Mã đơn vị giữ chức vụ")] == "HN")
    above[header.index("Chuyên trách")] = "Có"
    job = import_file(tree.melinh_officer, "people", xlsx_bytes([header, *rows]))
    assert job.status == ImportStatus.CHECKED
    assert [m.split("|")[1] for m in messages(job)] == ["Mã đơn vị giữ chức vụ"]
    assert not Position.objects.filter(person=tree.nguyen, unit=tree.hanoi, full_time=True).exists()


def test_blank_cells_keep_what_is_stored(tree):
    import datetime as dt

    from people.services import position_end
    from tests.imports.helpers import xlsx_bytes

    position = Position.objects.get(person=tree.nguyen)
    position_end(
        user=SYSTEM, position=position, end_date=dt.date(2025, 5, 31), end_reason="rotated"
    )
    # Only the name, gender, unit, post and its start: no end date, no full-time cell.
    rows = [
        ["Họ và tên", "Giới tính", "Mã đơn vị", "Số CCCD", "Chức vụ", "Ngày bắt đầu"],
        ["Nguyễn Văn An", "Nam", "HN-ML-01", "001080000001", "Chủ tịch", "01/06/2023"],
    ]
    job = import_file(tree.melinh_officer, "people", xlsx_bytes(rows))
    assert job.status == ImportStatus.DONE, job.problems
    assert job.summary == {"people_unchanged": 1, "positions_unchanged": 1}
    position.refresh_from_db()
    assert (position.end_date, position.end_reason, position.full_time) == (
        dt.date(2025, 5, 31),
        "rotated",
        True,
    )
