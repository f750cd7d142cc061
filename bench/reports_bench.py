"""Benchmark the reports on national-scale data (issue 5).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/reports_bench.py

Needs a database filled by `manage.py generate_national` (see bench/README.md; `run_bench.py`
makes one). Measures the confederation's yearly training-results report (report 1) for the
last complete year, built as XLSX and as DOCX exactly as the background job builds it
(`reports.services.report_build`), the median of --runs warm runs each, against a baseline
measured in the same run: one raw SQL `COUNT(*)` of the year's valid training records (what
any report of the year must at least read). Also times the two selectors behind the report
and one whole background job (queue, build, file saved), and checks that the report's total
of attendances equals the baseline's count. Writes its section of docs/benchmarks.md (between
the reports markers)."""

import argparse
import datetime as dt
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from accounts.access import SYSTEM

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")

BASELINE_SQL = (
    "SELECT COUNT(*) FROM training_trainingrecord WHERE valid AND completed_on BETWEEN %s AND %s"
)
# The generated data has records but no classes: for the run, the year's records become
# classes (one per organiser, form and month, on the topic of its first record) and their
# enrolments, inside a transaction that is rolled back, so the bench database is unchanged.
CLASSES_SQL = [
    """INSERT INTO training_trainingclass (code, name, kind, form, start_date, end_date, venue,
         hours, capacity, target_group, budget_planned, funding_source, status, organiser_id)
       SELECT 'BENCH-' || row_number() OVER (), 'Lớp tập huấn', 'refresher', form, month, month,
              '', 8, 100000, '', 0, 'union', 'closed', organiser_id
       FROM (SELECT DISTINCT organiser_id, form,
                    date_trunc('month', completed_on)::date AS month
             FROM training_trainingrecord
             WHERE valid AND completed_on BETWEEN %(start)s AND %(end)s
               AND organiser_id IS NOT NULL) AS g""",
    """CREATE TEMP TABLE bench_attended ON COMMIT DROP AS
       SELECT c.id AS class_id, r.id AS record_id, r.person_id, c.organiser_id
       FROM training_trainingrecord r JOIN training_trainingclass c
         ON c.organiser_id = r.organiser_id AND c.form = r.form
        AND c.start_date = date_trunc('month', r.completed_on)::date AND c.code LIKE 'BENCH-%%'
       WHERE r.valid AND r.completed_on BETWEEN %(start)s AND %(end)s""",
    """INSERT INTO training_enrolment (status, reason, nominated_at, nominating_unit_id,
         person_id, training_class_id)
       SELECT DISTINCT ON (class_id, person_id) 'accepted', '', now(), organiser_id, person_id,
              class_id FROM bench_attended""",
    """INSERT INTO training_trainingclass_topics (trainingclass_id, topic_id)
       SELECT DISTINCT ON (a.class_id) a.class_id, t.topic_id FROM bench_attended a
       JOIN training_trainingrecord_topics t ON t.trainingrecord_id = a.record_id
       ORDER BY a.class_id, a.record_id, t.topic_id""",
    "ANALYZE training_trainingclass, training_enrolment, training_trainingclass_topics",
]
LIMIT_S = 30


def timed(fn, runs: int) -> tuple[list[float], object]:
    """One warm-up, then `runs` timed calls; seconds of each, and the last result."""
    result = fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times, result


def row(label: str, times: list[float], baseline: float, note: str = "") -> str:
    median = statistics.median(times)
    return (
        f"| {label} | {median:.2f} | {min(times):.2f} | {max(times):.2f} | "
        f"{median / baseline:.1f} | {note} |"
    )


def total_of(data: bytes, sheet: int, column: int, label: str) -> int:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(sheet).to_python()
    return int(next(r[column] for r in rows if r and r[0] == label))


def write_section(text: str) -> None:
    start, end = "<!-- reports:start -->", "<!-- reports:end -->"
    path = ROOT / "docs" / "benchmarks.md"
    doc = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{start}\n{text.rstrip()}\n{end}"
    if start in doc:
        doc = doc[: doc.index(start)] + block + doc[doc.index(end) + len(end) :]
    else:
        doc = doc.rstrip() + "\n\n" + block + "\n"
    path.write_text(doc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--year", type=int, default=None, help="Year of the report (default: last year)."
    )
    parser.add_argument("--no-write", action="store_true", help="Print, do not write docs.")
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import translation
    from django.utils.translation import gettext

    from people.models import Person
    from reports import selectors
    from reports.models import ReportJob
    from reports.services import report_build
    from reports.tasks import report_job_create
    from training.models import TrainingRecord
    from units.models import Unit

    call_command("migrate", "reports", verbosity=0)  # its own table, on an older database
    root = Unit.objects.get(code="TLD")
    year = args.year or dt.date.today().year - 1
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    params = {"year": year}

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_SQL, [start, end])
            return cursor.fetchone()[0]

    def build(fmt):
        def run():
            built = report_build(kind="training", unit=root, params=params, fmt=fmt)
            data = built.file.read()
            built.file.close()
            return data

        return run

    transaction.set_autocommit(False)  # everything below is rolled back at the end
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in CLASSES_SQL:
            cursor.execute(sql, {"start": start, "end": end})
        cursor.execute("SELECT COUNT(*) FROM training_trainingclass WHERE code LIKE 'BENCH-%%'")
        n_classes = cursor.fetchone()[0]
        cursor.execute(
            "SELECT COUNT(*) FROM training_enrolment e JOIN training_trainingclass c"
            " ON c.id = e.training_class_id WHERE c.code LIKE 'BENCH-%%'"
        )
        n_enrolments = cursor.fetchone()[0]
    print(
        f"{n_classes:,} classes, {n_enrolments:,} enrolments added for the run in "
        f"{time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )

    base_times, counted = timed(baseline, args.runs)
    base = statistics.median(base_times)
    rows = [
        row(
            "baseline: `COUNT(*)` of the year's valid training records",
            base_times,
            base,
            f"{counted:,} records",
        )
    ]
    print(rows[-1], file=sys.stderr)
    for label, fn in (
        (
            "classes organised (`selectors.class_results`)",
            lambda: selectors.class_results(unit=root, start=start, end=end),
        ),
        (
            "training completed (`selectors.record_results`)",
            lambda: selectors.record_results(unit=root, start=start, end=end),
        ),
    ):
        times, _ = timed(fn, args.runs)
        rows.append(row(label, times, base))
        print(rows[-1], file=sys.stderr)
    for fmt in ("xlsx", "docx"):
        times, data = timed(build(fmt), args.runs)
        verdict = "≤ 30 s" if statistics.median(times) <= LIMIT_S else "**over 30 s**"
        rows.append(
            row(
                f"report 1, confederation, {year}, **{fmt.upper()}**",
                times,
                base,
                f"{len(data) // 1024} KiB; {verdict}",
            )
        )
        print(rows[-1], file=sys.stderr)
        if fmt == "xlsx":  # every enrolment and every record counted once
            with translation.override("vi"):
                label = gettext("Total")
            assert total_of(data, 0, 1, label) == n_classes
            assert total_of(data, 0, 2, label) == n_enrolments
            assert total_of(data, 4, 1, label) == counted

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with tempfile.TemporaryDirectory() as media:
        settings.MEDIA_ROOT = media

        def job():
            job = report_job_create(
                user=SYSTEM, unit=root, kind="training", fmt="xlsx", params=params
            )
            assert job.status == ReportJob.Status.DONE, job.error

        runs = min(3, args.runs)
        times, _ = timed(job, runs)
    rows.append(
        row(f"background job: queue, build the XLSX, save the file ({runs} runs)", times, base)
    )
    print(rows[-1], file=sys.stderr)
    connection.rollback()  # the classes, enrolments and jobs of the run

    db = connection.vendor
    version = (
        ".".join(str(v) for v in divmod(connection.pg_version, 10000)) if db == "postgresql" else ""
    )
    units = Unit.objects.count()
    text = "\n".join(
        [
            f"## Reports on national-scale data ({dt.date.today():%d/%m/%Y})",
            "",
            "`bench/reports_bench.py`: the confederation's yearly training-results report "
            "(report 1: classes organised in the subtree, and training completed by its people "
            "split by category, organiser level, form and topic), built as the background job "
            "builds it, each file from scratch (every query run again).",
            "",
            f"- Machine: {os.cpu_count()} cores; {db} {version}; Python "
            f"{platform.python_version()}",
            f"- Data: {units:,} units, {Person.objects.count():,} people, "
            f"{TrainingRecord.objects.count():,} training records ({counted:,} valid in {year}) "
            "— `manage.py generate_national --people 1000000`; for the run (rolled back "
            f"afterwards) the year's records also become {n_classes:,} classes with "
            f"{n_enrolments:,} enrolments (one class per organiser, form and month)",
            f"- Method: one warm-up, then the median of {args.runs} runs (seconds); ratio = "
            "median ÷ the baseline's median in the same run. The report's total of attendances "
            "is checked to equal the baseline's count.",
            "",
            "| measure | median s | min s | max s | × baseline | note |",
            "|---|---:|---:|---:|---:|---|",
            *rows,
            "",
            "Most of the time goes to the queries that work out each attendance's category "
            "(full-time, part-time, member) from the posts held on the day: a correlated lookup "
            "per enrolment or record, which PostgreSQL runs in the leader process. The training "
            "completed is counted in three queries, only the form-and-level split carrying the "
            "category; the classes part uses the training statistics' queries "
            "(`training.selectors.class_statistics`) plus one split by category.",
        ]
    )
    print(text)
    if not args.no_write:
        write_section(text)


if __name__ == "__main__":
    main()
