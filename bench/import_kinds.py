"""The other kinds of import, benchmarked like the participants (bench/import_bench.py, which
runs these phases with `--kind people|records|units|employers|all`).

Per kind, on a fresh database (SQLite file, or the PostgreSQL database named by
BENCH_IMPORT_DB, created and dropped by import_bench), each phase in a fresh process:

- people: N rows (default 10,000) in the people template's columns, one post each (chair,
  vice-chairs, standing and executive members, inspection committee, union-group leader and
  deputies: 20 posts per grassroots unit, one holder of each sole post), half of them people
  already stored (matched by citizen ID, no post yet), half new to the system;
- records: N rows (default 100,000) of training done elsewhere, two per stored person, with
  one or two topics each;
- units: N rows (default 5,000) of new grassroots unions under 5 district federations, with
  member and worker counts;
- employers: N rows (default 10,000) of the enterprise register, a tax code each, the area
  union a district federation, one in three with its grassroots union.

Baseline, same run, same file: python_calamine to rows, codes and citizen IDs to ids in a few
queries, the kind's main rows inserted with lib.bulk.insert_rows (COPY / executemany) and
committed — no checks, no history (deleted after, untimed). Import: `job_create` (the check,
rolled back) + `job_commit`, timed; the job must end "done" having created every row. The
history entries (audit log) the import wrote are counted."""

import datetime as dt
import io
import os
import platform
import random
import time
import uuid
from pathlib import Path

SEED = 2026
OFFICER = "bench_import_officer"
GOAL_ROWS_PER_S = 5000
GOAL_RSS_MB = 500
DEFAULT_ROWS = {
    "participants": 100_000,
    "people": 10_000,
    "records": 100_000,
    "units": 5_000,
    "employers": 10_000,
}
WHAT = {
    "people": "people with a post each (half new, half stored)",
    "records": "external training records",
    "units": "grassroots units with member counts",
    "employers": "employers (enterprise register)",
}
# 20 posts of a grassroots union, as the people template names them.
POSTS = (
    ("chair", 1),
    ("vice_chair", 2),
    ("standing_member", 3),
    ("executive_member", 8),
    ("inspection_chair", 1),
    ("inspection_member", 2),
    ("group_leader", 1),
    ("group_deputy", 2),
)
PER_UNIT = sum(n for _r, n in POSTS)


def marks(kind: str) -> tuple[str, str]:
    return f"<!-- import-{kind}:start -->", f"<!-- import-{kind}:end -->"


def rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    """CPU seconds of this process and of the children it has waited for (the file's reader):
    on a shared machine, the import's own work, whatever the others' load makes of its wall
    time. The database server's time is not in it."""
    import resource

    return sum(
        u.ru_utime + u.ru_stime
        for u in (
            resource.getrusage(resource.RUSAGE_SELF),
            resource.getrusage(resource.RUSAGE_CHILDREN),
        )
    )


# -- the world each kind imports into --------------------------------------------------------


def world(grassroots: int) -> dict:
    """A confederation, a province, 5 districts, `grassroots` unions under them, and the
    province's training officer, who imports."""
    from accounts.access import SYSTEM
    from accounts.models import User, UserRole
    from demo import names
    from units.models import UnitKind
    from units.services import unit_create

    founded = dt.date(2000, 1, 1)
    kinds = {k.code: k for k in UnitKind.objects.all()}
    root = unit_create(
        user=SYSTEM,
        code="TLD",
        name="Tổng Liên đoàn Lao động Việt Nam",
        kind=kinds["confederation"],
        parent=None,
        founded_on=founded,
    )
    province = unit_create(
        user=SYSTEM,
        code="P001",
        name="Liên đoàn Lao động thành phố Hà Nội",
        kind=kinds["provincial_federation"],
        parent=root,
        founded_on=founded,
    )
    districts = [
        unit_create(
            user=SYSTEM,
            code=f"P001-{d:02d}",
            name=f"Liên đoàn Lao động quận {d}",
            kind=kinds["district_federation"],
            parent=province,
            founded_on=founded,
        )
        for d in range(1, 6)
    ]
    trades = names.COMPANY_TRADES
    units = [
        unit_create(
            user=SYSTEM,
            code=f"P001-{1 + g % 5:02d}-{g:04d}",
            name=f"Công đoàn Công ty {trades[g % len(trades)]} số {g}",
            kind=kinds["grassroots"],
            parent=districts[g % 5],
            sector="non_state" if g % 4 else "state",
            founded_on=founded,
        )
        for g in range(1, grassroots + 1)
    ]
    User.objects.create_user(
        username=OFFICER, password=None, unit=province, role=UserRole.TRAINING_OFFICER
    )
    return {"districts": districts, "grassroots": units, "kinds": kinds}


def make_people(rng, units, count: int, first: int = 0, per_unit: int | None = None) -> list:
    """`count` people (unsaved) with distinct 12-digit citizen IDs; `per_unit` consecutive
    people in each unit, else spread at random."""
    from demo import names
    from people.models import Gender, Person

    family, weights = zip(*names.FAMILY_NAMES, strict=True)
    out = []
    for n in range(first, first + count):
        female = rng.random() < 0.5
        middles, givens = (
            (names.FEMALE_MIDDLE, names.FEMALE_GIVEN)
            if female
            else (names.MALE_MIDDLE, names.MALE_GIVEN)
        )
        born = dt.date(1965 + rng.randrange(35), 1 + rng.randrange(12), 1 + rng.randrange(28))
        century = (1 if born.year < 2000 else 3) - (0 if female else 1)
        unit = units[(n - first) // per_unit] if per_unit else units[rng.randrange(len(units))]
        p = Person(
            family_name=rng.choices(family, weights)[0],
            middle_name=rng.choice(middles),
            given_name=rng.choice(givens),
            gender=Gender.FEMALE if female else Gender.MALE,
            birth_date=born,
            citizen_id=f"001{century}{born.year % 100:02d}{n:06d}",
            unit=unit,
        )
        p.fill_keys()
        out.append(p)
    return out


def store(model, objects: list) -> None:
    for i in range(0, len(objects), 5000):
        model.objects.bulk_create(objects[i : i + 5000], batch_size=2000)


def insert(model, fields: tuple[str, ...], rows) -> None:
    """lib.bulk.insert_rows, with the model's other required columns given what the ORM
    would give them: the default, "" for text, today for an auto date."""
    from django.utils import timezone

    from lib.bulk import insert_rows

    extra, values = [], []
    for f in model._meta.concrete_fields:
        if f.name in fields or f.primary_key or f.null:
            continue
        if f.has_default():
            value = f.get_default()
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = timezone.now() if f.get_internal_type() == "DateTimeField" else dt.date.today()
        elif f.get_internal_type() in ("CharField", "TextField", "FileField", "EmailField"):
            value = ""
        else:
            continue
        extra.append(f.name)
        values.append(value)
    insert_rows(model, (*fields, *extra), ((*row, *values) for row in rows))


# -- files -----------------------------------------------------------------------------------


def xlsx(columns, rows: list[dict], title: str) -> bytes:
    """The template's columns under a merged title and a blank line; dates as Excel dates,
    codes and citizen IDs as text, counts as numbers."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "constant_memory": True, "strings_to_numbers": False}
    )
    sheet = book.add_worksheet("Danh sách")
    bold = book.add_format({"bold": True, "align": "center"})
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    text = book.add_format({"num_format": "@"})
    keys = [c.key for c in columns]
    sheet.merge_range(0, 0, 0, len(keys) - 1, title, bold)
    sheet.write_row(2, 0, [c.label for c in columns], bold)
    for r, values in enumerate(rows, 3):
        for c, key in enumerate(keys):
            value = values.get(key)
            if value is None:
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, value, date)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value, text)
    book.close()
    return buffer.getvalue()


def read(path: Path) -> list[dict]:
    """The baseline's read: the sheet's rows as dicts by header (python_calamine)."""
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    header = sheet[2]
    return [dict(zip(header, row, strict=False)) for row in sheet[3:]]


# -- people ----------------------------------------------------------------------------------


def setup_people(rows: int, work: Path) -> dict:
    from lib.choices import vietnamese_label
    from people.models import Gender, Person, Role
    from people.sheets import columns

    rng = random.Random(SEED)
    units = world(max(1, rows // PER_UNIT))["grassroots"]
    half = rows // 2
    # Per unit: 10 stored people then 10 new ones, each holding one of its 20 posts.
    per_unit_stored, per_unit_new = PER_UNIT // 2, PER_UNIT - PER_UNIT // 2
    stored = make_people(rng, units, half, 0, per_unit_stored)
    store(Person, stored)
    new = make_people(rng, units, rows - half, half, per_unit_new)
    roles = {r.code: r.name for r in Role.objects.all()}
    posts = [code for code, n in POSTS for _i in range(n)]
    file_rows = []
    for u, unit in enumerate(units):
        holders = (
            stored[u * per_unit_stored : (u + 1) * per_unit_stored]
            + new[u * per_unit_new : (u + 1) * per_unit_new]
        )
        for i, p in enumerate(holders):
            file_rows.append(
                {
                    "full_name": p.full_name,
                    "birth_date": p.birth_date,
                    "gender": vietnamese_label(Gender, p.gender),
                    "citizen_id": p.citizen_id,
                    "unit": unit.code,
                    "unit_name": unit.name,
                    "role": roles[posts[i]],
                    "full_time": "Có" if posts[i] == "chair" else "Không",
                    "start_date": dt.date(2023, 1 + i % 12, 1 + u % 28),
                }
            )
    return {"file_rows": file_rows, "columns": columns(), "expect": {"people_created": len(new)}}


def baseline_people(path: Path) -> tuple[int, dict]:
    """New people inserted, then one position per row."""
    from lib.bulk import reserve_ids
    from lib.vntext import split_full_name
    from people.models import Person, Position, Role
    from units.models import Unit

    table = read(path)
    units = dict(Unit.objects.values_list("code", "pk"))
    roles = dict(Role.objects.values_list("name", "pk"))
    known = dict(Person.objects.values_list("citizen_id", "pk"))
    new = [r for r in table if r["Số CCCD"] not in known]
    for r, pk in zip(new, reserve_ids(Person, len(new)), strict=True):
        known[r["Số CCCD"]] = pk
    people = []
    for r in new:
        family, middle, given = split_full_name(r["Họ và tên"])
        people.append(
            (
                known[r["Số CCCD"]],
                family,
                middle,
                given,
                "male",
                r["Số CCCD"],
                units[r["Mã đơn vị"]],
            )
        )
    insert(
        Person,
        ("id", "family_name", "middle_name", "given_name", "gender", "citizen_id", "unit"),
        people,
    )
    insert(
        Position,
        (
            "person",
            "unit",
            "role",
            "full_time",
            "start_date",
            "first_time_on_committee",
            "start_reason",
            "end_reason",
        ),
        (
            (
                known[r["Số CCCD"]],
                units[r["Mã đơn vị"]],
                roles[r["Chức vụ"]],
                False,
                r["Ngày bắt đầu"],
                False,
                "elected",
                "",
            )
            for r in table
        ),
    )
    return len(table), {Person: len(new), Position: len(table)}


# -- records ---------------------------------------------------------------------------------

TITLES = (
    "Bồi dưỡng lý luận chính trị trung cấp",
    "Quản lý nhà nước chương trình chuyên viên",
    "Kỹ năng thương lượng tập thể",
    "Nghiệp vụ công tác kiểm tra công đoàn",
    "Pháp luật lao động và an toàn vệ sinh lao động",
    "Kỹ năng lãnh đạo, quản lý cấp cơ sở",
)


def setup_records(rows: int, work: Path) -> dict:
    from imports.records import columns
    from lib.choices import vietnamese_label
    from people.models import Person
    from training.models import Form, Topic

    rng = random.Random(SEED)
    units = world(max(1, rows // 200))["grassroots"]
    people = make_people(rng, units, rows // 2)
    store(Person, people)
    topics = [t.name for t in Topic.objects.order_by("pk")[:8]]
    forms = [vietnamese_label(Form, f) for f in (Form.ON_SITE, Form.IN_SERVICE, Form.ONLINE)]
    file_rows = []
    for n in range(rows):
        p = people[n // 2]
        file_rows.append(
            {
                "full_name": p.full_name,
                "birth_date": p.birth_date,
                "citizen_id": p.citizen_id,
                "unit": p.unit.code,
                "title": TITLES[(n + n // 2) % len(TITLES)],
                "topics": "; ".join(rng.sample(topics, 1 + n % 2)),
                "hours": rng.choice((8, 16, 24, 40, 80, 120)),
                "completed_on": dt.date(
                    2015 + n % 2 * 5 + rng.randrange(5), 1 + rng.randrange(12), 15
                ),
                "form": forms[n % 3],
                "certificate_number": f"CC{n:07d}" if n % 3 == 0 else None,
            }
        )
    return {"file_rows": file_rows, "columns": columns(), "expect": {"records_created": rows}}


def baseline_records(path: Path) -> tuple[int, dict]:
    from people.models import Person
    from training.models import TrainingRecord

    table = read(path)
    known = dict(Person.objects.values_list("citizen_id", "pk"))
    insert(
        TrainingRecord,
        (
            "person",
            "title",
            "hours",
            "completed_on",
            "form",
            "scan",
            "certificate_number",
            "verification_code",
            "valid",
        ),
        (
            (
                known[r["Số CCCD"]],
                r["Tên khóa học"],
                int(r["Số giờ"]),
                r["Ngày hoàn thành"],
                "on_site",
                "",
                r["Số chứng chỉ"] or "",
                uuid.uuid4(),
                True,
            )
            for r in table
        ),
    )
    return len(table), {TrainingRecord: len(table)}


# -- units -----------------------------------------------------------------------------------


def setup_units(rows: int, work: Path) -> dict:
    from imports.units import columns
    from units.models import Sector

    rng = random.Random(SEED)
    made = world(0)
    grassroots = made["kinds"]["grassroots"].name
    file_rows = [
        {
            "code": f"P001-{1 + g % 5:02d}-N{g:05d}",
            "name": f"Công đoàn cơ sở Công ty TNHH số {g}",
            "kind": grassroots,
            "parent": made["districts"][g % 5].code,
            "sector": str(Sector.NON_STATE.label if g % 4 else Sector.STATE.label),
            "founded_on": dt.date(2005 + g % 20, 1 + g % 12, 1 + g % 28),
            "member_count": 20 + rng.randrange(2000),
            "worker_count": 40 + rng.randrange(3000),
            "figures_on": dt.date(2026, 1, 1),
        }
        for g in range(1, rows + 1)
    ]
    return {"file_rows": file_rows, "columns": columns(), "expect": {"units_created": rows}}


def baseline_units(path: Path) -> tuple[int, dict]:
    from lib.bulk import reserve_ids
    from units.models import Unit, UnitKind

    table = read(path)
    parents = {u.code: u for u in Unit.objects.all()}
    kind = UnitKind.objects.get(code="grassroots").pk
    ids = reserve_ids(Unit, len(table))
    insert(
        Unit,
        ("id", "code", "name", "kind", "parent", "sector", "founded_on", "path", "depth"),
        (
            (
                pk,
                r["Mã đơn vị"],
                r["Tên đơn vị"],
                kind,
                parents[r["Mã đơn vị cấp trên"]].pk,
                "non_state",
                r["Ngày thành lập"],
                f"{parents[r['Mã đơn vị cấp trên']].path}{pk}/",
                parents[r["Mã đơn vị cấp trên"]].depth + 1,
            )
            for pk, r in zip(ids, table, strict=True)
        ),
    )
    return len(table), {Unit: len(table)}


# -- employers -------------------------------------------------------------------------------


def setup_employers(rows: int, work: Path) -> dict:
    from imports.employers import columns

    rng = random.Random(SEED)
    made = world(60)
    file_rows = [
        {
            "tax_code": f"01{n:08d}",
            "name": f"Công ty TNHH Sản xuất và Thương mại số {n}",
            "address": f"Số {1 + n % 300}, đường số {1 + n % 40}",
            "commune": f"Phường {1 + n % 30}",
            "province": "Hà Nội",
            "sector": rng.choice(("Dệt may", "Da giày", "Điện tử", "Xây dựng", "Chế biến")),
            "workers": 10 + rng.randrange(5000),
            "area": made["districts"][n % 5].code,
            "union": made["grassroots"][n % 60].code if n % 3 == 0 else None,
            "source": "BHXH 2026",
        }
        for n in range(rows)
    ]
    return {"file_rows": file_rows, "columns": columns(), "expect": {"employers_created": rows}}


def baseline_employers(path: Path) -> tuple[int, dict]:
    from planning.models import Employer
    from units.models import Unit

    table = read(path)
    units = dict(Unit.objects.values_list("code", "pk"))
    insert(
        Employer,
        (
            "tax_code",
            "name",
            "address",
            "commune",
            "province",
            "sector",
            "workers",
            "area",
            "union",
            "source",
        ),
        (
            (
                r["Mã số thuế"],
                r["Tên doanh nghiệp"],
                r["Địa chỉ"],
                r["Phường, xã"],
                r["Tỉnh, thành phố"],
                r["Ngành nghề"],
                int(r["Số lao động"]),
                units[r["Mã công đoàn quản lý địa bàn"]],
                units.get(r["Mã CĐCS"]),
                r["Nguồn"],
            )
            for r in table
        ),
    )
    return len(table), {Employer: len(table)}


SETUP = {
    "people": setup_people,
    "records": setup_records,
    "units": setup_units,
    "employers": setup_employers,
}
BASELINE = {
    "people": baseline_people,
    "records": baseline_records,
    "units": baseline_units,
    "employers": baseline_employers,
}


# -- phases ----------------------------------------------------------------------------------


def phase_setup(kind: str, rows: int, work: Path) -> dict:
    from django.core.management import call_command

    from people.models import Person
    from units.models import Unit

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    data = SETUP[kind](rows, work)
    built = time.perf_counter() - started
    path = work / f"{kind}.xlsx"
    path.write_bytes(xlsx(data["columns"], data["file_rows"], f"DANH SÁCH ({kind.upper()})"))
    return {
        "built_s": built,
        "expect": data["expect"],
        "sizes": {"units": Unit.objects.count(), "people": Person.objects.count()},
        "file_bytes": path.stat().st_size,
    }


def phase_baseline(kind: str, rows: int, work: Path) -> dict:
    from django.db import transaction

    last = {}
    started = time.perf_counter()
    with transaction.atomic():
        read_rows, written = BASELINE[kind](work / f"{kind}.xlsx")
    total = time.perf_counter() - started
    assert read_rows == rows, (read_rows, rows)
    for model, n in reversed(written.items()):  # untimed: leave the database as it was
        pks = list(model.objects.order_by("-pk").values_list("pk", flat=True)[:n])
        last[model.__name__] = n
        model.objects.filter(pk__in=pks)._raw_delete(model.objects.db)
    return {"total_s": total, "written": last, "rss_mb": rss_mb()}


def phase_import(kind: str, rows: int, work: Path, expect: dict) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import User
    from audit.models import LogEntry
    from imports.models import ImportStatus
    from imports.services import job_commit, job_create

    user = User.objects.select_related("unit").get(username=OFFICER)
    rss_ready = rss_mb()
    load = os.getloadavg()[0]
    path = work / f"{kind}.xlsx"
    logged = LogEntry.objects.count()
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    started, cpu = time.perf_counter(), cpu_s()
    job = job_create(user=user, kind=kind, upload=upload)
    checked, check_cpu = time.perf_counter() - started, cpu_s() - cpu
    assert job.status == ImportStatus.CHECKED and job.can_commit, (job.status, job.problems[:5])
    started, cpu = time.perf_counter(), cpu_s()
    job = job_commit(user=user, job=job)
    committed, commit_cpu = time.perf_counter() - started, cpu_s() - cpu
    assert job.status == ImportStatus.DONE, (job.status, job.problems[:5])
    for name, n in expect.items():
        assert job.summary.get(name) == n, (name, n, job.summary)
    return {
        "check_s": checked,
        "commit_s": committed,
        "check_cpu_s": check_cpu,
        "commit_cpu_s": commit_cpu,
        "summary": dict(job.summary),
        "logged": LogEntry.objects.count() - logged,
        "rss_ready_mb": rss_ready,
        "rss_mb": rss_mb(),
        "load": load,
    }


def run_phase(kind: str, phase: str, rows: int, work: Path) -> dict:
    import json

    if phase == "setup":
        return phase_setup(kind, rows, work)
    setup = json.loads((work / "setup.json").read_text())
    if phase == "baseline":
        return phase_baseline(kind, rows, work)
    return phase_import(kind, rows, work, setup["expect"])


# -- report ----------------------------------------------------------------------------------


def machine(results: list[dict]) -> str:
    import django

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    engines = ", ".join(r["version"] for r in results)
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB RAM; {engines}; "
        f"Python {platform.python_version()}, Django {django.get_version()}"
    )


def section(kind: str, results: list[dict], rows: int) -> str:
    setup = results[0]["setup"]
    lines = [
        f"## Import of a {rows:,}-row {kind} file ({dt.date.today():%d/%m/%Y})",
        "",
        f"Produced by `bench/import_bench.py --kind {kind}` (see bench/import_kinds.py). Goal "
        f"(issue 22): every kind of import at ≥ {GOAL_ROWS_PER_S:,} rows/s end to end, peak "
        f"memory ≤ {GOAL_RSS_MB} MB.",
        "",
        f"- Machine: {machine(results)}",
        f"- Data: {setup['sizes']['units']:,} units, {setup['sizes']['people']:,} people "
        f"stored; the file: {rows:,} rows of {WHAT[kind]} "
        f"({setup['file_bytes'] / 2**20:.1f} MiB .xlsx, merged title row, header on row 3).",
        "- End to end = `job_create` (check, rolled back) + `job_commit` (checked again, "
        "written). Baseline: the file read with python_calamine, codes mapped to ids, the "
        "main rows inserted with one COPY / executemany — no checks, no history.",
        "",
        "| | " + " | ".join(r["version"] for r in results) + " |",
        "|---|" + "---:|" * len(results),
    ]

    def row(label, fn):
        lines.append(f"| {label} | " + " | ".join(fn(r) for r in results) + " |")

    def rate(seconds):
        return f"{rows / seconds:,.0f}"

    def e2e(r):
        return r["import"]["check_s"] + r["import"]["commit_s"]

    row(
        "baseline s / rows/s",
        lambda r: f"{r['baseline']['total_s']:.1f} / {rate(r['baseline']['total_s'])}",
    )
    row(
        "check (preview) s / rows/s",
        lambda r: f"{r['import']['check_s']:.1f} / {rate(r['import']['check_s'])}",
    )
    row(
        "commit s / rows/s",
        lambda r: f"{r['import']['commit_s']:.1f} / {rate(r['import']['commit_s'])}",
    )
    row("**end to end** s / rows/s", lambda r: f"{e2e(r):.1f} / **{rate(e2e(r))}**")
    row("× baseline", lambda r: f"{e2e(r) / r['baseline']['total_s']:.1f}")
    if all("check_cpu_s" in r["import"] for r in results):
        row(
            "CPU s of the import process and its reader: check + commit (not the server's)",
            lambda r: f"{r['import']['check_cpu_s']:.2f} + {r['import']['commit_cpu_s']:.2f}",
        )
    row(
        "written",
        lambda r: ", ".join(f"{k} {v:,}" for k, v in sorted(r["import"]["summary"].items()) if v),
    )
    row("history entries written", lambda r: f"{r['import']['logged']:,}")
    row(
        "peak RSS of the import process MB (of which Django loaded)",
        lambda r: f"{r['import']['rss_mb']:.0f} ({r['import']['rss_ready_mb']:.0f})",
    )
    row("peak RSS of the baseline process MB", lambda r: f"{r['baseline']['rss_mb']:.0f}")
    row(
        f"load average (1 min) as the import started, {os.cpu_count()} cores",
        lambda r: f"{r['import']['load']:.1f}",
    )
    parts = []
    for r in results:
        speed, memory = rows / e2e(r), r["import"]["rss_mb"]
        met = speed >= GOAL_ROWS_PER_S and memory <= GOAL_RSS_MB
        parts.append(
            f"{r['version']}: {speed:,.0f} rows/s, peak {memory:.0f} MB — "
            f"{'met' if met else 'NOT met'}"
        )
    lines += ["", "Goal: " + "; ".join(parts) + "."]
    return "\n".join(lines)
