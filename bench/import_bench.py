"""Benchmark the participants import end to end (issue 5) on SQLite and PostgreSQL.

    .venv/bin/python bench/import_bench.py [--kind participants|people|records|units|employers|all]
        [--rows N] [--database sqlite|postgres|both]

The participants import is described here; the other kinds (people with their posts, external
training records, units, employers) in bench/import_kinds.py, each with its own section.

Per database, on a fresh database of its own (an SQLite file in a temporary directory, or the
PostgreSQL database `bench_import` on 127.0.0.1:5432, created and dropped here), each step
runs in a fresh Python process with its own Django, so that its peak resident memory
(`ru_maxrss`) is its own:

1. setup: migrate; a province, districts and grassroots units; a training officer of the
   province; 2 × 100 classes (training.services, status "running"); N people with distinct
   12-digit citizen IDs (bulk_create); two .xlsx files of N rows with the template's columns
   under a merged title row, written with XlsxWriter: every row an existing person (matched
   by citizen ID), and a variant where one row in ten is a person not yet in the system;
2. baseline: the floor for the same work — the file read with python_calamine, class codes and
   citizen IDs mapped to ids with two queries, and the N enrolment rows inserted with one
   executemany (SQLite) or COPY (PostgreSQL) and committed (then deleted, untimed);
3. import: `job_create` (read, parse, check: a dry run rolled back) then `job_commit`
   (re-check and write), timed; the job must end "done" with the expected number of
   enrolments and training records; then the same file imported again (nothing to create);
4. variant: the file with 10 % new people, imported the same way.

The section "Import of a N-row participants file" of docs/benchmarks.md is replaced (only
that section, between its markers). Ratio = the import's end-to-end time ÷ the baseline's.
"""

import argparse
import datetime as dt
import io
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_NAME = os.environ.get("BENCH_IMPORT_DB", "bench_import")
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
CLASSES = 100
SEED = 2026
GOAL_ROWS_PER_S = 5000
GOAL_RSS_MB = 500
MARK_START, MARK_END = "<!-- import-participants:start -->", "<!-- import-participants:end -->"
OFFICER = "bench_import_officer"
TITLE = "DANH SÁCH HỌC VIÊN VÀ KẾT QUẢ HỌC TẬP CÁC LỚP BỒI DƯỠNG NĂM 2026"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# -- orchestration (no Django in this process) ---------------------------------------------


def pg_admin():
    import psycopg

    return psycopg.connect(PG_ADMIN_URL.replace("postgres://", "postgresql://"), autocommit=True)


def pg_drop() -> None:
    with pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')


def pg_create() -> str:
    with pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PG_NAME}"')
        return conn.execute("SHOW server_version").fetchone()[0].split()[0]


def run_phase(phase: str, engine: str, url: str, work: Path, rows: int, kind: str) -> dict:
    env = dict(
        os.environ,
        DATABASE_URL=url,
        MEDIA_ROOT=str(work / "media"),
        IMPORTS_INLINE_BYTES=str(10**12),
        TASKS_BACKEND="immediate",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    out = work / f"{phase}.json"
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--phase",
            phase,
            "--engine",
            engine,
            "--rows",
            str(rows),
            "--work",
            str(work),
            "--kind",
            kind,
        ],
        env=env,
        check=True,
    )
    result = json.loads(out.read_text())
    print(f"[{engine}] {phase}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return result


def run_engine(engine: str, rows: int, variant: bool, kind: str = "participants") -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"import-bench-{kind}-{engine}-"))
    try:
        if engine == "postgres":
            version = f"PostgreSQL {pg_create()}"
            url = PG_URL
        else:
            import sqlite3

            version = f"SQLite {sqlite3.sqlite_version}"
            url = f"sqlite:///{work / 'bench.sqlite3'}"
        results = {"engine": engine, "version": version}
        results["setup"] = run_phase("setup", engine, url, work, rows, kind)
        results["baseline"] = run_phase("baseline", engine, url, work, rows, kind)
        results["import"] = run_phase("import", engine, url, work, rows, kind)
        if variant and kind == "participants":
            results["variant"] = run_phase("variant", engine, url, work, rows, kind)
        return results
    finally:
        if engine == "postgres":
            pg_drop()
        shutil.rmtree(work, ignore_errors=True)


# -- phases (each in its own process, Django set up on the engine's database) ---------------


def phase_setup(rows: int, work: Path) -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    data = build_data(rows)
    built = time.perf_counter() - started
    started = time.perf_counter()
    for name, people in (
        ("participants.xlsx", data["file_rows"]),
        ("participants-new.xlsx", data["variant_rows"]),
    ):
        (work / name).write_bytes(xlsx_file(people))
    written = time.perf_counter() - started
    return {
        "built_s": built,
        "xlsx_s": written,
        "sizes": data["sizes"],
        "passed": data["passed"],
        "variant_passed": data["variant_passed"],
        "variant_new": data["variant_new"],
        "file_bytes": (work / "participants.xlsx").stat().st_size,
    }


def build_data(rows: int) -> dict:
    from accounts.access import SYSTEM
    from accounts.models import User, UserRole
    from demo import names
    from people.models import Gender, Person
    from training import services as training
    from training.models import ClassStatus, Form, Topic
    from units.models import Unit, UnitKind
    from units.services import unit_create

    rng = random.Random(SEED)
    founded = dt.date(2000, 1, 1)

    def kind(code):
        return UnitKind.objects.get(code=code)

    root = unit_create(
        user=SYSTEM,
        code="TLD",
        name="Tổng Liên đoàn Lao động Việt Nam",
        kind=kind("confederation"),
        parent=None,
        founded_on=founded,
    )
    province = unit_create(
        user=SYSTEM,
        code="P001",
        name="Liên đoàn Lao động thành phố Hà Nội",
        kind=kind("provincial_federation"),
        parent=root,
        founded_on=founded,
    )
    districts = [
        unit_create(
            user=SYSTEM,
            code=f"P001-{d:02d}",
            name=f"Liên đoàn Lao động quận {d}",
            kind=kind("district_federation"),
            parent=province,
            founded_on=founded,
        )
        for d in range(1, 6)
    ]
    trades = names.COMPANY_TRADES
    grassroots = [
        unit_create(
            user=SYSTEM,
            code=f"P001-{1 + g % 5:02d}-{g:04d}",
            name=f"Công đoàn Công ty {trades[g % len(trades)]} số {g}",
            kind=kind("grassroots"),
            parent=districts[g % 5],
            sector="non_state" if g % 4 else "state",
            founded_on=founded,
        )
        for g in range(1, 61)
    ]
    officer = User.objects.create_user(
        username=OFFICER, password=None, unit=province, role=UserRole.TRAINING_OFFICER
    )
    topics = list(Topic.objects.order_by("pk")[:6])
    per_class = -(-rows // CLASSES)
    classes = {}
    for series in ("A", "B"):
        for i in range(CLASSES):
            start = dt.date(2026, 3, 2) + dt.timedelta(days=7 * (i % 30))
            organiser = province if i % 3 == 0 else districts[i % 5]
            c = training.class_create(
                user=officer,
                organiser=organiser,
                topics=rng.sample(topics, 2),
                code=f"LB26-{series}{i + 1:03d}",
                name=f"Lớp bồi dưỡng nghiệp vụ công đoàn {series}{i + 1:03d}",
                form=Form.ON_SITE,
                start_date=start,
                end_date=start + dt.timedelta(days=4),
                hours=40,
                capacity=per_class * 2,
            )
            training.class_set_status(user=officer, training_class=c, status=ClassStatus.OPEN)
            training.class_set_status(user=officer, training_class=c, status=ClassStatus.RUNNING)
            classes.setdefault(series, []).append(c.code)
    family, weights = zip(*names.FAMILY_NAMES, strict=True)

    def person(n: int) -> Person:
        female = rng.random() < 0.5
        middles, givens = (
            (names.FEMALE_MIDDLE, names.FEMALE_GIVEN)
            if female
            else (names.MALE_MIDDLE, names.MALE_GIVEN)
        )
        born = dt.date(1965 + rng.randrange(40), 1 + rng.randrange(12), 1 + rng.randrange(28))
        century = (1 if born.year < 2000 else 3) - (0 if female else 1)  # CCCD's 4th digit
        p = Person(
            family_name=rng.choices(family, weights)[0],
            middle_name=rng.choice(middles),
            given_name=rng.choice(givens),
            gender=Gender.FEMALE if female else Gender.MALE,
            birth_date=born,
            citizen_id=f"001{century}{born.year % 100:02d}{n:06d}",
            unit=grassroots[rng.randrange(len(grassroots))],
        )
        p.fill_keys()
        return p

    existing = [person(n) for n in range(rows)]
    for i in range(0, rows, 5000):
        Person.objects.bulk_create(existing[i : i + 5000], batch_size=2000)
    newcomers = [person(rows + n) for n in range(rows // 10)]  # only in the variant's file

    def file_row(p: Person, code: str) -> tuple:
        attendance = rng.choice((100, 100, 100, 95, 90, 85, 80, 70, 50))
        score = round(rng.uniform(5, 10) * 2) / 2
        passed = attendance >= 80 and rng.random() < 0.93
        return (
            code,
            p.full_name,
            p.birth_date,
            "Nữ" if p.gender == Gender.FEMALE else "Nam",
            p.citizen_id,
            p.unit.code,
            attendance,
            score,
            "Đạt" if passed else "Không đạt",
        )

    file_rows = [file_row(p, classes["A"][n % CLASSES]) for n, p in enumerate(existing)]
    variant_people = existing[: rows - len(newcomers)] + newcomers
    variant_rows = [file_row(p, classes["B"][n % CLASSES]) for n, p in enumerate(variant_people)]
    return {
        "file_rows": file_rows,
        "variant_rows": variant_rows,
        "passed": sum(r[-1] == "Đạt" for r in file_rows),
        "variant_passed": sum(r[-1] == "Đạt" for r in variant_rows),
        "variant_new": len(newcomers),
        "sizes": {
            "units": Unit.objects.count(),
            "people": Person.objects.count(),
            "classes": sum(len(v) for v in classes.values()),
        },
    }


def xlsx_file(rows: list[tuple]) -> bytes:
    """What a user's file looks like: a merged title, a blank line, the template's header,
    dates as Excel dates, citizen IDs as text, scores as numbers."""
    import xlsxwriter

    from imports.participants import columns

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "constant_memory": True, "strings_to_numbers": False}
    )
    sheet = book.add_worksheet("Danh sách học viên")
    bold = book.add_format({"bold": True, "align": "center"})
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    text = book.add_format({"num_format": "@"})
    labels = [c.label for c in columns()]
    sheet.merge_range(0, 0, 0, len(labels) - 1, TITLE, bold)
    sheet.write_row(2, 0, labels, bold)
    for r, (code, name, born, gender, cid, unit, attendance, score, result) in enumerate(rows, 3):
        sheet.write_string(r, 0, code)
        sheet.write_string(r, 1, name)
        sheet.write_datetime(r, 2, born, date)
        sheet.write_string(r, 3, gender)
        sheet.write_string(r, 4, cid, text)
        sheet.write_string(r, 5, unit)
        sheet.write_number(r, 6, attendance)
        sheet.write_number(r, 7, score)
        sheet.write_string(r, 8, result)
    book.close()
    return buffer.getvalue()


def counts() -> dict:
    from people.models import Person
    from training.models import Enrolment, TrainingRecord

    return {
        "people": Person.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "records": TrainingRecord.objects.count(),
        "topics": TrainingRecord.topics.through.objects.count(),
    }


def phase_baseline(rows: int, work: Path) -> dict:
    """Read the file to rows, map codes to ids, insert the enrolments in one go."""
    from django.db import connection, transaction
    from django.utils import timezone
    from python_calamine import CalamineWorkbook

    from people.models import Person
    from training.models import Enrolment, TrainingClass

    path = work / "participants.xlsx"
    before = Enrolment.objects.count()
    last = Enrolment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    started = time.perf_counter()
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    table = sheet[3:]
    read = time.perf_counter() - started
    classes = dict(TrainingClass.objects.values_list("code", "pk"))
    people = {
        cid: (pk, unit)
        for cid, pk, unit in Person.objects.values_list("citizen_id", "pk", "unit_id")
    }
    now = timezone.now()
    table_name = Enrolment._meta.db_table
    fields = (
        "training_class_id",
        "person_id",
        "nominating_unit_id",
        "status",
        "reason",
        "nominated_at",
        "decided_at",
        "attendance_percent",
        "score",
        "passed",
    )
    values = []
    for code, _name, _born, _gender, cid, _unit, attendance, score, result in table:
        pk, unit = people[cid]
        values.append(
            (
                classes[code],
                pk,
                unit,
                "accepted",
                "",
                now,
                now,
                int(attendance),
                score,
                result == "Đạt",
            )
        )
    mapped = time.perf_counter() - started
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with (
                connection.connection.cursor() as cursor,
                cursor.copy(f"COPY {table_name} ({', '.join(fields)}) FROM STDIN") as copy,
            ):
                for row in values:
                    copy.write_row(row)
        else:
            stamp = now.isoformat(sep=" ")
            connection.ensure_connection()
            connection.connection.executemany(
                f"INSERT INTO {table_name} ({', '.join(fields)}) VALUES "
                f"({', '.join('?' * len(fields))})",
                [(*v[:5], stamp, stamp, v[7], str(v[8]), v[9]) for v in values],
            )
    total = time.perf_counter() - started
    inserted = Enrolment.objects.count() - before
    assert inserted == len(table) == rows, (inserted, len(table), rows)
    Enrolment.objects.filter(pk__gt=last).delete()  # untimed: leave the database as it was
    assert Enrolment.objects.count() == before
    return {
        "read_s": read,
        "map_s": mapped - read,
        "insert_s": total - mapped,
        "total_s": total,
        "rss_mb": rss_mb(),
    }


def timed_import(user, path: Path) -> tuple:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from imports.models import ImportStatus
    from imports.services import job_commit, job_create

    upload = SimpleUploadedFile(
        path.name,
        path.read_bytes(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    started = time.perf_counter()
    job = job_create(user=user, kind="participants", upload=upload)
    checked = time.perf_counter() - started
    assert job.status == ImportStatus.CHECKED and job.can_commit, (job.status, job.problems[:5])
    started = time.perf_counter()
    job = job_commit(user=user, job=job)
    committed = time.perf_counter() - started
    assert job.status == ImportStatus.DONE, (job.status, job.problems[:5])
    return job, checked, committed


def phase_import(rows: int, work: Path, name: str, expect: dict) -> dict:
    """The file imported, then imported again (nothing to create)."""
    from accounts.models import User

    user = User.objects.select_related("unit").get(username=OFFICER)
    rss_ready = rss_mb()
    load = os.getloadavg()[0]  # another process busy on this machine skews the figures
    before = counts()
    job, checked, committed = timed_import(user, work / name)
    after = counts()
    grown = {k: after[k] - before[k] for k in after}
    assert grown["enrolments"] == rows, grown
    assert grown["records"] == expect["passed"], (grown, expect)
    assert grown["people"] == expect.get("new", 0), (grown, expect)
    result = {
        "check_s": checked,
        "commit_s": committed,
        "grown": grown,
        "summary": dict(job.summary),
        "rss_ready_mb": rss_ready,
        "load": load,
    }
    if name == "participants.xlsx":
        again, checked, committed = timed_import(user, work / name)
        assert counts() == after, "a second import of the same file changed something"
        done = {k: v for k, v in again.summary.items() if v}
        assert done == {"enrolments_unchanged": rows}, again.summary
        result["again"] = {
            "check_s": checked,
            "commit_s": committed,
            "summary": dict(again.summary),
        }
    result["rss_mb"] = rss_mb()
    return result


def run_phase_here(args) -> None:
    import django

    django.setup()
    work = Path(args.work)
    if args.kind != "participants":
        from bench import import_kinds

        result = import_kinds.run_phase(args.kind, args.phase, args.rows, work)
    elif args.phase == "setup":
        result = phase_setup(args.rows, work)
    else:
        setup = json.loads((work / "setup.json").read_text())
        if args.phase == "baseline":
            result = phase_baseline(args.rows, work)
        elif args.phase == "import":
            result = phase_import(args.rows, work, "participants.xlsx", {"passed": setup["passed"]})
        else:
            result = phase_import(
                args.rows,
                work,
                "participants-new.xlsx",
                {"passed": setup["variant_passed"], "new": setup["variant_new"]},
            )
    result.setdefault("rss_mb", rss_mb())
    (work / f"{args.phase}.json").write_text(json.dumps(result, default=str))


# -- report ---------------------------------------------------------------------------------


def section(results: list[dict], rows: int) -> str:
    from bench.import_kinds import machine

    setup = results[0]["setup"]
    lines = [
        f"## Import of a {rows:,}-row participants file ({dt.date.today():%d/%m/%Y})",
        "",
        "Produced by `bench/import_bench.py` (see its docstring). Goal (issue 5): a "
        f"{100_000:,}-row participants file imports at ≥ {GOAL_ROWS_PER_S:,} rows/s end to end "
        f"(parse, validate, commit) on SQLite and on PostgreSQL, with peak memory ≤ "
        f"{GOAL_RSS_MB} MB.",
        "",
        f"- Machine: {machine(results)}",
        f"- Data: a fresh database per engine: {setup['sizes']['units']} units, "
        f"{setup['sizes']['people']:,} people (12-digit citizen IDs), "
        f"{setup['sizes']['classes']} classes running (2 topics each); the file: {rows:,} rows "
        f"({setup['file_bytes'] / 2**20:.1f} MiB .xlsx, merged title row, header on row 3), "
        f"every row an existing person matched by citizen ID, {CLASSES} classes × "
        f"{rows // CLASSES:,} participants, {setup['passed']:,} passes (each writes a "
        "training record with its class's topics).",
        "- End to end = `job_create` (upload saved, file read, parsed and checked in a "
        "transaction rolled back: the preview) + `job_commit` (the same again, written and "
        "committed, targets invalidated). Both run in process (`IMPORTS_INLINE_BYTES` raised).",
        "- Baseline, same run, same file: python_calamine to rows, class codes and citizen IDs "
        "to ids (two queries), the enrolment rows inserted in one `executemany` (SQLite) or "
        "`COPY` (PostgreSQL) and committed — no checks, no training records. "
        "Ratio = end to end ÷ baseline.",
        "- Peak memory: resident set size (`ru_maxrss`) of the fresh process that ran the "
        "import (check, commit and the second import), Django included.",
        "",
        "| | " + " | ".join(r["version"] for r in results) + " |",
        "|---|" + "---:|" * len(results),
    ]

    def row(label, fn):
        lines.append(f"| {label} | " + " | ".join(fn(r) for r in results) + " |")

    def rate(seconds):
        return f"{rows / seconds:,.0f}"

    row(
        "baseline: read + map + insert (s)",
        lambda r: (
            f"{r['baseline']['total_s']:.1f} ({r['baseline']['read_s']:.1f} + "
            f"{r['baseline']['map_s']:.1f} + {r['baseline']['insert_s']:.1f})"
        ),
    )
    row("baseline rows/s", lambda r: rate(r["baseline"]["total_s"]))
    row(
        "check (preview) s / rows/s",
        lambda r: f"{r['import']['check_s']:.1f} / {rate(r['import']['check_s'])}",
    )
    row(
        "commit s / rows/s",
        lambda r: f"{r['import']['commit_s']:.1f} / {rate(r['import']['commit_s'])}",
    )
    row(
        "**end to end** s / rows/s",
        lambda r: f"{end_to_end(r['import']):.1f} / **{rate(end_to_end(r['import']))}**",
    )
    row("× baseline", lambda r: f"{end_to_end(r['import']) / r['baseline']['total_s']:.1f}")
    row(
        "written",
        lambda r: (
            f"{r['import']['grown']['enrolments']:,} enrolments, "
            f"{r['import']['grown']['records']:,} records, "
            f"{r['import']['grown']['topics']:,} record topics"
        ),
    )
    row(
        "same file again (nothing created): check + commit s / rows/s",
        lambda r: (
            f"{r['import']['again']['check_s']:.1f} + {r['import']['again']['commit_s']:.1f} / "
            f"{rate(end_to_end(r['import']['again']))}"
        ),
    )
    if all("variant" in r for r in results):
        row(
            "variant, 10 % new people: check + commit s / rows/s",
            lambda r: (
                f"{r['variant']['check_s']:.1f} + {r['variant']['commit_s']:.1f} / "
                f"{rate(end_to_end(r['variant']))}"
            ),
        )
        row("variant: people created", lambda r: f"{r['variant']['grown']['people']:,}")
    row(
        "peak RSS of the import process MB (of which Django loaded)",
        lambda r: f"{r['import']['rss_mb']:.0f} ({r['import']['rss_ready_mb']:.0f})",
    )
    if all("variant" in r for r in results):
        row("peak RSS, variant MB", lambda r: f"{r['variant']['rss_mb']:.0f}")
    row("peak RSS of the baseline process MB", lambda r: f"{r['baseline']['rss_mb']:.0f}")
    row(
        f"load average (1 min) as the import started, {os.cpu_count()} cores",
        lambda r: f"{r['import'].get('load', 0):.1f}",
    )
    lines += ["", verdict(results, rows)]
    return "\n".join(lines)


def end_to_end(r: dict) -> float:
    return r["check_s"] + r["commit_s"]


def verdict(results: list[dict], rows: int) -> str:
    parts = []
    for r in results:
        runs = [r["import"]] + ([r["variant"]] if "variant" in r else [])
        speed = min(rows / end_to_end(x) for x in runs)
        memory = max(x["rss_mb"] for x in runs)
        met = speed >= GOAL_ROWS_PER_S and memory <= GOAL_RSS_MB
        parts.append(
            f"{r['version']}: {speed:,.0f} rows/s at worst, peak {memory:.0f} MB — "
            f"{'met' if met else 'NOT met'}"
        )
    scale = "" if rows == 100_000 else f" (measured with {rows:,} rows, not 100,000)"
    return f"Goal{scale}: " + "; ".join(parts) + "."


def write_section(text: str, marks: tuple[str, str] = (MARK_START, MARK_END)) -> None:
    """Read-modify-write of this section only (others write theirs to the same file)."""
    start, end = marks
    path = ROOT / "docs" / "benchmarks.md"
    doc = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{start}\n{text.rstrip()}\n{end}"
    if start in doc and end in doc:
        doc = doc[: doc.index(start)] + block + doc[doc.index(end) + len(end) :]
    else:
        doc = doc.rstrip() + "\n\n" + block + "\n"
    path.write_text(doc)


KINDS = ("participants", "people", "records", "units", "employers")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows", type=int, help="Rows of the file (default per kind: bench/import_kinds.py)."
    )
    parser.add_argument("--kind", choices=(*KINDS, "all"), default="participants")
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--no-variant", action="store_true", help="Skip the file with 10 %% new people."
    )
    parser.add_argument("--no-write", action="store_true", help="Do not touch the docs.")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        run_phase_here(args)
        return
    from bench import import_kinds

    engines = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    for kind in KINDS if args.kind == "all" else (args.kind,):
        rows = args.rows or import_kinds.DEFAULT_ROWS[kind]
        if kind == "participants" and rows % CLASSES:
            parser.error(f"--rows must be a multiple of {CLASSES}")
        results = [run_engine(engine, rows, not args.no_variant, kind) for engine in engines]
        (Path(tempfile.gettempdir()) / f"import-bench-{kind}-results.json").write_text(
            json.dumps(results, indent=1, default=str)
        )
        if kind == "participants":
            text, marks = section(results, rows), (MARK_START, MARK_END)
        else:
            text, marks = import_kinds.section(kind, results, rows), import_kinds.marks(kind)
        print(text)
        if not args.no_write:
            write_section(text, marks)


if __name__ == "__main__":
    main()
