"""Benchmark the unit tree and the people list on national-scale data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python bench/run_bench.py --people 1000000

Creates and migrates the database when needed and fills it with `generate_national` (the
database is dropped and re-created when it holds data of another size). Then each page is
fetched through Django's test client (no network, no server): one warm-up, the median of
--runs timed runs, the number of queries and the slowest one, and the peak of Python memory
allocated during one request (tracemalloc). The ratio compares each median with the login
page's median measured in the same run, so figures from different machines compare.
Writes docs/benchmarks.md; for a page slower than 1 s it also records the slowest query's
plan (EXPLAIN ANALYZE)."""

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")

SLOW_MS = 1000


def admin_connection(url: str):
    import psycopg

    return psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True)


def require_bench_database(url: str) -> None:
    """Stop unless `url` names a benchmark's own database (a PostgreSQL database or a SQLite
    file whose name starts with "bench", a SQLite file in a directory named bench — the
    sweep's ~/bench/sweep.sqlite3 — or one under /tmp): DATABASE_URL may be set to a real one
    in the shell, and the benchmarks drop databases and add accounts."""
    if url.startswith("postgres"):
        ok = url.rsplit("/", 1)[1].split("?")[0].startswith("bench")
    else:
        path = Path(url.removeprefix("sqlite:///").removeprefix("sqlite://"))
        ok = (
            path.name.startswith("bench")
            or path.parent.name == "bench"
            or str(path).startswith("/tmp/")
        )
    if not ok:
        raise SystemExit(
            f"Refusing to run a benchmark on {url}: its database must be named "
            "bench… (PostgreSQL) or be a SQLite file under /tmp."
        )


def create_database(url: str, drop: bool = False) -> None:
    """Make sure the bench database exists (dropping it first when asked): a PostgreSQL
    database, or a SQLite file (with its WAL files) and its directory."""
    require_bench_database(url)
    if not url.startswith("postgres"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        if drop:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = url.rsplit("/", 1)[1].split("?")[0]
    with admin_connection(url) as conn:
        if drop:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def ensure_data(people: int, grassroots: int, regenerate: bool = False) -> float | None:
    """Generate the data unless the database already holds exactly this size; returns the
    generation time in seconds, or None when the data was already there."""
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from bench.national import ADMIN
    from cadrework.models import Evaluation
    from people.models import Person
    from planning.models import Plan
    from training.models import TrainingRecord
    from units.models import Unit

    call_command("migrate", verbosity=0)
    # A database generated before the training records, evaluations and plans were added
    # is generated again.
    if (
        not regenerate
        and User.objects.filter(username=ADMIN).exists()
        and Person.objects.count() == people
        and Unit.objects.filter(kind__code="grassroots").count() == grassroots
        and TrainingRecord.objects.exists()
        and Evaluation.objects.exists()
        and Plan.objects.exists()
    ):
        print("Data of this size is already there: not generating.", file=sys.stderr)
        return None
    if Unit.objects.exists():
        connection.close()
        create_database(os.environ["DATABASE_URL"], drop=True)
        call_command("migrate", verbosity=0)
    started = time.monotonic()
    call_command("generate_national", people=people, grassroots=grassroots)
    return time.monotonic() - started


def measure(client, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up (and caches, as a real server would have them)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}: is the page there yet?")
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    # Read the captured queries now: the next request clears the connection's query log.
    queries = list(captured.captured_queries)
    slowest = max(queries, key=lambda q: float(q["time"]), default=None)
    tracemalloc.start()
    client.get(url)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    heavy = sorted(((float(q["time"]) * 1000, q["sql"]) for q in queries), reverse=True)
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "queries": len(queries),
        "peak_kib": peak / 1024,
        "slowest_ms": float(slowest["time"]) * 1000 if slowest else 0.0,
        "heavy": [(ms, sql) for ms, sql in heavy if ms >= 100][:3],
    }


def explain(sql: str) -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        return "(EXPLAIN ANALYZE is only recorded on PostgreSQL)"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def pages() -> list[tuple[str, str, str]]:
    """(label, who, url): `who` is anonymous, admin (national) or province (Hà Nội)."""
    from people.models import Role
    from units.models import Unit

    chair = Role.objects.get(code="chair").pk
    hanoi = Unit.objects.get(code="P001").pk
    return [
        ("baseline: login page", "anonymous", "/login/"),
        ("unit tree, national admin (the root and its 54 children)", "admin", "/units/"),
        ("unit tree as of 01/01/2024, national admin", "admin", "/units/?on=2024-01-01"),
        ("unit tree of Hà Nội, national admin", "admin", f"/units/?unit={hanoi}"),
        ("unit tree, provincial officer (Hà Nội)", "province", "/units/"),
        ("people list, national admin, first page", "admin", "/people/"),
        ("people list, search 'nguyen van'", "admin", "/people/?q=nguyen+van"),
        ("people list, full-time chairs", "admin", f"/people/?role={chair}&full_time=1"),
        ("people list, provincial officer (Hà Nội)", "province", "/people/"),
        ("people list, provincial officer, search 'tran thi'", "province", "/people/?q=tran+thi"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument(
        "--grassroots",
        type=int,
        default=None,
        help="Default: people / 7 (140,000 for 1,000,000 people).",
    )
    parser.add_argument("--runs", type=int, default=9, help="Timed runs per page (≥ 7).")
    parser.add_argument(
        "--regenerate",
        action="store_true",
        help="Re-create the database and its data even if the size matches.",
    )
    args = parser.parse_args()
    grassroots = args.grassroots or max(1, args.people // 7)
    create_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.test import Client

    from accounts.models import User
    from accounts.testing import verify_client_session
    from bench.national import ADMIN, PROVINCE_OFFICER

    generated_in = ensure_data(args.people, grassroots, args.regenerate)
    clients = {"anonymous": Client(), "admin": Client(), "province": Client()}
    clients["admin"].force_login(User.objects.get(username=ADMIN))
    # The administrator's pages wait for a second factor: this session has given it.
    verify_client_session(clients["admin"], User.objects.get(username=ADMIN))
    clients["province"].force_login(User.objects.get(username=PROVINCE_OFFICER))
    results = []
    for label, who, url in pages():
        result = measure(clients[who], url, max(args.runs, 7))
        print(f"{result['median']:9.1f} ms  {url}", file=sys.stderr)
        results.append((label, url, result))
    write_report(results, max(args.runs, 7), generated_in)


def machine() -> str:
    from django.db import connection

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    database = connection.vendor
    if database == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    import django

    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB RAM; {database}; "
        f"Python {platform.python_version()}, Django {django.get_version()}"
    )


def data_size() -> str:
    from people.models import Person, Position
    from training.models import TrainingRecord
    from units.models import Unit

    units = Unit.objects.count()
    grassroots = Unit.objects.filter(kind__code="grassroots").count()
    return (
        f"{units:,} units ({grassroots:,} grassroots), {Person.objects.count():,} people, "
        f"{Position.objects.count():,} positions, "
        f"{TrainingRecord.objects.count():,} training records"
    )


def write_report(results: list, runs: int, generated_in: float | None) -> None:
    baseline = results[0][2]["median"]
    generated = (
        f"generated in {generated_in:.0f} s by this run"
        if generated_in is not None
        else "generated by an earlier run"
    )
    lines = [
        "# Benchmarks",
        "",
        "Produced by `bench/run_bench.py` (see its docstring); the figures are this "
        "machine's — re-run to refresh. Ratio = the page's median ÷ the baseline's median "
        "in the same run.",
        "",
        f"## Unit tree and people list on national-scale data ({dt.date.today():%d/%m/%Y})",
        "",
        f"- Machine: {machine()}",
        f"- Data: {data_size()} — `manage.py generate_national`, {generated}",
        f"- Method: Django test client, logged in with `force_login`; one warm-up, then the "
        f"median of {runs} runs. Queries and the slowest query come from one more run, peak "
        "Python memory (tracemalloc) from another.",
        "",
        "| page | median ms | min ms | × baseline | queries | slowest query ms | peak memory KiB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, url, r in results:
        lines.append(
            f"| {label} `{url}` | {r['median']:.1f} | {r['min']:.1f} | "
            f"{r['median'] / baseline:.1f} | {r['queries']} | {r['slowest_ms']:.1f} | "
            f"{r['peak_kib']:,.0f} |"
        )
    lines += slow_pages(results)
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def slow_pages(results: list) -> list[str]:
    """The plans of the heavy queries (≥ 100 ms) of every page over SLOW_MS."""
    slow = [(label, url, r) for label, url, r in results if r["median"] > SLOW_MS]
    if not slow:
        return ["", f"Every page answers in under {SLOW_MS / 1000:.0f} s."]
    lines = ["", f"## Pages over {SLOW_MS / 1000:.0f} s: their heavy queries", ""]
    for label, url, r in slow:
        lines += [f"### {label} `{url}` — median {r['median']:.0f} ms", ""]
        for ms, sql in r["heavy"]:
            lines += [f"{ms:.0f} ms:", "", "```sql", sql, "```", "", "```", explain(sql), "```", ""]
    return lines


if __name__ == "__main__":
    main()
