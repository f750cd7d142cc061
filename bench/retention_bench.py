"""Benchmark retention after training (issue 7) on national-scale data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_retention \\
        .venv/bin/python bench/retention_bench.py --people 200000

Uses its own database by default (it changes positions, see below): creates, migrates and
fills it with `generate_national` like run_bench.py when it does not hold that size. The
generated posts never end by leaving (the 2018–2023 seats end with the term), so a fixed
share of the current seats is ended — rotated, transferred or left — 1 to 30 months after
one of the person's training records (deterministic: by id), once (a database that already
has such ends is left as it is).

Then, warm, median of --runs: the figures of the confederation and of Hà Nội (totals, each
grouping, per unit below, the trend) straight from cadrework.retention, and the pages (figures
page, list behind the 12-month figure, its Excel export for Hà Nội) through Django's test
client against the login page in the same run. Prints a Markdown table (it does not write
docs/benchmarks.md); the query counts show that no figure loops over people."""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_retention")

MOVED_SHARE = 0.12  # of the current seats


def add_moves() -> int:
    """End a share of the current seats by leaving, after a training of the person (once)."""
    from django.db import connection, transaction

    from people.models import EndReason, Position
    from targets.windows import add_months
    from training.models import TrainingRecord

    reasons = [EndReason.ROTATED, EndReason.TRANSFERRED, EndReason.LEFT]
    already = Position.objects.filter(end_reason__in=reasons).count()
    if already:
        return already
    step = round(1 / MOVED_SHARE)
    seats = (
        Position.objects.filter(end_date__isnull=True, start_date__lte=dt.date(2024, 6, 1))
        .values_list("pk", "person_id", "start_date")
        .order_by("pk")
    )
    chosen = [
        (pk, person, start)
        for i, (pk, person, start) in enumerate(seats.iterator(5000))
        if i % step == 0
    ]
    first = dict(
        TrainingRecord.objects.filter(
            person_id__in=[p for _pk, p, _s in chosen],
            completed_on__gte=dt.date(2023, 6, 2),
            completed_on__lte=dt.date(2025, 6, 1),
            valid=True,
        )
        .order_by("person_id", "-completed_on")
        .values_list("person_id", "completed_on")
    )
    updates = [
        (max(add_months(first[person], 1 + pk % 30), start), reasons[pk % 3], pk)
        for pk, person, start in chosen
        if person in first
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE people_position SET end_date = %s, end_reason = %s WHERE id = %s", updates
        )
    return len(updates)


def timed(fn, runs: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()  # warm-up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        fn()
    return statistics.median(samples), len(captured.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from bench.run_bench import create_database, ensure_data

    create_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.test import Client

    from accounts.models import User
    from bench.national import PROVINCE_OFFICER
    from cadrework import retention
    from people.models import Person
    from training.models import TrainingRecord
    from units.models import Unit

    ensure_data(args.people, max(1, args.people // 7))
    moved = add_moves()
    day = dt.date(2026, 6, 1)
    start, end = retention.default_period(day)
    rows = []
    for code in ("TLD", "P001"):
        unit = Unit.objects.get(code=code)
        c = retention.Cohort(unit=unit, start=start, end=end, as_of=day)
        for label, fn in [
            ("totals", lambda c=c: retention.totals(c)),
            *[
                (f"by {by}", lambda c=c, by=by: retention.by_group(c, by))
                for by in retention.GROUPINGS
            ],
            ("per unit below", lambda c=c: retention.by_unit(c)),
            ("trend, 8 years", lambda c=c: retention.trend(c)),
            ("list behind 12 months, first 50", lambda c=c: list(retention.people(c, 12)[:50])),
        ]:
            ms, queries = timed(fn, args.runs)
            rows.append((f"{code}: {label}", ms, queries))
            print(f"{ms:9.1f} ms  {code} {label}", file=sys.stderr)
    client = Client()
    client.force_login(User.objects.get(username=PROVINCE_OFFICER))
    hanoi = Unit.objects.get(code="P001").pk
    period = f"from={start:%d/%m/%Y}&to={end:%d/%m/%Y}&on={day:%d/%m/%Y}"
    login_ms, _q = timed(lambda: Client().get("/login/"), args.runs)
    for label, url in [
        ("page: figures of Hà Nội", f"/cadrework/retention/?unit={hanoi}&{period}"),
        ("page: list behind 12 months", f"/cadrework/retention/people/?months=12&{period}"),
        (
            "page: that list as Excel",
            f"/cadrework/retention/people/?months=12&format=xlsx&{period}",
        ),
    ]:

        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200, url
            if response.streaming:
                b"".join(response.streaming_content)

        ms, queries = timed(get, args.runs)
        rows.append((f"{label} (×{ms / login_ms:.0f} login)", ms, queries))
        print(f"{ms:9.1f} ms  {label}", file=sys.stderr)
    print(
        f"\n{Person.objects.count():,} people, {TrainingRecord.objects.count():,} records, "
        f"{moved:,} seats ended by leaving; period {start:%d/%m/%Y}–{end:%d/%m/%Y}, as of "
        f"{day:%d/%m/%Y}; median of {args.runs} warm runs\n"
    )
    print("| measure | median (ms) | queries |\n|---|---:|---:|")
    for label, ms, queries in rows:
        print(f"| {label} | {ms:,.1f} | {queries} |")


if __name__ == "__main__":
    main()
