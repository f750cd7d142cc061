"""Load test (issues 9 and 22): officers at four levels at once against `make serve` on
national-scale data, 50 of them (the goal), then 200 (where it bends).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/load_bench.py

(`make load`.) In order:

1. the national data set in the `bench` database, as `run_bench.py` makes it (reused when
   it already holds that size), plus the classes of the load run, for the organisers that
   have none yet: two classes this month (one running, one open for nominations) organised
   by the confederation, every province and national union, every upper-grassroots union
   and the load accounts' own grassroots unions, each with participants from the
   organiser's subtree (`LOAD-` codes, picked deterministically: the same classes on every
   database of the same size);
2. today's targets snapshot and the four year-ends the dashboard's charts read (the
   dashboard otherwise answers "being computed" and queues the work), and the stored
   figures the pages read as the daily jobs keep them — the unit tree's counts, basic
   training, new cadres, evaluations, retention — built with the sweep's functions
   (bench/sweep_bench.py) unless current; it stops if one is still not current;
3. the accounts (training officers; none a superuser) of the largest run at four levels —
   for 50 users 2 at the confederation, 8 provinces, 15 upper-grassroots and 25 grassroots
   unions; a larger run scales this mix and takes these first (see `choose_units`) — a
   bearer token each (previous ones deleted), and for each the ids it browses (people,
   units below, classes, plans, targets to allocate), written to a private temporary file
   the scenario (bench/load/locustfile.py) reads;
4. waits for a quiet machine (load average below --max-load, up to --quiet-wait seconds)
   before the unloaded pass, and again (a few minutes at most) before each load: other
   work on the machine would be measured too;
5. `make serve` on a loopback port, PRODUCTION=1, a fresh SECRET_KEY, ALLOWED_HOSTS=127.0.0.1,
   as behind a TLS proxy (SECURE_PROXY_SSL_HEADER; the scenario sends X-Forwarded-Proto);
6. the unloaded pass: every request type of every level alone, one request at a time;
7. for each size of --users (default 50, then 200) on the same server: locust headless,
   the officers + the baseline probe, spawned at 10 a second, a warm-up discarded
   (--warmup seconds, or 0.6 s per user when longer: every officer logs in then), then
   --duration seconds measured; CPU time of the web workers, PostgreSQL, the background
   worker and locust sampled from /proc meanwhile;
8. stops the server (Ctrl+C to its process group, as a terminal would) and writes a section
   of docs/benchmarks.md per run (`load` for the 50 users, `load-users-200` right after it).

Baseline: the login page (anonymous, no query), fetched by one extra user every 1-2 s during
the same load: the cost of any request through this server under this load. "× baseline"
divides a request type's p95 by the baseline's p95 measured in the same run; "unloaded" is
the same request type's median in step 6, also the same run. Goal (issue 22 §5): p95 ≤ 250
ms for each level, over every page request of its officers in the measured window (the
logins, once a day, are reported apart), and no error at all (warm-up included). The report
gives p95 per level, per part of the site × level and per request type × level (with the
number of requests of each cell), ⚠ over the goal; a larger run adds where it bends against
the 50 users: p95 per level, the level × request types it takes over the goal, the CPU."""

import argparse
import datetime as dt
import json
import os
import platform
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")

from bench import run_bench  # noqa: E402  (after sys.path)
from bench.sections import ensure_snapshots, write_section  # noqa: E402

LOCUSTFILE = ROOT / "bench" / "load" / "locustfile.py"
PASSWORD = "Load-bench@2026"
GOAL_P95_MS = 250
BASELINE = "baseline: login page"
# An officer's login (the form, then the POST: Argon2 by design, ~0.3 s of CPU) happens once
# a day, not between pages: timed, but not one of the pages the goal is about.
LOGINS = ("login form", "login")
NOT_PAGES = (BASELINE, *LOGINS)
LEVELS = ("national", "province", "upper", "grassroots")
MIX = (2, 8, 15, 25)  # the 50 users' officers per level
OFFICER_CLASSES = [
    "NationalOfficer",
    "ProvincialOfficer",
    "UpperGrassrootsOfficer",
    "GrassrootsOfficer",
]
# Provinces of every size (the CCCD codes of bench/national.py): the two big cities, a
# mid-size city, large and small provinces, north to south.
PROVINCES = ["P001", "P079", "P048", "P038", "P040", "P012", "P096", "P022"]
PARTICIPANTS = {0: 60, 1: 50, 2: 40}  # per class, by the organiser's depth; grassroots: 30
THINK_NOTE = {
    (3.0, 12.0): ": an officer reads a page for 10–30 s, but types a search or opens "
    "the next person of a list within seconds",
    (1.0, 5.0): ": a brisk clicking pace, like 125 officers reading at 7.5 s",
}


# --- 1-3: data, classes, snapshots, accounts ----------------------------------------------


def mix(users: int) -> dict[str, int]:
    """Officers per level for `users` in all: the 50 users' mix (2, 8, 15, 25) scaled, the
    rounding left to the grassroots."""
    counts = {
        level: max(1, round(n * users / 50)) for level, n in zip(LEVELS[:-1], MIX[:-1], strict=True)
    }
    counts["grassroots"] = max(1, users - sum(counts.values()))
    return counts


def choose_units(counts: dict[str, int]) -> dict[str, list]:
    """The units of the accounts, the same on every database of the same size. For the 50
    users: the confederation (2), eight provinces, the first upper-grassroots union of 15
    provinces, and 25 grassroots unions of 25 provinces and national unions (the one in the
    middle of each's code order, not always the first). A larger run takes these first, then
    more of the same kind: the other provinces and national unions in code order, the first
    upper-grassroots union of each other province then the second of each, and grassroots
    unions a third and two thirds of the way through the provinces' code order."""
    from units.models import Unit

    root = Unit.objects.get(depth=0)
    tops = list(Unit.objects.filter(depth=1).order_by("path"))
    provinces = list(Unit.objects.filter(code__in=PROVINCES).order_by("path"))
    provinces += [
        u for u in tops if u not in provinces and u.kind.code != "grassroots"
    ]  # a national union may be the grassroots union of itself
    uppers: list = []
    for rank in range(3):
        if len(uppers) >= counts["upper"]:
            break
        for top in tops:
            upper = (
                Unit.objects.filter(parent=top)
                .exclude(kind__code="grassroots")
                .order_by("code")[rank : rank + 1]
                .first()
            )
            if upper and upper not in uppers:
                uppers.append(upper)
    grassroots: list = []
    step = max(1, len(tops) // 25)
    for share in (2, 3, 1.5, 4, 1.2):  # the middle first (the 50 users'), then around it
        for top in tops[::step][:25] if share == 2 else tops:
            below = Unit.objects.filter(path__startswith=top.path, kind__code="grassroots")
            count = below.count()
            if count:
                unit = below.order_by("code")[int(count // share)]
                if unit not in grassroots:
                    grassroots.append(unit)
        if len(grassroots) >= counts["grassroots"]:
            break
    chosen = {
        "national": [root] * counts["national"],
        "province": provinces[: counts["province"]],
        "upper": uppers[: counts["upper"]],
        "grassroots": grassroots[: counts["grassroots"]],
    }
    for level, units in chosen.items():
        if len(units) < counts[level]:  # a small data set: two officers in one union
            print(f"{len(units)} {level} units for {counts[level]} officers", file=sys.stderr)
            chosen[level] = [units[i % len(units)] for i in range(counts[level])]
    return chosen


def ensure_classes(units: dict[str, list], day: dt.date) -> bool:
    """The load run's classes (see the module docstring) of the organisers that have none
    yet (a larger run's accounts add grassroots unions). Returns whether any were created."""
    from django.db import connection, transaction

    from training.models import Audience

    own = [u.pk for u in units["grassroots"]]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """CREATE TEMP TABLE load_organiser ON COMMIT DROP AS
               SELECT u.id, u.path, u.depth FROM units_unit u
               JOIN units_unitkind k ON k.id = u.kind_id
               WHERE ((u.depth <= 2 AND k.code <> 'grassroots') OR u.id = ANY(%s))
                 AND NOT EXISTS (SELECT 1 FROM training_trainingclass c
                                 WHERE c.organiser_id = u.id AND c.code LIKE 'LOAD-%%')""",
            [own],
        )
        if cursor.rowcount == 0:
            return False
        # Two classes per organiser: running since the 1st of the month, open for the next.
        cursor.execute(
            """INSERT INTO training_trainingclass (code, name, kind, form, start_date, end_date,
                 venue, hours, capacity, target_group, budget_planned, funding_source, status,
                 organiser_id, audience, auto_promote)
               SELECT 'LOAD-' || o.id || '-' || v.n, v.name, v.kind, v.form,
                      %(start)s::date + v.shift, %(start)s::date + v.shift + 4, 'Hội trường',
                      24, 100, 'Cán bộ công đoàn', 50000000, 'union', v.status, o.id,
                      %(audience)s, true
               FROM load_organiser o CROSS JOIN (VALUES
                 (1, 'Tập huấn nghiệp vụ công tác công đoàn', 'training', 'on_site',
                  'running', 0),
                 (2, 'Bồi dưỡng kỹ năng thương lượng tập thể', 'refresher', 'blended',
                  'open', 30)) AS v(n, name, kind, form, status, shift)""",
            {"start": day.replace(day=1), "audience": Audience.MIXED},
        )
        cursor.execute(
            """INSERT INTO training_trainingclass_topics (trainingclass_id, topic_id)
               SELECT c.id, (SELECT t.id FROM training_topic t ORDER BY t.rank, t.id
                             OFFSET c.id %% (SELECT COUNT(*) FROM training_topic) LIMIT 1)
               FROM training_trainingclass c JOIN load_organiser o ON o.id = c.organiser_id
               WHERE c.code LIKE 'LOAD-%%'""",
            [],
        )
        # Participants: people whose home unit is in the organiser's subtree, in an order
        # mixed by the class (a multiplicative hash), nominated by their own unit; the
        # running class's are accepted, a third of the open class's still nominated.
        cursor.execute(
            """INSERT INTO training_enrolment (status, reason, nominated_at, decided_at,
                 nominating_unit_id, person_id, training_class_id)
               SELECT CASE WHEN c.status = 'open' AND pick.n %% 3 = 0 THEN 'nominated'
                           ELSE 'accepted' END,
                      '', now(), CASE WHEN c.status = 'open' AND pick.n %% 3 = 0 THEN NULL
                                      ELSE now() END,
                      pick.unit_id, pick.id, c.id
               FROM training_trainingclass c JOIN units_unit o ON o.id = c.organiser_id
               CROSS JOIN LATERAL (
                 SELECT p.id, p.unit_id, row_number() OVER () AS n
                 FROM people_person p JOIN units_unit u ON u.id = p.unit_id
                 WHERE u.path LIKE o.path || '%%'
                 ORDER BY (p.id * 2654435761 + c.id) %% 4294967291
                 LIMIT CASE o.depth WHEN 0 THEN %(d0)s WHEN 1 THEN %(d1)s WHEN 2 THEN %(d2)s
                                    ELSE 30 END) AS pick
               WHERE c.code LIKE 'LOAD-%%' AND o.id IN (SELECT id FROM load_organiser)""",
            {f"d{depth}": n for depth, n in PARTICIPANTS.items()},
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE training_trainingclass, training_enrolment, training_trainingclass_topics"
        )
    return True


def ensure_accounts(units: dict[str, list], day: dt.date) -> dict:
    """The officers (created or reset: password, role, unit, not superuser), a fresh bearer
    token each, and what each browses (the scenario's accounts file)."""
    from django.contrib.auth.hashers import make_password
    from django.db.models import F, Q

    from accounts.models import ApiToken, User, UserRole
    from accounts.scope import scoped
    from people.models import Person
    from planning.models import Plan
    from targets.measures import allocatable_targets
    from training.selectors import classes_visible_to
    from units.models import Unit
    from units.selectors import version_on

    hashed = make_password(PASSWORD)
    accounts: dict[str, list[dict]] = {}
    for level, level_units in units.items():
        accounts[level] = []
        for n, unit in enumerate(level_units, start=1):
            user, _created = User.objects.get_or_create(username=f"load_{level}_{n:02d}")
            user.unit, user.role = unit, UserRole.TRAINING_OFFICER
            user.is_superuser, user.is_active = False, True
            user.first_name, user.last_name = "Cán bộ", f"{level} {n}"
            user.password = hashed  # hashed once: Argon2 costs ~0.3 s an account
            user.save()
            ApiToken.objects.filter(user=user).delete()
            token = ApiToken.issue(user)
            # People spread over the subtree: every k-th by id, not the first few.
            people = scoped(Person.objects.all(), user)
            total = people.count()
            step = max(1, total // 60)
            sample = [
                (pk, " ".join(part for part in names if part))
                for pk, *names in people.annotate(k=F("pk") % step)
                .filter(k=0)
                .order_by("pk")
                .values_list("pk", "family_name", "middle_name", "given_name")[:60]
            ]
            children = list(
                Unit.objects.filter(parent=unit)
                .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day))
                .order_by("code")
                .values_list("pk", flat=True)[:60]
            )
            classes = list(
                classes_visible_to(user)
                .filter(code__startswith="LOAD-")
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            classes = classes[:: max(1, len(classes) // 30)][:30]
            # The year's plans it may open (its own and those below), spread like the people.
            plans = list(
                scoped(Plan.objects.filter(year=day.year), user)
                .order_by("unit__path")
                .values_list("pk", flat=True)
            )
            plans = plans[:: max(1, len(plans) // 20)][:20]
            # The targets whose goal it may give to the units below (none without units below).
            node = version_on(unit, day)
            targets = [t.pk for t in allocatable_targets(node, day)] if node and children else []
            accounts[level].append(
                {
                    "username": user.username,
                    "password": PASSWORD,
                    "token": token,
                    "unit": unit.pk,
                    "unit_code": unit.code,
                    "people_in_scope": total,
                    "children": children,
                    "people": [pk for pk, _name in sample],
                    "names": [name for _pk, name in sample[::10]],
                    "classes": classes,
                    "plans": plans,
                    "targets": targets,
                }
            )
            if not classes or not sample:
                raise SystemExit(f"{user.username}: no class or no person to browse")
    return {"day": day.isoformat(), "accounts": accounts}


def data_size() -> dict:
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for label, sql in [
            ("units", "SELECT COUNT(*) FROM units_unit"),
            ("people", "SELECT COUNT(*) FROM people_person"),
            ("positions", "SELECT COUNT(*) FROM people_position"),
            ("training records", "SELECT COUNT(*) FROM training_trainingrecord"),
            ("classes", "SELECT COUNT(*) FROM training_trainingclass"),
            ("enrolments", "SELECT COUNT(*) FROM training_enrolment"),
            ("target figures", "SELECT COUNT(*) FROM targets_targetfigure"),
        ]:
            cursor.execute(sql)
            counts[label] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT pg_size_pretty(pg_database_size(current_database())), "
            "current_setting('shared_buffers'), current_setting('server_version')"
        )
        counts["size"], counts["shared_buffers"], counts["postgres"] = cursor.fetchone()
    return counts


# --- 4: a quiet machine --------------------------------------------------------------------


def wait_for_quiet(max_load: float, patience: int) -> tuple[float, bool]:
    """Poll the 1-minute load average until it is below max_load (at most `patience`
    seconds); returns the load average then, and whether it was quiet."""
    deadline = time.monotonic() + patience
    while True:
        load = os.getloadavg()[0]
        if load < max_load:
            return load, True
        if time.monotonic() > deadline:
            print(f"Machine still busy (load {load:.2f}): measuring anyway.", file=sys.stderr)
            return load, False
        print(
            f"load average {load:.2f} ≥ {max_load}: waiting for a quiet machine…", file=sys.stderr
        )
        time.sleep(20)


# --- 5 and 8: the server --------------------------------------------------------------------


def start_server(port: int, out: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "TEST_DATABASE_NAME"}}
    env.update(
        PRODUCTION="1",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        HOST="127.0.0.1",
        PORT=str(port),
        STATIC_ROOT=str(out / "static"),
        MEDIA_ROOT=str(out / "media"),
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        DEFAULT_FROM_EMAIL="daotao@congdoan.vn",
    )
    log = open(out / "serve.log", "w")  # noqa: SIM115 (open while the server runs)
    server = subprocess.Popen(
        ["make", "-s", "serve"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while True:
        if server.poll() is not None:
            raise SystemExit(f"make serve stopped:\n{(out / 'serve.log').read_text()}")
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/login/", headers={"X-Forwarded-Proto": "https"}
            )
            with urllib.request.urlopen(request, timeout=10) as page:
                if page.status == 200:
                    return server
        except (ConnectionError, urllib.error.URLError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            stop_server(server)
            raise SystemExit("make serve did not answer within 300 s")
        time.sleep(1)


def stop_server(server: subprocess.Popen) -> list[str]:
    """Ctrl+C to the server's own process group; returns what was left running (killed)."""
    os.killpg(server.pid, signal.SIGINT)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        pass
    time.sleep(1)
    leftover = subprocess.run(
        ["pgrep", "-s", str(server.pid)], capture_output=True, text=True
    ).stdout.split()
    if leftover:
        os.killpg(server.pid, signal.SIGKILL)
    return leftover


# --- 7: CPU and memory from /proc ------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def processes() -> dict[int, tuple[int, int, str, int]]:
    """pid → (ppid, cpu ticks, command line, resident KiB) of every readable process."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            rss = next(
                (
                    int(line.split()[1])
                    for line in (entry / "status").read_text().splitlines()
                    if line.startswith("VmRSS:")
                ),
                0,
            )
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        out[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]), cmd, rss)
    return out


def descendants(procs: dict, root: int) -> set[int]:
    found, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, (ppid, *_rest) in procs.items():
            if ppid == parent and pid not in found:
                found.add(pid)
                frontier.append(pid)
    return found


def machine_busy() -> tuple[int, int]:
    """(busy ticks, total ticks) of all CPUs since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class CpuSampler(threading.Thread):
    """Every 2 s: CPU ticks per group (web workers, background worker, PostgreSQL backends of
    the bench database, all PostgreSQL, locust) and the web workers' resident memory."""

    def __init__(self, server_pid: int, locust_pid: int, database: str):
        super().__init__(daemon=True)
        self.server_pid, self.locust_pid, self.database = server_pid, locust_pid, database
        self.stop = threading.Event()
        self.measuring = threading.Event()
        self.ticks: dict[str, dict[int, tuple[int, int]]] = {}  # group → pid → (first, last)
        self.machine: list[tuple[int, int]] = []
        self.started = self.ended = 0.0
        self.web_rss_peak = 0

    def groups(self, procs: dict) -> dict[str, set[int]]:
        server = descendants(procs, self.server_pid)
        return {
            "web (gunicorn)": {p for p in server if "gunicorn" in procs[p][2]},
            "background worker": {p for p in server if "db_worker" in procs[p][2]},
            # Backends are titled "postgres: 15/main: <user> <database> <client> <state>".
            "PostgreSQL, bench backends": {
                p
                for p, v in procs.items()
                if v[2].startswith("postgres:") and f" {self.database} " in v[2]
            },
            "PostgreSQL, all": {
                p
                for p, v in procs.items()
                if v[2].startswith("postgres:") or v[2].split(" ")[0].endswith("/postgres")
            },
            "locust": descendants(procs, self.locust_pid),
        }

    def run(self):
        while not self.stop.is_set():
            if self.measuring.is_set():
                procs = processes()
                if not self.started:
                    self.started = time.monotonic()
                for group, pids in self.groups(procs).items():
                    seen = self.ticks.setdefault(group, {})
                    for pid in pids:
                        first = seen.get(pid, (procs[pid][1], 0))[0]
                        seen[pid] = (first, procs[pid][1])
                rss = sum(procs[p][3] for p in self.groups(procs)["web (gunicorn)"])
                self.web_rss_peak = max(self.web_rss_peak, rss)
                self.machine.append(machine_busy())
                self.ended = time.monotonic()
            self.stop.wait(2)

    def summary(self) -> dict[str, float]:
        """Average CPU use over the sampled window, in cores (1.0 = one core busy)."""
        seconds = max(self.ended - self.started, 1e-9)
        out = {
            group: sum(last - first for first, last in pids.values()) / TICK / seconds
            for group, pids in self.ticks.items()
        }
        if len(self.machine) > 1:
            (busy0, total0), (busy1, total1) = self.machine[0], self.machine[-1]
            out["machine (all processes)"] = (
                (busy1 - busy0) / max(total1 - total0, 1) * (os.cpu_count() or 1)
            )
            # Whatever else ran meanwhile (other work on the machine, the kernel).
            out["everything else"] = max(
                0.0,
                out["machine (all processes)"]
                - sum(
                    value
                    for group, value in out.items()
                    if group not in {"PostgreSQL, bench backends", "machine (all processes)"}
                ),
            )
        return out


# --- 6 and 7: locust ---------------------------------------------------------------------------


def locust(
    out: Path,
    host: str,
    accounts_file: Path,
    name: str,
    classes: list[str],
    users: int,
    run_time: int,
    warmup: int,
    extra_env: dict | None = None,
    on_start=None,
) -> dict:
    env = dict(
        os.environ,
        LOAD_ACCOUNTS=str(accounts_file),
        LOAD_WARMUP=str(warmup),
        LOAD_SAMPLES=str(out / f"{name}-samples.json"),
        **(extra_env or {}),
    )
    command = [
        str(ROOT / ".venv" / "bin" / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        host,
        "-u",
        str(users),
        "-r",
        "10",
        "--run-time",
        f"{run_time}s",
        "--csv",
        str(out / name),
        "--only-summary",
        "--loglevel",
        "WARNING",
        *classes,
    ]
    with open(out / f"{name}.log", "w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        if on_start:
            on_start(process)
        process.wait(timeout=run_time + 600)
    samples_file = out / f"{name}-samples.json"
    if not samples_file.exists():
        raise SystemExit(f"locust wrote no samples:\n{(out / f'{name}.log').read_text()}")
    return json.loads(samples_file.read_text())


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (the value below which p % of the requests fall)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def stats(samples: list, duration: float) -> dict:
    times = [s[2] for s in samples]
    return {
        "requests": len(times),
        "failures": sum(1 for s in samples if s[3]),
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        "p99": percentile(times, 99),
        "max": max(times, default=0.0),
        "rps": len(times) / duration,
    }


# --- 9: the report -----------------------------------------------------------------------------


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import django

    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB RAM; Python "
        f"{platform.python_version()}, Django {django.get_version()}"
    )


# The report's parts of the site, by the start of a request type's name (the scenario's names).
AREAS = [
    ("targets", ("dashboard", "targets:")),
    ("people", ("people", "person")),
    ("units", ("unit",)),
    ("training", ("training:", "class")),
    ("planning", ("planning:",)),
    ("cadre work", ("cadre work:",)),
    ("API", ("API:",)),
]


def area(name: str) -> str:
    return next((label for label, starts in AREAS if name.startswith(starts)), "other")


def cell(samples: list) -> str:
    """p95 (requests) of a level's requests of one kind, ⚠ over the goal; – when none."""
    if not samples:
        return "–"
    p95 = percentile([s[2] for s in samples], 95)
    return f"{p95:,.0f}{' ⚠' if p95 > GOAL_P95_MS else ''} ({len(samples)})"


def level_p95(samples: list) -> dict[str, float]:
    officers = [s for s in samples if s[0] not in NOT_PAGES]
    return {level: percentile([s[2] for s in officers if s[4] == level], 95) for level in LEVELS}


def over_goal(samples: list) -> list[tuple[str, str, float, int]]:
    """(level, request type, p95, requests) of every level × request type over the goal,
    slowest first."""
    out = []
    for level in LEVELS:
        mine = [s for s in samples if s[4] == level and s[0] not in NOT_PAGES]
        for name in sorted({s[0] for s in mine}):
            times = [s[2] for s in mine if s[0] == name]
            if percentile(times, 95) > GOAL_P95_MS:
                out.append((level, name, percentile(times, 95), len(times)))
    return sorted(out, key=lambda o: -o[2])


def report(run: dict, earlier: dict | None = None) -> str:
    """The section of one run; `earlier` (the 50 users' run of the same invocation) makes it
    say where a larger run bends."""
    samples, solo, duration = run["samples"], run["solo"], run["duration"]
    officers = [s for s in samples if s[0] not in NOT_PAGES]
    logins = [s for s in samples if s[0] in LOGINS]
    base = stats([s for s in samples if s[0] == BASELINE], duration)
    total = stats(officers, duration)
    unloaded = {}
    for name in {s[0] for s in solo}:
        unloaded[name] = statistics.median(s[2] for s in solo if s[0] == name)
    failures = total["failures"] + base["failures"] + run["warmup_failures"]
    by_level = level_p95(samples)
    passed = all(v <= GOAL_P95_MS for v in by_level.values()) and failures == 0
    # Most requested first; ties by name, so that a rewrite gives the same table.
    names = sorted(
        {s[0] for s in officers}, key=lambda n: (-sum(1 for s in officers if s[0] == n), n)
    )
    users, n_users = run["users"], sum(run["users"].values())
    over = over_goal(samples)

    def row(label: str, st: dict, name: str | None) -> str:
        ratio = st["p95"] / base["p95"] if base["p95"] else 0
        alone = f"{unloaded[name]:.0f}" if name in unloaded else "–"
        flag = " ⚠" if st["p95"] > GOAL_P95_MS else ""
        return (
            f"| {label} | {st['requests']:,} | {st['failures']} | {st['p50']:.0f} | "
            f"{st['p95']:.0f}{flag} | {st['p99']:.0f} | {st['max']:.0f} | "
            f"{st['rps']:.2f} | {ratio:.1f} | {alone} |"
        )

    c, cpu = run["counts"], run["cpu"]
    title = (
        f"## Load: {n_users} officers at once on national-scale data, {run['think'][0]:g}–"
        f"{run['think'][1]:g} s between pages ({run['date']:%d/%m/%Y})"
    )
    if earlier is not None:
        title = (
            f"## Load: {n_users} officers at once — where it bends, {run['think'][0]:g}–"
            f"{run['think'][1]:g} s between pages ({run['date']:%d/%m/%Y})"
        )
    provinces = (
        "8 provincial (Hà Nội, Hồ Chí Minh, Đà Nẵng, Thanh Hóa, Nghệ An, Lai Châu, Cà Mau, "
        "Quảng Ninh)"
        if users["province"] == 8
        else f"{users['province']} provincial (Hà Nội, Hồ Chí Minh, Đà Nẵng, Thanh Hóa, Nghệ "
        "An, Lai Châu, Cà Mau, Quảng Ninh, then the other provinces and national unions in "
        "code order)"
    )
    lines = [
        title,
        "",
        "Produced by `bench/load_bench.py` (`make load`; scenario `bench/load/locustfile.py`,"
        " see their docstrings). Goal (issue 22 §5): p95 ≤ 250 ms for each level, national "
        "included, over every kind of page its officers open, and no error.",
        "",
        f"**{'PASS' if passed else 'FAIL'}**: p95 per level "
        + ", ".join(
            f"{level} {by_level[level]:,.0f} ms{' ⚠' if by_level[level] > GOAL_P95_MS else ''}"
            for level in LEVELS
        )
        + f" (goal ≤ {GOAL_P95_MS} ms each); all officers' requests together "
        f"{total['p95']:,.0f} ms over {total['requests']:,} requests; {failures} errors "
        f"(measured window {total['failures'] + base['failures']}, warm-up "
        f"{run['warmup_failures']} of {run['warmup_requests']:,} requests); "
        f"{total['rps']:.1f} requests/s. "
        + (
            f"{len(over)} level × request type over {GOAL_P95_MS} ms: "
            + "; ".join(f"{lv} {name} {p95:,.0f} ({n})" for lv, name, p95, n in over[:12])
            + ("; …" if len(over) > 12 else "")
            + "."
            if over
            else f"No level × request type over {GOAL_P95_MS} ms."
        ),
        "",
        f"- Machine: {machine()}; PostgreSQL {c['postgres']} (shared_buffers "
        f"{c['shared_buffers']}, default settings otherwise), database {c['size']}; "
        f"`make serve`: gunicorn {run['workers']} workers × 1 thread, the background worker; "
        "locust 2 on the same machine.",
        f"- Load average (1 min) before the run: {run['load_before']:.2f}"
        + ("" if run["quiet"] else " — **the machine was busy: figures not fair**")
        + f"; after: {run['load_after']:.2f}.",
        f"- Data: {c['units']:,} units, {c['people']:,} people, {c['positions']:,} positions, "
        f"{c['training records']:,} training records, {c['classes']:,} classes with "
        f"{c['enrolments']:,} enrolments, {c['target figures']:,} target figures "
        f"(5 snapshots) — `generate_national --people {run['people']:,}`"
        + (
            f", generated in {run['generated_in']:.0f} s by this run"
            if run["generated_in"]
            else ", generated by an earlier run"
        )
        + ".",
        f"- Stored figures (as the daily jobs keep them): {run['stores']}.",
        f"- Users: {n_users} training officers, each with their own account, logged in "
        f"through the login form: {users['national']} at the confederation, {provinces}, "
        f"{users['upper']} upper-grassroots, {users['grassroots']} grassroots; "
        f"{run['think'][0]:g}–{run['think'][1]:g} s think time "
        f"({sum(run['think']) / 2:g} s on average{THINK_NOTE.get(run['think'], '')}). Each "
        "opens every kind of page of its level (targets, people, units, training, planning, "
        "cadre work, the API), weighted per level (the scenario's `TASKS`); each page as a "
        "browser loads it (the dashboard's charts, a profile's four panels and a class's "
        "sessions are htmx requests of their own; the search is the htmx partial). One more "
        "user, anonymous, fetches the login page every 1–2 s: the baseline.",
        f"- Run: {run['spawn']}; {run['warmup']} s warm-up discarded (logins included), then "
        f"{duration:.0f} s measured. Percentiles are exact (every request's time), in ms; "
        "req/s over the measured window; × baseline = p95 ÷ the login page's p95 under the "
        f"same load ({base['p95']:.0f} ms; median {base['p50']:.0f} ms, "
        f"{base['requests']} requests); unloaded = the same request type's median fetched "
        "alone, one at a time, before the load (every level together). ⚠ marks a p95 over "
        "the goal; `p95 (n)` cells are of n requests — a level's cell of a few requests is "
        "close to its slowest one.",
        "",
        "By level (every request type together):",
        "",
        "| level | users | requests | failures | p50 | p95 | p99 | max | req/s | × baseline "
        "| unloaded p50 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for level in LEVELS:
        st = stats([s for s in officers if s[4] == level], duration)
        alone = [s[2] for s in solo if s[4] == level and s[0] not in NOT_PAGES]
        cells = row(level, st, None).split(" | ")
        cells[-1] = f"{statistics.median(alone):.0f} |" if alone else "– |"
        lines.append(" | ".join([cells[0], str(users[level]), *cells[1:]]))
    lines += [
        "",
        "By part of the site, p95 ms (requests):",
        "",
        "| part | " + " | ".join(LEVELS) + " | all levels |",
        "|---|" + "---:|" * (len(LEVELS) + 1),
    ]
    for label, _starts in AREAS:
        mine = [s for s in officers if area(s[0]) == label]
        if mine:
            lines.append(
                f"| {label} | "
                + " | ".join(cell([s for s in mine if s[4] == level]) for level in LEVELS)
                + f" | {cell(mine)} |"
            )
    lines += [
        "",
        "By request type: every level together, then p95 ms (requests) per level:",
        "",
        "| request | requests | failures | p50 | p95 | p99 | max | req/s | × baseline "
        "| unloaded p50 | " + " | ".join(LEVELS) + " |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + "---:|" * len(LEVELS),
        row("**all officers' requests**", total, None)
        + " "
        + " | ".join(cell([s for s in officers if s[4] == level]) for level in LEVELS)
        + " |",
    ]
    for name in names:
        mine = [s for s in officers if s[0] == name]
        lines.append(
            row(name, stats(mine, duration), name)
            + " "
            + " | ".join(cell([s for s in mine if s[4] == level]) for level in LEVELS)
            + " |"
        )
    lines.append(row(BASELINE, base, BASELINE) + " –" + " | –" * (len(LEVELS) - 1) + " |")
    if logins:
        lines += [
            "",
            f"Logins still under way in the measured window (not counted above): "
            f"{len(logins)} requests, p95 {percentile([s[2] for s in logins], 95):,.0f} ms.",
        ]
    lines += [
        "",
        "CPU over the measured window (cores busy on average; the machine has "
        f"{os.cpu_count()}): "
        + ", ".join(f"{group} {value:.2f}" for group, value in cpu.items())
        + f". Web workers' resident memory at most {run['web_rss_mb']:.0f} MB in all.",
    ]
    if earlier is not None:
        lines += ["", bends(run, earlier)]
    errors: dict[tuple[str, str], int] = {}
    for s in samples:
        if s[3]:
            errors[(s[0], s[5])] = errors.get((s[0], s[5]), 0) + 1
    if errors:
        lines += ["", "Errors of the measured window:", ""] + [
            f"- {count} × {name}: `{error}`"
            for (name, error), count in sorted(errors.items(), key=lambda e: -e[1])[:10]
        ]
    if run["slow"]:
        lines += [
            "",
            "Slowest request types alone (unloaded median, ms): "
            + ", ".join(f"{name} ({level}) {ms:,.0f}" for (level, name), ms in run["slow"])
            + ".",
        ]
    if run.get("notes"):
        lines += ["", run["notes"]]
    return "\n".join(lines)


def bends(run: dict, earlier: dict) -> str:
    """Where a larger run bends, against the 50 users' run of the same invocation: the
    throughput, p50 and p95 per level, the level × request types it takes over the goal, and
    the CPU it costs."""
    officers = {
        key: [s for s in r["samples"] if s[0] not in NOT_PAGES]
        for key, r in (("now", run), ("then", earlier))
    }
    now, then = level_p95(run["samples"]), level_p95(earlier["samples"])
    p50 = {
        key: {lv: percentile([s[2] for s in rows if s[4] == lv], 50) for lv in LEVELS}
        for key, rows in officers.items()
    }
    before = {(lv, name) for lv, name, _p95, _n in over_goal(earlier["samples"])}
    over = over_goal(run["samples"])
    new = [o for o in over if (o[0], o[1]) not in before]
    cells = len({(s[4], s[0]) for s in officers["now"]})
    n_now, n_then = sum(run["users"].values()), sum(earlier["users"].values())
    rps_now = len(officers["now"]) / run["duration"]
    rps_then = len(officers["then"]) / earlier["duration"]
    return (
        f"**Where it bends** ({n_then} → {n_now} users, ×{n_now / n_then:g}): the officers' "
        f"requests/s {rps_then:.1f} → {rps_now:.1f} (×{rps_now / max(rps_then, 1e-9):.1f}); "
        f"the machine's CPU {earlier['cpu'].get('machine (all processes)', 0):.2f} → "
        f"{run['cpu'].get('machine (all processes)', 0):.2f} of {os.cpu_count()} cores (web "
        f"workers {earlier['cpu'].get('web (gunicorn)', 0):.2f} → "
        f"{run['cpu'].get('web (gunicorn)', 0):.2f}, PostgreSQL "
        f"{earlier['cpu'].get('PostgreSQL, all', 0):.2f} → "
        f"{run['cpu'].get('PostgreSQL, all', 0):.2f}); p50 / p95 per level "
        + ", ".join(
            f"{lv} {p50['then'][lv]:,.0f} / {then[lv]:,.0f} → {p50['now'][lv]:,.0f} / "
            f"{now[lv]:,.0f} ms"
            for lv in LEVELS
        )
        + f". {len(over)} of {cells} level × request types over {GOAL_P95_MS} ms "
        f"({len(before)} with {n_then} users)"
        + (
            "; newly over, slowest first: "
            + "; ".join(f"{lv} {name} {p95:,.0f} ({n})" for lv, name, p95, n in new[:12])
            + ("; …" if len(new) > 12 else "")
            + "."
            if new
            else "."
        )
    )


def stores_ready(day: dt.date) -> dict[str, bool]:
    """Whether each store of precomputed figures the pages read is current (done, unchanged
    since): today's for those kept per day."""
    from cadrework.models import EvaluationStore, RetentionStore
    from planning.models import NewCadreStore
    from training.models import BasicTrainingStore
    from units.models import CountStore

    out = {}
    for label, model, dated in (
        ("unit tree counts", CountStore, True),
        ("basic training", BasicTrainingStore, True),
        ("new cadres", NewCadreStore, True),
        ("evaluations", EvaluationStore, False),
        ("retention", RetentionStore, True),
    ):
        current = model.objects.filter(status=model.Status.DONE, changed_at__isnull=True)
        out[label] = current.filter(as_of=day).exists() if dated else current.exists()
    return out


def ensure_stores(day: dt.date) -> str:
    """The stored figures the pages read, built as the daily jobs build them (the sweep's
    functions: bench/sweep_bench.py) unless current; what the report says of them."""
    from bench.sweep_bench import (
        ensure_counts,
        ensure_evaluations,
        ensure_retention,
        ensure_training_stores,
    )

    before = stores_ready(day)
    ensure_retention(day)
    ensure_counts(day)
    ensure_training_stores(day)
    ensure_evaluations()
    after = stores_ready(day)
    missing = [label for label, ok in after.items() if not ok]
    if missing:
        raise SystemExit(f"stored figures still not current: {', '.join(missing)}")
    built = [label for label, ok in before.items() if not ok]
    return (
        ", ".join(after)
        + f" current as of {day:%d/%m/%Y}"
        + (f" (built by this run: {', '.join(built)})" if built else " (already built)")
    )


def section_name(users: int, think: tuple) -> str:
    """The 50 users at the normal pace write `load`; another size or pace a section of its
    own (`load-users-200`, `load-think-1-5`)."""
    name = "load" + ("" if users == 50 else f"-users-{users}")
    return name + ("" if think == (3.0, 12.0) else "-think-" + "-".join(f"{t:g}" for t in think))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--grassroots", type=int, default=None)
    parser.add_argument(
        "--users",
        default="50,200",
        help="Officers at once: one load run each, in this order, on the same server "
        "(default 50,200: the goal's 50, then 200 to see where it bends). The mix of levels "
        "is the 50 users' (2, 8, 15, 25) scaled.",
    )
    parser.add_argument("--warmup", type=int, default=60, help="Seconds discarded.")
    parser.add_argument("--duration", type=int, default=180, help="Seconds measured.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--think",
        default="3,12",
        help="Seconds between an officer's pages: min,max (default 3,12).",
    )
    parser.add_argument(
        "--solo-repeat",
        type=int,
        default=3,
        help="Unloaded pass: rounds of every request type per level.",
    )
    parser.add_argument(
        "--max-load",
        type=float,
        default=0.7,
        help="Wait until the 1-minute load average is below this.",
    )
    parser.add_argument(
        "--quiet-wait", type=int, default=1200, help="Seconds to wait for a quiet machine at most."
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="Directory for locust's CSV files and the logs (default: a new temporary directory).",
    )
    parser.add_argument("--notes", default="", help="A paragraph added to the first report.")
    parser.add_argument(
        "--notes-more", default="", help="A paragraph added to the larger runs' reports."
    )
    parser.add_argument("--no-write", action="store_true", help="Print, do not write docs.")
    parser.add_argument(
        "--rewrite",
        type=Path,
        default=None,
        help="Write the sections again from an earlier run's directory (its runs.json, with "
        "--notes/--notes-more if given), without measuring anything.",
    )
    args = parser.parse_args()
    if args.rewrite:
        runs = json.loads((args.rewrite / "runs.json").read_text())
        for run in runs[:1]:
            run["notes"] = args.notes or run["notes"]
        for run in runs[1:]:
            run["notes"] = args.notes_more or run["notes"]
        write_reports(runs, args.no_write)
        return
    think = tuple(float(x) for x in args.think.split(","))
    sizes = [int(n) for n in args.users.split(",")]
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        raise SystemExit("The load test runs `make serve`, which needs PostgreSQL.")
    run_bench.require_bench_database(url)  # it adds the accounts with a known password
    out = args.out or Path(tempfile.mkdtemp(prefix="load-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o700)  # the accounts file holds passwords and tokens
    grassroots = args.grassroots or max(1, args.people // 7)
    run_bench.create_database(url)

    import django

    django.setup()
    from django.db import connection

    from lib.dates import today

    generated_in = run_bench.ensure_data(args.people, grassroots)
    day = today()
    mixes = {n: mix(n) for n in sizes}
    units = choose_units({level: max(m[level] for m in mixes.values()) for level in LEVELS})
    if ensure_classes(units, day):
        print("classes of the load run created", file=sys.stderr)
    ensure_snapshots(day)
    stores = ensure_stores(day)
    accounts = ensure_accounts(units, day)
    accounts_file = out / "accounts.json"
    accounts_file.write_text(json.dumps(accounts))
    counts = data_size()
    connection.close()

    host = f"http://127.0.0.1:{args.port}"
    print(f"Starting make serve on {host} (logs in {out})", file=sys.stderr)
    server = start_server(args.port, out)
    loads = []
    try:
        # Every pass on a quiet machine: the unloaded one first, then each load.
        load_before, quiet = wait_for_quiet(args.max_load, args.quiet_wait)
        print("unloaded pass…", file=sys.stderr)
        solo = locust(
            out,
            host,
            accounts_file,
            "solo",
            ["SoloWalker"],
            1,
            900,
            0,
            {"LOAD_SOLO_REPEAT": str(args.solo_repeat)},
        )
        for n in sizes:
            # Every officer logs in during the warm-up: ~0.6 s of a core a login (Argon2) on
            # two cores, with room, before the measured window.
            warmup = max(args.warmup, round(0.6 * n))
            load_before, quiet_now = wait_for_quiet(args.max_load, 300 if quiet else 60)
            print(
                f"load average {load_before:.2f}: {n} users for {warmup} + {args.duration} s…",
                file=sys.stderr,
            )
            sampler = CpuSampler(server.pid, 0, url.rsplit("/", 1)[1])

            def started(process, sampler=sampler, warmup=warmup):
                sampler.locust_pid = process.pid
                sampler.start()
                threading.Timer(warmup + 2, sampler.measuring.set).start()
                threading.Timer(warmup + args.duration - 1, sampler.stop.set).start()

            load = locust(
                out,
                host,
                accounts_file,
                f"load-{n}",
                [*OFFICER_CLASSES, "BaselineProbe"],
                n + 1,
                warmup + args.duration,
                warmup,
                {
                    "LOAD_THINK": args.think,
                    "LOAD_USERS": ",".join(str(mixes[n][level]) for level in LEVELS),
                },
                on_start=started,
            )
            sampler.stop.set()
            loads.append(
                (n, warmup, load, sampler, load_before, quiet and quiet_now, os.getloadavg()[0])
            )
    finally:
        leftover = stop_server(server)
    if leftover:
        print(f"make serve left processes running (killed): {leftover}", file=sys.stderr)
    log = (out / "serve.log").read_text()
    workers = log.count("Booting worker with pid")
    slow = sorted(
        (
            (
                (level, name),
                statistics.median(s[2] for s in solo["samples"] if s[0] == name and s[4] == level),
            )
            for level, name in {(s[4], s[0]) for s in solo["samples"] if s[4]}
            if name not in LOGINS
        ),
        key=lambda x: -x[1],
    )[:5]
    runs = []
    for n, warmup, load, sampler, load_before, quiet_run, load_after in loads:
        runs.append(
            {
                "date": day.isoformat(),
                "samples": load["samples"],
                "solo": solo["samples"],
                "duration": args.duration,
                "warmup": warmup,
                "warmup_failures": load["warmup_failures"],
                "warmup_requests": load["warmup_requests"],
                "counts": counts,
                "cpu": sampler.summary(),
                "web_rss_mb": sampler.web_rss_peak / 1024,
                "workers": workers,
                "load_before": load_before,
                "load_after": load_after,
                "quiet": quiet_run,
                "people": args.people,
                "generated_in": generated_in,
                "slow": slow,
                "spawn": f"{n + 1} users spawned at 10 a second",
                "notes": args.notes if not runs else args.notes_more,
                "think": think,
                "users": mixes[n],
                "stores": stores,
            }
        )
    # Everything the sections are written from: `--rewrite` writes them again from it.
    (out / "runs.json").write_text(json.dumps(runs))
    write_reports(runs, args.no_write)
    print(f"\nlocust CSV files and logs: {out}", file=sys.stderr)


def write_reports(runs: list[dict], no_write: bool = False) -> None:
    """The section of each run (see `report`); a run larger than 50 users is compared with
    the 50 users' run of the same invocation, when there is one."""
    first = None
    for run in runs:
        run["date"] = dt.date.fromisoformat(str(run["date"]))
        run["think"] = tuple(run["think"])
        run["slow"] = [(tuple(key), ms) for key, ms in run["slow"]]
        n = sum(run["users"].values())
        text = report(run, first if first is not None and n > 50 else None)
        first = first or (run if n == 50 else None)
        print(text + "\n")
        if not no_write:
            think = run["think"]
            write_section(text, section_name(n, think), after=section_name(50, think))


if __name__ == "__main__":
    main()
