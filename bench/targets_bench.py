"""Benchmark the targets engine on national-scale data (issue 4).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/targets_bench.py
    DATABASE_URL=sqlite:////tmp/b50k.sqlite3 .venv/bin/python bench/targets_bench.py --pages-only

Needs a database filled by `manage.py generate_national` (see bench/README.md). Measures:
- a full recompute of today's snapshot (`targets.snapshots.compute`) against one hand-written
  SQL statement that computes the same per-unit figures (own and subtree: eligible, met,
  overdue for every target in force) from the base tables — PostgreSQL only;
- the dashboard of the confederation and the drill-down to a province, an upper-grassroots
  union and a grassroots union, and the needs list (Django test client, warm, median of
  --runs), against the login page measured in the same run;
- the incremental update after one completed enrolment: a record with a qualifying topic is
  added for a chair who had none and the transaction commits; the time of the whole commit
  and of the refresh alone (median of --runs chairs).
Writes its section of docs/benchmarks.md (between the targets markers of the database)."""

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")


BASELINE_SQL = """
WITH tree AS (
  SELECT v.unit_id, v.path, v.depth, l.code AS level
  FROM units_unitversion v JOIN units_unitkind k ON k.id = v.kind_id
  JOIN units_unitlevel l ON l.id = k.level_id
  WHERE (v.valid_from IS NULL OR v.valid_from <= %(day)s)
    AND (v.valid_to IS NULL OR v.valid_to >= %(day)s)
), members AS (
  SELECT DISTINCT ON (unit_id) unit_id, member_count FROM units_unitfigures
  WHERE effective_on <= %(day)s ORDER BY unit_id, effective_on DESC
), held AS (
  SELECT p.id, p.person_id, p.unit_id, p.role_id, p.start_date, p.start_reason, p.full_time,
         r.code AS role, t.level, m.member_count,
         COALESCE(tm.start_date, p.start_date) AS window_from, tm.end_date AS term_end
  FROM people_position p JOIN tree t ON t.unit_id = p.unit_id
  JOIN people_role r ON r.id = p.role_id
  LEFT JOIN units_term tm ON tm.id = p.term_id
  LEFT JOIN members m ON m.unit_id = p.unit_id
  WHERE p.start_date <= %(day)s AND (p.end_date IS NULL OR p.end_date >= %(day)s)
), candidates AS (
  SELECT 'T-003-1' AS target, id, person_id FROM held h
   WHERE role IN ('chair', 'vice_chair', 'standing_member')
     AND level IN ('province', 'upper_grassroots') AND start_reason = 'elected'
     AND NOT EXISTS (SELECT 1 FROM people_position b WHERE b.person_id = h.person_id
                     AND b.unit_id = h.unit_id AND b.role_id = h.role_id
                     AND b.start_date < h.start_date)
  UNION ALL SELECT 'T-003-2', id, person_id FROM held
   WHERE full_time AND level IN ('confederation', 'province', 'upper_grassroots')
  UNION ALL SELECT 'T-003-3', id, person_id FROM held
   WHERE full_time AND level IN ('confederation', 'province', 'upper_grassroots')
  UNION ALL SELECT 'T-003-4a', id, person_id FROM held
   WHERE role = 'chair' AND level = 'grassroots' AND member_count >= 2500
  UNION ALL SELECT 'T-003-4b', id, person_id FROM held
   WHERE role = 'chair' AND level = 'grassroots' AND member_count >= 1000
     AND member_count < 2500
  UNION ALL SELECT 'T-003-4c', id, person_id FROM held
   WHERE role = 'chair' AND level = 'grassroots' AND member_count < 1000
), population AS (
  SELECT target, MIN(id) AS id FROM candidates GROUP BY target, person_id
), evaluated AS (
  SELECT pop.target, h.unit_id, h.window_from, h.term_end,
    EXISTS (
      SELECT 1 FROM training_trainingrecord r
      WHERE r.person_id = h.person_id AND r.valid AND r.completed_on <= %(day)s
        AND r.completed_on >= CASE WHEN pop.target = 'T-003-3'
                                   THEN date_trunc('year', %(day)s::date)::date
                                   ELSE h.window_from END
        AND (pop.target = 'T-003-3' OR EXISTS (
          SELECT 1 FROM training_trainingrecord_topics rt
          JOIN training_topic tp ON tp.id = rt.topic_id
          WHERE rt.trainingrecord_id = r.id AND tp.code = ANY(CASE
            WHEN pop.target = 'T-003-1' THEN ARRAY['union_general']
            WHEN pop.target = 'T-003-2' THEN ARRAY['union_theory', 'union_general',
              'labour_relations', 'labour_law', 'management_leadership', 'civil_service_rank']
            ELSE ARRAY['union_theory', 'union_general', 'soft_skills'] END)))
    ) AS met
  FROM population pop JOIN held h ON h.id = pop.id
), own AS (
  SELECT target, unit_id, COUNT(*) AS eligible, COUNT(*) FILTER (WHERE met) AS met,
    COUNT(*) FILTER (WHERE NOT met AND CASE
      WHEN target = 'T-003-1' THEN window_from <= (%(day)s::date - interval '2 years')::date
      WHEN target = 'T-003-3' THEN false
      ELSE term_end < %(day)s END) AS overdue
  FROM evaluated GROUP BY target, unit_id
)
SELECT own.target, anc.unit_id, SUM(own.eligible), SUM(own.met), SUM(own.overdue)
FROM own JOIN tree u ON u.unit_id = own.unit_id
CROSS JOIN LATERAL generate_series(1, u.depth + 1) AS g(n)
JOIN tree anc ON anc.path = substr(u.path, 1, 8 * g.n)
GROUP BY own.target, anc.unit_id
"""


def median_ms(values: list[float]) -> float:
    return round(statistics.median(values) * 1000, 1)


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def recompute_vs_sql(day: dt.date, runs: int) -> dict:
    from django.db import connection

    from targets import snapshots
    from targets.models import TargetFigure

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_SQL, {"day": day})
            return cursor.fetchall()

    baseline_rows = baseline()
    sql_times = timed(baseline, runs)
    compute_times = timed(lambda: snapshots.compute(day), runs)
    snapshot = snapshots.ready(day, start=False)
    stored = TargetFigure.objects.filter(snapshot=snapshot)
    agree = {(r[0], r[1]): tuple(r[2:]) for r in baseline_rows} == {
        (f.target.code, f.unit_id): (f.eligible, f.met, f.overdue)
        for f in stored.select_related("target")
        if f.target.code in CODES
    }
    return {"sql": sql_times, "compute": compute_times, "rows": len(baseline_rows), "agree": agree}


GOALS = (
    "goals of issue 4: dashboard and drill-down ≤ 200 ms on PostgreSQL at national scale "
    "and ≤ 300 ms on SQLite with 50,000 people; incremental update ≤ 50 ms; full "
    "recompute ≤ 1.5 × the hand-written SQL"
)
CODES = {"T-003-1", "T-003-2", "T-003-3", "T-003-4a", "T-003-4b", "T-003-4c"}


def pages(client, runs: int) -> list[tuple[str, str, float, float]]:
    from units.models import Unit

    province = Unit.objects.filter(depth=1).order_by("pk").first()
    upper = Unit.objects.filter(depth=2, path__startswith=province.path).order_by("pk").first()
    grassroots = Unit.objects.filter(depth=3, path__startswith=upper.path).order_by("pk").first()
    urls = [
        ("baseline: login page", "/login/"),
        ("dashboard of the confederation", "/targets/"),
        (f"drill-down: province ({province.code})", f"/targets/?unit={province.pk}"),
        (f"drill-down: upper-grassroots ({upper.code})", f"/targets/?unit={upper.pk}"),
        (f"drill-down: grassroots ({grassroots.code})", f"/targets/?unit={grassroots.pk}"),
        ("training-needs list, confederation", "/targets/needs/"),
    ]
    out = []
    for label, url in urls:
        client.get(url)  # warm-up (and computes the snapshot if missing)
        times = timed(lambda u=url: client.get(u), runs)
        out.append((label, url, median_ms(times), min(times) * 1000))
    return out


def incremental(runs: int) -> dict:
    from django.db import transaction

    from targets import snapshots
    from targets.engine import evaluated, person_targets
    from training.models import Form, Topic, TrainingRecord

    day = snapshots.today()
    target = next(t for t in person_targets(day) if t.code == "T-003-4c")
    chairs = list(
        evaluated(target, day).filter(met=False).values_list("person_id", "unit_id")[:runs]
    )
    topic = Topic.objects.get(code="union_theory")
    commits, refreshes = [], []
    for person_id, unit_id in chairs:
        started = time.perf_counter()
        with transaction.atomic():
            record = TrainingRecord.objects.create(
                person_id=person_id,
                title="Bồi dưỡng chủ tịch CĐCS (bench)",
                hours=16,
                completed_on=day,
                form=Form.choices[0][0],
            )
            record.topics.add(topic)
        commits.append(time.perf_counter() - started)
        started = time.perf_counter()
        snapshots.refresh_units([unit_id])  # nothing left to move: the cost of the refresh
        refreshes.append(time.perf_counter() - started)
    return {"commit": commits, "refresh": refreshes, "n": len(chairs)}


def write_section(text: str, vendor: str) -> None:
    start, end = f"<!-- targets-{vendor}:start -->", f"<!-- targets-{vendor}:end -->"
    path = ROOT / "docs" / "benchmarks.md"
    doc = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{start}\n{text.rstrip()}\n{end}"
    if start in doc:
        doc = doc[: doc.index(start)] + block + doc[doc.index(end) + len(end) :]
    else:
        doc = doc.rstrip() + "\n\n" + block + "\n"
    path.write_text(doc)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--pages-only", action="store_true")
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from accounts.testing import verify_client_session
    from people.models import Person, Position
    from training.models import TrainingRecord
    from units.models import Unit

    settings.ALLOWED_HOSTS = ["*"]
    settings.TARGETS_INLINE_UNITS = 10**9  # the bench computes snapshots in process
    from targets import snapshots

    day = snapshots.today()
    vendor = connection.vendor
    sizes = (
        f"{Unit.objects.count():,} units, {Person.objects.count():,} people, "
        f"{Position.objects.count():,} positions, "
        f"{TrainingRecord.objects.count():,} training records"
    )
    print(sizes)
    lines = [
        f"## Targets engine on {vendor} ({day:%d/%m/%Y})",
        "",
        f"- Machine: {os.cpu_count()} cores, Python {platform.python_version()}; data: {sizes}",
        f"- Command: `DATABASE_URL=… .venv/bin/python bench/targets_bench.py` ({GOALS})",
        "",
    ]
    if vendor == "postgresql" and not args.pages_only:
        runs = max(3, args.runs // 3)
        r = recompute_vs_sql(day, runs)
        sql, comp = median_ms(r["sql"]), median_ms(r["compute"])
        print("recompute", comp, "sql", sql, r["agree"])
        lines += [
            "### Full recompute against one hand-written SQL statement",
            "",
            "| measure | median ms | runs |",
            "|---|---:|---:|",
            f"| baseline: one SQL statement, per-unit own + subtree figures of the "
            f"{len(CODES)} targets in force ({r['rows']:,} rows) | {sql} | {runs} |",
            f"| full recompute (`snapshots.compute`, stored) | {comp} | {runs} |",
            "",
            f"Ratio recompute ÷ baseline: **{comp / sql:.2f}** (goal ≤ 1.5). "
            f"Figures identical to the baseline's: **{r['agree']}**.",
            "",
        ]
    user = User.objects.filter(unit__depth=0).order_by("pk").first()
    client = Client()
    client.force_login(user)
    if user.two_factor_required:  # an administrator's pages wait for a second factor
        verify_client_session(client, user)
    rows = pages(client, args.runs)
    base = rows[0][2]
    lines += [
        "### Pages (warm, median)",
        "",
        "| page | median ms | min ms | × baseline |",
        "|---|---:|---:|---:|",
    ]
    for label, url, med, low in rows:
        lines.append(f"| {label} `{url}` | {med} | {low:.1f} | {med / base:.1f} |")
        print(label, med)
    if not args.pages_only:
        inc = incremental(args.runs)
        lines += [
            "",
            "### Incremental update after one completed enrolment",
            "",
            f"A qualifying record added for {inc['n']} chairs who had none, one "
            "transaction each; the commit runs the refresh of today's snapshot.",
            "",
            "| measure | median ms |",
            "|---|---:|",
            f"| insert + commit + refresh of the unit and its ancestors | "
            f"{median_ms(inc['commit'])} |",
            f"| refresh alone (`snapshots.refresh_units`) | {median_ms(inc['refresh'])} |",
        ]
        print("incremental", median_ms(inc["commit"]), median_ms(inc["refresh"]))
    write_section("\n".join(lines) + "\n", vendor)


if __name__ == "__main__":
    main()
