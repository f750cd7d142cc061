"""Benchmark the reports on national-scale data (issues 5 and 22).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/reports_bench.py

Needs a database filled by `manage.py generate_national` (see bench/README.md; `run_bench.py`
makes one). Measures the confederation's yearly training-results report (report 1) for the
last complete year, built as XLSX and as DOCX exactly as the background job builds it
(`reports.services.report_build`), the median of --runs warm runs each, against a baseline
measured in the same run: one hand-written SQL statement (`REPORT_SQL`) computing the figures
the report splits by who attended — the training completed by the subtree's people and the
attendances of its classes, by category (the posts held on the day), organiser level, form
and (classes) audience. The statement's figures are compared with the report's selectors'
and the run stops if they differ. Also times the two selectors, a plain `COUNT(*)` of the
year's records (what any report of the year must at least read) and one whole background job
(queue, build, file saved), and checks the XLSX's totals. Writes its section of
docs/benchmarks.md (between the reports markers)."""

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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
# The background job is run inline (config.settings reads this when Django starts: setting
# TASKS afterwards leaves the database queue in place, and the job would only be queued).
os.environ["TASKS_BACKEND"] = "immediate"

COUNT_SQL = (
    "SELECT COUNT(*) FROM training_trainingrecord WHERE valid AND completed_on BETWEEN %s AND %s"
)
# The figures report 1 splits by who attended, written by hand: each attendance (a valid
# record completed in the year by a person whose unit stood in the subtree that day; an
# accepted enrolment in a class of the year that ran, organised in the subtree as it stood on
# its first day) joined to the posts its person held on its day, grouped per attendance, then
# counted by source, form, organiser level, audience and category.
REPORT_SQL = """
SELECT source, form, rank, audience,
       CASE WHEN ft THEN 'full_time' WHEN posts > 0 THEN 'part_time' ELSE 'member' END,
       COUNT(*)
FROM (
  SELECT 'completed' AS source, r.id, r.form, l.rank, '' AS audience,
         bool_or(p.full_time) AS ft, COUNT(p.id) AS posts
  FROM training_trainingrecord r
  JOIN people_person pe ON pe.id = r.person_id
  LEFT JOIN units_unit o ON o.id = r.organiser_id
  LEFT JOIN units_unitkind k ON k.id = o.kind_id
  LEFT JOIN units_unitlevel l ON l.id = k.level_id
  LEFT JOIN people_position p ON p.person_id = r.person_id AND p.start_date <= r.completed_on
       AND (p.end_date IS NULL OR p.end_date >= r.completed_on)
  WHERE r.valid AND r.completed_on BETWEEN %(start)s AND %(end)s
    AND EXISTS (SELECT FROM units_unitversion v WHERE v.unit_id = pe.unit_id
                AND v.path LIKE %(path)s
                AND (v.valid_from IS NULL OR v.valid_from <= r.completed_on)
                AND (v.valid_to IS NULL OR v.valid_to >= r.completed_on))
  GROUP BY r.id, r.form, l.rank
  UNION ALL
  SELECT 'classes', e.id, c.form, l.rank, c.audience, bool_or(p.full_time), COUNT(p.id)
  FROM training_enrolment e
  JOIN training_trainingclass c ON c.id = e.training_class_id
  JOIN units_unit o ON o.id = c.organiser_id
  JOIN units_unitkind k ON k.id = o.kind_id
  LEFT JOIN units_unitlevel l ON l.id = k.level_id
  LEFT JOIN people_position p ON p.person_id = e.person_id AND p.start_date <= c.start_date
       AND (p.end_date IS NULL OR p.end_date >= c.start_date)
  WHERE e.status = 'accepted' AND c.start_date BETWEEN %(start)s AND %(end)s
    AND c.status NOT IN ('planned', 'cancelled')
    AND EXISTS (SELECT FROM units_unitversion v WHERE v.unit_id = c.organiser_id
                AND v.path LIKE %(path)s
                AND (v.valid_from IS NULL OR v.valid_from <= c.start_date)
                AND (v.valid_to IS NULL OR v.valid_to >= c.start_date))
  GROUP BY e.id, c.form, l.rank, c.audience
) AS attendance
GROUP BY 1, 2, 3, 4, 5
"""
# The generated data has records but no classes: for the run, the year's records become
# classes (one per organiser, form and month, on the topic of its first record) and their
# enrolments, inside a transaction that is rolled back, so the bench database is unchanged.
CLASSES_SQL = [
    # Whom each class was for: one in four for full-time cadres, one in four for part-time
    # cadres, the others for cadres and members (so the audience split is not one row).
    """INSERT INTO training_trainingclass (code, name, kind, form, start_date, end_date, venue,
         hours, capacity, target_group, budget_planned, funding_source, status, organiser_id,
         audience, auto_promote)
       SELECT 'BENCH-' || n, 'Lớp tập huấn', 'refresher', form, month, month,
              '', 8, 100000, '', 0, 'union', 'closed', organiser_id,
              (ARRAY['full_time', 'part_time', 'mixed', 'mixed'])[n %% 4 + 1], false
       FROM (SELECT row_number() OVER () AS n, * FROM (SELECT DISTINCT organiser_id, form,
                    date_trunc('month', completed_on)::date AS month
             FROM training_trainingrecord
             WHERE valid AND completed_on BETWEEN %(start)s AND %(end)s
               AND organiser_id IS NOT NULL) AS d) AS g""",
    # Before the join below: on a table empty until now the planner expects no classes and
    # matches each record against all of them (minutes instead of a second).
    "ANALYZE training_trainingclass",
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


def timed(fn, runs: int, baseline=None) -> tuple[list[float], list[float], object]:
    """One warm-up, then `runs` timed calls, each right after one call of `baseline` (if
    given): the seconds of each call, its ratio to the baseline call just before it, and the
    last result. Pairing the calls keeps the ratio honest on a shared machine whose load
    comes and goes (a minute of another process's work would otherwise move one side)."""
    result = fn()
    times, ratios = [], []
    for _ in range(runs):
        base = None
        if baseline is not None:
            started = time.perf_counter()
            baseline()
            base = time.perf_counter() - started
            BASELINE_TIMES.append(base)
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
        ratios.append(times[-1] / base if base else 1.0)
    return times, ratios, result


BASELINE_TIMES: list[float] = []  # every timed call of the baseline, paired or not


def row(label: str, times: list[float], ratios: list[float], note: str = "") -> str:
    return (
        f"| {label} | {statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} | "
        f"{statistics.median(ratios):.1f} | {note} |"
    )


def total_of(data: bytes, sheet: str, column: int, label: str) -> int:
    """The figure in `column` of the row `label` on the sheet named `sheet` (as the XLSX
    builder names a sheet after its table's caption, cut to Excel's 31 characters)."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = book.get_sheet_by_name(sheet[:31]).to_python()
    return int(next(r[column] for r in rows if r and r[0] == label))


def compare(figures: list[tuple], classes: dict, completed: dict) -> None:
    """Stop the run unless the statement's figures are the report's selectors' figures: the
    training completed by category, and by form and by organiser level crossed with category;
    the classes' attendances by who attended, and by form and level crossed with audience."""
    want: dict = {}
    for source, form, rank, audience, category, n in figures:
        cells = (
            [("by_category", category), ("form", form, category), ("level", rank, category)]
            if source == "completed"
            else [("attendees", category), ("form", form, audience), ("level", rank, audience)]
        )
        for cell in cells:
            key = (source, *cell)
            want[key] = want.get(key, 0) + n
    got: dict = {}
    for source, result, who in (
        ("completed", completed, completed["by_category"]),
        ("classes", classes, classes["attendees"]),
    ):
        for category, n in who.items():
            got[(source, "by_category" if source == "completed" else "attendees", category)] = n
        for split in ("form", "level"):
            for value, counts in result["categories_by"][split].items():
                for category, n in counts.items():
                    got[(source, split, value, category)] = n
    want = {k: v for k, v in want.items() if v}
    got = {k: v for k, v in got.items() if v}
    if want != got:
        differ = sorted(set(want) ^ set(got) | {k for k in want if got.get(k) != want[k]}, key=str)
        lines = [f"{k}: statement {want.get(k)}, report {got.get(k)}" for k in differ[:20]]
        raise SystemExit("The report's figures differ from the statement's:\n" + "\n".join(lines))
    if sum(completed["by_category"].values()) != completed["attendances"]:
        raise SystemExit("The training completed by category do not add up to the total")


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
    parser.add_argument("--note", default="", help="A sentence added to the data line.")
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import translation
    from django.utils.translation import gettext

    from accounts.access import SYSTEM
    from people.models import Person
    from reports import selectors
    from reports.models import ReportJob
    from reports.services import report_build
    from reports.tasks import report_job_create
    from training.models import TrainingRecord
    from units.models import Unit
    from units.places import path_on

    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    call_command("migrate", "reports", verbosity=0)  # its own table, on an older database
    root = Unit.objects.get(code="TLD")
    year = args.year or dt.date.today().year - 1
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    params = {"year": year}

    root_path = path_on(root, dt.date.today())  # the root's placement today (units.places)

    def statement():
        with connection.cursor() as cursor:
            cursor.execute(REPORT_SQL, {"start": start, "end": end, "path": root_path + "%"})
            return cursor.fetchall()

    def count():
        with connection.cursor() as cursor:
            cursor.execute(COUNT_SQL, [start, end])
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

    base_times, _ratios, figures = timed(statement, args.runs)
    BASELINE_TIMES.extend(base_times)
    print(f"baseline {statistics.median(base_times):.2f} s", file=sys.stderr)
    rows = []
    times, ratios, counted = timed(count, args.runs, statement)
    label = "`COUNT(*)` of the year's valid training records"
    rows.append(row(label, times, ratios, f"{counted:,}"))
    print(rows[-1], file=sys.stderr)
    results = {}
    for label, name, fn in (
        (
            "classes organised (`selectors.class_results`)",
            "classes",
            lambda: selectors.class_results(unit=root, start=start, end=end),
        ),
        (
            "training completed (`selectors.record_results`)",
            "completed",
            lambda: selectors.record_results(unit=root, start=start, end=end),
        ),
    ):
        times, ratios, results[name] = timed(fn, args.runs, statement)
        rows.append(row(label, times, ratios))
        print(rows[-1], file=sys.stderr)
    compare(figures, results["classes"], results["completed"])
    print("the statement's figures equal the report's", file=sys.stderr)
    for fmt in ("xlsx", "docx"):
        times, ratios, data = timed(build(fmt), args.runs, statement)
        verdict = "≤ 30 s" if statistics.median(times) <= LIMIT_S else "**over 30 s**"
        rows.append(
            row(
                f"report 1, confederation, {year}, **{fmt.upper()}**",
                times,
                ratios,
                f"{len(data) // 1024} KiB; {verdict}",
            )
        )
        print(rows[-1], file=sys.stderr)
        if fmt == "xlsx":  # every enrolment and every record counted once
            with translation.override("vi"):
                label, classes_sheet, completed_sheet = (
                    gettext(text)
                    for text in ("Total", "Classes by audience", "Completed by category")
                )
            assert total_of(data, classes_sheet, 1, label) == n_classes
            assert total_of(data, classes_sheet, 2, label) == n_enrolments
            assert total_of(data, completed_sheet, 1, label) == counted

    with tempfile.TemporaryDirectory() as media:
        settings.MEDIA_ROOT = media

        def job():
            job = report_job_create(
                user=SYSTEM, unit=root, kind="training", fmt="xlsx", params=params
            )
            assert job.status == ReportJob.Status.DONE, job.error

        runs = min(3, args.runs)
        times, ratios, _ = timed(job, runs, statement)
    rows.append(
        row(f"background job: queue, build the XLSX, save the file ({runs} runs)", times, ratios)
    )
    print(rows[-1], file=sys.stderr)
    connection.rollback()  # the classes, enrolments and jobs of the run
    rows.insert(
        0,
        row(
            "**baseline**: one hand-written statement (`REPORT_SQL`) of the figures split by "
            f"who attended ({len(BASELINE_TIMES)} runs)",
            BASELINE_TIMES,
            [1.0],
            f"{len(figures):,} rows",
        ),
    )

    db = connection.vendor
    version = (
        ".".join(str(v) for v in divmod(connection.pg_version, 10000)) if db == "postgresql" else ""
    )
    units, people = Unit.objects.count(), Person.objects.count()
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
            f"- Data: {units:,} units, {people:,} people, "
            f"{TrainingRecord.objects.count():,} training records ({counted:,} valid in {year}) "
            f"— `manage.py generate_national --people {people}`; for the run (rolled back "
            f"afterwards) the year's records also become {n_classes:,} classes with "
            f"{n_enrolments:,} enrolments (one class per organiser, form and month; a quarter "
            "for full-time cadres, a quarter for part-time cadres, the others for cadres and "
            f"members){'. ' + args.note if args.note else ''}",
            f"- Method: one warm-up, then the median of {args.runs} runs (seconds), each run "
            "right after one run of the baseline; × baseline = the median of the runs' ratios "
            "to the baseline run just before them (the load of the shared machine comes and "
            "goes). **Baseline**: `REPORT_SQL`, one "
            "hand-written statement of the figures the report splits by who attended (each "
            "attendance — record completed, or enrolment in a class — joined to the posts its "
            "person held on its day, grouped per attendance, then by category, organiser level, "
            "form and audience); its figures are checked to equal the selectors' (the run "
            "stops otherwise), and the XLSX's totals to equal the classes, enrolments and "
            "records of the year.",
            f"- Load average before the run: {load}",
            "",
            "| measure | median s | min s | max s | × baseline | note |",
            "|---|---:|---:|---:|---:|---|",
            *rows,
            "",
            "Each attendance's category (full-time, part-time, member: the posts held on the "
            "day, `training.selectors.by_attendee_category`) is worked out as the baseline "
            "does, in one statement joining the posts to the attendances and grouping per "
            "attendance; it was two correlated lookups per enrolment or record, which "
            "PostgreSQL ran one row at a time in the leader process. The rest of the report "
            "is what the baseline does not compute: the classes' splits by audience, form, "
            "level and topic with their distinct classes and people (`class_statistics`), the "
            "training completed by topic and its distinct people, and the cadres trained in "
            "basic union work (`basic_training`, the largest single query left).",
        ]
    )
    print(text)
    if not args.no_write:
        write_section(text)


if __name__ == "__main__":
    main()
