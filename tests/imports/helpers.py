"""Building spreadsheets for the import tests, and reading back what the system holds."""

import io
import os
from pathlib import Path

import xlsxwriter
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from audit.models import LogEntry
from imports.models import ImportJob
from imports.services import job_commit, job_create
from people.models import Person, Position
from training.models import Enrolment, TrainingRecord
from units.models import Unit, UnitFigures

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def database_url() -> str:
    """This test's database, for another process."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


def worker_env(settings, **extra: str) -> dict:
    """The environment of a worker process (manage.py db_worker or run_worker) on this
    test's database and media."""
    env = dict(
        os.environ,
        DATABASE_URL=database_url(),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        TASKS_BACKEND="database",
        DJANGO_SETTINGS_MODULE="config.settings",
        **extra,
    )
    env.pop("TEST_DATABASE_NAME", None)
    return env


def children(pid: int) -> list[int]:
    """The child processes of a process."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


def xlsx_bytes(rows, *, title_rows=(), merge_title=False, text_columns=()) -> bytes:
    """A workbook: optional title rows (merged like users do), then the given rows."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("Danh sách")
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    r = 0
    for title in title_rows:
        if merge_title:
            sheet.merge_range(r, 0, r, max(3, len(rows[0]) - 1), title)
        else:
            sheet.write(r, 0, title)
        r += 1
    for values in rows:
        for c, value in enumerate(values):
            if hasattr(value, "year"):
                sheet.write_datetime(r, c, value, date)
            elif value is None:
                continue
            else:
                sheet.write(r, c, value)
        r += 1
    book.close()
    return buffer.getvalue()


def upload(data: bytes, name: str = "file.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


def import_file(
    user, kind: str, data: bytes, name: str = "file.xlsx", commit: bool = True
) -> ImportJob:
    job = job_create(user=user, kind=kind, upload=upload(data, name))
    if commit and job.can_commit:
        job = job_commit(user=user, job=job)
    return job


def counts() -> dict:
    """Row counts of everything an import can write."""
    return {
        m.__name__: m.objects.count()
        for m in (Unit, UnitFigures, Person, Position, Enrolment, TrainingRecord)
    } | {"topics": TrainingRecord.topics.through.objects.count()}


def messages(job: ImportJob) -> list[str]:
    return [f"{p['row']}|{p['column']}|{p['message']}" for p in job.problems]


def problems_on(job: ImportJob, row: int | None) -> list[dict]:
    return [p for p in job.problems if p["row"] == row]


def xls_bytes(rows) -> bytes:
    """An Excel 97-2003 workbook, as old offices still send them."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Danh sach")
    date = xlwt.easyxf(num_format_str="dd/mm/yyyy")
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if hasattr(value, "year"):
                sheet.write(r, c, value, date)
            elif value is not None:
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, delimiter: str = ",") -> bytes:
    import csv

    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(rows)
    return text.getvalue().encode("utf-8")


def encrypted(data: bytes, password: str) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def history_since(entry_id: int, model, names: dict, keys=(), units: dict | None = None) -> list:
    """The history entries after `entry_id`, comparable between two runs that gave the same
    objects other ids: `model`'s ids — as the subject, and in the changes under `keys` — told
    by `names`, and the entries' units by `units` (kept as ids if not given)."""
    subject_type = ContentType.objects.get_for_model(model)
    entries = []
    for e in LogEntry.objects.filter(pk__gt=entry_id).select_related("content_type"):
        changes = dict(e.changes)
        for key in keys:
            if key in changes and changes[key][1] != "None":
                changes[key] = [changes[key][0], names[int(changes[key][1])]]
        subject = names[e.subject_id] if e.subject_type_id == subject_type.pk else e.subject_id
        unit = e.unit_id if units is None else units.get(e.unit_id)
        entries.append(
            (
                e.content_type.model,
                e.action,
                e.object_repr,
                sorted(changes.items()),
                e.actor_id,
                unit,
                subject,
            )
        )
    return sorted(entries)
