"""The deterministic demo: the confederation, Hà Nội, Ninh Thuận, a central sector union and
a corporation union, ≥ 200 grassroots unions, ≥ 3,000 people over two terms, classes and
records, and the 1 July 2025 merger of two Ninh Thuận districts."""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction

from accounts.models import User, UserRole
from demo import names
from people.models import Person, Position, Role
from units.models import Term, Unit, UnitFigures, UnitKind
from units.services import unit_create, unit_merge

SEED = 2026
PASSWORD = "Demo@2026"
TERMS = [("2018-2023", dt.date(2018, 6, 1), dt.date(2023, 5, 31)),
         ("2023-2028", dt.date(2023, 6, 1), dt.date(2028, 5, 31))]
MERGE_DAY = dt.date(2025, 7, 1)
IT_SKILLS = ["", "Tin học văn phòng", "Chứng chỉ ứng dụng CNTT cơ bản"]

# username, role, unit code, Vietnamese description
DEMO_ACCOUNTS = [
    ("admin", UserRole.SYSTEM_ADMIN, "TLD", "Quản trị hệ thống"),
    ("tld", UserRole.TRAINING_OFFICER, "TLD", "Ban Tổ chức Tổng Liên đoàn"),
    ("hanoi", UserRole.TRAINING_OFFICER, "HN", "Ban Tổ chức LĐLĐ Hà Nội"),
    ("ninhthuan", UserRole.TRAINING_OFFICER, "NT", "Ban Tổ chức LĐLĐ Ninh Thuận"),
    ("melinh", UserRole.TRAINING_OFFICER, "HN-ML", "LĐLĐ huyện Mê Linh"),
    ("giaoduc", UserRole.TRAINING_OFFICER, "CDGD", "Công đoàn Giáo dục Việt Nam"),
    ("giangvien", UserRole.LECTURER, "HN", "Giảng viên kiêm chức (chỉ xem)"),
    ("thanhtra", UserRole.INSPECTOR, "HN", "Ủy ban Kiểm tra (chỉ xem)"),
    ("chutich", UserRole.CADRE, "HN-ML-001", "Chủ tịch CĐCS (hồ sơ cá nhân)"),
]

# code, name, kind, parent code, places for its grassroots unions
UPPER_UNITS = [
    ("HN-ML", "Liên đoàn Lao động huyện Mê Linh", "district_federation", "HN", "HN"),
    ("HN-DA", "Liên đoàn Lao động huyện Đông Anh", "district_federation", "HN", "HN"),
    ("HN-CG", "Liên đoàn Lao động quận Cầu Giấy", "district_federation", "HN", "HN"),
    ("HN-KCN", "Công đoàn các Khu công nghiệp - Chế xuất Hà Nội", "industrial_zone_union",
     "HN", "HN"),
    ("HN-GD", "Công đoàn ngành Giáo dục Hà Nội", "local_sector_union", "HN", "HN"),
    ("NT-PR", "Liên đoàn Lao động thành phố Phan Rang - Tháp Chàm", "district_federation",
     "NT", "NT"),
    ("NT-NH", "Liên đoàn Lao động huyện Ninh Hải", "district_federation", "NT", "NT"),
    ("NT-NP", "Liên đoàn Lao động huyện Ninh Phước", "district_federation", "NT", "NT"),
    ("NT-TN", "Liên đoàn Lao động huyện Thuận Nam", "district_federation", "NT", "NT"),
    ("NT-KCN", "Công đoàn các Khu công nghiệp tỉnh Ninh Thuận", "industrial_zone_union",
     "NT", "NT"),
]


@dataclass
class Demo:
    rng: random.Random
    units: dict[str, Unit] = field(default_factory=dict)
    grassroots: list[Unit] = field(default_factory=list)
    members: dict[int, int] = field(default_factory=dict)  # unit id -> member count
    people: list[Person] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    citizen_ids: set[str] = field(default_factory=set)


def kind(code: str) -> UnitKind:
    return UnitKind.objects.get(code=code)


@transaction.atomic
def load_demo() -> dict:
    demo = Demo(rng=random.Random(SEED))
    build_structure(demo)
    add_figures(demo)
    add_terms(demo)
    add_people(demo)
    Position.objects.bulk_create(demo.positions, batch_size=2000)
    # The merger comes last so that the positions held in the districts carry over.
    merged = unit_create(user=None, code="NT-KV3", name="Công đoàn khu vực Ninh Phước - Thuận Nam",
                         kind=kind("district_federation"), parent=demo.units["NT"],
                         founded_on=MERGE_DAY)
    unit_merge(user=None, sources=[demo.units["NT-NP"], demo.units["NT-TN"]], target=merged,
               effective_on=MERGE_DAY, note="Sắp xếp tổ chức bộ máy năm 2025")
    from demo.training import add_training

    add_training(demo)
    add_accounts(demo)
    return {"units": Unit.objects.count(), "grassroots": len(demo.grassroots),
            "people": Person.objects.count(), "positions": Position.objects.count()}


def _unit(demo: Demo, code, name, kind_code, parent_code, sector="", founded=None) -> Unit:
    parent = demo.units.get(parent_code) if parent_code else None
    if founded is None:
        founded = max(dt.date(1990, 1, 1), parent.founded_on if parent else dt.date(1990, 1, 1))
    unit = unit_create(user=None, code=code, name=name, kind=kind(kind_code), parent=parent,
                       sector=sector, founded_on=founded)
    demo.units[code] = unit
    return unit


def build_structure(demo: Demo) -> None:
    _unit(demo, "TLD", "Tổng Liên đoàn Lao động Việt Nam", "confederation", None,
          founded=dt.date(1929, 7, 28))
    _unit(demo, "HN", "Liên đoàn Lao động thành phố Hà Nội", "provincial_federation", "TLD")
    _unit(demo, "NT", "Liên đoàn Lao động tỉnh Ninh Thuận", "provincial_federation", "TLD")
    _unit(demo, "CDGD", "Công đoàn Giáo dục Việt Nam", "central_sector_union", "TLD")
    _unit(demo, "CDEVN", "Công đoàn Tập đoàn Điện lực Việt Nam", "corporation_union", "TLD")
    for code, name, kind_code, parent, _region in UPPER_UNITS:
        _unit(demo, code, name, kind_code, parent)
    for code, _name, _kind, _parent, region in UPPER_UNITS:
        for i in range(1, 20):
            _grassroots(demo, f"{code}-{i:03d}", code, region)
    for i in range(1, 13):
        _grassroots(demo, f"CDGD-{i:03d}", "CDGD", "HN", school_only=True)
    for i in range(1, 9):
        _grassroots(demo, f"CDEVN-{i:03d}", "CDEVN", "NT", company_only=True)
    for unit in demo.grassroots[:12]:  # union groups in some grassroots unions
        for g in range(1, 4):
            _unit(demo, f"{unit.code}-T{g}", f"Tổ công đoàn số {g} - {unit.name[10:]}",
                  "union_group", unit.code)
    for unit in demo.grassroots[12:14]:
        _unit(demo, f"{unit.code}-B1", f"Công đoàn bộ phận Phân xưởng 1 - {unit.name[10:]}",
              "department_union", unit.code)


def _grassroots(demo: Demo, code, parent_code, region, school_only=False, company_only=False):
    rng = demo.rng
    places = names.PLACES_HN if region == "HN" else names.PLACES_NT
    place = rng.choice(places)
    roll = 0 if school_only else 3 if company_only else rng.randrange(5)
    if roll == 0:
        level = rng.choice(["Trường Tiểu học", "Trường THCS", "Trường THPT", "Trường Mầm non"])
        name, sector, members = f"Công đoàn {level} {place}", "state", rng.randrange(25, 120)
    elif roll == 1:
        name, sector, members = f"Công đoàn UBND xã {place}", "state", rng.randrange(15, 60)
    elif roll == 2:
        name, sector, members = (f"Công đoàn Bệnh viện đa khoa {place}", "state",
                                 rng.randrange(150, 1400))
    else:
        trade, brand = rng.choice(names.COMPANY_TRADES), rng.choice(names.COMPANY_BRANDS)
        name = f"Công đoàn Công ty TNHH {trade} {brand} {place}"
        sector, members = "non_state", rng.choice([rng.randrange(40, 999),
                                                   rng.randrange(1000, 2500),
                                                   rng.randrange(2500, 9000)])
    unit = _unit(demo, code, name, "grassroots", parent_code, sector=sector,
                 founded=dt.date(rng.randrange(1995, 2017), rng.randrange(1, 13), 1))
    # A few exact boundaries of the chair-training rule (T-003-4) for the demo and the tour.
    boundary = {7: 999, 8: 1000, 9: 2499, 10: 2500}.get(len(demo.grassroots))
    demo.members[unit.pk] = boundary or members
    demo.grassroots.append(unit)


def add_figures(demo: Demo) -> None:
    """Member and worker counts from 1 January of each year, growing slowly to today's."""
    rows = []
    for unit in demo.grassroots:
        final = demo.members[unit.pk]
        for year in range(2018, 2027):
            members = final if year == 2026 else max(5, int(final * (0.9 + 0.0125 * (year - 2018))))
            rows.append(UnitFigures(unit=unit, effective_on=dt.date(year, 1, 1),
                                    member_count=members,
                                    worker_count=members + demo.rng.randrange(0, members // 5 + 3)))
    UnitFigures.objects.bulk_create(rows, batch_size=2000)


def add_terms(demo: Demo) -> None:
    rows = [Term(unit=unit, name=name, start_date=start, end_date=end)
            for unit in demo.units.values() if unit.kind.code != "union_group"
            for name, start, end in TERMS]
    Term.objects.bulk_create(rows, batch_size=2000)


def _person(demo: Demo, unit: Unit, born_from=1965, born_to=1998) -> Person:
    rng = demo.rng
    female = rng.random() < 0.45
    family = rng.choices([n for n, _ in names.FAMILY_NAMES],
                         weights=[w for _, w in names.FAMILY_NAMES])[0]
    middle = rng.choice(names.FEMALE_MIDDLE if female else names.MALE_MIDDLE)
    given = rng.choice(names.FEMALE_GIVEN if female else names.MALE_GIVEN)
    born = dt.date(rng.randrange(born_from, born_to + 1), rng.randrange(1, 13),
                   rng.randrange(1, 29))
    province = "058" if unit.code.startswith(("NT", "CDEVN")) else "001"
    person = Person(unit=unit, family_name=family, middle_name=middle, given_name=given,
                    gender="female" if female else "male", birth_date=born,
                    citizen_id=_citizen_id(demo, province, female, born) if rng.random() < 0.9
                    else None,
                    ethnicity=rng.choice(names.ETHNICITIES) if province == "058" else "Kinh",
                    education_level=rng.choices(range(8), weights=[1, 2, 8, 8, 10, 45, 8, 1])[0],
                    political_theory=rng.choices(range(5), weights=[35, 35, 20, 7, 3])[0],
                    foreign_language=rng.choice(["", "", "Tiếng Anh B", "Tiếng Anh B1"]),
                    it_skill=rng.choice(IT_SKILLS),
                    phone=f"09{rng.randrange(10**7, 10**8)}" if rng.random() < 0.7 else "")
    person.fill_keys()
    demo.people.append(person)
    return person


def _citizen_id(demo: Demo, province: str, female: bool, born: dt.date) -> str:
    """CCCD: province code, century-and-gender digit, two-digit birth year, six random."""
    century = (0 if born.year < 2000 else 2) + (1 if female else 0)
    while True:
        cid = f"{province}{century}{born.year % 100:02d}{demo.rng.randrange(10**6):06d}"
        if cid not in demo.citizen_ids:
            demo.citizen_ids.add(cid)
            return cid


def _post(demo, person, unit, role, start, end=None, full_time=False, term=None, first=False,
          start_reason="elected", end_reason=""):
    demo.positions.append(Position(
        person=person, unit=unit, role=role, start_date=start, end_date=end,
        full_time=full_time, term=term, first_time_on_committee=first,
        start_reason=start_reason, end_reason=end_reason))


def add_people(demo: Demo) -> None:
    roles = {r.code: r for r in Role.objects.all()}
    terms = {(t.unit_id, t.name): t for t in Term.objects.all()}
    for unit in demo.units.values():
        level = unit.kind.level.code
        if level == "union_group":
            for code in ("group_leader", "group_deputy"):
                _post(demo, _person(demo, unit), unit, roles[code], dt.date(2019, 3, 1),
                      start_reason="elected")
        elif level in ("confederation", "province", "upper_grassroots"):
            _committee(demo, unit, roles, terms, size=8, full_time_keys=True)
            for _ in range(3):
                _post(demo, _person(demo, unit), unit, roles["advisory_staff"],
                      dt.date(demo.rng.randrange(2012, 2023), 3, 1), full_time=True,
                      start_reason="appointed")
        else:
            big = demo.members.get(unit.pk, 0)
            _committee(demo, unit, roles, terms, size=5 + 4 * (big >= 1000),
                       full_time_keys=big >= 2500)
            for _ in range(6):  # members and workers who hold no post
                _person(demo, unit, born_from=1970, born_to=2004)
    Person.objects.bulk_create(demo.people, batch_size=2000)
    for position in demo.positions:
        position.person_id = position.person.pk


def _committee(demo, unit, roles, terms, size, full_time_keys):
    """Two terms: about two thirds re-elected in 2023, newcomers first-time members."""
    rng = demo.rng
    ladder = ["chair", "vice_chair", "vice_chair" if size > 6 else "executive_member"] + \
        ["standing_member" if full_time_keys and i < 2 else "executive_member"
         for i in range(size - 3)]
    (name1, start1, end1), (name2, start2, _end2) = TERMS
    sitting = [_person(demo, unit) for _ in ladder]
    for person, code in zip(sitting, ladder, strict=True):
        key = roles[code].is_key_leader
        re_elected = rng.random() < 0.65
        _post(demo, person, unit, roles[code], start1, end1, full_time=key and full_time_keys,
              term=terms[(unit.pk, name1)], first=rng.random() < 0.3,
              end_reason="" if re_elected else "term_ended")
        if not re_elected:
            person.replaced = True
    for person, code in zip(sitting, ladder, strict=True):
        if getattr(person, "replaced", False):
            person, first = _person(demo, unit), True
        else:
            first = False
        key = roles[code].is_key_leader
        moved = rng.random() < 0.06  # a few rotated or retired mid-term
        _post(demo, person, unit, roles[code], start2,
              dt.date(2025, rng.randrange(1, 13), 1) - dt.timedelta(days=1) if moved else None,
              full_time=key and full_time_keys, term=terms[(unit.pk, name2)], first=first,
              end_reason=rng.choice(["rotated", "retired", "transferred"]) if moved else "")


def add_accounts(demo: Demo) -> None:
    chair = Position.objects.filter(unit__code="HN-ML-001", role__code="chair",
                                    end_date__isnull=True).select_related("person").first()
    for username, role, unit_code, _label in DEMO_ACCOUNTS:
        user = User.objects.create_user(username=username, password=PASSWORD,
                                        unit=demo.units[unit_code], role=role,
                                        is_superuser=role == UserRole.SYSTEM_ADMIN)
        if role == UserRole.CADRE and chair is not None:
            user.person = chair.person
            user.save(update_fields=["person"])
