"""Every other kind of record at national volume, added to a generated national data set
(`generate_national --every-kind`, or alone on an existing one: `ensure_every_kind()`), so no
page is fast merely because its tables are empty. Volumes scale with the people N (figures
for N = 1,000,000; those that follow the units above grassroots — spending, growth, pools,
surveys — scale with them: 96 such units at 50,000 people, 775 at 1,000,000):

- lecturers: N / 400 (2,500), drawn from the upper units' committees and staff and the
  chair and a vice-chair of grassroots unions from 1,000 members, each with 1–3 topics;
- classes: N / 400 a year (2,500) from 2020 to four months ahead (~18,000 in all), run by the
  confederation (2 % of them), provinces (22 %), national unions (8 %), upper-grassroots
  unions (48 %) and grassroots unions from 1,000 members (20 %); 30–70 participants each from
  the organiser's subtree (fewer in a grassroots union: its cadres) — ~0.67 N enrolments;
  the status follows the dates (closed once ended, 3 % cancelled; running; open from 45 days
  ahead, planned before), results and a training record (the class's topics, its certificate
  numbered per organiser and year after the end) for each accepted participant who passed
  (~0.52 N records); 1–3 lecturers a class; classes from 2025 that ran have a session per
  half-day with one of their lecturers and each participant's attendance, from which the
  attendance percentage is computed (training.attendance.percent, as results_record does);
- spending of every unit above grassroots for each year from 2021 to this year;
- member growth (the calendar years 2021 to last year) of every unit with grassroots
  unions directly below it, from their member counts;
- the employer register: N / 25 employers (40,000), 55 % with a non-state grassroots union
  (one each) in its parent's area, the others in an upper-grassroots union's area;
- succession pools: chair and vice-chair (plus standing committee above the upper-grassroots
  level) of every upper unit, the chair of every grassroots union from 1,000 members, in the
  2023–2028 term, 2–4 candidates each, the 2024 and 2025 reviews published (some left in 2025);
- inspections of cadre work: N / 105 a year (~9,500) from 2021, each of a unit by its parent,
  1–3 follow-ups (most done once due);
- needs surveys: every unit with units below opens one a year (last year's and this one's,
  for the following year), 60 % of the units below answer with 2–5 needs (~0.17 N answers,
  ~0.58 N needs);
- online courses: N / 2,500 (400, at least 12), 2–4 modules of text lessons and a quiz with a
  bank of 8 questions; ~0.25 N learners from the organiser's subtree, a fifth also assigned:
  35 % completed (every lesson done, the quiz passed, a training record with a certificate),
  40 % part-way, 25 % not started (~0.8 N lesson progress rows).

Each kind is skipped when it is already there (its own rows, or the unit-year, pool, tax
code… it would write), so the step runs twice without adding anything. Rows go in through
`national.write_rows` (COPY on PostgreSQL, executemany on SQLite) with ids allocated here,
the classes a year at a time; the stores that follow these models are marked
(lib.stores.written_in_bulk); no change history is written, as for the rest of the
generated data. Deterministic for a given database but for uuids and certificate texts.
Measured on PostgreSQL (2 cores shared): 16 s at 50,000 people, 75 s at 250,000."""

import datetime as dt
import json
import random
import time
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from auditlog.context import disable_auditlog
from django.db import connection, transaction

from bench.national import (
    ADMIN,
    PLACES,
    SEED,
    TERM_NAME,
    _moment,
    _verification_codes,
    progress,
    write_rows,
)

MARK = "NAT-"  # code prefix of the generated classes and courses
FIRST_YEAR = 2020
LECTURERS_PER = 400  # people per lecturer
CLASSES_PER = 400  # people per class a year
EMPLOYERS_PER = 25
INSPECTIONS_PER = 105
COURSES_PER = 2500
LEARNER_SHARE = 0.25
# Share of the classes run by each kind of organiser (split evenly among its units).
CLASS_SHARES = {"confederation": 2, "province": 22, "national": 8, "upper": 48, "large": 20}
ORGANISER_WEIGHTS = {"confederation": 4, "province": 10, "national": 5, "upper": 3}
LARGE = 1000  # members: a grassroots union that runs classes and has a chair's pool
SURVEY_TITLE = "Khảo sát nhu cầu đào tạo, bồi dưỡng cán bộ công đoàn năm {y}"
INSPECTION_OPENING = "Đoàn kiểm tra"
EMPLOYER_SOURCE = "Rà soát doanh nghiệp (thuế, BHXH)"
CLASS_NAMES = [
    "Tập huấn {t}",
    "Bồi dưỡng {t} cho cán bộ công đoàn",
    "Lớp {t} năm {y}",
    "Tập huấn nghiệp vụ: {t}",
]
REJECT_REASON = "Không đúng đối tượng của lớp."
WITHDRAW_REASON = "Đơn vị cử người khác tham gia."
CANCEL_SHARE = 0.03
FINDINGS = [
    "{o} kiểm tra công tác cán bộ tại {u}: quy hoạch, đào tạo, bồi dưỡng cơ bản đúng quy định; "
    "hồ sơ cán bộ còn thiếu một số tài liệu.",
    "{o} kiểm tra công tác đánh giá, bổ nhiệm cán bộ của {u}: thực hiện đúng quy trình; "
    "chưa rà soát, bổ sung quy hoạch hằng năm.",
    "{o} kiểm tra việc thực hiện kế hoạch đào tạo của {u}: số lớp, số học viên đạt kế hoạch; "
    "cần cử cán bộ chủ chốt tham gia đầy đủ hơn.",
]
FOLLOW_UPS = [
    "Bổ sung hồ sơ cán bộ theo quy định",
    "Rà soát, bổ sung danh sách quy hoạch",
    "Cử cán bộ chưa qua đào tạo tham gia lớp bồi dưỡng",
    "Báo cáo kết quả khắc phục về đơn vị cấp trên",
]
AREAS = ["planning", "training", "evaluation", "appointments"]
SECTORS = [
    "Dệt may",
    "Da giày",
    "Điện tử",
    "Chế biến thực phẩm",
    "Xây dựng",
    "Cơ khí",
    "Thương mại, dịch vụ",
    "Vận tải, kho bãi",
    "Chế biến gỗ",
    "Thủy sản",
]
COMPANY_FORMS = ["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Doanh nghiệp tư nhân"]
POOL_REASON = "Có phẩm chất, năng lực, được tập thể tín nhiệm giới thiệu."
LEAVE_REASON = "Chuyển công tác khác."
QUESTIONS = [
    ("Công đoàn cơ sở do ai thành lập?", "Đoàn viên và người lao động"),
    ("Nhiệm kỳ đại hội công đoàn cơ sở là mấy năm?", "5 năm"),
    ("Ai ký thỏa ước lao động tập thể cho người lao động?", "Chủ tịch công đoàn cơ sở"),
    ("Đối thoại định kỳ tại nơi làm việc tổ chức ít nhất bao lâu một lần?", "Một năm một lần"),
    ("Đoàn phí công đoàn bằng bao nhiêu phần trăm tiền lương?", "1 %"),
    ("Cơ quan cao nhất của công đoàn cơ sở là gì?", "Đại hội công đoàn cơ sở"),
    ("Ai kiểm tra việc chấp hành Điều lệ trong công đoàn cơ sở?", "Ủy ban kiểm tra"),
    ("Người lao động được nghỉ hằng năm tối thiểu bao nhiêu ngày?", "12 ngày"),
]
WRONG = ["Người sử dụng lao động", "3 năm", "Giám đốc doanh nghiệp", "Không quy định"]


@dataclass
class World:
    """What the kinds are built on, read from the database once: the units in path order
    and the people in their units' path order, so a subtree is a range of each."""

    today: dt.date
    people_count: int
    unit_ids: list[int] = field(default_factory=list)  # in path order
    paths: list[str] = field(default_factory=list)
    index: dict[int, int] = field(default_factory=dict)  # unit id -> place in path order
    parent: dict[int, int | None] = field(default_factory=dict)
    level: dict[int, str] = field(default_factory=dict)  # level code
    kind: dict[int, str] = field(default_factory=dict)  # kind code
    name: dict[int, str] = field(default_factory=dict)
    sector: dict[int, str] = field(default_factory=dict)
    founded: dict[int, dt.date | None] = field(default_factory=dict)
    alive: set[int] = field(default_factory=set)
    members: dict[int, int] = field(default_factory=dict)
    children: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    starts: list[int] = field(default_factory=list)  # people before each unit (path order)
    person_ids: list[int] = field(default_factory=list)  # by unit path, then id
    person_units: list[int] = field(default_factory=list)
    terms: dict[int, tuple[int, dt.date, dt.date]] = field(default_factory=dict)
    topics: list = field(default_factory=list)

    def subtree(self, unit_id: int) -> tuple[int, int]:
        """The unit's subtree as a range of units in path order."""
        i = self.index[unit_id]
        return i, bisect_left(self.paths, self.paths[i] + "\U0010ffff", i)

    def people_range(self, unit_id: int) -> tuple[int, int]:
        i, j = self.subtree(unit_id)
        return self.starts[i], self.starts[j]

    def own_people(self, unit_id: int) -> tuple[int, int]:
        i = self.index[unit_id]
        return self.starts[i], self.starts[i + 1]

    def upper(self) -> list[int]:
        below = ("grassroots", "member", "union_group")
        return [u for u in self.unit_ids if self.level[u] not in below]

    def shape(self, unit_id: int) -> str:
        level = self.level[unit_id]
        if level == "confederation":
            return "confederation"
        if level == "province":
            return "province" if self.kind[unit_id] == "provincial_federation" else "national"
        if level == "upper_grassroots":
            return "upper"
        return "large" if self.members.get(unit_id, 0) >= LARGE else "grassroots"


def _scalar(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _rows(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _day(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def read_world() -> World:
    from lib.dates import today
    from training.models import Topic

    world = World(today=today(), people_count=_scalar("SELECT COUNT(*) FROM people_person"))
    for unit_id, parent, path, level, kind, name, sector, founded, dissolved in _rows(
        "SELECT u.id, u.parent_id, u.path, l.code, k.code, u.name, u.sector, u.founded_on, "
        "u.dissolved_on FROM units_unit u JOIN units_unitkind k ON k.id = u.kind_id "
        "JOIN units_unitlevel l ON l.id = k.level_id ORDER BY u.path"
    ):
        world.index[unit_id] = len(world.unit_ids)
        world.unit_ids.append(unit_id)
        world.paths.append(path)
        world.parent[unit_id], world.level[unit_id], world.kind[unit_id] = parent, level, kind
        world.name[unit_id], world.founded[unit_id] = name, _day(founded)
        world.sector[unit_id] = sector
        if dissolved is None or _day(dissolved) > world.today:
            world.alive.add(unit_id)
            if parent is not None:
                world.children[parent].append(unit_id)
    for unit_id, members in _rows(
        "SELECT unit_id, member_count FROM units_unitfigures ORDER BY effective_on"
    ):
        world.members[unit_id] = members or 0
    counts = dict(_rows("SELECT unit_id, COUNT(*) FROM people_person GROUP BY unit_id"))
    total = 0
    for unit_id in world.unit_ids:
        world.starts.append(total)
        total += counts.get(unit_id, 0)
    world.starts.append(total)
    for person_id, unit_id in _rows(
        "SELECT p.id, p.unit_id FROM people_person p JOIN units_unit u ON u.id = p.unit_id "
        "ORDER BY u.path, p.id"
    ):
        world.person_ids.append(person_id)
        world.person_units.append(unit_id)
    for term_id, unit_id, start, end in _rows(
        "SELECT id, unit_id, start_date, end_date FROM units_term WHERE name = %s", [TERM_NAME]
    ):
        world.terms[unit_id] = (term_id, _day(start), _day(end))
    world.topics = list(Topic.objects.order_by("pk"))
    return world


class Ids:
    """The next free id of each table (ids are allocated here, as in the generator)."""

    def __init__(self):
        self.next: dict[str, int] = {}

    def take(self, table: str) -> int:
        if table not in self.next:
            self.next[table] = (_scalar(f"SELECT MAX(id) FROM {table}") or 0) + 1
        value = self.next[table]
        self.next[table] = value + 1
        return value


@cache
def _tables() -> dict[str, str]:
    from elearning.models import Course
    from planning.models import Survey
    from training.models import Lecturer, TrainingClass, TrainingRecord

    return {
        "class_topics": TrainingClass.topics.through._meta.db_table,
        "lecturer_topics": Lecturer.topics.through._meta.db_table,
        "record_topics": TrainingRecord.topics.through._meta.db_table,
        "survey_topics": Survey.topics.through._meta.db_table,
        "course_topics": Course.topics.through._meta.db_table,
    }


class Certificates:
    """Certificate numbers per organiser and year after those already given, and the text
    each organiser's template signs today (training.certificates.signed_text)."""

    def __init__(self):
        self.last: dict[tuple[int, int], int] = {}
        for organiser, year, number in _rows(
            "SELECT organiser_id, certificate_year, MAX(certificate_number) FROM "
            "training_trainingrecord WHERE certificate_number <> '' GROUP BY 1, 2"
        ):
            head = number.split("/")[0]
            self.last[(organiser, year)] = int(head) if head.isdigit() else 0
        self.texts: dict[int, str] = {}

    def number(self, organiser: int, year: int) -> str:
        n = self.last.get((organiser, year), 0) + 1
        self.last[(organiser, year)] = n
        return f"{n:05d}"

    def text(self, organiser: int) -> str:
        if organiser not in self.texts:
            from training.certificates import signed_text, template_for
            from units.models import Unit

            unit = Unit.objects.select_related("parent").get(pk=organiser)
            self.texts[organiser] = json.dumps(signed_text(template_for(unit)), ensure_ascii=False)
        return self.texts[organiser]


RECORD_COLUMNS = [
    "id",
    "person_id",
    "enrolment_id",
    "training_class_id",
    "title",
    "programme_id",
    "hours",
    "completed_on",
    "form",
    "organiser_id",
    "institution_id",
    "scan",
    "certificate_number",
    "certificate_year",
    "certificate_issued_on",
    "certificate_signed",
    "verification_code",
    "valid",
    "expires_on",
]


@disable_auditlog()  # generated data is nobody's doing, as in national.generate
def ensure_every_kind() -> dict[str, int]:
    """Add what is missing of every kind (see the module docstring); returns rows added per
    kind (0: already there)."""
    started = time.monotonic()
    world = read_world()
    progress(
        f"every kind: {len(world.unit_ids):,} units, {world.people_count:,} people "
        f"read in {time.monotonic() - started:.1f} s"
    )
    counts: dict[str, int] = {}
    with transaction.atomic():
        ids, rng = Ids(), random.Random(SEED + 20)
        certificates = Certificates()
        counts |= add_classes(world, ids, rng, certificates)
        counts |= add_spending(world, ids, rng)
        counts |= add_growth(world, ids, rng)
        counts |= add_employers(world, ids, rng)
        counts |= add_pools(world, ids, rng)
        counts |= add_inspections(world, ids, rng)
        counts |= add_surveys(world, ids, rng)
        counts |= add_courses(world, ids, rng, certificates)
        _finish(ids, counts)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(sorted(ids.next))}")
    progress(f"every kind added in {time.monotonic() - started:.1f} s")
    return counts


def _finish(ids: Ids, counts: dict) -> None:
    """Sequences past the ids written, and the stores that follow the rows marked."""
    from lib.stores import _FOLLOWERS, written_in_bulk

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ids.next:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
    labels = [
        "training.TrainingClass",
        "training.Enrolment",
        "training.TrainingRecord",
        "training.Lecturer",
        "planning.Spending",
        "planning.MemberGrowth",
        "planning.Employer",
        "cadrework.Pool",
        "cadrework.PoolEntry",
        "cadrework.Inspection",
        "planning.SurveyAnswer",
        "elearning.CourseEnrolment",
    ]
    if any(counts.values()):
        written_in_bulk([label for label in labels if label in _FOLLOWERS])


# ------------------------------------------------------------------ classes and lecturers


def add_classes(world: World, ids: Ids, rng: random.Random, certificates) -> dict[str, int]:
    from training.models import TrainingClass

    if TrainingClass.objects.filter(code__startswith=MARK).exists():
        return dict.fromkeys(["lecturers", *CLASS_KINDS_WRITTEN], 0)
    lecturers = _lecturers(world, ids, rng)
    by_place = sorted((world.index[unit], lecturer) for lecturer, unit in lecturers)
    places = [p for p, _ in by_place]
    organisers = [u for u in world.unit_ids if world.shape(u) in CLASS_SHARES]
    organisers = [u for u in organisers if u in world.alive]
    shapes = defaultdict(int)
    for unit in organisers:
        shapes[world.shape(unit)] += 1
    weights = [CLASS_SHARES[world.shape(u)] / shapes[world.shape(u)] for u in organisers]
    per_year = max(world.people_count // CLASSES_PER, 10)
    codes = _verification_codes()
    counts = dict.fromkeys(CLASS_KINDS_WRITTEN, 0) | {"lecturers": len(lecturers)}
    serial = 0
    # A year at a time: the rows of one year are held in memory, not those of all years.
    # From 2020 to the next four months (planned and open classes), each year's classes
    # spread over its days from 5 January to 20 December.
    for year in range(FIRST_YEAR, (world.today + AHEAD).year + 1):
        first, last = dt.date(year, 1, 5), min(dt.date(year, 12, 20), world.today + AHEAD)
        if last < first:
            continue
        out, done = ([], [], [], []), ([], [], [], [])
        share = ((last - first).days + 1) / 350
        chosen = rng.choices(organisers, weights, k=round(per_year * share))
        for organiser in chosen:
            serial += 1
            lo, hi = world.people_range(organiser)
            if hi - lo < 5:
                continue
            i, j = world.subtree(organiser)
            own = [lect for _p, lect in by_place[bisect_left(places, i) : bisect_left(places, j)]]
            teachers = own or [lect for _p, lect in by_place]
            _one_class(
                world,
                ids,
                rng,
                certificates,
                codes,
                (first, last),
                serial,
                organiser,
                (lo, hi),
                teachers,
                out,
                done,
            )
        for kind, count in _write_classes(out, done).items():
            counts[kind] += count
    return counts


CLASS_KINDS_WRITTEN = ["classes", "enrolments", "class_records", "sessions", "attendance"]


def _write_classes(out: tuple, done: tuple) -> dict[str, int]:
    tables = _tables()
    classes, class_topics, class_lecturers, sessions = out
    enrolments, attendance, records, record_topics = done
    counts = {"classes": write_rows("training_trainingclass", CLASS_COLUMNS, classes)}
    write_rows(tables["class_topics"], ["id", "trainingclass_id", "topic_id"], class_topics)
    write_rows(
        "training_classlecturer",
        ["id", "training_class_id", "lecturer_id", "hours"],
        class_lecturers,
    )
    counts["sessions"] = write_rows("training_classsession", SESSION_COLUMNS, sessions)
    counts["enrolments"] = write_rows("training_enrolment", ENROLMENT_COLUMNS, enrolments)
    counts["attendance"] = write_rows(
        "training_sessionattendance",
        ["id", "session_id", "enrolment_id", "present", "how", "at"],
        attendance,
    )
    counts["class_records"] = write_rows("training_trainingrecord", RECORD_COLUMNS, records)
    write_rows(tables["record_topics"], ["id", "trainingrecord_id", "topic_id"], record_topics)
    return counts


def _lecturers(world: World, ids: Ids, rng: random.Random) -> list[tuple[int, int]]:
    """(lecturer id, unit id): people of the upper units and of large grassroots unions."""
    from training.models import Lecturer

    taken = set(Lecturer.objects.values_list("person_id", flat=True))
    pool = []
    for unit in world.unit_ids:
        shape = world.shape(unit)
        if shape == "grassroots":
            continue
        lo, hi = world.own_people(unit)
        # The upper units' committees and staff; the chair and a vice-chair of large unions.
        hi = min(hi, lo + (2 if shape == "large" else 12))
        pool += [k for k in range(lo, hi) if world.person_ids[k] not in taken]
    wanted = min(len(pool), max(20, world.people_count // LECTURERS_PER))
    picked = sorted(rng.sample(pool, wanted))
    rows, topics, made = [], [], []
    kinds = ["part_time"] * 7 + ["rapporteur"] * 2 + ["expert"]
    for k in picked:
        lecturer_id = ids.take("training_lecturer")
        unit = world.person_units[k]
        trained = (
            dt.date(2012 + rng.randrange(13), 1 + rng.randrange(12), 1 + rng.randrange(28))
            if rng.random() < 0.6
            else None
        )
        rows.append((lecturer_id, world.person_ids[k], unit, rng.choice(kinds), trained))
        for topic in rng.sample(world.topics, min(len(world.topics), 1 + rng.randrange(3))):
            topics.append((ids.take(_tables()["lecturer_topics"]), lecturer_id, topic.pk))
        made.append((lecturer_id, unit))
    write_rows(
        "training_lecturer", ["id", "person_id", "unit_id", "kind", "pedagogy_trained_on"], rows
    )
    write_rows(_tables()["lecturer_topics"], ["id", "lecturer_id", "topic_id"], topics)
    return made


CLASS_COLUMNS = [
    "id",
    "code",
    "name",
    "organiser_id",
    "programme_id",
    "kind",
    "form",
    "start_date",
    "end_date",
    "venue",
    "hours",
    "capacity",
    "audience",
    "target_group",
    "budget_planned",
    "budget_actual",
    "funding_source",
    "status",
    "auto_promote",
]
SESSION_COLUMNS = [
    "id",
    "training_class_id",
    "date",
    "starts_at",
    "ends_at",
    "venue",
    "lecturer_id",
    "topic_id",
]
ENROLMENT_COLUMNS = [
    "id",
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
]
CLASS_KINDS = ["refresher"] * 6 + ["training"] * 3 + ["workshop"]
CLASS_FORMS = ["on_site"] * 14 + ["in_service"] * 3 + ["online"] * 2 + ["blended"]
AUDIENCES = ["full_time"] * 2 + ["part_time"] * 5 + ["member"] + ["mixed"] * 2
FUNDS = ["union"] * 17 + ["state"] * 2 + ["international"]
AHEAD = dt.timedelta(days=120)  # classes planned this far ahead of today
HALF_DAYS = [("07:30:00", "11:30:00"), ("13:30:00", "17:00:00")]


def _class_status(rng, start: dt.date, end: dt.date, today: dt.date) -> str:
    if end < today:
        return "cancelled" if rng.random() < CANCEL_SHARE else "closed"
    if start <= today:
        return "running"
    return "open" if (start - today).days <= 45 else "planned"


def _one_class(
    world, ids, rng, certificates, codes, window, serial, organiser, span, teachers, out, done
) -> None:
    from training.attendance import percent
    from training.validity import expires_on

    classes, class_topics, class_lecturers, sessions = out
    enrolments, attendance, records, record_topics = done
    tables = _tables()
    today = world.today
    first, last = window
    year = first.year
    start = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
    days = rng.choice([1, 2, 2, 3, 3, 3, 4, 5])
    end = start + dt.timedelta(days=days - 1)
    form = rng.choice(CLASS_FORMS)
    hours = days * 8 if form not in ("online",) else days * 4
    status = _class_status(rng, start, end, today)
    topics = rng.sample(world.topics, min(len(world.topics), 1 + (rng.random() < 0.4)))
    title = topics[0].name
    name = rng.choice(CLASS_NAMES).format(t=title[:1].lower() + title[1:], y=year)[:255]
    capacity = 30 + rng.randrange(41)
    class_id = ids.take("training_trainingclass")
    taking = {"planned": 0, "open": int(capacity * rng.uniform(0.3, 0.9))}.get(
        status, int(capacity * rng.uniform(0.8, 1.0))
    )
    lo, hi = span
    taking = min(taking, hi - lo)
    budget = capacity * (8 + rng.randrange(18)) * 100_000
    actual = int(budget * rng.uniform(0.8, 1.05)) // 1000 * 1000 if status == "closed" else None
    classes.append(
        (
            class_id,
            f"{MARK}{organiser}-{year}-{serial:05d}",
            name,
            organiser,
            None,
            rng.choice(CLASS_KINDS),
            form,
            start,
            end,
            world.name[organiser][:255],
            hours,
            capacity,
            rng.choice(AUDIENCES),
            "",
            budget,
            actual,
            rng.choice(FUNDS),
            status,
            True,
        )
    )
    for topic in topics:
        class_topics.append((ids.take(tables["class_topics"]), class_id, topic.pk))
    teaching = rng.sample(teachers, min(len(teachers), 1 + rng.randrange(3)))
    for lecturer in teaching:
        share = max(1, hours // len(teaching))
        class_lecturers.append((ids.take("training_classlecturer"), class_id, lecturer, share))
    held = []
    if start.year >= 2025 and status in ("closed", "running"):
        for d in range(days):
            for starts_at, ends_at in HALF_DAYS[: 1 if form == "online" else 2]:
                session_id = ids.take("training_classsession")
                held.append(session_id)
                sessions.append(
                    (
                        session_id,
                        class_id,
                        start + dt.timedelta(days=d),
                        starts_at,
                        ends_at,
                        world.name[organiser][:255],
                        rng.choice(teaching),
                        rng.choice(topics).pk,
                    )
                )
    expires = expires_on(end, None, topics)
    for k in sorted(rng.sample(range(lo, hi), taking)):
        person, unit = world.person_ids[k], world.person_units[k]
        enrolment_id = ids.take("training_enrolment")
        nominated = _moment(start - dt.timedelta(days=10 + rng.randrange(30)), rng.randrange(600))
        decided = _moment(start - dt.timedelta(days=1 + rng.randrange(8)), rng.randrange(600))
        draw = rng.random()
        state, reason, present, score, passed = "accepted", "", None, None, None
        if status == "open" and draw < 0.4:
            state, decided = "nominated", None
        elif status in ("closed", "cancelled") and draw < 0.03:
            state, reason = "rejected", REJECT_REASON
        elif status in ("closed", "cancelled") and draw < 0.07:
            state, reason = "withdrawn", WITHDRAW_REASON
        elif status == "closed":
            if held:
                there = max(0, len(held) - (rng.random() < 0.15) - (rng.random() < 0.05))
                present = percent(there, len(held))
                for s, session_id in enumerate(held):
                    attendance.append(
                        (
                            ids.take("training_sessionattendance"),
                            session_id,
                            enrolment_id,
                            s < there,
                            "qr" if rng.random() < 0.3 else "officer",
                            _moment(start, 60),
                        )
                    )
            else:
                present = rng.choice([100, 100, 100, 95, 90, 85, 80, 70])
            score = round(rng.uniform(5.0, 10.0), 1) if rng.random() < 0.97 else 4.5
            passed = present >= 80 and score >= 5
        enrolments.append(
            (
                enrolment_id,
                class_id,
                person,
                unit,
                state,
                reason,
                nominated,
                decided,
                present,
                score,
                passed,
            )
        )
        if passed:
            record_id = ids.take("training_trainingrecord")
            issued = min(end + dt.timedelta(days=1 + rng.randrange(20)), today)
            records.append(
                (
                    record_id,
                    person,
                    enrolment_id,
                    class_id,
                    name,
                    None,
                    hours,
                    end,
                    form,
                    organiser,
                    None,
                    "",
                    certificates.number(organiser, end.year),
                    end.year,
                    issued,
                    certificates.text(organiser),
                    next(codes),
                    True,
                    expires,
                )
            )
            for topic in topics:
                record_topics.append((ids.take(tables["record_topics"]), record_id, topic.pk))


# ------------------------------------------------------------------ planning figures


def add_spending(world: World, ids: Ids, rng: random.Random) -> dict[str, int]:
    """Each unit above grassroots, each year from 2021: operating spending by its level,
    training costs outside classes 1–5 % of it."""
    have = set(_rows("SELECT unit_id, year FROM planning_spending"))
    base = {"confederation": 60_000, "province": 9_000, "national": 6_000, "upper": 1_200}
    rows = []
    for unit in world.upper():
        for year in range(2021, world.today.year + 1):
            if (unit, year) in have or unit not in world.alive:
                continue
            millions = int(base[world.shape(unit)] * rng.uniform(0.6, 1.6))
            total = millions * 1_000_000
            other = int(total * rng.uniform(0.01, 0.05)) // 100_000 * 100_000
            rows.append((ids.take("planning_spending"), unit, year, total, other, ""))
    written = write_rows(
        "planning_spending",
        ["id", "unit_id", "year", "operating_total", "other_training", "note"],
        rows,
    )
    return {"spending": written}


def add_growth(world: World, ids: Ids, rng: random.Random) -> dict[str, int]:
    """Each calendar year from 2021 to last year, for every unit with grassroots unions
    directly below it: members admitted (~8 %) and lost (~6 %) in them, transfers, unions
    founded and dissolved, enterprises of 30+ workers and those with a union."""
    have = {
        (unit, _day(start).year)
        for unit, start in _rows("SELECT unit_id, period_start FROM planning_membergrowth")
    }
    rows = []
    for unit in world.upper():
        below = [c for c in world.children.get(unit, ()) if world.level[c] == "grassroots"]
        if not below or unit not in world.alive:
            continue
        members = sum(world.members.get(c, 0) for c in below)
        for year in range(2021, world.today.year):
            if (unit, year) in have:
                continue
            with_union = int(len(below) * rng.uniform(0.5, 0.8))
            rows.append(
                (
                    ids.take("planning_membergrowth"),
                    unit,
                    dt.date(year, 1, 1),
                    dt.date(year, 12, 31),
                    int(members * rng.uniform(0.05, 0.11)),
                    int(members * rng.uniform(0.03, 0.09)),
                    int(members * rng.uniform(0.005, 0.015)),
                    int(members * rng.uniform(0.005, 0.015)),
                    int(len(below) * rng.uniform(0.01, 0.05)) + (rng.random() < 0.5),
                    int(len(below) * rng.uniform(0.0, 0.03)),
                    with_union + int(len(below) * rng.uniform(0.3, 0.9)),
                    with_union,
                )
            )
    written = write_rows(
        "planning_membergrowth",
        ["id", "unit_id", "period_start", "period_end", "admitted", "other_decreases"]
        + ["transfers_in", "transfers_out", "unions_founded", "unions_dissolved"]
        + ["enterprises_30plus", "enterprises_with_union"],
        rows,
    )
    return {"growth": written}


def _province_name(world: World, unit: int) -> str:
    while unit is not None and world.level[unit] not in ("province", "confederation"):
        unit = world.parent[unit]
    if unit is None or world.kind[unit] != "provincial_federation":
        return ""
    name = world.name[unit]  # "Liên đoàn Lao động thành phố Hà Nội" -> "Hà Nội"
    for word in ("thành phố ", "tỉnh "):
        if word in name:
            return name.split(word, 1)[1]
    return name


def add_employers(world: World, ids: Ids, rng: random.Random) -> dict[str, int]:
    """N / 25 employers, tax codes 36xxxxxxxx (the same ones on every run: those already
    there are skipped); 55 % with a grassroots union of their own, in its parent's area;
    the others in the area of an upper-grassroots union."""
    wanted = max(50, world.people_count // EMPLOYERS_PER)
    have = {
        code
        for (code,) in _rows(
            "SELECT tax_code FROM planning_employer WHERE tax_code LIKE %s", ["36%"]
        )
    }
    grassroots = [u for u in world.alive if world.sector.get(u) == "non_state"]
    grassroots.sort()
    unions = rng.sample(grassroots, min(len(grassroots), int(wanted * 0.55)))
    areas = [u for u in world.upper() if world.shape(u) == "upper" and u in world.alive]
    areas = areas or world.upper()
    rows = []
    for n in range(wanted):
        union = unions[n] if n < len(unions) else None
        area = world.parent[union] if union is not None else rng.choice(areas)
        sector = rng.choice(SECTORS)
        name = f"{rng.choice(COMPANY_FORMS)} {sector} {rng.choice(PLACES)} {n + 1}"
        place = rng.choice(PLACES)
        workers = int(30 * (1 / max(rng.random(), 0.004)) ** 0.8)
        code = f"36{n:08d}"
        if code in have:
            continue
        rows.append(
            (
                ids.take("planning_employer"),
                code,
                name[:255],
                f"Lô {1 + rng.randrange(200)}, phường {place}",
                f"Phường {place}",
                _province_name(world, area),
                sector,
                min(workers, 60_000),
                area,
                union,
                EMPLOYER_SOURCE,
                dt.date(2025, 1 + rng.randrange(12), 1 + rng.randrange(28)),
            )
        )
    written = write_rows(
        "planning_employer",
        ["id", "tax_code", "name", "address", "commune", "province", "sector", "workers"]
        + ["area_id", "union_id", "source", "updated_on"],
        rows,
    )
    return {"employers": written}


# ------------------------------------------------------------------ cadre work


def add_pools(world: World, ids: Ids, rng: random.Random) -> dict[str, int]:
    """Pools of the 2023–2028 term: chair and vice-chair of every upper unit (standing
    committee too above the upper-grassroots level), the chair of grassroots unions from
    1,000 members; 2–4 candidates each from the unit's own committee and the units below,
    entered in the published 2024 review, a few left in the published 2025 one."""
    have = set(_rows("SELECT unit_id, term_id, post FROM cadrework_pool"))
    pools, reviews, entries = [], [], []
    for unit in world.unit_ids:
        shape = world.shape(unit)
        if shape == "grassroots" or unit not in world.terms or unit not in world.alive:
            continue
        term_id, term_start, term_end = world.terms[unit]
        posts = {"confederation": 3, "province": 3, "national": 3, "upper": 2, "large": 1}
        for post in ["chair", "vice_chair", "standing"][: posts[shape]]:
            if (unit, term_id, post) in have:
                continue
            lo, hi = world.own_people(unit)
            candidates = list(range(lo + 1, hi))
            for child in world.children.get(unit, ())[:20]:
                c_lo, c_hi = world.own_people(child)
                if c_hi > c_lo:
                    candidates.append(c_lo)
            if not candidates:
                continue
            pool_id = ids.take("cadrework_pool")
            pools.append((pool_id, unit, term_id, post))
            review_ids = {}
            for year in (2024, 2025):
                held = dt.date(year, 12, 10 + rng.randrange(10))
                if held > world.today or held > term_end:
                    continue
                review_ids[year] = (ids.take("cadrework_poolreview"), held)
                published = _moment(min(held + dt.timedelta(days=5), world.today), 600)
                reviews.append((review_ids[year][0], pool_id, year, held, "", published))
            for k in rng.sample(candidates, min(len(candidates), 2 + rng.randrange(3))):
                entered_in, entered = review_ids.get(2024, (None, term_start))
                left_in, left = review_ids.get(2025, (None, None))
                if left_in is None or rng.random() > 0.12:
                    left_in, left = None, None
                entries.append(
                    (
                        ids.take("cadrework_poolentry"),
                        pool_id,
                        world.person_ids[k],
                        max(entered, term_start),
                        POOL_REASON,
                        entered_in,
                        left,
                        LEAVE_REASON if left else "",
                        left_in,
                    )
                )
    counts = {"pools": write_rows("cadrework_pool", ["id", "unit_id", "term_id", "post"], pools)}
    write_rows(
        "cadrework_poolreview",
        ["id", "pool_id", "year", "held_on", "note", "published_at"],
        reviews,
    )
    counts["pool_entries"] = write_rows(
        "cadrework_poolentry",
        ["id", "pool_id", "person_id", "entered_on", "entry_reason", "entered_in_id"]
        + ["left_on", "leave_reason", "left_in_id"],
        entries,
    )
    return counts


def add_inspections(world: World, ids: Ids, rng: random.Random) -> dict[str, int]:
    """N / 105 inspections a year from 2021, each of a unit (mostly grassroots) by its
    parent, held before today and after the unit was founded; 1–3 follow-ups, those due
    mostly done."""
    from cadrework.models import Inspection

    if Inspection.objects.filter(findings__startswith=INSPECTION_OPENING).exists():
        return {"inspections": 0, "follow_ups": 0}
    inspectable = [u for u in world.unit_ids if world.parent[u] is not None and u in world.alive]
    per_year = max(20, world.people_count // INSPECTIONS_PER)
    inspections, follow_ups = [], []
    for year in range(2021, world.today.year + 1):
        for unit in rng.sample(inspectable, min(len(inspectable), per_year)):
            first = dt.date(year, 1, 10)
            last = min(dt.date(year, 12, 20), world.today - dt.timedelta(days=1))
            if last < first:
                break
            held = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
            founded = world.founded.get(unit)
            if founded is not None and founded > held:
                continue
            inspecting = world.parent[unit]
            inspection_id = ids.take("cadrework_inspection")
            areas = [a for a in AREAS if rng.random() < 0.5] or ["training"]
            findings = rng.choice(FINDINGS).format(o=INSPECTION_OPENING, u=world.name[unit])
            inspections.append((inspection_id, inspecting, unit, held, ",".join(areas), findings))
            for action in rng.sample(FOLLOW_UPS, 1 + rng.randrange(3)):
                deadline = held + dt.timedelta(days=30 + rng.randrange(150))
                done = None
                if deadline < world.today and rng.random() < 0.8:
                    done = min(deadline + dt.timedelta(days=rng.randrange(-20, 30)), world.today)
                    done = max(done, held)
                follow_ups.append(
                    (ids.take("cadrework_followup"), inspection_id, action, deadline, done)
                )
    counts = {
        "inspections": write_rows(
            "cadrework_inspection",
            ["id", "inspecting_id", "inspected_id", "held_on", "areas", "findings"],
            inspections,
        )
    }
    counts["follow_ups"] = write_rows(
        "cadrework_followup", ["id", "inspection_id", "action", "deadline", "done_on"], follow_ups
    )
    return counts


# ------------------------------------------------------------------ surveys and courses


def add_surveys(world: World, ids: Ids, rng: random.Random) -> dict[str, int]:
    """Last year's and this year's needs surveys (for the year after each) of every unit
    with units below; 60 % of the units below answer with 2–5 needs."""
    from accounts.models import User
    from planning.models import Survey, TargetGroup

    if Survey.objects.filter(title__startswith=SURVEY_TITLE.format(y="")[:-1]).exists():
        return {"surveys": 0, "survey_answers": 0, "survey_needs": 0}
    tables = _tables()
    surveys, survey_topics, answers, needs = [], [], [], []
    groups = list(TargetGroup.values)
    # Entered by an account, as answer_save requires: the national administrator's (the
    # generated data has no account in each answering unit).
    answerer = User.objects.filter(username=ADMIN).values_list("pk", flat=True).first()
    for year in (world.today.year - 1, world.today.year):
        for unit in world.upper():
            below = [c for c in world.children.get(unit, ()) if c in world.alive]
            if not below or unit not in world.alive:
                continue
            opened = dt.date(year, 8, 1) + dt.timedelta(days=rng.randrange(30))
            if opened >= world.today:
                continue
            survey_id = ids.take("planning_survey")
            deadline = dt.date(year, 10, 31)
            created = _moment(opened, rng.randrange(600))
            surveys.append(
                (survey_id, unit, year + 1, SURVEY_TITLE.format(y=year + 1), deadline, False)
                + (created,)
            )
            asked = rng.sample(world.topics, min(len(world.topics), 4 + rng.randrange(5)))
            for topic in asked:
                survey_topics.append((ids.take(tables["survey_topics"]), survey_id, topic.pk))
            for child in below:
                if rng.random() > 0.6:
                    continue
                window = (min(deadline, world.today) - opened).days
                if window < 1:
                    continue
                answer_id = ids.take("planning_surveyanswer")
                answered = opened + dt.timedelta(days=1 + rng.randrange(window))
                at = _moment(answered, 60)
                answers.append((answer_id, survey_id, child, "", answerer, at))
                draws = range(2 + rng.randrange(4))
                pairs = {(rng.choice(asked).pk, rng.choice(groups)) for _ in draws}
                for topic, group in sorted(pairs):
                    count = 1 + rng.randrange(30)
                    needs.append((ids.take("planning_surveyneed"), answer_id, topic, group, count))
    counts = {
        "surveys": write_rows(
            "planning_survey",
            ["id", "unit_id", "year", "title", "deadline", "closed", "created_at"],
            surveys,
        )
    }
    write_rows(tables["survey_topics"], ["id", "survey_id", "topic_id"], survey_topics)
    counts["survey_answers"] = write_rows(
        "planning_surveyanswer",
        ["id", "survey_id", "unit_id", "comment", "answered_by_id", "updated_at"],
        answers,
    )
    counts["survey_needs"] = write_rows(
        "planning_surveyneed", ["id", "answer_id", "topic_id", "target_group", "count"], needs
    )
    return counts


def add_courses(world: World, ids: Ids, rng: random.Random, certificates) -> dict[str, int]:
    """Online courses (see the module docstring) with their learners' progress, attempts
    and, for those who completed, the training record and certificate."""
    from elearning.models import Course

    empty = ["courses", "lessons", "learners", "progress", "attempts", "course_records"]
    if Course.objects.filter(code__startswith=MARK).exists():
        return dict.fromkeys(empty, 0)
    tables = _tables()
    organisers = [u for u in world.upper() if u in world.alive]
    weights = [ORGANISER_WEIGHTS[world.shape(u)] for u in organisers]
    wanted = max(12, world.people_count // COURSES_PER)
    chosen = [organisers[0]] + rng.choices(organisers, weights, k=wanted - 1)
    out = defaultdict(list)
    course_people = []
    for n, organiser in enumerate(chosen, 1):
        course_id = ids.take("elearning_course")
        topics = rng.sample(world.topics, min(len(world.topics), 1 + (rng.random() < 0.3)))
        title = f"{topics[0].name} (trực tuyến)"[:255]
        published = n == 1 or rng.random() < 0.9
        made_on = dt.date(2022, 1, 10) + dt.timedelta(days=rng.randrange(1400))
        created = min(made_on, world.today - dt.timedelta(days=30))
        out["elearning_course"].append(
            (course_id, f"{MARK}{organiser}-{n:04d}", title, "", organiser, None)
            + (4 * (1 + rng.randrange(4)), "published" if published else "draft", True)
            + (_moment(created, 0),)
        )
        for topic in topics:
            out[tables["course_topics"]].append(
                (ids.take(tables["course_topics"]), course_id, topic.pk)
            )
        lessons = []
        modules = 2 + rng.randrange(3)
        for m in range(modules):
            module_id = ids.take("elearning_module")
            out["elearning_module"].append((module_id, course_id, f"Bài {m + 1}", m))
            for r in range(2):
                lesson_id = ids.take("elearning_lesson")
                lessons.append((lesson_id, "text"))
                out["elearning_lesson"].append(
                    _lesson(lesson_id, module_id, f"Tài liệu {m + 1}.{r + 1}", r, "text")
                )
        quiz_id = ids.take("elearning_lesson")
        lessons.append((quiz_id, "quiz"))
        out["elearning_lesson"].append(_lesson(quiz_id, module_id, "Kiểm tra cuối khóa", 9, "quiz"))
        bank = []
        for text, right in QUESTIONS:
            question_id = ids.take("elearning_question")
            out["elearning_question"].append((question_id, course_id, text, False))
            choices = []
            for answer in [right, *rng.sample(WRONG, 3)]:
                choice_id = ids.take("elearning_choice")
                out["elearning_choice"].append((choice_id, question_id, answer, answer == right))
                choices.append(choice_id)
            bank.append((question_id, choices))
        if published:
            course_people.append((course_id, organiser, topics, title, lessons, bank, created))
    total = sum(_span(world, c[1]) for c in course_people) or 1
    factor = LEARNER_SHARE * world.people_count / total
    codes = _verification_codes()
    for course_id, organiser, topics, title, lessons, bank, created in course_people:
        lo, hi = world.people_range(organiser)
        learners = min(hi - lo, max(3, int((hi - lo) * factor)))
        hours = next(r[6] for r in out["elearning_course"] if r[0] == course_id)
        for k in rng.sample(range(lo, hi), learners):
            course = (course_id, organiser, topics, title, hours, lessons, bank, created)
            _learner(world, ids, rng, certificates, codes, out, course, k)
    counts = {
        "courses": write_rows(
            "elearning_course",
            ["id", "code", "title", "description", "organiser_id", "programme_id", "hours"]
            + ["status", "open_to_subtree", "created_at"],
            out["elearning_course"],
        )
    }
    write_rows(
        tables["course_topics"], ["id", "course_id", "topic_id"], out[tables["course_topics"]]
    )
    write_rows("elearning_module", ["id", "course_id", "title", "rank"], out["elearning_module"])
    counts["lessons"] = write_rows("elearning_lesson", LESSON_COLUMNS, out["elearning_lesson"])
    write_rows(
        "elearning_question", ["id", "course_id", "text", "multiple"], out["elearning_question"]
    )
    write_rows(
        "elearning_choice", ["id", "question_id", "text", "correct"], out["elearning_choice"]
    )
    counts["course_records"] = write_rows("training_trainingrecord", RECORD_COLUMNS, out["records"])
    write_rows(
        tables["record_topics"], ["id", "trainingrecord_id", "topic_id"], out["record_topics"]
    )
    counts["learners"] = write_rows(
        "elearning_courseenrolment",
        ["id", "course_id", "person_id", "enrolled_at", "last_activity_at", "last_lesson_id"]
        + ["completed_at", "record_id"],
        out["enrolments"],
    )
    write_rows(
        "elearning_assignment", ["id", "course_id", "person_id", "assigned_at"], out["assignments"]
    )
    counts["progress"] = write_rows(
        "elearning_lessonprogress",
        ["id", "enrolment_id", "lesson_id", "percent", "position_seconds", "done_at", "updated_at"],
        out["progress"],
    )
    counts["attempts"] = write_rows(
        "elearning_quizattempt",
        ["id", "enrolment_id", "lesson_id", "key", "drawn", "started_at", "deadline_at"]
        + ["submitted_at", "answers", "score_percent", "passed"],
        out["attempts"],
    )
    return counts


LESSON_COLUMNS = [
    "id",
    "module_id",
    "title",
    "rank",
    "kind",
    "required",
    "body",
    "file",
    "embed_url",
    "question_count",
    "pass_percent",
    "max_attempts",
    "time_limit_minutes",
    "scorm_version",
    "scorm_launch",
    "phone_file",
    "phone_status",
    "phone_reason",
]
QUIZ_QUESTIONS = 5


def _lesson(lesson_id, module_id, title, rank, kind) -> tuple:
    body = "<p>Điều lệ Công đoàn Việt Nam và các văn bản hướng dẫn.</p>" if kind == "text" else ""
    limit = 20 if kind == "quiz" else None
    return (lesson_id, module_id, title, rank, kind, True, body, "", "", QUIZ_QUESTIONS, 70, 3) + (
        limit,
        "",
        "",
        "",
        "",
        "",
    )


def _span(world: World, unit: int) -> int:
    lo, hi = world.people_range(unit)
    return hi - lo


def _learner(world, ids, rng, certificates, codes, out, course, k) -> None:
    from training.validity import expires_on

    course_id, organiser, topics, title, hours, lessons, bank, created = course
    person = world.person_ids[k]
    enrolment_id = ids.take("elearning_courseenrolment")
    last_day = world.today - dt.timedelta(days=1)
    begun = created + dt.timedelta(days=rng.randrange(max(1, (last_day - created).days)))
    draw = rng.random()
    done_count = (
        len(lessons) if draw < 0.35 else 0 if draw > 0.75 else rng.randrange(1, len(lessons))
    )
    if rng.random() < 0.2:
        out["assignments"].append(
            (ids.take("elearning_assignment"), course_id, person, _moment(begun, 0))
        )
    day, last_lesson = begun, None
    for lesson_id, kind in lessons[:done_count]:
        day = min(day + dt.timedelta(days=rng.randrange(4)), last_day)
        at = _moment(day, 60 + rng.randrange(600))
        if kind == "quiz":
            failed_first = rng.random() < 0.3
            if failed_first:
                out["attempts"].append(_attempt(ids, rng, enrolment_id, lesson_id, bank, day, 2))
            out["attempts"].append(_attempt(ids, rng, enrolment_id, lesson_id, bank, day, 4))
        out["progress"].append(
            (ids.take("elearning_lessonprogress"), enrolment_id, lesson_id, 100, 0, at, at)
        )
        last_lesson = lesson_id
    if 0 < done_count < len(lessons) and lessons[done_count][1] == "text" and rng.random() < 0.5:
        lesson_id = lessons[done_count][0]
        at = _moment(day, 700)
        out["progress"].append(
            (ids.take("elearning_lessonprogress"), enrolment_id, lesson_id, 40, 0, None, at)
        )
        last_lesson = lesson_id
    record_id, completed = None, None
    if done_count == len(lessons):
        record_id = ids.take("training_trainingrecord")
        completed = _moment(day, 800)
        out["records"].append(
            (record_id, person, None, None, title, None, hours, day, "online", organiser)
            + (None, "", certificates.number(organiser, day.year), day.year, day)
            + (certificates.text(organiser), next(codes), True, expires_on(day, None, topics))
        )
        for topic in topics:
            out["record_topics"].append((ids.take(_tables()["record_topics"]), record_id, topic.pk))
    out["enrolments"].append(
        (enrolment_id, course_id, person, _moment(begun, 30))
        + (_moment(day, 800) if done_count else None, last_lesson, completed, record_id)
    )


def _attempt(ids, rng, enrolment_id, lesson_id, bank, day, right) -> tuple:
    """A submitted attempt: QUIZ_QUESTIONS drawn, `right` of them answered right (4 of 5
    passes the 70 %)."""
    drawn = rng.sample(bank, QUIZ_QUESTIONS)
    answers = {}
    for n, (question, choices) in enumerate(drawn):
        answers[str(question)] = [choices[0] if n < right else choices[1 + rng.randrange(3)]]
    score = 100 * right / QUIZ_QUESTIONS
    minutes = 100 + rng.randrange(300)
    started = _moment(day, minutes)
    return (
        ids.take("elearning_quizattempt"),
        enrolment_id,
        lesson_id,
        next(_KEYS),
        json.dumps([{"question": q, "choices": rng.sample(c, len(c))} for q, c in drawn]),
        started,
        None,
        _moment(day, minutes + 10 + rng.randrange(10)),
        json.dumps(answers),
        f"{score:.2f}",
        score >= 70,
    )


_KEYS = _verification_codes()
