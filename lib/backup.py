"""Whole-database backup to one ZIP archive, and its restore (`manage.py backup` / `restore`).

The archive holds
- `manifest.json`: format and version, creation time, database vendor, Django version, the
  applied migrations per app, and per table its model, columns, row count and checksum; the
  media files with their size and SHA-256;
- `data/<table>.jsonl`: one JSON array per row (values in the manifest's column order),
  rows in primary-key order, for every table of every installed model, many-to-many link
  tables included;
- `media/...`: the files under MEDIA_ROOT (imports, reports, lessons).

Values are written independently of the database: dates and datetimes in ISO 8601 (UTC for
datetimes), decimals as strings, UUIDs as text, JSON fields as JSON, files as their stored
name. So a backup taken on SQLite restores into PostgreSQL and the reverse.

The checksum of a table is order-independent — the sum, modulo 2**256, of the SHA-256 of every
row's canonical JSON — so that both databases agree even where they sort text keys
differently (SQLite by bytes, PostgreSQL by its collation). The same function reads the
database at backup time and after the restore.

Tables are read with `.iterator()` and written row by row: memory stays flat whatever the size.
For very large PostgreSQL databases `pg_dump` is faster (docs/backup.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import uuid
import zipfile
from base64 import b64encode
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "daotao-congdoan-backup"
VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 2000
BATCH = 1000
PROGRESS_EVERY = 50_000
MASK = (1 << 256) - 1

# Tables a freshly migrated database already fills: Django's content types and permissions
# (post_migrate) and the reference rows of the data migrations (unit levels and kinds, roles,
# topics, programmes, the built-in targets and their definitions token). A restore replaces
# them with the archive's rows; any other table holding rows means the database is in use,
# and restore refuses without `replace=True`.
REFERENCE_TABLES = frozenset(
    {
        "auth_permission",
        "django_content_type",
        "units_unitlevel",
        "units_unitkind",
        "people_role",
        "training_topic",
        "training_programme",
        "training_programme_topics",
        "training_programme_target_roles",
        "training_programme_target_levels",
        "targets_sourcedocument",
        "targets_target",
        "targets_target_roles",
        "targets_target_levels",
        "targets_target_topics",
        "targets_revision",
    }
)

SKIP_MEDIA_DIRS = ("progress",)  # transient progress files of running jobs


class BackupError(Exception):
    """A clear, user-facing reason why a backup or a restore did not happen."""


# ---------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Table:
    model: type[models.Model]

    @property
    def name(self) -> str:
        return self.model._meta.db_table

    @property
    def fields(self) -> list[models.Field]:
        return list(self.model._meta.local_concrete_fields)

    @property
    def columns(self) -> list[str]:
        return [f.column for f in self.fields]

    def queryset(self, using: str) -> models.QuerySet:
        return (
            self.model._base_manager.using(using)
            .order_by("pk")
            .values_list(*[f.attname for f in self.fields])
        )


def tables() -> list[Table]:
    """Every table of every installed model, parents before the tables that point to them."""
    by_name: dict[str, Table] = {}
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.proxy or not opts.managed or opts.db_table in by_name:
            continue
        by_name[opts.db_table] = Table(model)
    deps = {
        name: {
            f.related_model._meta.db_table
            for f in t.fields
            if f.is_relation and f.related_model is not None
        }
        - {name}
        for name, t in by_name.items()
    }
    ordered: list[str] = []
    done: set[str] = set()

    def visit(name: str, path: set[str]) -> None:
        if name in done or name in path:  # a cycle: constraints are deferred anyway
            return
        path.add(name)
        for dep in sorted(deps[name]):
            if dep in by_name:
                visit(dep, path)
        path.discard(name)
        done.add(name)
        ordered.append(name)

    for name in sorted(by_name):
        visit(name, set())
    return [by_name[name] for name in ordered]


# ---------------------------------------------------------------------------- values


def canonical(value):
    """A JSON-ready value that is the same whichever database the row came from."""
    if value is None or isinstance(value, bool | int | str | float):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    raise BackupError(f"Không tuần tự hoá được giá trị kiểu {type(value).__name__}.")


def row_line(row: Iterable) -> str:
    return json.dumps(
        [canonical(v) for v in row], ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )


class Checksum:
    """Order-independent: the sum of the rows' SHA-256, modulo 2**256, plus the row count."""

    def __init__(self) -> None:
        self.total = 0
        self.rows = 0

    def add(self, line: str) -> None:
        digest = hashlib.sha256(line.encode("utf-8")).digest()
        self.total = (self.total + int.from_bytes(digest, "big")) & MASK
        self.rows += 1

    @property
    def hexdigest(self) -> str:
        return f"{self.total:064x}"


def table_lines(table: Table, using: str) -> Iterator[str]:
    for row in table.queryset(using).iterator(chunk_size=CHUNK):
        yield row_line(row)


def table_checksum(table: Table, using: str = DEFAULT_DB_ALIAS) -> tuple[int, str]:
    summer = Checksum()
    for line in table_lines(table, using):
        summer.add(line)
    return summer.rows, summer.hexdigest


def database_checksums(using: str = DEFAULT_DB_ALIAS) -> dict[str, tuple[int, str]]:
    """Row count and checksum of every table, as the manifest records them."""
    return {t.name: table_checksum(t, using) for t in tables()}


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connections[using]).applied_migrations():
        state.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


# ---------------------------------------------------------------------------- progress


def _quiet(message: str) -> None:
    pass


# ---------------------------------------------------------------------------- backup


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root)
        if rel_dir == Path("."):
            dirnames[:] = [
                d for d in dirnames if d not in SKIP_MEDIA_DIRS and not d.startswith(".restore-")
            ]
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(dirpath) / filename
            if path.is_file():
                yield (rel_dir / filename).as_posix(), path


def backup(path: str | os.PathLike, *, using: str = DEFAULT_DB_ALIAS, progress=_quiet) -> dict:
    """Write the whole database and MEDIA_ROOT to the ZIP at `path`; returns the manifest."""
    path = Path(path)
    connection = connections[using]
    tmp = path.with_name(path.name + ".part")
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": timezone.now().astimezone(dt.UTC).isoformat(),
        "vendor": connection.vendor,
        "django": django.get_version(),
        "migrations": applied_migrations(using),
        "tables": [],
        "media": [],
    }
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            # One snapshot for all tables: PostgreSQL in a repeatable-read transaction; SQLite
            # in one transaction (writers wait until the backup ends).
            with transaction.atomic(using=using):
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                for table in tables():
                    manifest["tables"].append(_write_table(zf, table, using, progress))
            for name, file in _media_files(Path(settings.MEDIA_ROOT)):
                digest = hashlib.sha256()
                with file.open("rb") as src, zf.open(f"media/{name}", "w", force_zip64=True) as dst:
                    while chunk := src.read(1 << 20):
                        digest.update(chunk)
                        dst.write(chunk)
                manifest["media"].append(
                    {"name": name, "size": file.stat().st_size, "sha256": digest.hexdigest()}
                )
            progress(f"media: {len(manifest['media'])} tệp")
            zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return manifest


def _write_table(zf: zipfile.ZipFile, table: Table, using: str, progress) -> dict:
    summer = Checksum()
    member = f"data/{table.name}.jsonl"
    with zf.open(member, "w", force_zip64=True) as out:
        for line in table_lines(table, using):
            out.write(line.encode("utf-8") + b"\n")
            summer.add(line)
            if summer.rows % PROGRESS_EVERY == 0:
                progress(f"  {table.name}: {summer.rows:,} dòng…")
    progress(f"{table.name}: {summer.rows:,} dòng")
    return {
        "table": table.name,
        "model": table.model._meta.label,
        "file": member,
        "columns": table.columns,
        "rows": summer.rows,
        "checksum": summer.hexdigest,
    }


# ---------------------------------------------------------------------------- restore


def read_manifest(zf: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
    except KeyError:
        raise BackupError("Tệp sao lưu không có manifest.json.") from None
    except (ValueError, UnicodeDecodeError, zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"manifest.json bị hỏng: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("manifest.json không phải của một bản sao lưu hệ thống này.")
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"Phiên bản định dạng {manifest.get('version')!r} không được hỗ trợ (cần {VERSION})."
        )
    try:
        for entry in manifest["tables"]:
            for key in ("table", "file", "columns", "rows", "checksum"):
                entry[key]  # noqa: B018 — presence check
        for entry in manifest["media"]:
            for key in ("name", "size", "sha256"):
                entry[key]  # noqa: B018
        manifest["migrations"]  # noqa: B018
    except (KeyError, TypeError):
        raise BackupError(
            "manifest.json bị hỏng: thiếu thông tin bảng, tệp hoặc migration."
        ) from None
    return manifest


def open_archive(path: str | os.PathLike) -> tuple[zipfile.ZipFile, dict]:
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BackupError(f"Không tìm thấy tệp {path}.") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"{path} không phải là tệp ZIP hợp lệ ({exc}).") from None
    try:
        return zf, read_manifest(zf)
    except BackupError:
        zf.close()
        raise


def check_compatible(manifest: dict, using: str = DEFAULT_DB_ALIAS) -> list[Table]:
    """The archive's schema must be this database's: same migrations, same tables and columns.
    Returns the tables in insertion order."""
    ours = applied_migrations(using)
    theirs = manifest["migrations"]
    differ = sorted(
        app for app in set(ours) | set(theirs) if ours.get(app, []) != theirs.get(app, [])
    )
    if differ:
        details = "; ".join(
            f"{app}: bản sao lưu {(theirs.get(app) or ['—'])[-1]}, "
            f"cơ sở dữ liệu {(ours.get(app) or ['—'])[-1]}"
            for app in differ
        )
        raise BackupError(
            "Lược đồ khác nhau (migration đã áp dụng không giống): "
            + details
            + ". Hãy chạy `manage.py migrate` đến cùng phiên bản với bản sao lưu."
        )
    current = {t.name: t for t in tables()}
    archived = {e["table"]: e for e in manifest["tables"]}
    if set(current) != set(archived):
        missing = sorted(set(current) ^ set(archived))
        raise BackupError("Danh sách bảng khác nhau: " + ", ".join(missing))
    for name, entry in archived.items():
        if list(entry["columns"]) != current[name].columns:
            raise BackupError(f"Bảng {name}: các cột khác nhau giữa bản sao lưu và cơ sở dữ liệu.")
    return list(current.values())


def tables_in_use(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Tables other than reference data that hold rows."""
    return [
        t.name
        for t in tables()
        if t.name not in REFERENCE_TABLES and t.model._base_manager.using(using).exists()
    ]


def restore(
    path: str | os.PathLike,
    *,
    using: str = DEFAULT_DB_ALIAS,
    replace: bool = False,
    progress=_quiet,
) -> dict:
    """Replace every row of the database with the archive's, in one transaction that rolls
    back on any error or checksum mismatch; then write the media files. Returns the manifest."""
    zf, manifest = open_archive(path)
    with zf:
        order = check_compatible(manifest, using)
        if not replace:
            busy = tables_in_use(using)
            if busy:
                raise BackupError(
                    "Cơ sở dữ liệu đã có dữ liệu ("
                    + ", ".join(busy[:8])
                    + ("…" if len(busy) > 8 else "")
                    + "). Khôi phục chỉ chạy trên cơ sở dữ "
                    "liệu vừa migrate; dùng --replace để xoá toàn bộ dữ liệu hiện có và thay bằng "
                    "bản sao lưu."
                )
        _check_media_names(manifest)
        entries = {e["table"]: e for e in manifest["tables"]}
        names = set(zf.namelist())
        for entry in manifest["tables"]:
            if entry["file"] not in names:
                raise BackupError(f"Thiếu tệp {entry['file']} trong bản sao lưu.")
        # Media first into a staging folder (verified), moved into place only once the
        # database transaction has committed: a failure anywhere leaves both untouched.
        staging = _stage_media(zf, manifest)
        try:
            _restore_tables(zf, order, entries, using, progress)
            _publish_media(staging, manifest)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        progress(f"media: {len(manifest['media'])} tệp")
    return manifest


def _restore_tables(zf, order: list[Table], entries: dict, using: str, progress) -> None:
    try:
        _load_tables(zf, order, entries, using, progress)
    except DatabaseError as exc:  # the transaction has rolled back
        raise BackupError(
            f"Cơ sở dữ liệu từ chối dữ liệu của bản sao lưu ({exc}). Đã huỷ, không ghi gì."
        ) from None


def _load_tables(zf, order: list[Table], entries: dict, using: str, progress) -> None:
    connection = connections[using]
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            elif connection.vendor == "sqlite":
                cursor.execute("PRAGMA defer_foreign_keys = ON")
            for sql in connection.ops.sql_flush(no_style(), [t.name for t in order]):
                cursor.execute(sql)
            progress("Đã xoá dữ liệu hiện có; đang nạp…")
            for table in order:
                _insert_table(zf, cursor, table, entries[table.name], connection, progress)
        connection.check_constraints(table_names=[t.name for t in order])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [t.model for t in order]):
                    cursor.execute(sql)
        progress("Đang kiểm tra tổng kiểm…")
        for table in order:
            entry = entries[table.name]
            rows, checksum = table_checksum(table, using)
            if (rows, checksum) != (entry["rows"], entry["checksum"]):
                raise BackupError(
                    f"Bảng {table.name}: sau khi nạp có {rows} dòng, tổng kiểm "
                    f"không khớp bản sao lưu ({entry['rows']} dòng). Đã huỷ."
                )


def _insert_table(zf, cursor, table: Table, entry: dict, connection, progress) -> None:
    fields = table.fields
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(table.name)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    summer = Checksum()
    batch: list[list] = []
    with zf.open(entry["file"]) as src:
        for raw in src:
            line = raw.decode("utf-8").rstrip("\n")
            if not line:
                continue
            summer.add(line)
            try:
                values = json.loads(line)
                if len(values) != len(fields):
                    raise ValueError("số cột sai")
                batch.append(
                    [
                        f.get_db_prep_save(f.to_python(v), connection)
                        for f, v in zip(fields, values, strict=True)
                    ]
                )
            except (ValueError, TypeError, ValidationError) as exc:
                raise BackupError(
                    f"Bảng {table.name}, dòng {summer.rows}: dữ liệu hỏng ({exc}). Đã huỷ."
                ) from None
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                batch.clear()
            if summer.rows % PROGRESS_EVERY == 0:
                progress(f"  {table.name}: {summer.rows:,} dòng…")
    if batch:
        cursor.executemany(sql, batch)
    if (summer.rows, summer.hexdigest) != (entry["rows"], entry["checksum"]):
        raise BackupError(
            f"Bảng {table.name}: tệp dữ liệu có {summer.rows} dòng, tổng kiểm không "
            f"khớp manifest ({entry['rows']} dòng): bản sao lưu bị sửa hoặc hỏng. "
            "Đã huỷ, không ghi gì."
        )
    progress(f"{table.name}: {summer.rows:,} dòng")


def _check_media_names(manifest: dict) -> None:
    for entry in manifest["media"]:
        name = PurePosixPath(entry["name"])
        if name.is_absolute() or ".." in name.parts or not name.parts:
            raise BackupError(f"Tên tệp media không hợp lệ: {entry['name']}")


def _stage_media(zf, manifest: dict) -> Path:
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f".restore-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for entry in manifest["media"]:
            target = staging / entry["name"]
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            try:
                with zf.open(f"media/{entry['name']}") as src, target.open("wb") as dst:
                    while chunk := src.read(1 << 20):
                        digest.update(chunk)
                        dst.write(chunk)
            except KeyError:
                raise BackupError(f"Thiếu tệp media/{entry['name']} trong bản sao lưu.") from None
            if digest.hexdigest() != entry["sha256"]:
                raise BackupError(
                    f"Tệp media {entry['name']} không khớp tổng kiểm: bản sao lưu "
                    "bị sửa hoặc hỏng. Đã huỷ, không ghi gì."
                )
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _publish_media(staging: Path, manifest: dict) -> None:
    root = Path(settings.MEDIA_ROOT)
    for entry in manifest["media"]:
        target = root / entry["name"]
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / entry["name"], target)
