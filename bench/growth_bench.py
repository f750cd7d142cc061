"""How the main pages grow with the data: 50,000, 250,000 and 1,000,000 people (issue 22,
goal 7).

    .venv/bin/python bench/growth_bench.py

For each size the same pages are timed as the national, the provincial (Hà Nội) and the
grassroots officer of the sweep (bench/sweep_bench.py): the targets dashboard, the people
list, the people search (the htmx partial the search box asks for, with the commonest
surname), the unit tree, retention (page and API), evaluations (page and API), and — national
only — the confederation's yearly training-results report as bench/reports_bench.py builds it
(XLSX; the year's records turned into classes and enrolments inside a transaction rolled back
afterwards). Then one table: page × level against the three sizes, the growth from 50,000 to
1,000,000 people, and whether the row is flat (it reads stored figures, or a page along an
index) or grows with the data (it computes per request), and why.

Each size is measured by a process of its own (`--size N`: Django connects to one database
per process) on PostgreSQL:

- 50,000 and 250,000 people: `bench_growth_50k` and `bench_growth_250k`, created and filled
  by `generate_national --people N` when they do not hold that size (as run_bench.py does);
- 1,000,000 people: the `bench` database of run_bench.py, the sweep and the load test, read
  as it is: never generated here (the run stops if it does not hold 1,000,000 people).

Our own databases are then given what the sweep gives its own (today's targets snapshot and
the dashboard's year-ends, the sweep's objects in each level's unit, today's stored retention
figures, unit tree counts, training figures and evaluation figures — computed only where
missing); in the shared one they are only looked for (the sweep computes them there; the run
stops if one is missing). The API tokens and sessions of the run are deleted at its end.

Method as the sweep's: Django's test client, one warm-up, the median of --runs runs, the
queries and the slowest statement from one more run, the login page (anonymous) measured the
same way in the same run as the baseline, the load average at the start and the end (the
timing waits, up to --quiet-wait seconds, for a 1-minute load under --max-load). The machine
is shared, and its load moves the wall times from one size to the next: the growth verdict
is taken from the database's work instead, the blocks the request's statements read, counted
by running each again under EXPLAIN (ANALYZE, BUFFERS) — the same whatever the load. A page
answering anything but 200 stops the run. Each size's figures are kept in
bench/out/growth/<size>.json; `--sizes 50000,250000` measures those and takes the others
from the files of an earlier run (the table says when each column was measured). Writes its
section of docs/benchmarks.md (between the growth markers)."""

import argparse
import datetime as dt
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SIZES = (50_000, 250_000, 1_000_000)
DATABASES = {50_000: "bench_growth_50k", 250_000: "bench_growth_250k", 1_000_000: "bench"}
SHARED = "bench"  # run_bench.py's: read here, never generated
SERVER = "postgres://postgres@127.0.0.1:5432"
OUT = ROOT / "bench" / "out" / "growth"
LEVELS = ("national", "province", "grassroots")
SURNAME = "Nguyễn"  # the commonest: about four in ten people (bench/national.py)
# Growth from the smallest size to the largest: under FLAT the row reads what does not grow
# with the data; from LINEAR (a slope of 0.7 on a log-log scale, ×8 for ×20 people) it grows
# about as the data does.
FLAT, LINEAR = 2.0, 0.7
SQL_CHARS = 300

# What each page reads: why a row is flat (or, failing a word in GROWS, what grows).
PAGES = {
    "dashboard": ("targets dashboard `/targets/`", "reads today's targets snapshot"),
    "people": (
        "people list `/people/`",
        "a page of 50 along the name index; the count stops at 10,000",
    ),
    "search": (
        f"people search (htmx) `/people/?q={SURNAME}`",
        "a page of 50 matches along the name index (four in ten match); the count stops at 10,000",
    ),
    "units": ("unit tree `/units/`", "reads today's stored subtree counts"),
    "retention": ("retention `/cadrework/retention/`", "reads today's stored figures"),
    "retention-api": (
        "retention API `/api/v1/units/<unit>/retention`",
        "reads today's stored figures",
    ),
    "evaluations": (
        "evaluations `/cadrework/evaluations/`",
        "reads the year's stored figures (a grassroots union counts its few live); a page of 50",
    ),
    "evaluations-api": (
        "evaluations API `/api/v1/evaluations`",
        "a page of 50, a year at a time along the units' path index; the count stops at 10,000",
    ),
    "report": (
        "yearly report of the confederation (XLSX)",
        "computes per request: every valid record of the year and every enrolment in its "
        "classes, joined to the posts each person held that day, then grouped "
        "(reports.selectors)",
    ),
}

# Why a row that grows grows: what it computes per request (by page and level, or by page).
GROWS = {
    "report": PAGES["report"][1],
    ("people", "province"): "the count stops at 10,000 (`LIMIT 10001`), one block per "
    "person: it grows until the province holds 10,000 people (by 250k), then stays",
    "search": "the capped count reads people along the unit index until 10,001 match (about "
    "25,000 people, spread over more blocks as the table grows): bounded by the cap",
    ("units", "province"): "the rows it shows: one per unit directly below Hà Nội (3, 14 "
    "and 54 at the three sizes: the tree widens with the data), each with its stored counts",
    ("units", "grassroots"): "`small_tree()` counts every unit (`COUNT(*)` of units_unit, "
    "index only) in each request to choose stored or live counts; the rest is flat",
    ("retention", "province"): "the rows it shows: the stored figures of each unit directly "
    "below Hà Nội (3, 14, 54), read in one statement",
    ("retention-api", "province"): "the rows it returns: the stored figures of each unit "
    "directly below Hà Nội (3, 14, 54), read in one statement",
    "evaluations": "the stored figures are read by an index scan on (store, year) with the "
    "units as a filter: every stored unit's figures of the year are walked (47,000 rows at "
    "1M); the figures' table is never analysed here (autovacuum is off on this server, the "
    "store does not ANALYZE), so the planner expects one row",
    ("evaluations-api", "national"): "`_year_before`: `SELECT MAX(year)` over every "
    "evaluation, a full scan (no index on the year), most of the blocks at 1M",
    ("evaluations-api", "province"): "the count stops at 10,000 (`LIMIT 10001` over the "
    "province's evaluations by path), plus the full scan of `MAX(year)` as nationally",
}


# --- measuring one size (a process of its own) --------------------------------------------


def page_urls(user) -> list[tuple[str, str, dict]]:
    """(page, url, kind of headers) of the pages timed for `user`."""
    return [
        ("dashboard", "/targets/", "page"),
        ("people", "/people/", "page"),
        ("search", f"/people/?q={quote_plus(SURNAME)}", "htmx"),
        ("units", "/units/", "page"),
        ("retention", "/cadrework/retention/", "page"),
        ("retention-api", f"/api/v1/units/{user.unit_id}/retention", "api"),
        ("evaluations", "/cadrework/evaluations/", "page"),
        ("evaluations-api", "/api/v1/evaluations", "api"),
    ]


def prepare(size: int) -> tuple[float | None, list[str]]:
    """The data of this size (generated into our own databases when missing) and the stores
    the sweep computes: the generation's seconds, if any, and the stores marked changed. The
    shared database is only checked: data, the sweep's stores (stop if one is missing)."""
    from bench import run_bench
    from bench.sections import ensure_snapshots
    from bench.sweep_bench import (
        ensure_counts,
        ensure_evaluations,
        ensure_objects,
        ensure_retention,
        ensure_training_stores,
        officers,
    )
    from lib.dates import today

    day = today()
    if DATABASES[size] == SHARED:
        from cadrework.models import Evaluation
        from people.models import Person

        people = Person.objects.count()
        if people != size or not Evaluation.objects.exists():
            raise SystemExit(
                f"The {SHARED} database holds {people:,} people (wanted {size:,}, with "
                "evaluations): fill it with bench/run_bench.py first; it is not generated here."
            )
        missing, changed = shared_stores(day)
        if missing:
            raise SystemExit(
                f"The {SHARED} database has no {', '.join(missing)}: run bench/sweep_bench.py "
                "on it first (it computes them); they are not computed here."
            )
        return None, changed
    generated_in = run_bench.ensure_data(size, max(1, size // 7))
    ensure_snapshots(day)
    for line in ensure_objects(officers(), day):
        print(f"added: {line}", file=sys.stderr)
    ensure_retention(day)
    ensure_counts(day)
    ensure_training_stores(day)
    ensure_evaluations()
    return generated_in, []


def shared_stores(day: dt.date) -> tuple[list[str], list[str]]:
    """Of the stored figures the sweep computes (the conditions of its ensure_… functions),
    those the shared database lacks, and those it holds but marked changed since (the pages
    then count live: the table says so)."""
    from cadrework.models import EvaluationStore, RetentionStore
    from planning.models import NewCadreStore
    from targets import snapshots
    from training.models import BasicTrainingStore
    from units.models import CountStore

    missing = [
        f"targets snapshot of {point}"
        for point in [dt.date(y, 12, 31) for y in range(day.year - 4, day.year)] + [day]
        if snapshots.ready(point, start=False) is None
    ]
    changed = []
    for name, model, dated in (
        ("retention figures", RetentionStore, True),
        ("unit tree counts", CountStore, True),
        ("basic training figures", BasicTrainingStore, True),
        ("new cadres", NewCadreStore, True),
        ("evaluation figures", EvaluationStore, False),
    ):
        done = model.objects.filter(status=model.Status.DONE, **({"as_of": day} if dated else {}))
        if not done.exists():
            missing.append(f"{name} of {day}" if dated else name)
        elif not done.filter(changed_at__isnull=True).exists():
            changed.append(name)
    return missing, changed


def sessions(users: dict) -> dict:
    """A logged-in test client and the headers of each kind per level. The API token is a
    new one of the run's own (the sweep's or the load test's, if running, are left alone)."""
    from django.test import Client

    from accounts.models import ApiToken
    from accounts.testing import verify_client_session
    from accounts.twofactor import has_device

    made = {}
    for level, user in users.items():
        client = Client()
        client.force_login(user)
        # A user with a device is asked for its code even where the role does not require
        # one (accounts.twofactor.step_due): the session is verified with that device.
        if user.two_factor_required or has_device(user):
            verify_client_session(client, user)
        token, key = ApiToken.create_for(user)
        made[level] = {
            "client": client,
            "token": token,
            "headers": {
                "page": {},
                "htmx": {"HTTP_HX_REQUEST": "true"},
                "api": {"HTTP_AUTHORIZATION": f"Bearer {key}"},
            },
        }
    return made


def blocks_read(queries: list[dict]) -> tuple[int, int, str]:
    """The database's work for these statements, whatever the load of the shared machine:
    the blocks (8 KiB pages, from PostgreSQL's buffer cache or the disk, and of temporary
    files) each read, its parallel workers' included, as EXPLAIN (ANALYZE, BUFFERS) counts
    them running it again. Reads only (a session's or a token's update is not run again).
    Returns the total, and the blocks and text of the statement that read the most."""
    from django.db import connection

    total, most, heaviest = 0, 0, ""
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")) or "FOR UPDATE" in sql:
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
            found = cursor.fetchone()[0]
            plan = (json.loads(found) if isinstance(found, str) else found)[0]["Plan"]
            read = sum(
                plan.get(f"{kind} {how} Blocks", 0)
                for kind in ("Shared", "Local", "Temp")
                for how in ("Hit", "Read")
                if not (kind == "Temp" and how == "Hit")
            )
            total += read
            if read > most:
                most, heaviest = read, sql
    return total, most, heaviest


def shortened(sql: str) -> str:
    """A statement as the table shows it: its select list left out, one line, cut."""
    sql = " ".join(sql.split())
    sql = re.sub(r"^SELECT (DISTINCT )?.*? FROM ", r"SELECT \1… FROM ", sql, count=1)
    return sql[:SQL_CHARS] + ("…" if len(sql) > SQL_CHARS else "")


def captured(fn) -> list[dict]:
    """The statements one call of `fn` runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        fn()
    return list(context.captured_queries)


def work(queries: list[dict]) -> dict:
    total, most, heaviest = blocks_read(queries)
    return {"blocks": total, "heaviest_blocks": most, "heaviest_sql": shortened(heaviest)}


def timed_page(session: dict, url: str, kind: str, runs: int, unit_id: int) -> dict:
    """The sweep's measure, then the blocks its statements read; anything but 200 stops the
    run."""
    from bench.sweep_bench import fetch, measure

    headers = session["headers"][kind]
    timing = measure(session["client"], url, headers, runs, unit_id)
    if timing.status != 200 or timing.median_ms is None:
        raise SystemExit(f"{timing.url} answered {timing.status}: the growth table needs a 200")
    return {
        "url": timing.url,
        "ms": timing.median_ms,
        **work(captured(lambda: fetch(session["client"], timing.url, headers))),
        "queries": timing.queries,
        "slowest_ms": timing.slowest_ms,
        "slowest_sql": timing.slowest_sql,
    }


def timed_report(runs: int) -> dict:
    """The confederation's yearly training-results report of last year as reports_bench.py
    builds it (its classes made from the year's records in a transaction rolled back): one
    warm-up, the median of `runs` builds of the XLSX."""
    from django.db import connection, transaction

    from bench.reports_bench import CLASSES_SQL
    from reports.services import report_build
    from units.models import Unit

    root = Unit.objects.get(code="TLD")
    year = dt.date.today().year - 1
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)

    def build() -> int:
        built = report_build(kind="training", unit=root, params={"year": year}, fmt="xlsx")
        size = len(built.file.read())
        built.file.close()
        return size

    transaction.set_autocommit(False)
    try:
        with connection.cursor() as cursor:
            for sql in CLASSES_SQL:
                cursor.execute(sql, {"start": start, "end": end})
        build()  # warm-up
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            build()
            samples.append((time.perf_counter() - started) * 1000)
        read = work(captured(build))
    finally:
        connection.rollback()  # the run's classes and enrolments
        transaction.set_autocommit(True)
    return {
        "url": f"report 1, {year}",
        "ms": statistics.median(samples),
        **read,
        "queries": None,
    }


def wait_for_quiet(max_load: float, longest: float) -> float:
    """Wait until the 1-minute load average is under `max_load` (the machine is shared), at
    most `longest` seconds; the seconds waited. The load is recorded either way."""
    started = time.monotonic()
    while os.getloadavg()[0] >= max_load and time.monotonic() - started < longest:
        time.sleep(10)
    return time.monotonic() - started


def measure_size(
    size: int, runs: int, report_runs: int, max_load: float, quiet_wait: float
) -> dict:
    import django

    # Before Django starts, as the sweep itself: it names the media directory of its objects.
    import bench.sweep_bench  # noqa: F401

    django.setup()
    from django.db import connection
    from django.utils import translation

    from accounts.models import ApiToken
    from bench import run_bench
    from bench.sweep_bench import baseline, officers
    from people.models import Person

    if connection.vendor != "postgresql":
        raise SystemExit("The growth table is measured on PostgreSQL.")
    translation.activate("vi")
    generated_in, changed = prepare(size)
    users = officers()
    made = sessions(users)
    waited = wait_for_quiet(max_load, quiet_wait)
    load_start, started = os.getloadavg(), time.monotonic()
    try:
        base = baseline(runs)
        rows = []
        for level, user in users.items():
            for page, url, kind in page_urls(user):
                row = timed_page(made[level], url, kind, runs, user.unit_id)
                rows.append({"page": page, "level": level, **row})
                print(f"{row['ms']:10.1f} ms  {level:<10} {row['url']}", file=sys.stderr)
        row = timed_report(report_runs)
        rows.append({"page": "report", "level": "national", **row})
        print(f"{row['ms']:10.1f} ms  national   {row['url']}", file=sys.stderr)
    finally:
        # Leave the database as found: the run's tokens and sessions go.
        ApiToken.objects.filter(pk__in=[m["token"].pk for m in made.values()]).delete()
        for m in made.values():
            m["client"].logout()
    return {
        "size": size,
        "database": connection.settings_dict["NAME"],
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": run_bench.machine(),
        "data": run_bench.data_size(),
        "people": Person.objects.count(),
        "generated_in": generated_in,
        "changed_stores": changed,
        "runs": runs,
        "report_runs": report_runs,
        "baseline_ms": base,
        "load_start": load_start,
        "load_end": os.getloadavg(),
        "took": time.monotonic() - started,
        "waited": waited,
        "rows": rows,
    }


# --- the table ----------------------------------------------------------------------------


def growth(first: float, last: float, people: tuple[int, int]) -> tuple[float, float]:
    """The factor from the smallest size to the largest, and its slope on a log-log scale
    (1: grows as the people do)."""
    factor = last / first
    return factor, math.log(factor) / math.log(people[1] / people[0])


def verdict(factor: float, slope: float) -> str:
    if factor < FLAT:
        return "flat"
    if slope >= LINEAR:
        return "**~linear**"
    return "grows, sub-linear"


def _size(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k"


def _cell(row: dict | None) -> str:
    if row is None:
        return "–"
    queries = f" ({row['queries']})" if row["queries"] is not None else ""
    return f"{row['ms']:,.1f} / {_blocks(row['blocks'])}{queries}"


def _blocks(n: int) -> str:
    return f"{n / 1000:,.0f}k" if n >= 10_000 else f"{n:,}"


def report(results: list[dict]) -> str:
    sizes = [r["size"] for r in results]
    found = {(r["size"], row["page"], row["level"]): row for r in results for row in r["rows"]}
    span = f"{_size(sizes[0])}→{_size(sizes[-1])}"
    ratio = sizes[-1] // sizes[0]
    lines = [
        f"## Growth: the main pages at {', '.join(f'{n:,}' for n in sizes)} people "
        f"({dt.date.today():%d/%m/%Y})",
        "",
        "`bench/growth_bench.py` (see its docstring; `make bench`): the pages of issue 22's goal "
        "7 as the national administrator, Hà Nội's training officer and the training officer "
        "of a grassroots union of Hà Nội, on PostgreSQL, each size in a database of its own "
        "prepared as the sweep's (today's targets snapshot and the dashboard's year-ends, the "
        "retention, unit tree, training and evaluation figures stored as the daily jobs keep "
        "them).",
        "",
        "- Cells: wall ms / blocks read (queries). Wall: the median of the warm runs (one "
        "warm-up), on a shared 2-core machine (its load average below). Blocks: the 8 KiB "
        "pages the request's statements read (PostgreSQL's buffer cache, disk or temporary "
        "files), counted by running each again under `EXPLAIN (ANALYZE, BUFFERS)`: the "
        "database's work, which the machine's load does not change.",
        f"- Growth {span} (×{ratio} people) of the blocks read (× work) and of the wall time; "
        f"the verdict from the work: **flat** under ×{FLAT:g}; **~linear** from a slope of "
        f"{LINEAR} on a log-log scale (×{ratio**LINEAR:.0f}); in between, sub-linear.",
    ]
    for r in results:
        lines.append(
            f"- {_size(r['size'])} (`{r['database']}`, measured {r['date']}): {r['data']}; "
            f"login page (baseline) {r['baseline_ms']:.1f} ms; "
            f"load average (1, 5, 15 min) {_load(r['load_start'])} at the start, "
            f"{_load(r['load_end'])} at the end; {r['runs']} runs (the report: "
            f"{r['report_runs']})"
            + (
                f"; **stored {', '.join(r['changed_stores'])} marked changed: counted live**"
                if r.get("changed_stores")
                else ""
            )
            + (
                f"; waited {r['waited']:.0f} s for a quieter machine"
                if r.get("waited", 0) >= 1
                else ""
            )
        )
    lines += [
        f"- Machine: {results[-1]['machine']}",
        "",
        f"| page | level | {' | '.join(_size(n) for n in sizes)} | × work | × wall | verdict |",
        "|---|---|" + "---:|" * len(sizes) + "---:|---:|---|",
    ]
    growing = []
    for page, (label, reads) in PAGES.items():
        for level in LEVELS:
            cells = [found.get((n, page, level)) for n in sizes]
            if all(c is None for c in cells):
                continue
            first, last = cells[0], cells[-1]
            work_cell = wall_cell = said = "–"
            if first is not None and last is not None:
                factor, slope = growth(
                    max(first["blocks"], 1), max(last["blocks"], 1), (sizes[0], sizes[-1])
                )
                wall = last["ms"] / first["ms"]
                work_cell, wall_cell = f"×{factor:.1f}", f"×{wall:.1f}"
                said = verdict(factor, slope)
                if said == "flat":
                    said += f": {reads}"
                else:
                    why = GROWS.get((page, level)) or GROWS.get(page) or reads
                    said += f": {why}"
                    growing.append((label, level, last))
            lines.append(
                f"| {label} | {level} | {' | '.join(_cell(c) for c in cells)} | {work_cell} "
                f"| {wall_cell} | {said} |"
            )
    lines += _growing(growing, sizes[-1])
    return "\n".join(lines) + "\n"


def _growing(growing: list, largest: int) -> list[str]:
    if not growing:
        return ["", "Nothing grows with the data: every row reads stored figures or a page."]
    lines = [
        "",
        f"What grows: of each row that grows, the statement that reads the most at "
        f"{largest:,} people.",
        "",
    ]
    for label, level, row in growing:
        sql = row["heaviest_sql"].replace("`", "'")
        lines.append(
            f"- {label}, {level}: {row['ms']:,.0f} ms, {_blocks(row['blocks'])} blocks; "
            f"{_blocks(row['heaviest_blocks'])} in `{sql}`"
        )
    return lines


def _load(values) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


# --- the run ------------------------------------------------------------------------------


def run_size(size: int, args) -> None:
    """Measure one size in a process of its own (its own DATABASE_URL), niced."""
    env = {**os.environ, "DATABASE_URL": f"{args.server}/{DATABASES[size]}"}
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--size",
        str(size),
        "--runs",
        str(args.runs),
        "--report-runs",
        str(args.report_runs),
        "--max-load",
        str(args.max_load),
        "--quiet-wait",
        str(args.quiet_wait),
    ]
    print(f"--- {size:,} people ({DATABASES[size]})", file=sys.stderr)
    if subprocess.run(["nice", *command], env=env, check=False).returncode:
        raise SystemExit(f"The run of {size:,} people failed (see above).")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="Timed runs per page and level.")
    parser.add_argument("--report-runs", type=int, default=3, help="Timed builds of the report.")
    parser.add_argument(
        "--sizes",
        default=",".join(str(n) for n in SIZES),
        help="Sizes to measure now (the others from bench/out/growth/ of an earlier run).",
    )
    parser.add_argument(
        "--server", default=SERVER, help=f"PostgreSQL server of the databases ({SERVER})."
    )
    parser.add_argument(
        "--max-load",
        type=float,
        default=1.0,
        help="Before timing a size, wait for a 1-minute load average under this (1.0)…",
    )
    parser.add_argument(
        "--quiet-wait", type=float, default=300, help="… at most this many seconds (300)."
    )
    parser.add_argument("--size", type=int, choices=SIZES, help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true", help="Print, do not write docs.")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.size:  # one size, in the process run_size started
        from bench import run_bench

        url = os.environ["DATABASE_URL"]
        if DATABASES[args.size] != SHARED:
            run_bench.create_database(url)
        result = measure_size(
            args.size, args.runs, args.report_runs, args.max_load, args.quiet_wait
        )
        (OUT / f"{args.size}.json").write_text(json.dumps(result, indent=1))
        return
    wanted = [int(n) for n in args.sizes.split(",") if n]
    if unknown := set(wanted) - set(SIZES):
        raise SystemExit(f"Unknown sizes {sorted(unknown)}: the sizes are {SIZES}.")
    for size in wanted:
        run_size(size, args)
    missing = [n for n in SIZES if not (OUT / f"{n}.json").exists()]
    if missing:
        raise SystemExit(f"No figures for {missing}: measure them (--sizes).")
    results = [json.loads((OUT / f"{n}.json").read_text()) for n in SIZES]
    text = report(results)
    print(text)
    if not args.no_write:
        from bench.sections import write_section

        write_section(text, name="growth")


if __name__ == "__main__":
    main()
