"""Backup → restore round trip loses nothing (row count and checksum of every table, media
bytes), and a restore that cannot be trusted writes nothing."""

import io
import json
import time
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lib import backup as bk
from tests.conftest import ensure_reference_data
from units.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def fresh_database() -> None:
    """What a target looks like right after `migrate`: no data, only the seeded reference
    rows (and content types and permissions, which flush's post_migrate puts back)."""
    call_command("flush", interactive=False, verbosity=0)
    ensure_reference_data()


def rewrite(src: Path, dst: Path, change) -> None:
    """Copy the archive, passing every member through `change(name, bytes) -> bytes`."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, change(info.filename, zin.read(info.filename)))


def test_round_trip_of_the_demo_loses_nothing(media, tmp_path):
    from demo.generator import load_demo

    load_demo()
    (media / "imports" / "2026").mkdir(parents=True)
    (media / "imports" / "2026" / "danh sách.xlsx").write_bytes(bytes(range(256)) * 40)
    (media / "progress").mkdir()
    (media / "progress" / "job.json").write_text("{}")  # transient, not backed up
    files = {
        p.relative_to(media).as_posix(): p.read_bytes()
        for p in media.rglob("*")
        if p.is_file() and p.parts[-2] != "progress"
    }
    assert len(files) >= 2  # the demo's lesson handout and ours
    before = bk.database_checksums()
    assert sum(1 for rows, _ in before.values() if rows) >= 40  # the demo fills most tables

    archive = tmp_path / "backup.zip"
    started = time.monotonic()
    call_command("backup", str(archive), stdout=io.StringIO(), stderr=io.StringIO())
    backup_seconds = time.monotonic() - started
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert {t["table"]: (t["rows"], t["checksum"]) for t in manifest["tables"]} == before
    links = [t.name for t in bk.tables() if t.model._meta.auto_created]
    assert links and any(before[name][0] for name in links)  # many-to-many tables included
    assert manifest["migrations"]["units"]
    assert {m["name"] for m in manifest["media"]} == set(files)

    fresh_database()
    for path in list(media.rglob("*")):
        if path.is_file():
            path.unlink()
    assert not Unit.objects.exists()
    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    call_command("restore", str(archive), stdout=out, stderr=err)
    restore_seconds = time.monotonic() - started
    assert "khớp" in out.getvalue() and "dòng" in err.getvalue()

    assert bk.database_checksums() == before
    restored = {
        p.relative_to(media).as_posix(): p.read_bytes() for p in media.rglob("*") if p.is_file()
    }
    assert restored == files
    print(
        f"\n{sum(r for r, _ in before.values()):,} rows: backup {backup_seconds:.1f} s, "
        f"restore {restore_seconds:.1f} s"
    )


@pytest.fixture
def archive(tree, media, tmp_path):
    """A backup of the `tree` personas with one uploaded file."""
    (media / "reports").mkdir()
    (media / "reports" / "bao-cao.docx").write_bytes(b"PK\x03\x04 report")
    path = tmp_path / "tree.zip"
    bk.backup(path)
    return path


def test_restore_refuses_a_database_in_use_unless_replace(archive, tree):
    before = bk.database_checksums()
    with pytest.raises(CommandError, match="đã có dữ liệu.*--replace"):
        call_command("restore", str(archive), stdout=io.StringIO(), stderr=io.StringIO())
    tree.school.name = "Đổi tên sau khi sao lưu"
    tree.school.save()
    assert bk.database_checksums() != before
    bk.restore(archive, replace=True)
    assert bk.database_checksums() == before
    tree.school.refresh_from_db()
    assert tree.school.name == "Công đoàn Trường THPT Mê Linh"


def test_a_fresh_database_counts_as_empty(db):
    fresh_database()
    assert bk.tables_in_use() == []


def test_not_a_zip(tmp_path, db):
    path = tmp_path / "backup.zip"
    path.write_bytes(b"this is not an archive")
    with pytest.raises(CommandError, match="không phải là tệp ZIP"):
        call_command("restore", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="Không tìm thấy"):
        call_command("restore", str(tmp_path / "missing.zip"))


def test_damaged_manifest(archive, tmp_path):
    fresh_database()
    empty = bk.database_checksums()
    for damage, message in [
        (b'{"format": "daotao-cong', "manifest.json bị hỏng"),
        (b'{"format": "other"}', "không phải của"),
        (b'{"format": "daotao-congdoan-backup", "version": 1}', "bị hỏng"),
    ]:
        bad = tmp_path / "bad.zip"
        rewrite(archive, bad, lambda name, data, d=damage: d if name == "manifest.json" else data)
        with pytest.raises(bk.BackupError, match=message):
            bk.restore(bad)
    assert bk.database_checksums() == empty


def edit_manifest(archive: Path, dst: Path, edit) -> None:
    def change(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        edit(manifest)
        return json.dumps(manifest).encode()

    rewrite(archive, dst, change)


def test_tampered_row_rolls_everything_back(archive, tmp_path, media):
    fresh_database()
    for path in list(media.rglob("*")):
        if path.is_file():
            path.unlink()
    empty = bk.database_checksums()
    bad = tmp_path / "tampered.zip"
    rewrite(
        archive,
        bad,
        lambda name, data: (
            data.replace("Bình".encode(), "Bính".encode())
            if name == "data/people_person.jsonl"
            else data
        ),
    )
    with pytest.raises(bk.BackupError, match="people_person.*tổng kiểm"):
        bk.restore(bad)
    assert bk.database_checksums() == empty  # units, users… inserted before it are gone too
    assert not [p for p in media.rglob("*") if p.is_file()]  # no media published


def test_consistent_but_dangling_archive_is_refused(archive, tmp_path):
    """A unit removed from the data and the manifest alike: the foreign keys catch it."""
    fresh_database()
    empty = bk.database_checksums()
    with zipfile.ZipFile(archive) as zf:
        lines = zf.read("data/units_unit.jsonl").decode().splitlines()
    kept = lines[:-1]
    summer = bk.Checksum()
    for line in kept:
        summer.add(line)
    bad = tmp_path / "dangling.zip"

    def change(name, data):
        if name == "data/units_unit.jsonl":
            return "".join(line + "\n" for line in kept).encode()
        if name == "manifest.json":
            manifest = json.loads(data)
            for entry in manifest["tables"]:
                if entry["table"] == "units_unit":
                    entry["rows"], entry["checksum"] = summer.rows, summer.hexdigest
            return json.dumps(manifest).encode()
        return data

    rewrite(archive, bad, change)
    with pytest.raises(bk.BackupError, match="từ chối"):
        bk.restore(bad)
    assert bk.database_checksums() == empty


def test_other_schema_is_refused(archive, tmp_path):
    fresh_database()
    bad = tmp_path / "older.zip"
    edit_manifest(archive, bad, lambda m: m["migrations"]["units"].pop())
    with pytest.raises(bk.BackupError, match="Lược đồ khác nhau.*units"):
        bk.restore(bad)
    edit_manifest(archive, bad, lambda m: m["tables"][0]["columns"].append("extra"))
    with pytest.raises(bk.BackupError, match="các cột khác nhau"):
        bk.restore(bad)
    assert not Unit.objects.exists()


def test_media_path_outside_media_root_is_refused(archive, tmp_path):
    fresh_database()
    bad = tmp_path / "escape.zip"
    edit_manifest(
        archive,
        bad,
        lambda m: m["media"].append({"name": "../../etc/evil", "size": 1, "sha256": "0"}),
    )
    with pytest.raises(bk.BackupError, match="không hợp lệ"):
        bk.restore(bad)
    assert not Unit.objects.exists()


def test_values_are_database_independent():
    import datetime as dt
    import uuid
    from decimal import Decimal

    from django.utils import timezone

    hanoi = dt.timezone(dt.timedelta(hours=7))
    moment = dt.datetime(2026, 1, 31, 7, 30, tzinfo=hanoi)
    assert bk.row_line(
        [
            Decimal("1500000"),
            Decimal("2.50"),
            dt.date(2026, 1, 31),
            moment,
            moment.astimezone(dt.UTC),
            uuid.UUID(int=1),
            {"b": 1, "a": [True]},
            None,
            "Việt",
        ]
    ) == (
        '["1500000","2.50","2026-01-31","2026-01-31T00:30:00+00:00",'
        '"2026-01-31T00:30:00+00:00","00000000-0000-0000-0000-000000000001",'
        '{"a":[true],"b":1},null,"Việt"]'
    )
    assert timezone.is_aware(moment)
    one, two = bk.Checksum(), bk.Checksum()
    for line in ["a", "b", "c"]:
        one.add(line)
    for line in ["c", "a", "b"]:
        two.add(line)
    assert one.hexdigest == two.hexdigest  # the order of rows does not matter
