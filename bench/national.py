"""National-scale data for benchmarks: the confederation, the 34 provinces of 2025 and 20
central sector and corporation unions, ~700 upper-grassroots unions, G grassroots unions and
N people, every one of them holding a position (some two), with ~5.2 N training records
(2016 to 20 November 2026) and their topics; the 2025 yearly evaluations of every chair and
vice-chair, and the 2026 training plan of every unit above grassroots.
Every other kind of record (classes with their lecturers, sessions and participants, spending,
member growth, employers, pools, inspections, surveys, online courses) is added at national
volume by `national_kinds.ensure_every_kind` (`generate_national --every-kind`).

Ids are allocated here, so paths, terms and positions are computed without reading anything
back, and rows are streamed straight into the tables: COPY on PostgreSQL (with the secondary
indexes and foreign keys of the big tables set aside and rebuilt in one pass each),
executemany on SQLite. Deterministic for a given (N, G), but for the records' verification
codes (fresh random UUIDs)."""

import datetime as dt
import os
import random
import sys
import time
from array import array
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from auditlog.context import disable_auditlog
from django.db import connection, transaction

from demo import names
from lib.vntext import collation_key, fold
from people.models import Role
from units.models import UnitKind, path_segment

SEED = 2026
PASSWORD = "Bench@2026"
ADMIN, PROVINCE_OFFICER = "bench_admin", "bench_province"
GRASSROOTS_OFFICER = "bench_grassroots"
TERM_NAME, TERM_START, TERM_END = "2023-2028", dt.date(2023, 6, 1), dt.date(2028, 5, 31)
PREVIOUS_NAME = "2018-2023"
PREVIOUS_START, PREVIOUS_END = dt.date(2018, 6, 1), dt.date(2023, 5, 31)
NON_STATE_SHARE = 0.86  # of the provinces' grassroots: ~75 % of all (national unions': state)
APPOINTED_SHARE = 0.06  # committee seats filled between congresses (appointed, mid-term)
UPPER_TOTAL = 700  # upper-grassroots unions under the provinces at full scale

# CCCD province code, name, city?, rough weight (population, millions): the 34 of July 2025.
PROVINCES = [
    ("001", "Hà Nội", True, 8.7),
    ("079", "Hồ Chí Minh", True, 14.0),
    ("031", "Hải Phòng", True, 4.7),
    ("048", "Đà Nẵng", True, 3.1),
    ("046", "Huế", True, 1.4),
    ("092", "Cần Thơ", True, 4.2),
    ("012", "Lai Châu", False, 0.5),
    ("011", "Điện Biên", False, 0.6),
    ("014", "Sơn La", False, 1.3),
    ("020", "Lạng Sơn", False, 0.8),
    ("022", "Quảng Ninh", False, 1.4),
    ("038", "Thanh Hóa", False, 3.7),
    ("040", "Nghệ An", False, 3.4),
    ("042", "Hà Tĩnh", False, 1.3),
    ("004", "Cao Bằng", False, 0.5),
    ("008", "Tuyên Quang", False, 1.9),
    ("010", "Lào Cai", False, 1.8),
    ("019", "Thái Nguyên", False, 1.8),
    ("025", "Phú Thọ", False, 4.0),
    ("027", "Bắc Ninh", False, 3.6),
    ("033", "Hưng Yên", False, 3.6),
    ("037", "Ninh Bình", False, 4.4),
    ("045", "Quảng Trị", False, 1.9),
    ("051", "Quảng Ngãi", False, 2.2),
    ("064", "Gia Lai", False, 3.6),
    ("056", "Khánh Hòa", False, 2.2),
    ("068", "Lâm Đồng", False, 3.9),
    ("066", "Đắk Lắk", False, 3.3),
    ("075", "Đồng Nai", False, 4.5),
    ("072", "Tây Ninh", False, 3.3),
    ("086", "Vĩnh Long", False, 4.3),
    ("087", "Đồng Tháp", False, 4.4),
    ("096", "Cà Mau", False, 2.6),
    ("089", "An Giang", False, 4.9),
]
NATIONAL_UNIONS = [
    ("CDGD", "Công đoàn Giáo dục Việt Nam", "central_sector_union"),
    ("CDYT", "Công đoàn Y tế Việt Nam", "central_sector_union"),
    ("CDVC", "Công đoàn Viên chức Việt Nam", "central_sector_union"),
    ("CDCT", "Công đoàn Công Thương Việt Nam", "central_sector_union"),
    ("CDGT", "Công đoàn Giao thông Vận tải Việt Nam", "central_sector_union"),
    ("CDXD", "Công đoàn Xây dựng Việt Nam", "central_sector_union"),
    ("CDNN", "Công đoàn Nông nghiệp và Phát triển nông thôn Việt Nam", "central_sector_union"),
    ("CDNH", "Công đoàn Ngân hàng Việt Nam", "central_sector_union"),
    ("CDCA", "Công đoàn Công an nhân dân", "central_sector_union"),
    ("CDQP", "Công đoàn Quốc phòng", "central_sector_union"),
    ("CDTT", "Công đoàn Thông tin và Truyền thông Việt Nam", "central_sector_union"),
    ("CDDL", "Công đoàn Điện lực Việt Nam", "central_sector_union"),
    ("CDDK", "Công đoàn Tập đoàn Dầu khí Quốc gia Việt Nam", "corporation_union"),
    ("CDTKV", "Công đoàn Tập đoàn Công nghiệp Than - Khoáng sản Việt Nam", "corporation_union"),
    ("CDBCVT", "Công đoàn Tập đoàn Bưu chính Viễn thông Việt Nam", "corporation_union"),
    ("CDDM", "Công đoàn Tập đoàn Dệt May Việt Nam", "corporation_union"),
    ("CDCS", "Công đoàn Tập đoàn Công nghiệp Cao su Việt Nam", "corporation_union"),
    ("CDHK", "Công đoàn Tổng công ty Hàng không Việt Nam", "corporation_union"),
    ("CDDS", "Công đoàn Tổng công ty Đường sắt Việt Nam", "corporation_union"),
    ("CDHH", "Công đoàn Tổng công ty Hàng hải Việt Nam", "corporation_union"),
]
PLACES = [
    "An Bình",
    "An Phú",
    "An Khánh",
    "Bình An",
    "Bình Minh",
    "Bình Thạnh",
    "Cát Lái",
    "Đông Hòa",
    "Đông Sơn",
    "Hòa Bình",
    "Hòa Lợi",
    "Hòa Khánh",
    "Hưng Long",
    "Hưng Đạo",
    "Kim Sơn",
    "Long Hưng",
    "Long Thành",
    "Minh Khai",
    "Mỹ Phước",
    "Nam Sơn",
    "Nghĩa Hưng",
    "Phú Mỹ",
    "Phú Lợi",
    "Phú Hòa",
    "Phước Long",
    "Quang Trung",
    "Quảng Phú",
    "Tam Hiệp",
    "Tân An",
    "Tân Bình",
    "Tân Phú",
    "Tân Thành",
    "Thạnh Phú",
    "Thanh Xuân",
    "Thuận An",
    "Thủy Nguyên",
    "Tiên Lữ",
    "Trung Hòa",
    "Vĩnh Hưng",
    "Xuân Phương",
    "Yên Lạc",
    "Yên Mỹ",
]
# level -> (vice-chairs, standing members, advisory staff, seats for children's chairs)
UPPER_SHAPE = {
    "confederation": (4, 6, 20, 40),
    "province": (3, 4, 8, 8),
    "national": (2, 3, 5, 5),
    "upper": (2, 0, 3, 5),
}
# Qualifications drawn by index from pools: education level, political theory.
EDUCATION = {
    "upper": [4] * 3 + [5] * 72 + [6] * 23 + [7] * 2,
    "grassroots": [1] * 3 + [2] * 12 + [3] * 12 + [4] * 15 + [5] * 50 + [6] * 8,
}
THEORY = {
    "upper": [0] * 3 + [1] * 7 + [2] * 50 + [3] * 35 + [4] * 5,
    "grassroots": [0] * 45 + [1] * 38 + [2] * 15 + [3] * 2,
}
PHONE_PREFIXES = ["912", "913", "903", "983", "988", "968", "868", "339", "362", "376", "835"]
PERSON_COLUMNS = [
    "id",
    "family_name",
    "middle_name",
    "given_name",
    "gender",
    "birth_date",
    "citizen_id",
    "ethnicity",
    "phone",
    "email",
    "address",
    "education_level",
    "political_theory",
    "foreign_language",
    "it_skill",
    "unit_id",
    "search_name",
    "sort_key",
]
POSITION_COLUMNS = [
    "id",
    "person_id",
    "unit_id",
    "role_id",
    "full_time",
    "start_date",
    "end_date",
    "term_id",
    "first_time_on_committee",
    "start_reason",
    "end_reason",
]
RECORD_COLUMNS = [
    "id",
    "person_id",
    "title",
    "programme_id",
    "hours",
    "completed_on",
    "form",
    "organiser_id",
    "scan",
    "certificate_number",
    "certificate_signed",  # what a certificate said when signed: none numbered here
    "verification_code",
    "valid",
]
EVALUATION_COLUMNS = [
    "id",
    "person_id",
    "unit_id",
    "role_id",
    "year",
    "occasion",
    "rating",
    "self_assessment",
    "votes_excellent",
    "votes_good",
    "votes_completed",
    "votes_not_completed",
    "approved_by_id",
    "published_at",
    "created_at",
]
LINE_COLUMNS = [
    "id",
    "plan_id",
    "name",
    "topic_id",
    "programme_id",
    "target_group",
    "classes",
    "trainees",
    "quarter",
    "budget",
    "funding_source",
]
TABLES = [
    "units_unit",
    "units_unitversion",
    "units_unitfigures",
    "units_term",
    "people_person",
    "people_position",
    "training_trainingrecord",
    "training_trainingrecord_topics",
]

# Training records: ~5.2 per person over 2016-01-01 .. 2026-11-20, denser in recent years.
RECORDS_PER_PERSON = 5.2
RECORD_END = dt.date(2026, 11, 20)
YEAR_WEIGHTS = {
    2016: 0.55,
    2017: 0.6,
    2018: 0.68,
    2019: 0.75,
    2020: 0.58,
    2021: 0.62,
    2022: 0.85,
    2023: 1.0,
    2024: 1.1,
    2025: 1.2,
    2026: 1.15,
}  # 2020-21: COVID
# Who, by post: relative number of records; cumulative shares organised by the nearest
# upper unit (upper-grassroots or, for the national unions' grassroots, the national union)
# and by the province or national union (the rest: the confederation); share of records
# under a framework programme; topic mix.
RECORD_PROFILES = {
    "member": (4.4, 0.75, 0.97, 0.06, "member"),
    "vice": (6.0, 0.58, 0.92, 0.15, "cadre"),
    "chair": (7.0, 0.50, 0.88, 0.20, "cadre"),
    "mid_chair": (9.0, 0.20, 0.80, 0.22, "cadre"),  # 1,000-2,499 members: the province
    "big_chair": (12.0, 0.06, 0.42, 0.25, "cadre"),  # from 2,500: the confederation
    "upper_key": (12.0, 0.15, 0.62, 0.25, "upper_key"),
    "staff": (9.0, 0.20, 0.70, 0.20, "staff"),
}
TOPIC_MIX = {
    "member": {
        "osh": 4,
        "labour_law": 4,
        "union_theory": 3,
        "soft_skills": 3,
        "union_general": 2,
        "democracy_supervision": 2,
        "collective_bargaining": 1,
        "dialogue": 1,
        "member_growth": 1,
        "it": 1,
    },
    "cadre": {
        "union_theory": 4,
        "union_general": 3,
        "soft_skills": 3,
        "collective_bargaining": 2,
        "dialogue": 2,
        "labour_law": 2,
        "osh": 2,
        "democracy_supervision": 2,
        "member_growth": 2,
        "legal_advice": 1,
        "political_theory": 1,
    },
    "cadre_non_state": {
        "collective_bargaining": 4,
        "union_theory": 3,
        "soft_skills": 3,
        "dialogue": 3,
        "osh": 3,
        "democracy_supervision": 2,
        "union_general": 2,
        "labour_law": 2,
        "dispute_resolution": 1,
        "member_growth": 1,
    },
    "upper_key": {
        "union_general": 3,
        "union_theory": 3,
        "management_leadership": 3,
        "political_theory": 3,
        "labour_relations": 2,
        "labour_law": 2,
        "collective_bargaining": 1,
        "dispute_resolution": 1,
        "civil_service_rank": 1,
        "foreign_language": 1,
    },
    "staff": {
        "union_theory": 3,
        "labour_law": 3,
        "labour_relations": 3,
        "legal_advice": 2,
        "dispute_resolution": 2,
        "it": 2,
        "civil_service_rank": 2,
        "member_growth": 1,
        "foreign_language": 1,
        "political_theory": 1,
        "pedagogy": 1,
    },
}
TITLE_FORMS = [
    "Tập huấn {t}",
    "Bồi dưỡng {t}",
    "Lớp bồi dưỡng {t} năm {y}",
    "Hội nghị tập huấn {t} năm {y}",
    "Chuyên đề {t}",
]
FORMS = (
    ["on_site"] * 55 + ["in_service"] * 8 + ["online"] * 22 + ["blended"] * 10 + ["distance"] * 5
)
PROGRAMME_FORMS = ["on_site"] * 6 + ["in_service"] * 2 + ["blended"] * 2
HOURS = (
    [4] * 8
    + [8] * 24
    + [12] * 8
    + [16] * 20
    + [24] * 14
    + [32] * 6
    + [40] * 12
    + [56] * 4
    + [80] * 4
)
REMOTE_HOURS = [4, 4, 8, 8, 8, 12, 16]
PROGRAMME_HOURS = [16, 24, 24, 32, 40, 40, 56, 80]
VALID_SHARE = 0.97


def progress(message: str) -> None:
    sys.stderr.write(f"{dt.datetime.now():%H:%M:%S} {message}\n")
    sys.stderr.flush()


@dataclass
class Plan:
    """What will be written, held as ids and small tuples (the people themselves stream)."""

    people: int
    grassroots: int
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    kinds: dict[str, int] = field(default_factory=dict)
    roles: dict[str, int] = field(default_factory=dict)
    # [id, code, name, kind id, parent id, path, depth, sector, founded on]
    units: list[list] = field(default_factory=list)
    shape: dict[int, str] = field(default_factory=dict)  # upper unit id -> UPPER_SHAPE key
    children: dict[int, list[int]] = field(default_factory=dict)
    province: dict[int, str] = field(default_factory=dict)  # unit id -> CCCD code
    members: dict[int, int] = field(default_factory=dict)  # grassroots id -> members
    seats: list[tuple[int, str, bool]] = field(default_factory=list)  # upper (unit, role, ft)
    blocks: list[tuple[int, int, int]] = field(default_factory=list)  # (unit, 1st person, n)
    chair_of: dict[int, int] = field(default_factory=dict)  # unit id -> person id
    kind_level: dict[int, str] = field(default_factory=dict)  # unit kind id -> level code
    topics: dict[str, int] = field(default_factory=dict)  # topic code -> id
    topic_names: dict[int, str] = field(default_factory=dict)  # topic id -> name
    # (id, name, topic ids, role codes, level codes, full-time only?) of each programme
    programmes: list[tuple] = field(default_factory=list)
    birth_year: bytearray = field(default_factory=bytearray)  # person id -> year - 1900
    record_topics: array = field(default_factory=lambda: array("I"))  # 2 per record, 0: none

    def add_unit(
        self,
        code: str,
        name: str,
        kind: str,
        parent: list | None,
        sector: str = "",
        founded: dt.date = dt.date(1990, 1, 1),
    ) -> list:
        unit_id = len(self.units) + 1
        row = [
            unit_id,
            code,
            name,
            self.kinds[kind],
            parent[0] if parent else None,
            (parent[5] if parent else "") + path_segment(unit_id),
            parent[6] + 1 if parent else 0,
            sector,
            founded,
        ]
        self.units.append(row)
        if parent:
            self.children.setdefault(parent[0], []).append(unit_id)
            self.province[unit_id] = self.province.get(parent[0], "001")
        return row


# ---------------------------------------------------------------- structure


def build_units(plan: Plan) -> None:
    root = plan.add_unit(
        "TLD",
        "Tổng Liên đoàn Lao động Việt Nam",
        "confederation",
        None,
        founded=dt.date(1929, 7, 28),
    )
    plan.shape[root[0]] = "confederation"
    provinces = []
    for cccd, name, city, _weight in PROVINCES:
        kind_word = "thành phố" if city else "tỉnh"
        row = plan.add_unit(
            f"P{cccd}", f"Liên đoàn Lao động {kind_word} {name}", "provincial_federation", root
        )
        plan.province[row[0]], plan.shape[row[0]] = cccd, "province"
        provinces.append(row)
    nationals = []
    for code, name, kind in NATIONAL_UNIONS:
        row = plan.add_unit(code, name, kind, root)
        plan.shape[row[0]] = "national"
        nationals.append(row)
    uppers = []
    for province, count in zip(provinces, _split(_upper_count(plan), _weights()), strict=True):
        uppers += [_upper(plan, province, k) for k in range(1, max(count, 1) + 1)]
    national_share = plan.grassroots // 8
    parents = _weighted_parents(uppers)
    counts = _split(national_share, [1.0] * len(nationals)) + _split(
        plan.grassroots - national_share, [w for _, w in parents]
    )
    for parent, count in zip(nationals + [p for p, _ in parents], counts, strict=True):
        for k in range(1, count + 1):
            _grassroots(plan, parent, k)


def _upper_count(plan: Plan) -> int:
    # About one upper-grassroots union per 200 grassroots, as in the country.
    return min(UPPER_TOTAL, max(len(PROVINCES), plan.grassroots // 200))


def _weights() -> list[float]:
    return [weight for *_, weight in PROVINCES]


def _split(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainder), summing exactly."""
    scale = sum(weights)
    exact = [total * w / scale for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: counts[i] - exact[i])
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _upper(plan: Plan, province: list, k: int) -> list:
    short = province[2].removeprefix("Liên đoàn Lao động ")
    kind, name = {
        1: ("industrial_zone_union", f"Công đoàn các Khu công nghiệp {short}"),
        2: ("local_sector_union", f"Công đoàn ngành Giáo dục {short}"),
        3: ("local_sector_union", f"Công đoàn ngành Y tế {short}"),
        4: ("upper_grassroots_other", f"Công đoàn Viên chức {short}"),
    }.get(k, ("upper_grassroots_other", f"Công đoàn khu vực {k - 4} {short}"))
    row = plan.add_unit(f"{province[1]}-{k:02d}", name, kind, province, founded=dt.date(1995, 1, 1))
    plan.shape[row[0]] = "upper"
    return row


def _weighted_parents(uppers: list) -> list[tuple[list, float]]:
    """Each upper union's share of the provinces' grassroots: its province's weight, split."""
    weight = {f"P{cccd}": w for cccd, _n, _c, w in PROVINCES}
    per_province: dict[str, int] = {}
    for row in uppers:
        per_province[row[1][:4]] = per_province.get(row[1][:4], 0) + 1
    return [(row, weight[row[1][:4]] / per_province[row[1][:4]]) for row in uppers]


def _grassroots(plan: Plan, parent: list, k: int) -> None:
    rng = plan.rng
    roll, place = rng.random(), PLACES[int(rng.random() * len(PLACES))]
    if parent[3] != plan.kinds["provincial_federation"] and parent[6] == 1:  # a national union
        org = ("Chi nhánh", "Công ty", "Trung tâm", "Ban Quản lý dự án")[int(roll * 4)]
        name, sector = f"Công đoàn {org} {parent[2].removeprefix('Công đoàn ')} {place}", "state"
    elif roll < NON_STATE_SHARE:  # ~75 % of all grassroots unions are non-state
        brand = names.COMPANY_BRANDS[int(rng.random() * len(names.COMPANY_BRANDS))]
        trade = names.COMPANY_TRADES[int(rng.random() * len(names.COMPANY_TRADES))]
        form = "TNHH" if roll < 0.62 else "Cổ phần"
        name, sector = f"Công đoàn Công ty {form} {trade} {brand} {place}", "non_state"
    elif roll < 0.92:
        level = ("Mầm non", "Tiểu học", "THCS", "THPT")[int(rng.random() * 4)]
        name, sector = f"Công đoàn Trường {level} {place}", "state"
    elif roll < 0.97:
        name, sector = f"Công đoàn UBND xã {place}", "state"
    else:
        name, sector = f"Công đoàn Bệnh viện đa khoa {place}", "state"
    founded = dt.date(1995 + int(rng.random() * 28), 1 + int(rng.random() * 12), 1)
    row = plan.add_unit(f"{parent[1]}-{k:04d}", name, "grassroots", parent, sector, founded)
    band = rng.random()
    plan.members[row[0]] = (
        20 + int(rng.random() * 280)
        if band < 0.7
        else 300 + int(rng.random() * 700)
        if band < 0.9
        else 1000 + int(rng.random() * 1500)
        if band < 0.97
        else 2500 + int(rng.random() * 12000)
    )


# ---------------------------------------------------------------- who holds which seat


def allocate_people(plan: Plan) -> None:
    """Person ids by seat: upper-level committees and staff first, then each grassroots
    union's committee as one contiguous block sized by its membership."""
    seats = _upper_seats(plan)[: plan.people // 5]
    plan.seats = seats
    for i, (unit_id, role, _ft) in enumerate(seats, 1):
        if role == "chair":
            plan.chair_of[unit_id] = i
    grassroots = list(plan.members)
    wanted = [_committee_size(plan.members[g]) for g in grassroots]
    sizes = _split(plan.people - len(seats), [float(w) for w in wanted])
    next_id = len(seats) + 1
    for unit_id, size in zip(grassroots, sizes, strict=True):
        plan.blocks.append((unit_id, next_id, size))
        if size:
            plan.chair_of[unit_id] = next_id
        next_id += size


def _committee_size(members: int) -> int:
    return (
        3
        if members < 50
        else 5
        if members < 300
        else 7
        if members < 1000
        else 9
        if members < 2500
        else 13
    )


def _upper_seats(plan: Plan) -> list[tuple[int, str, bool]]:
    """All upper seats, chairs of every unit first, then first vice-chairs, ...: when people
    are scarce (a small test run) each unit still gets its chair."""
    ladders = []
    for unit_id, shape in plan.shape.items():
        vices, standing, staff, _seats = UPPER_SHAPE[shape]
        ladder = (
            ["chair"]
            + ["vice_chair"] * vices
            + ["standing_member"] * standing
            + ["advisory_staff"] * staff
        )
        ladders.append([(unit_id, role, True) for role in ladder])
    seats = []
    for rank in range(max(len(ladder) for ladder in ladders)):
        seats += [ladder[rank] for ladder in ladders if rank < len(ladder)]
    return seats


def _grassroots_role(index: int, size: int) -> str:
    if index == 0:
        return "chair"
    if index == 1 or (index == 2 and size >= 7):
        return "vice_chair"
    return "executive_member"


# ---------------------------------------------------------------- rows


def unit_rows(plan: Plan) -> Iterator[tuple]:
    for u in plan.units:
        yield (*u, fold(f"{u[1]} {u[2]}"))


def version_rows(plan: Plan) -> Iterator[tuple]:
    for unit_id, _code, name, kind, parent, path, depth, _sector, founded in plan.units:
        yield unit_id, unit_id, founded, name, kind, parent, path, depth


def figure_rows(plan: Plan) -> Iterator[tuple]:
    """Two dated figures per grassroots union (2024 and 2026), so 'as of' has a choice."""
    figure_id = 0
    for unit_id, members in plan.members.items():
        for day, count in (
            (dt.date(2024, 1, 1), max(5, members * 19 // 20)),
            (dt.date(2026, 1, 1), members),
        ):
            figure_id += 1
            yield figure_id, unit_id, day, count, count + count // 8


def term_rows(plan: Plan) -> Iterator[tuple]:
    """The current term of every unit (id = the unit's id), then the 2018–2023 term of those
    founded by then (id = number of units + the unit's id)."""
    for u in plan.units:
        yield u[0], u[0], TERM_NAME, TERM_START, TERM_END
    for u in plan.units:
        if u[8] <= PREVIOUS_START:
            yield previous_term(plan, u[0]), u[0], PREVIOUS_NAME, PREVIOUS_START, PREVIOUS_END


def previous_term(plan: Plan, unit_id: int) -> int:
    return len(plan.units) + unit_id


def seat_holders(plan: Plan) -> Iterator[tuple[int, int, str, bool, str]]:
    """(person id, unit id, role, full-time, profile) for every person, in id order."""
    for i, (unit_id, role, full_time) in enumerate(plan.seats, 1):
        yield i, unit_id, role, full_time, "upper"
    for unit_id, first, size in plan.blocks:
        big = plan.members[unit_id] >= 2500
        for k in range(size):
            role = _grassroots_role(k, size)
            yield first + k, unit_id, role, big and role == "chair", "grassroots"


class PersonMaker:
    """Names at national frequencies, birth dates 1960–2000, CCCD-shaped unique IDs.
    Full-time cadres (upper levels, chairs of big unions) have the upper-level education and
    political-theory profile: mostly university or higher, mostly intermediate theory."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.rng = random.Random(SEED + 1)
        family, weights = zip(*names.FAMILY_NAMES, strict=True)
        self.families = self.rng.choices(family, weights=weights, k=4096)
        self.keys: dict[tuple[str, str, str], tuple[str, str]] = {}
        self.serials: dict[tuple[str, int, int], int] = {}
        self.codes = [code for code, *_ in PROVINCES]

    def row(self, person_id: int, unit_id: int, profile: str) -> tuple:
        r = self.rng.random
        female = r() < 0.48
        middles, givens = (
            (names.FEMALE_MIDDLE, names.FEMALE_GIVEN)
            if female
            else (names.MALE_MIDDLE, names.MALE_GIVEN)
        )
        family = self.families[int(r() * 4096)]
        middle, given = middles[int(r() * len(middles))], givens[int(r() * len(givens))]
        search, sort = self._keys(family, middle, given)
        born = dt.date(1960 + int(r() * 41), 1 + int(r() * 12), 1 + int(r() * 28))
        home = (
            self.plan.province.get(unit_id, "001")
            if r() < 0.8
            else self.codes[int(r() * len(self.codes))]
        )
        citizen_id = None if r() < 0.05 else self._citizen_id(home, female, born.year)
        phone = f"0{PHONE_PREFIXES[int(r() * 11)]}{int(r() * 1e6):06d}" if r() < 0.6 else ""
        email = f"{search.split()[-1]}{person_id}@congdoan.vn" if r() < 0.15 else ""
        return (
            person_id,
            family,
            middle,
            given,
            "female" if female else "male",
            born,
            citizen_id,
            "Kinh",
            phone,
            email,
            "",
            EDUCATION[profile][int(r() * 100)],
            THEORY[profile][int(r() * 100)],
            "",
            "",
            unit_id,
            search,
            sort,
        )

    def _keys(self, family: str, middle: str, given: str) -> tuple[str, str]:
        key = (family, middle, given)
        if key not in self.keys:  # a few thousand distinct names: fold each once
            self.keys[key] = (
                fold(f"{family} {middle} {given}"),
                collation_key(given, middle, family),
            )
        return self.keys[key]

    def _citizen_id(self, province: str, female: bool, year: int) -> str:
        """Province, century-and-gender digit, birth year, then a serial scrambled by a
        bijection of 0..999999, so IDs look random yet never collide."""
        digit = (0 if year < 2000 else 2) + female
        key = (province, digit, year % 100)
        serial = self.serials.get(key, 0) + 1
        self.serials[key] = serial
        scrambled = (serial * 7919 + int(province) * 104729 + year * 1299709) % 1_000_000
        return f"{province}{digit}{year % 100:02d}{scrambled:06d}"


def person_rows(plan: Plan) -> Iterator[tuple]:
    """The people, in id order; their birth years are kept for the training records."""
    maker = PersonMaker(plan)
    born = plan.birth_year = bytearray(plan.people + 1)  # year - 1900
    for person_id, unit_id, _role, full_time, profile in seat_holders(plan):
        row = maker.row(person_id, unit_id, "upper" if full_time else profile)
        born[person_id] = row[5].year - 1900
        yield row


def position_rows(plan: Plan) -> Iterator[tuple]:
    """The current term's seat of every person (three in ten also held one in 2018–2023),
    staff appointments, and the children's chairs sitting on upper committees.

    Committee seats carry their unit's term; most were won at the congress (elected), some
    filled between congresses (appointed, mid-term); about 40 % of the seats are the holder's
    first time on the committee. Staff are appointed, outside any term."""
    rng, roles = random.Random(SEED + 2), plan.roles
    founded = {u[0]: u[8] for u in plan.units}
    r = rng.random
    n = 0
    for person_id, unit_id, role, full_time, _profile in seat_holders(plan):
        if role == "advisory_staff":
            start = dt.date(2008 + int(r() * 16), 1 + int(r() * 12), 1)
            n += 1
            yield (
                n,
                person_id,
                unit_id,
                roles[role],
                True,
                start,
                None,
                None,
                False,
                "appointed",
                "",
            )
            continue
        again = r() < 0.3 and founded[unit_id] <= PREVIOUS_START
        if again:
            start, reason = PREVIOUS_START, "elected"
            if r() < APPOINTED_SHARE:
                start, reason = dt.date(2019 + int(r() * 3), 1 + int(r() * 12), 1), "appointed"
            n += 1
            yield (
                n,
                person_id,
                unit_id,
                roles[role],
                full_time,
                start,
                PREVIOUS_END,
                previous_term(plan, unit_id),
                r() < 0.35,
                reason,
                "term_ended",
            )
        start, reason = TERM_START, "elected"
        if r() < APPOINTED_SHARE:
            start, reason = dt.date(2024 + int(r() * 2), 1 + int(r() * 12), 1), "appointed"
        n += 1
        yield (
            n,
            person_id,
            unit_id,
            roles[role],
            full_time,
            start,
            None,
            unit_id,
            not again and r() < 0.55,
            reason,
            "",
        )
    for parent, shape in plan.shape.items():
        for child in plan.children.get(parent, [])[: UPPER_SHAPE[shape][3]]:
            if child in plan.chair_of:
                n += 1
                yield (
                    n,
                    plan.chair_of[child],
                    parent,
                    roles["executive_member"],
                    False,
                    TERM_START,
                    None,
                    parent,
                    False,
                    "elected",
                    "",
                )


# ---------------------------------------------------------------- training records


def record_category(plan: Plan, unit_id: int, role: str, profile: str) -> str:
    if profile == "upper":
        return "staff" if role == "advisory_staff" else "upper_key"
    if role == "chair":
        members = plan.members[unit_id]
        return "big_chair" if members >= 2500 else "mid_chair" if members >= 1000 else "chair"
    return "vice" if role == "vice_chair" else "member"


def _record_factor(plan: Plan) -> float:
    """Scale of RECORD_PROFILES' weights so that people average RECORDS_PER_PERSON."""
    total = 0.0
    for _unit, role, _ft in plan.seats:
        total += RECORD_PROFILES["staff" if role == "advisory_staff" else "upper_key"][0]
    for unit_id, _first, size in plan.blocks:
        for k in range(size):
            category = record_category(plan, unit_id, _grassroots_role(k, size), "grassroots")
            total += RECORD_PROFILES[category][0]
    return RECORDS_PER_PERSON * plan.people / total if total else 0.0


def _organisers(plan: Plan) -> dict[int, tuple[int, int, int]]:
    """For each unit above grassroots: who trains its people and its grassroots unions'
    people, as (nearest upper unit, province or national union, confederation) — a level
    that is missing is taken by the one above."""
    chains: dict[int, tuple[int, int, int]] = {}
    for unit_id, _c, _n, _k, parent, _p, depth, *_ in plan.units:
        if unit_id not in plan.shape:
            continue
        if depth == 0:
            chains[unit_id] = (unit_id, unit_id, unit_id)
        elif depth == 1:
            chains[unit_id] = (unit_id, unit_id, parent)
        else:
            chains[unit_id] = (unit_id, *chains[parent][1:])
    return chains


def _day_pools(size: int = 1 << 16) -> tuple[list, list]:
    """`size` (ISO day, year) draws spread by YEAR_WEIGHTS, and the same from 2023 on (for
    people too young for the early years)."""
    scale = size / sum(YEAR_WEIGHTS.values())
    pool = []
    for year, weight in YEAR_WEIGHTS.items():
        first = dt.date(year, 1, 1)
        days = (min(dt.date(year, 12, 31), RECORD_END) - first).days + 1
        slots = round(weight * scale * days / 365)
        pool += [
            ((first + dt.timedelta(days=k * days // slots)).isoformat(), year) for k in range(slots)
        ]
    return pool, [entry for entry in pool if entry[1] >= 2023]


def _verification_codes() -> Iterator[str]:
    """Fresh random (version 4) UUIDs as 32 hex digits, made 8,192 at a time."""
    version = bytes((b & 0x0F) | 0x40 for b in range(256))
    variant = bytes((b & 0x3F) | 0x80 for b in range(256))
    while True:
        raw = bytearray(os.urandom(16 * 8192))
        raw[6::16] = raw[6::16].translate(version)
        raw[8::16] = raw[8::16].translate(variant)
        text = raw.hex()
        for k in range(0, len(text), 32):
            yield text[k : k + 32]


class RecordMaker:
    """What a kind of person gets: how many records, from whom, on what."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.factor = _record_factor(plan)
        self.chains = _organisers(plan)
        self.profiles: dict[tuple, tuple] = {}
        self.pools = {
            name: [
                plan.topics[code]
                for code, weight in mix.items()
                for _ in range(weight)
                if code in plan.topics
            ]
            for name, mix in TOPIC_MIX.items()
        }
        fallback = list(plan.topics.values())
        for name, pool in self.pools.items():
            self.pools[name] = pool or fallback
        self.titles: dict[int, list[list[str]]] = {}
        names = plan.topic_names
        for topic_id, name in names.items():
            lowered = name[:1].lower() + name[1:]
            self.titles[topic_id] = [
                [form.format(t=lowered, y=year)[:255] for form in TITLE_FORMS]
                for year in YEAR_WEIGHTS
            ]

    def profile(
        self, category: str, non_state: bool, role: str, level: str, full_time: bool
    ) -> tuple:
        key = (category, non_state, role, level, full_time)
        if key not in self.profiles:
            weight, low, mid, programme_share, mix = RECORD_PROFILES[category]
            if mix == "cadre" and non_state:
                mix = "cadre_non_state"
            programmes = [
                (pk, name[:255], topic_ids)
                for pk, name, topic_ids, roles, levels, ft in self.plan.programmes
                if topic_ids
                and (not roles or role in roles)
                and (not levels or level in levels)
                and (ft is None or ft == full_time)
            ]
            self.profiles[key] = (
                weight * self.factor,
                low,
                mid,
                programme_share if programmes else 0.0,
                programmes,
                self.pools[mix],
            )
        return self.profiles[key]


def record_rows(plan: Plan) -> Iterator[tuple]:
    """External-style records (no class, no enrolment) for every person, in person order;
    their topics go to plan.record_topics. Deterministic but for the verification codes."""
    if not plan.topics:  # the topic catalogue was emptied: records need one
        return
    maker = RecordMaker(plan)
    rng = random.Random(SEED + 3)
    r = rng.random
    pool, recent = _day_pools()
    n_pool, n_recent = len(pool), len(recent)
    codes = _verification_codes().__next__
    topics = plan.record_topics
    add_topic = topics.append
    units, born, kind_level = plan.units, plan.birth_year, plan.kind_level
    first_year = min(YEAR_WEIGHTS)
    record_id = 0
    for person_id, unit_id, role, full_time, profile in seat_holders(plan):
        unit = units[unit_id - 1]
        grassroots = profile == "grassroots"
        chain = maker.chains[unit[4] if grassroots else unit_id]
        weight, low, mid, programme_share, programmes, mix = maker.profile(
            record_category(plan, unit_id, role, profile),
            unit[7] == "non_state",
            role,
            kind_level[unit[3]],
            full_time,
        )
        adult = born[person_id] + 1920
        n_mix, n_programmes = len(mix), len(programmes)
        for _ in range(int(weight * (0.4 + 1.2 * r()) + r())):
            record_id += 1
            day, year = pool[int(r() * n_pool)]
            if year < adult:
                day, year = recent[int(r() * n_recent)]
            x = r()
            organiser = chain[0] if x < low else chain[1] if x < mid else chain[2]
            if r() < programme_share:
                programme, title, own = programmes[int(r() * n_programmes)]
                topic = own[int(r() * len(own))]
                second = own[int(r() * len(own))] if r() < 0.4 else 0
                form = PROGRAMME_FORMS[int(r() * 10)]
                hours = PROGRAMME_HOURS[int(r() * 8)]
            else:
                programme = None
                topic = mix[int(r() * n_mix)]
                second = mix[int(r() * n_mix)] if r() < 0.4 else 0
                form = FORMS[int(r() * 100)]
                if form == "online" or form == "distance":
                    hours = REMOTE_HOURS[int(r() * 7)]
                    if year < 2020:
                        form = "on_site"
                else:
                    hours = HOURS[int(r() * 100)]
                title = maker.titles[topic][year - first_year][int(r() * 5)]
            add_topic(topic)
            add_topic(0 if second == topic else second)
            yield (
                record_id,
                person_id,
                title,
                programme,
                hours,
                day,
                form,
                organiser,
                "",
                "",
                "{}",
                codes(),
                r() < VALID_SHARE,
            )


def record_topic_rows(plan: Plan) -> Iterator[tuple[int, int, int]]:
    """One or two topics per record, as record_rows drew them."""
    n = 0
    pairs = iter(plan.record_topics)
    for record_id, (topic, second) in enumerate(zip(pairs, pairs, strict=True), 1):
        n += 1
        yield n, record_id, topic
        if second:
            n += 1
            yield n, record_id, second


# ---------------------------------------------------------------- the yearly cycle

# Yearly evaluations of 2025 for every chair and vice-chair, approved by the unit above; and
# the 2026 training plan of every unit above grassroots, with a few lines each.
EVALUATION_YEAR, PLAN_YEAR = 2025, 2026
PUBLISHED_SHARE = 0.8
RATINGS = ["excellent"] * 15 + ["good"] * 62 + ["completed"] * 20 + ["not_completed"] * 3
RATING_NAMES = {
    "excellent": "hoàn thành xuất sắc nhiệm vụ",
    "good": "hoàn thành tốt nhiệm vụ",
    "completed": "hoàn thành nhiệm vụ",
    "not_completed": "không hoàn thành nhiệm vụ",
}
# The collective's votes (excellent, good, completed, not completed) around each rating.
VOTE_SHARES = {
    "excellent": (0.6, 0.32, 0.07, 0.01),
    "good": (0.18, 0.62, 0.17, 0.03),
    "completed": (0.04, 0.3, 0.56, 0.1),
    "not_completed": (0.0, 0.08, 0.4, 0.52),
}
SELF_ASSESSMENTS = [
    "Chấp hành nghiêm chủ trương, nghị quyết của Đảng, pháp luật của Nhà nước và Điều lệ "
    "Công đoàn Việt Nam; hoàn thành các chỉ tiêu được giao trong năm {y}.",
    "Chủ động tham gia đối thoại, thương lượng tập thể; chăm lo đời sống, bảo vệ quyền lợi "
    "hợp pháp của đoàn viên và người lao động; còn hạn chế trong phát triển đoàn viên.",
    "Tổ chức tốt các hoạt động thi đua, chăm lo Tết cho đoàn viên; cần tăng cường kiểm tra, "
    "giám sát việc thực hiện quy chế dân chủ ở cơ sở.",
    "Giữ gìn phẩm chất đạo đức, lối sống; đoàn kết nội bộ; tham gia đầy đủ các lớp tập huấn "
    "nghiệp vụ công tác công đoàn năm {y}.",
    "Hoàn thành nhiệm vụ được giao; kỹ năng tuyên truyền, vận động đoàn viên còn hạn chế, "
    "cần tiếp tục học tập, rèn luyện.",
]
STATUSES = ["approved"] * 55 + ["submitted"] * 25 + ["draft"] * 15 + ["returned"] * 5
RETURN_COMMENT = "Đề nghị bổ sung dự toán kinh phí và thời gian tổ chức từng lớp."
GROUPS = {
    "key_leaders": (3, "cán bộ chủ chốt"),
    "full_time": (4, "cán bộ công đoàn chuyên trách"),
    "part_time": (5, "cán bộ công đoàn không chuyên trách"),
    "group_leaders": (3, "tổ trưởng, tổ phó công đoàn"),
    "lecturers": (1, "báo cáo viên, giảng viên kiêm chức"),
    "members": (2, "đoàn viên công đoàn"),
}
LINE_FORMS = ["Tập huấn {t} cho {g}", "Bồi dưỡng {t} cho {g}", "Lớp {t} cho {g}"]
CLASSES_BY_SHAPE = {"confederation": 8, "province": 12, "national": 8, "upper": 4}
FUNDING = ["union"] * 85 + ["state"] * 12 + ["international"] * 3
YEARLY_TABLES = [
    "cadrework_evaluation",
    "cadrework_notice",
    "planning_plan",
    "planning_planline",
    "planning_planevent",
]


def _moment(day: dt.date, minutes: int):
    """A time on `day` (UTC), as each database's backend stores it: PostgreSQL takes an aware
    datetime, SQLite Django's own text form (naive UTC)."""
    at = dt.datetime.combine(day, dt.time(1, 0), dt.UTC) + dt.timedelta(minutes=minutes)
    return at if connection.vendor == "postgresql" else at.strftime("%Y-%m-%d %H:%M:%S")


def evaluation_rows(plan: Plan, notices: list) -> Iterator[tuple]:
    """A 2025 yearly evaluation of every chair and vice-chair (their post on 31 December
    2025), approved by the unit above (the confederation approves its own), the collective's
    votes around the rating; about 80 % published early in 2026. Each published one's notice
    to its person goes to `notices`."""
    rng = random.Random(SEED + 4)
    r = rng.random
    units, roles = plan.units, plan.roles
    n = 0
    for person_id, unit_id, role, _full_time, profile in seat_holders(plan):
        if role not in ("chair", "vice_chair"):
            continue
        n += 1
        unit = units[unit_id - 1]
        rating = RATINGS[int(r() * 100)]
        voters = (
            15 + int(r() * 30)
            if profile == "upper"
            else min(plan.members[unit_id], 7 + int(r() * 20) + plan.members[unit_id] // 100)
        )
        votes = _votes(rating, voters, r)
        assessment = "" if r() < 0.1 else SELF_ASSESSMENTS[int(r() * 5)].format(y=EVALUATION_YEAR)
        created = _moment(dt.date(2025, 12, 15), int(r() * 25 * 1440))
        published = None
        if r() < PUBLISHED_SHARE:
            published = _moment(dt.date(2026, 1, 10), int(r() * 40 * 1440))
            notices.append((person_id, rating, published))
        yield (
            n,
            person_id,
            unit_id,
            roles[role],
            EVALUATION_YEAR,
            "yearly",
            rating,
            assessment,
            *votes,
            unit[4] or unit_id,
            published,
            created,
        )


def _votes(rating: str, voters: int, r) -> tuple[int, int, int, int]:
    weights = [share * (0.7 + 0.6 * r()) for share in VOTE_SHARES[rating]]
    scale = voters / sum(weights)
    votes = [int(w * scale) for w in weights]
    votes[list(VOTE_SHARES).index(rating)] += voters - sum(votes)
    return votes[0], votes[1], votes[2], votes[3]


def notice_rows(notices: list) -> Iterator[tuple]:
    occasion = "hằng năm"
    for n, (person_id, rating, published) in enumerate(notices, 1):
        text = (
            f"Kết quả đánh giá của đồng chí ({occasion}, năm {EVALUATION_YEAR}) đã được "
            f"công bố: {RATING_NAMES[rating]}."
        )
        yield n, person_id, text, published


def plan_rows(plan: Plan, events: list) -> Iterator[tuple]:
    """The 2026 plan of every unit above grassroots: most approved by the unit above (the
    confederation's by itself), some submitted, returned or still drafts. Their history
    goes to `events` as (plan, action, at, comment)."""
    rng = random.Random(SEED + 5)
    r = rng.random
    for n, unit_id in enumerate(sorted(plan.shape), 1):
        status = "approved" if unit_id == 1 else STATUSES[int(r() * 100)]
        created = _moment(dt.date(2025, 10, 1), int(r() * 40 * 1440))
        submitted = decided = None
        events.append((n, "created", created, ""))
        if status != "draft":
            submitted = _moment(dt.date(2025, 11, 15), int(r() * 20 * 1440))
            events.append((n, "submitted", submitted, ""))
        if status in ("approved", "returned"):
            decided = _moment(dt.date(2025, 12, 10), int(r() * 15 * 1440))
            events.append((n, status, decided, RETURN_COMMENT if status == "returned" else ""))
        note = f"Kế hoạch đào tạo, bồi dưỡng cán bộ công đoàn năm {PLAN_YEAR}."
        yield n, unit_id, PLAN_YEAR, status, 0, note, created, submitted, decided


def plan_line_rows(plan: Plan) -> Iterator[tuple]:
    """Three to seven lines a plan: a topic (or a framework programme), a target group,
    classes by the unit's level, 30–70 trainees a class, a quarter, a budget."""
    rng = random.Random(SEED + 6)
    r = rng.random
    topics = list(plan.topic_names)
    groups = [code for code, (weight, _label) in GROUPS.items() for _ in range(weight)]
    programmes = [(pk, name, own) for pk, name, own, *_ in plan.programmes if own]
    n = 0
    for plan_id, unit_id in enumerate(sorted(plan.shape), 1):
        most = CLASSES_BY_SHAPE[plan.shape[unit_id]]
        for _ in range(3 + int(r() * 5)):
            n += 1
            group = groups[int(r() * len(groups))]
            topic = topics[int(r() * len(topics))] if topics else None
            programme, name = None, ""
            if programmes and r() < 0.15:
                programme, name, own = programmes[int(r() * len(programmes))]
                topic = own[0]
            if not name:
                title = plan.topic_names.get(topic, "nghiệp vụ công tác công đoàn")
                form = LINE_FORMS[int(r() * len(LINE_FORMS))]
                name = form.format(t=title[:1].lower() + title[1:], g=GROUPS[group][1])
            classes = 1 + int(r() * most)
            trainees = classes * (30 + int(r() * 41))
            quarter = None if r() < 0.1 else 1 + int(r() * 4)
            budget = trainees * (8 + int(r() * 18)) * 100_000
            funding = FUNDING[int(r() * 100)]
            yield (
                n,
                plan_id,
                name[:255],
                topic,
                programme,
                group,
                classes,
                trainees,
                quarter,
                budget,
                funding,
            )


# ---------------------------------------------------------------- writing


def write_rows(table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    """COPY on PostgreSQL, batched executemany elsewhere; progress every 250,000 rows."""
    count, started = 0, time.monotonic()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
                    if count % 250_000 == 0:
                        progress(f"  {table}: {count:,} rows")
        else:
            sql = (
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join(['%s'] * len(columns))})"
            )
            batch = []
            for row in rows:
                batch.append(tuple(v.isoformat() if isinstance(v, dt.date) else v for v in row))
                if len(batch) == 5000:
                    cursor.executemany(sql, batch)
                    count, batch = count + len(batch), []
            cursor.executemany(sql, batch)
            count += len(batch)
    progress(f"{table}: {count:,} rows in {time.monotonic() - started:.1f} s")
    return count


@contextmanager
def indexes_set_aside(tables: list[str]):
    """PostgreSQL: drop the secondary indexes, unique constraints and foreign keys of `tables`
    while rows stream in, then rebuild each in one pass (much faster than maintaining them
    row by row: the random verification codes would scatter over a live unique index).
    Primary keys stay, and so do unique constraints that a foreign key relies on and partial
    indexes (the rows written here are outside their conditions: no certificate numbers).
    The tables are analysed before the foreign keys are checked, so the checks of columns
    left empty (class, enrolment, institution) are answered from the fresh indexes."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes i WHERE tablename = ANY(%s) "
            "AND schemaname = current_schema() AND indexdef NOT LIKE '%% WHERE %%' AND NOT "
            "EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = "
            "format('%%I', i.indexname)::regclass)",
            [tables],
        )
        indexes = cursor.fetchall()
        # Foreign keys first (dropped first, rebuilt last), then unique constraints.
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c WHERE conrelid::regclass::text = ANY(%s) AND (contype = 'f' "
            "OR contype = 'u' AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE "
            "f.contype = 'f' AND f.conindid = c.conindid)) ORDER BY contype",
            [tables],
        )
        constraints = cursor.fetchall()
        for table, name, _definition in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for _table, name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL work_mem = '256MB'")  # the foreign-key checks' joins
        for table in tables:
            table_started = time.monotonic()
            for _table, _name, definition in indexes:
                if _table == table:
                    cursor.execute(definition)
            for _table, name, definition in reversed(constraints):
                if _table == table and definition.startswith("UNIQUE"):
                    cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            progress(f"  {table}: indexes in {time.monotonic() - table_started:.1f} s")
        table_started = time.monotonic()
        cursor.execute(f"ANALYZE {', '.join(tables)}")
        progress(f"  analysed in {time.monotonic() - table_started:.1f} s")
        table_started = time.monotonic()
        for table, name, definition in constraints:
            if not definition.startswith("UNIQUE"):
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        progress(f"  foreign keys checked in {time.monotonic() - table_started:.1f} s")
    progress(
        f"{len(indexes)} indexes, {len(constraints)} unique and foreign-key constraints "
        f"rebuilt in {time.monotonic() - started:.1f} s"
    )


def load_reference(plan: Plan) -> None:
    """Ids of the reference rows (unit kinds, roles, topics, programmes) the data points to."""
    from training.models import Programme, Topic

    kinds = UnitKind.objects.select_related("level")
    plan.kinds = {k.code: k.pk for k in kinds}
    plan.kind_level = {k.pk: k.level.code for k in kinds}
    plan.roles = {r.code: r.pk for r in Role.objects.all()}
    topics = Topic.objects.order_by("pk")
    plan.topics = {t.code: t.pk for t in topics}
    plan.topic_names = {t.pk: t.name for t in topics}
    plan.programmes = [
        (
            p.pk,
            p.name,
            [t.pk for t in p.topics.all()],
            {r.code for r in p.target_roles.all()},
            {lv.code for lv in p.target_levels.all()},
            p.target_full_time,
        )
        for p in Programme.objects.order_by("pk").prefetch_related(
            "topics", "target_roles", "target_levels"
        )
    ]


@disable_auditlog()  # generated data is nobody's doing: no change history is written
def generate(people: int, grassroots: int) -> dict:
    """Write the national data set into a database that has no units yet."""
    plan = Plan(people=people, grassroots=grassroots)
    load_reference(plan)
    build_units(plan)
    allocate_people(plan)
    progress(f"planned {len(plan.units):,} units and {people:,} people")
    in_transaction = connection.in_atomic_block  # a test, say: VACUUM cannot run there
    with transaction.atomic():
        with indexes_set_aside(TABLES):
            counts = _write_all(plan)
        counts |= _write_yearly(plan)
        _finish()
    if connection.vendor == "postgresql" and not in_transaction:
        # The visibility map (index-only scans); the planner statistics were gathered before
        # the foreign keys were checked (those of the yearly tables are gathered here).
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {', '.join(TABLES)}")
            cursor.execute(f"VACUUM ANALYZE {', '.join(YEARLY_TABLES)}")
        progress(f"VACUUM in {time.monotonic() - started:.1f} s")
    return counts


def _write_all(plan: Plan) -> dict:
    write_rows(
        "units_unit",
        [
            "id",
            "code",
            "name",
            "kind_id",
            "parent_id",
            "path",
            "depth",
            "sector",
            "founded_on",
            "search_name",
        ],
        unit_rows(plan),
    )
    write_rows(
        "units_unitversion",
        ["id", "unit_id", "valid_from", "name", "kind_id", "parent_id", "path", "depth"],
        version_rows(plan),
    )
    write_rows(
        "units_unitfigures",
        ["id", "unit_id", "effective_on", "member_count", "worker_count"],
        figure_rows(plan),
    )
    write_rows("units_term", ["id", "unit_id", "name", "start_date", "end_date"], term_rows(plan))
    people = write_rows("people_person", PERSON_COLUMNS, person_rows(plan))
    positions = write_rows("people_position", POSITION_COLUMNS, position_rows(plan))
    records = write_rows("training_trainingrecord", RECORD_COLUMNS, record_rows(plan))
    record_topics = write_rows(
        "training_trainingrecord_topics",
        ["id", "trainingrecord_id", "topic_id"],
        record_topic_rows(plan),
    )
    return {
        "units": len(plan.units),
        "grassroots": len(plan.members),
        "people": people,
        "positions": positions,
        "records": records,
        "record_topics": record_topics,
    }


def _write_yearly(plan: Plan) -> dict:
    """The yearly cycle: evaluations and the notices of the published ones, plans, their
    lines and history (rows of tables whose indexes stay: far fewer rows)."""
    notices: list = []
    events: list = []
    evaluations = write_rows(
        "cadrework_evaluation", EVALUATION_COLUMNS, evaluation_rows(plan, notices)
    )
    write_rows("cadrework_notice", ["id", "person_id", "text", "created_at"], notice_rows(notices))
    plans = write_rows(
        "planning_plan",
        ["id", "unit_id", "year", "status", "revision", "note"]
        + ["created_at", "submitted_at", "decided_at"],
        plan_rows(plan, events),
    )
    lines = write_rows("planning_planline", LINE_COLUMNS, plan_line_rows(plan))
    write_rows(
        "planning_planevent",
        ["id", "plan_id", "action", "user_id", "at", "comment", "changes"],
        (
            (n, plan_id, action, None, at, comment, "[]")
            for n, (plan_id, action, at, comment) in enumerate(events, 1)
        ),
    )
    return {"evaluations": evaluations, "plans": plans, "plan_lines": lines}


def _finish() -> None:
    """Sequences past the ids written here, and the bench accounts."""
    from accounts.models import User, UserRole
    from units.models import Unit

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in TABLES + YEARLY_TABLES:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
    User.objects.create_user(
        ADMIN,
        password=PASSWORD,
        unit=Unit.objects.get(code="TLD"),
        role=UserRole.SYSTEM_ADMIN,
        is_superuser=True,
    )
    User.objects.create_user(
        PROVINCE_OFFICER,
        password=PASSWORD,
        unit=Unit.objects.get(code="P001"),
        role=UserRole.TRAINING_OFFICER,
    )
    ensure_grassroots_officer()


def ensure_grassroots_officer():
    """The account of a grassroots union's training officer (the first grassroots union of
    Hà Nội, `P001-01-0001` at any size): created with the data, or added to a data set
    generated before it existed. Returns the user."""
    from accounts.models import User, UserRole
    from units.models import Unit

    user = User.objects.filter(username=GRASSROOTS_OFFICER).first()
    if user is None:
        hanoi = Unit.objects.get(code="P001")
        unit = (
            Unit.objects.filter(kind__code="grassroots", path__startswith=hanoi.path)
            .order_by("path")
            .first()
        )
        user = User.objects.create_user(
            GRASSROOTS_OFFICER, password=PASSWORD, unit=unit, role=UserRole.TRAINING_OFFICER
        )
    return user
