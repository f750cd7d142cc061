"""The deterministic demo: the confederation, Hà Nội, Ninh Thuận and Khánh Hòa with their
districts, industrial-zone and sector unions, a central sector union and a corporation union;
over 200 grassroots unions with member figures 2018–2026; two terms of executive committees;
over 3,000 people; classes and records; and the 2025 reorganisation as it happened: on 1 July
2025 every district-level federation ends, merged into an area union set up that day in its
place, and Ninh Thuận merges into Khánh Hòa.

Everything is drawn from one seeded random.Random (and a seeded Faker), in a fixed order, so
two loads give the same names, dates and IDs (database ids aside). Khánh Hòa, added later, is
drawn from its own seeded pair after all the others, so it changed none of their draws."""

import datetime as dt
import random
from dataclasses import dataclass, field, replace

from auditlog.context import disable_auditlog
from django.db import transaction
from faker import Faker

from accounts.access import SYSTEM
from accounts.models import User, UserRole
from demo import names
from lib.periods import is_open
from lib.vntext import fold
from people.models import Person, Position, Role
from people.services import position_create, position_end
from units.models import Term, Unit, UnitFigures, UnitKind
from units.services import term_create, unit_create, unit_merge

SEED = 2026
PASSWORD = "Demo@2026"
TERMS = [
    ("2018-2023", dt.date(2018, 6, 1), dt.date(2023, 5, 31)),
    ("2023-2028", dt.date(2023, 6, 1), dt.date(2028, 5, 31)),
]
MERGE_DAY = dt.date(2025, 7, 1)
REORGANISATION = "Sắp xếp tổ chức bộ máy năm 2025"

# code, name, kind, parent code, founded on
TOP_UNITS = [
    ("TLD", "Tổng Liên đoàn Lao động Việt Nam", "confederation", None, dt.date(1929, 7, 28)),
    (
        "HN",
        "Liên đoàn Lao động thành phố Hà Nội",
        "provincial_federation",
        "TLD",
        dt.date(1990, 1, 1),
    ),
    (
        "NT",
        "Liên đoàn Lao động tỉnh Ninh Thuận",
        "provincial_federation",
        "TLD",
        dt.date(1992, 4, 1),
    ),
    ("CDGD", "Công đoàn Giáo dục Việt Nam", "central_sector_union", "TLD", dt.date(1990, 1, 1)),
    (
        "CDHK",
        "Công đoàn Tổng công ty Hàng không Việt Nam",
        "corporation_union",
        "TLD",
        dt.date(1996, 5, 27),
    ),
]

# code, name, kind, parent, style of its grassroots unions, how many, area (for places)
UPPER_UNITS = [
    ("HN-ML", "Liên đoàn Lao động huyện Mê Linh", "district_federation", "HN", "rural", 26, "ML"),
    ("HN-DA", "Liên đoàn Lao động huyện Đông Anh", "district_federation", "HN", "rural", 24, "DA"),
    ("HN-CG", "Liên đoàn Lao động quận Cầu Giấy", "district_federation", "HN", "urban", 18, "CG"),
    (
        "HN-KCN",
        "Công đoàn các Khu công nghiệp - Chế xuất Hà Nội",
        "industrial_zone_union",
        "HN",
        "zone",
        24,
        "KCN_HN",
    ),
    (
        "HN-GD",
        "Công đoàn ngành Giáo dục Hà Nội",
        "local_sector_union",
        "HN",
        "high_school",
        16,
        "HS_HN",
    ),
    (
        "NT-PR",
        "Liên đoàn Lao động thành phố Phan Rang - Tháp Chàm",
        "district_federation",
        "NT",
        "urban",
        22,
        "PR",
    ),
    ("NT-NH", "Liên đoàn Lao động huyện Ninh Hải", "district_federation", "NT", "rural", 15, "NH"),
    (
        "NT-NP",
        "Liên đoàn Lao động huyện Ninh Phước",
        "district_federation",
        "NT",
        "rural",
        15,
        "NP",
    ),
    ("NT-TN", "Liên đoàn Lao động huyện Thuận Nam", "district_federation", "NT", "rural", 13, "TN"),
    (
        "NT-KCN",
        "Công đoàn các Khu công nghiệp tỉnh Ninh Thuận",
        "industrial_zone_union",
        "NT",
        "zone",
        14,
        "KCN_NT",
    ),
]

# Khánh Hòa's federation and its own units (drawn after all the above, from their own seed).
KHANH_HOA = (
    "KH",
    "Liên đoàn Lao động tỉnh Khánh Hòa",
    "provincial_federation",
    "TLD",
    dt.date(1989, 7, 1),
)
KHANH_HOA_UNITS = [
    (
        "KH-KCN",
        "Công đoàn các Khu công nghiệp tỉnh Khánh Hòa",
        "industrial_zone_union",
        "KH",
        "zone",
        8,
        "KCN_KH",
    ),
]

# 1 July 2025: each district-level federation ends, merged into an area union set up that
# day in its place (code, name, parent, merged units: the first one's chair chairs it). Hà
# Nội's stay under Hà Nội; Ninh Thuận's are set up under Khánh Hòa, which Ninh Thuận then
# joins (PROVINCE_MERGERS): no unit moves or ends on the day its own placement began.
AREA_UNIONS = [
    ("HN-KV1", "Công đoàn khu vực Mê Linh", "HN", ("HN-ML",)),
    ("HN-KV2", "Công đoàn khu vực Đông Anh", "HN", ("HN-DA",)),
    ("HN-KV3", "Công đoàn khu vực Cầu Giấy", "HN", ("HN-CG",)),
    ("NT-KV1", "Công đoàn khu vực Phan Rang - Tháp Chàm", "KH", ("NT-PR",)),
    ("NT-KV2", "Công đoàn khu vực Ninh Hải", "KH", ("NT-NH",)),
    ("NT-KV3", "Công đoàn khu vực Ninh Phước - Thuận Nam", "KH", ("NT-NP", "NT-TN")),
]
# target, merged units: Ninh Thuận's federation merges into Khánh Hòa's.
PROVINCE_MERGERS = [("KH", ("NT",))]

# Communes and wards (or zones, schools) of each area, used to name grassroots unions.
PLACES = {
    "ML": [
        "Tiền Phong",
        "Mê Linh",
        "Đại Thịnh",
        "Kim Hoa",
        "Thạch Đà",
        "Tráng Việt",
        "Văn Khê",
        "Chu Phan",
        "Tam Đồng",
        "Tiến Thịnh",
        "Tiến Thắng",
        "Tự Lập",
        "Hoàng Kim",
        "Liên Mạc",
        "Thanh Lâm",
        "Vạn Yên",
        "Quang Minh",
        "Chi Đông",
    ],
    "DA": [
        "Uy Nỗ",
        "Cổ Loa",
        "Vân Hà",
        "Liên Hà",
        "Việt Hùng",
        "Dục Tú",
        "Mai Lâm",
        "Đông Hội",
        "Xuân Canh",
        "Kim Chung",
        "Hải Bối",
        "Võng La",
        "Nguyên Khê",
        "Tiên Dương",
        "Bắc Hồng",
        "Nam Hồng",
        "Thụy Lâm",
        "Vĩnh Ngọc",
    ],
    "CG": [
        "Dịch Vọng",
        "Dịch Vọng Hậu",
        "Nghĩa Đô",
        "Nghĩa Tân",
        "Quan Hoa",
        "Yên Hòa",
        "Mai Dịch",
        "Trung Hòa",
    ],
    "KCN_HN": [
        "Thăng Long",
        "Nội Bài",
        "Quang Minh",
        "Bắc Thăng Long",
        "Sài Đồng B",
        "Phú Nghĩa",
        "Thạch Thất - Quốc Oai",
    ],
    "HS_HN": [
        "Chu Văn An",
        "Việt Đức",
        "Kim Liên",
        "Phan Đình Phùng",
        "Yên Hòa",
        "Cầu Giấy",
        "Nguyễn Gia Thiều",
        "Mê Linh",
        "Quang Minh",
        "Tiến Thịnh",
        "Đông Anh",
        "Cổ Loa",
        "Liên Hà",
        "Vân Nội",
        "Nguyễn Thị Minh Khai",
        "Trần Hưng Đạo",
    ],
    "PR": [
        "Phủ Hà",
        "Kinh Dinh",
        "Mỹ Hương",
        "Đạo Long",
        "Đài Sơn",
        "Đô Vinh",
        "Bảo An",
        "Thanh Sơn",
        "Mỹ Bình",
        "Mỹ Hải",
        "Mỹ Đông",
        "Phước Mỹ",
        "Tấn Tài",
        "Văn Hải",
        "Đông Hải",
    ],
    "NH": [
        "Khánh Hải",
        "Tri Hải",
        "Nhơn Hải",
        "Thanh Hải",
        "Vĩnh Hải",
        "Hộ Hải",
        "Tân Hải",
        "Xuân Hải",
        "Phương Hải",
    ],
    "NP": [
        "Phước Dân",
        "Phước Hậu",
        "Phước Thuận",
        "Phước Hải",
        "Phước Sơn",
        "Phước Thái",
        "Phước Vinh",
        "Phước Hữu",
        "An Hải",
    ],
    "TN": [
        "Phước Nam",
        "Phước Minh",
        "Phước Ninh",
        "Phước Diêm",
        "Cà Ná",
        "Nhị Hà",
        "Phước Hà",
        "Phước Dinh",
    ],
    "KCN_NT": ["Thành Hải", "Du Long", "Phước Nam", "Cà Ná"],
    "NTR": [
        "Vĩnh Hải",
        "Vĩnh Phước",
        "Vĩnh Thọ",
        "Xương Huân",
        "Vạn Thắng",
        "Phước Tân",
        "Lộc Thọ",
        "Tân Lập",
        "Phước Hải",
        "Vĩnh Nguyên",
    ],
    "KCN_KH": ["Suối Dầu", "Ninh Thủy", "Nam Cam Ranh", "Đắc Lộc", "Vạn Thắng"],
}
AREA_LABEL = {
    "ML": "huyện Mê Linh, Hà Nội",
    "DA": "huyện Đông Anh, Hà Nội",
    "CG": "quận Cầu Giấy, Hà Nội",
    "PR": "TP Phan Rang - Tháp Chàm, Ninh Thuận",
    "NH": "huyện Ninh Hải, Ninh Thuận",
    "NP": "huyện Ninh Phước, Ninh Thuận",
    "TN": "huyện Thuận Nam, Ninh Thuận",
    "NTR": "TP Nha Trang, Khánh Hòa",
}

# The first grassroots unions of Mê Linh are fixed: the tour and the chair-training rule
# (T-003-4) need exact boundaries, and the `chutich` account chairs HN-ML-001.
SHOWCASE = [
    ("Công đoàn Công ty TNHH May Tiến Phong", "non_state", 1000),
    ("Công đoàn Công ty Cổ phần Điện tử Quang Minh", "non_state", 2500),
    ("Công đoàn Công ty TNHH Nhựa Kim Hoa", "non_state", 999),
    ("Công đoàn Công ty TNHH Cơ khí chính xác Thạch Đà", "non_state", 2499),
    ("Công đoàn Trường THCS Tiền Phong", "state", 62),
    ("Công đoàn Trung tâm Y tế huyện Mê Linh", "state", 418),
]
UNIVERSITIES = [
    "Trường Đại học Sư phạm Hà Nội",
    "Trường Đại học Sư phạm Hà Nội 2",
    "Học viện Quản lý Giáo dục",
    "Trường Đại học Giáo dục",
    "Trường Đại học Hà Nội",
    "Trường Đại học Mở Hà Nội",
    "Trường Đại học Sư phạm Nghệ thuật Trung ương",
    "Trường Đại học Sư phạm Thể dục Thể thao Hà Nội",
    "Trường Cao đẳng Sư phạm Trung ương",
    "Viện Khoa học Giáo dục Việt Nam",
    "Nhà xuất bản Giáo dục Việt Nam",
    "Trường Đại học Sư phạm Kỹ thuật Nam Định",
    "Trường Đại học Sư phạm Kỹ thuật Hưng Yên",
    "Cơ quan Bộ Giáo dục và Đào tạo",
]
AVIATION = [
    "Cơ quan Tổng công ty Hàng không Việt Nam",
    "Đoàn Tiếp viên",
    "Đoàn Bay 919",
    "Công ty TNHH Kỹ thuật Máy bay",
    "Trung tâm Điều hành khai thác",
    "Văn phòng Khu vực miền Bắc",
    "Trung tâm Huấn luyện bay",
    "Công ty Cổ phần Suất ăn Hàng không Nội Bài",
]
COMPANY_FORMS = ["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV"]
SCHOOL_LEVELS = [("Trường Mầm non", 20, 70), ("Trường Tiểu học", 30, 80), ("Trường THCS", 30, 85)]
# Provinces where people living in Hà Nội / Ninh Thuận / Khánh Hòa were often born (CCCD codes).
BIRTH_PROVINCES = {
    "001": ["001"] * 12 + ["034", "035", "036", "037", "038", "040", "030", "033", "026", "025"],
    "058": ["058"] * 12 + ["060", "056", "052", "068", "079", "054"],
    "056": ["056"] * 12 + ["058", "054", "052", "066", "068", "079"],
}
PHONE_PREFIXES = [
    "912",
    "913",
    "903",
    "983",
    "988",
    "968",
    "868",
    "339",
    "362",
    "376",
    "835",
    "778",
]

# username, role, unit code, role label (Vietnamese)
ACCOUNT_SPECS = [
    ("admin", UserRole.SYSTEM_ADMIN, "TLD", "Quản trị hệ thống"),
    ("tld", UserRole.TRAINING_OFFICER, "TLD", "Cán bộ Ban Tổ chức (đào tạo)"),
    ("hanoi", UserRole.TRAINING_OFFICER, "HN", "Cán bộ Ban Tổ chức (đào tạo)"),
    ("khanhhoa", UserRole.TRAINING_OFFICER, "KH", "Cán bộ Ban Tổ chức (đào tạo)"),
    ("melinh", UserRole.TRAINING_OFFICER, "HN-KV1", "Cán bộ phụ trách đào tạo"),
    ("giaoduc", UserRole.TRAINING_OFFICER, "CDGD", "Cán bộ Ban Tổ chức (đào tạo)"),
    ("chutich", UserRole.CADRE, "HN-ML-001", "Chủ tịch CĐCS (tự xem hồ sơ của mình)"),
    ("giangvien", UserRole.LECTURER, "HN", "Giảng viên kiêm chức (chỉ xem)"),
    ("thanhtra", UserRole.INSPECTOR, "HN", "Kiểm tra (chỉ xem)"),
]
_FIXED_NAMES = {
    code: name
    for code, name, *_ in TOP_UNITS + UPPER_UNITS + [KHANH_HOA] + KHANH_HOA_UNITS + AREA_UNIONS
}
_FIXED_NAMES["HN-ML-001"] = SHOWCASE[0][0]
# (username, role label, unit name): what `make run` prints.
DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    (username, label, _FIXED_NAMES[code]) for username, _role, code, label in ACCOUNT_SPECS
]


@dataclass
class Demo:
    rng: random.Random
    fake: Faker
    kinds: dict[str, UnitKind]
    roles: dict[str, Role]
    units: dict[str, Unit] = field(default_factory=dict)
    area: dict[int, str] = field(default_factory=dict)  # unit id -> area key (places)
    members: dict[int, int] = field(default_factory=dict)  # grassroots id -> members today
    terms: dict[tuple[int, str], Term] = field(default_factory=dict)
    people: list[Person] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    chairs: dict[tuple[int, str], Person] = field(default_factory=dict)  # (unit, term) -> chair
    # unit -> (day, why the chair elected in 2023 left, who chairs it from that day)
    successions: dict[int, tuple[dt.date, str, Person]] = field(default_factory=dict)
    citizen_ids: set[str] = field(default_factory=set)
    names_used: set[str] = field(default_factory=set)
    # Upper seats of chairs elected mid-term, created after all the others (see _children_chairs);
    # (seat's person, day, why, new chair) of those who leave after the reorganisation.
    later_positions: list[Position] = field(default_factory=list)
    later_seats: list[tuple[Person, dt.date, str, Person]] = field(default_factory=list)
    # People drawn from another seeded pair (Khánh Hòa's): their training history draws on it.
    own_rng: dict[int, random.Random] = field(default_factory=dict)

    @property
    def grassroots(self) -> list[Unit]:
        return [u for u in self.units.values() if u.pk in self.members]


def new_demo() -> Demo:
    fake = Faker("vi_VN")
    fake.seed_instance(SEED)
    return Demo(
        rng=random.Random(SEED),
        fake=fake,
        kinds={k.code: k for k in UnitKind.objects.select_related("level")},
        roles={r.code: r for r in Role.objects.all()},
    )


@transaction.atomic
@disable_auditlog()  # generated data is nobody's doing: the demo's change history starts empty
def load_demo() -> dict:
    """Fill an empty database with the demo; returns counts for the command's message."""
    demo = new_demo()
    build_structure(demo)
    add_figures(demo)
    add_terms(demo, list(demo.units.values()))
    add_people(demo, list(demo.units.values()))
    add_khanh_hoa(demo)
    # The reorganisation comes after the positions so that the cadres carry over.
    reorganise_2025(demo)
    from demo.training import add_training, add_training_history

    add_training(demo)
    add_training_history(demo)
    from demo.planning import add_planning

    add_planning()
    from demo.cadrework import add_cadrework

    add_cadrework()
    adopt_local_targets()
    from demo.standards import add_title_standards

    add_title_standards()
    add_accounts(demo)
    from demo.elearning import add_elearning

    add_elearning()
    return {
        "units": Unit.objects.count(),
        "grassroots": len(demo.members),
        "people": Person.objects.count(),
        "positions": Position.objects.count(),
    }


def adopt_local_targets() -> None:
    """The Ninh Thuận resolution (001) and the Hà Nội 2018 plan (004) apply to their
    provinces in the demo (they ship inactive, with no issuing unit)."""
    from targets.models import Target

    for document, code in (("001", "NT"), ("004", "HN")):
        unit = Unit.objects.filter(code=code).first()
        if unit:
            Target.objects.filter(document__code=document).update(scope_unit=unit, active=True)


# ---------------------------------------------------------------- structure


def _unit(
    demo: Demo,
    code: str,
    name: str,
    kind: str,
    parent_code: str | None,
    sector: str = "",
    founded: dt.date | None = None,
) -> Unit:
    parent = demo.units[parent_code] if parent_code else None
    unit = unit_create(
        user=SYSTEM,
        code=code,
        name=name,
        kind=demo.kinds[kind],
        parent=parent,
        sector=sector,
        founded_on=founded or parent.founded_on,
    )
    demo.units[code] = unit
    if parent is not None:
        demo.area[unit.pk] = demo.area.get(parent.pk, "")
    return unit


def build_structure(demo: Demo) -> None:
    for code, name, kind, parent, founded in TOP_UNITS:
        _unit(demo, code, name, kind, parent, founded=founded)
    demo.area[demo.units["HN"].pk], demo.area[demo.units["NT"].pk] = "CG", "PR"
    demo.area[demo.units["CDGD"].pk] = demo.area[demo.units["CDHK"].pk] = "CG"
    for code, name, kind, parent, style, count, area in UPPER_UNITS:
        upper = _unit(demo, code, name, kind, parent, founded=dt.date(1995, 1, 1))
        demo.area[upper.pk] = area
        for i in range(1, count + 1):
            if code == "HN-ML" and i <= len(SHOWCASE):
                name_, sector, members = SHOWCASE[i - 1]
            else:
                name_, sector, members = _grassroots_profile(demo, style, area)
            _grassroots(demo, f"{code}-{i:03d}", name_, code, sector, members)
    for i, name_ in enumerate(UNIVERSITIES, 1):
        _grassroots(
            demo,
            f"CDGD-{i:03d}",
            f"Công đoàn {name_}",
            "CDGD",
            "state",
            demo.rng.randrange(120, 2700),
        )
    for i, name_ in enumerate(AVIATION, 1):
        _grassroots(
            demo,
            f"CDHK-{i:03d}",
            f"Công đoàn {name_}",
            "CDHK",
            "state",
            demo.rng.randrange(150, 3200),
        )
    add_sub_units(demo)


def _grassroots(
    demo: Demo, code: str, name: str, parent_code: str, sector: str, members: int
) -> None:
    rng = demo.rng
    founded = dt.date(rng.randrange(1995, 2017), rng.randrange(1, 13), 1)
    unit = _unit(demo, code, name, "grassroots", parent_code, sector=sector, founded=founded)
    demo.members[unit.pk] = members
    demo.names_used.add(name)


def _grassroots_profile(demo: Demo, style: str, area: str) -> tuple[str, str, int]:
    """A fresh (name, sector, members today) fitting the kind of upper union it sits under."""
    rng = demo.rng
    for _attempt in range(50):
        place = rng.choice(PLACES[area])
        roll = rng.random()
        if style == "high_school":
            name, sector, members = f"Trường THPT {place}", "state", rng.randrange(60, 140)
        elif style == "zone" or (style == "rural" and roll < 0.4) or roll < 0.3:
            name, sector, members = _company(demo, style == "zone")
        elif roll < 0.7:
            level, low, high = rng.choice(SCHOOL_LEVELS)
            name, sector, members = f"{level} {place}", "state", rng.randrange(low, high)
        elif roll < 0.88:
            ward = "phường" if style == "urban" else "xã"
            name, sector, members = f"UBND {ward} {place}", "state", rng.randrange(15, 45)
        else:
            name, sector, members = (
                f"Hợp tác xã Dịch vụ nông nghiệp {place}",
                "non_state",
                rng.randrange(10, 40),
            )
        if f"Công đoàn {name}" not in demo.names_used:
            return f"Công đoàn {name}", sector, members
    raise RuntimeError("ran out of distinct grassroots names")  # a bug in the lists above


def _company(demo: Demo, in_zone: bool) -> tuple[str, str, int]:
    rng = demo.rng
    name = (
        f"{rng.choice(COMPANY_FORMS)} {rng.choice(names.COMPANY_TRADES)} "
        f"{rng.choice(names.COMPANY_BRANDS)}"
    )
    band = rng.choices(
        [(30, 1000), (1000, 2500), (2500, 9000)], weights=[45, 35, 20] if in_zone else [75, 18, 7]
    )[0]
    return name, "non_state", rng.randrange(*band)


def add_sub_units(demo: Demo) -> None:
    """Union groups in some big grassroots unions, department unions in two others."""
    big = [u for u in demo.grassroots if demo.members[u.pk] >= 1000]
    for unit in big[:10]:
        short = unit.name.removeprefix("Công đoàn ")
        for g in range(1, 4):
            _unit(
                demo,
                f"{unit.code}-T{g}",
                f"Tổ công đoàn Phân xưởng {g} - {short}",
                "union_group",
                unit.code,
            )
    for unit in big[10:12]:
        short = unit.name.removeprefix("Công đoàn ")
        for b, part in enumerate(("Khối sản xuất", "Khối văn phòng"), 1):
            _unit(
                demo,
                f"{unit.code}-B{b}",
                f"Công đoàn bộ phận {part} - {short}",
                "department_union",
                unit.code,
            )


def add_figures(demo: Demo) -> None:
    """Member and worker counts from 1 January of each year, growing slowly to today's."""
    rows = []
    for unit in demo.grassroots:
        final = demo.members[unit.pk]
        for year in range(2018, 2027):
            members = (
                final if year == 2026 else max(5, round(final * (0.9 + 0.0125 * (year - 2018))))
            )
            workers = members + demo.rng.randrange(0, members // 5 + 3)
            rows.append(
                UnitFigures(
                    unit=unit,
                    effective_on=dt.date(year, 1, 1),
                    member_count=members,
                    worker_count=workers,
                )
            )
    UnitFigures.objects.bulk_create(rows, batch_size=2000)


def add_terms(demo: Demo, units: list[Unit]) -> None:
    """Both terms for every unit with an executive committee (all but union groups)."""
    for unit in units:
        if unit.kind.code == "union_group":
            continue
        for name, start, end in TERMS:
            demo.terms[(unit.pk, name)] = term_create(
                user=SYSTEM, unit=unit, name=name, start_date=start, end_date=end
            )


# ---------------------------------------------------------------- people


def _region(unit: Unit) -> str:
    """CCCD province code of where the unit's people mostly come from."""
    if unit.code.startswith("KH"):
        return "056"
    return "058" if unit.code.startswith("NT") else "001"


def _person(demo: Demo, unit: Unit, profile: str = "grassroots") -> Person:
    """A person homed in `unit`; profile (upper, grassroots, member) shapes qualifications."""
    rng = demo.rng
    female = rng.random() < (0.42 if profile == "upper" else 0.5)
    family, middle, given = _name(demo, female, _region(unit))
    born = dt.date(rng.randrange(1960, 2001), rng.randrange(1, 13), rng.randrange(1, 29))
    person = Person(
        unit=unit,
        family_name=family,
        middle_name=middle,
        given_name=given,
        gender="female" if female else "male",
        birth_date=born,
        citizen_id=_citizen_id(demo, _region(unit), female, born) if rng.random() < 0.92 else None,
        ethnicity="Kinh"
        if _region(unit) == "001" or rng.random() < 0.85
        else rng.choice(["Chăm", "Raglai"]),
        address=_address(demo, unit),
        **_qualifications(demo, profile),
    )
    if rng.random() < 0.75:
        person.phone = f"0{rng.choice(PHONE_PREFIXES)}{rng.randrange(10**6):06d}"
    if rng.random() < 0.35:
        person.email = (
            f"{fold(given)}.{fold(family)}{rng.randrange(60, 100)}@"
            f"{rng.choice(['gmail.com', 'congdoan.vn', 'yahoo.com'])}"
        )
    person.fill_keys()
    demo.people.append(person)
    return person


def _name(demo: Demo, female: bool, region: str) -> tuple[str, str, str]:
    """Family names at national frequencies, nudged north/south (Hoàng, Vũ vs Huỳnh, Võ)."""
    rng = demo.rng
    nudge = (
        {"Huỳnh": 3.0, "Võ": 3.0, "Hoàng": 0.5, "Vũ": 0.5}
        if region != "001"
        else {"Huỳnh": 0.3, "Võ": 0.3, "Hoàng": 1.3, "Vũ": 1.3}
    )
    weights = [w * nudge.get(n, 1) for n, w in names.FAMILY_NAMES]
    family = rng.choices([n for n, _ in names.FAMILY_NAMES], weights=weights)[0]
    middle = rng.choice(names.FEMALE_MIDDLE if female else names.MALE_MIDDLE)
    given = rng.choice(names.FEMALE_GIVEN if female else names.MALE_GIVEN)
    if middle == given:  # "Minh Minh": draw the given name again, once
        given = rng.choice(names.FEMALE_GIVEN if female else names.MALE_GIVEN)
    return family, middle, given


def _citizen_id(demo: Demo, region: str, female: bool, born: dt.date) -> str:
    """CCCD: birth-province code, century-and-gender digit, two-digit birth year, six more."""
    province = demo.rng.choice(BIRTH_PROVINCES[region])
    century = (0 if born.year < 2000 else 2) + (1 if female else 0)
    while True:
        cid = f"{province}{century}{born.year % 100:02d}{demo.rng.randrange(10**6):06d}"
        if cid not in demo.citizen_ids:
            demo.citizen_ids.add(cid)
            return cid


def _address(demo: Demo, unit: Unit) -> str:
    area = demo.area.get(unit.pk, "CG")
    area = area if area in AREA_LABEL else {"058": "PR", "056": "NTR"}.get(_region(unit), "CG")
    place = demo.rng.choice(PLACES[area])
    if area in ("CG", "PR", "NTR"):
        ward = f"phường {place}"
        return f"{demo.fake.street_address()}, {ward}, {AREA_LABEL[area]}"
    return f"Thôn {demo.rng.randrange(1, 12)}, xã {place}, {AREA_LABEL[area]}"


def _qualifications(demo: Demo, profile: str) -> dict:
    rng = demo.rng
    education = {
        "upper": [0, 0, 1, 1, 3, 70, 23, 2],
        "grassroots": [1, 3, 12, 12, 14, 50, 7, 1],
        "member": [2, 10, 30, 20, 13, 23, 2, 0],
    }[profile]
    theory = {
        "upper": [3, 7, 50, 35, 5],
        "grassroots": [40, 40, 17, 3, 0],
        "member": [85, 14, 1, 0, 0],
    }[profile]
    return {
        "education_level": rng.choices(range(8), weights=education)[0],
        "political_theory": rng.choices(range(5), weights=theory)[0],
        "foreign_language": rng.choice(["", "", "Tiếng Anh B", "Tiếng Anh B1", "Tiếng Anh A2"]),
        "it_skill": rng.choice(["", "Tin học văn phòng", "Chứng chỉ ứng dụng CNTT cơ bản"]),
    }


# ---------------------------------------------------------------- positions


def add_people(demo: Demo, units: list[Unit]) -> None:
    """Deepest units first, so an upper committee can seat its children's chairs."""
    for unit in sorted(units, key=lambda u: -u.depth):
        level = unit.kind.level.code
        if level == "union_group":
            _union_group(demo, unit)
        elif level == "member":
            _committee(
                demo,
                unit,
                [("chair", False), ("vice_chair", False), ("executive_member", False)],
                "grassroots",
            )
        elif level == "grassroots":
            _committee(demo, unit, _grassroots_ladder(demo.members[unit.pk]), "grassroots")
            for _ in range(demo.rng.randrange(5, 11)):  # members who hold no post
                _person(demo, unit, "member")
        else:
            _upper_committee(demo, unit, level)
    Person.objects.bulk_create(demo.people, batch_size=1000)
    positions = demo.positions + demo.later_positions
    for position in positions:
        position.person_id = position.person.pk
    Position.objects.bulk_create(positions, batch_size=1000)


def _grassroots_ladder(members: int) -> list[tuple[str, bool]]:
    """Committee size grows with the union; only a union of ≥ 2,500 pays a full-time chair."""
    size = (
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
    vices = 1 if size < 7 else 2
    return (
        [("chair", members >= 2500)]
        + [("vice_chair", False)] * vices
        + [("executive_member", False)] * (size - 1 - vices)
    )


# level -> vice-chairs, standing members, seats for the children's chairs, advisory staff
UPPER_SHAPE = {
    "confederation": (4, 4, 4, 6),
    "province": (3, 3, 5, 5),
    "upper_grassroots": (2, 1, 4, 2),
}


def _upper_committee(demo: Demo, unit: Unit, level: str) -> None:
    """Full-time key leaders, part-time members drawn from the children's chairs, and staff."""
    vices, standing, seats, staff = UPPER_SHAPE[level]
    ladder = (
        [("chair", True)] + [("vice_chair", True)] * vices + [("standing_member", True)] * standing
    )
    _committee(demo, unit, ladder, "upper")
    _children_chairs(demo, unit, seats)
    rng = demo.rng
    for _ in range(staff):
        person = _person(demo, unit, "upper")
        start = dt.date(rng.randrange(2008, 2023), rng.choice([3, 7, 10]), 1)
        if rng.random() < 0.15:  # some staff moved on; their successors are the later hires
            end = dt.date(rng.randrange(start.year + 1, 2026), 12, 31)
            _post(
                demo,
                person,
                unit,
                "advisory_staff",
                start,
                end,
                True,
                None,
                start_reason="appointed",
                end_reason=rng.choice(["transferred", "retired"]),
            )
        else:
            _post(
                demo,
                person,
                unit,
                "advisory_staff",
                start,
                None,
                True,
                None,
                start_reason="appointed",
            )


def _committee(demo: Demo, unit: Unit, ladder: list[tuple[str, bool]], profile: str) -> None:
    """Two terms: about two thirds re-elected in 2023, the rest replaced by newcomers."""
    rng = demo.rng
    (name1, start1, end1), (name2, _start2, _end2) = TERMS
    sitting = [_person(demo, unit, profile) for _ in ladder]
    for person, (role, full_time) in zip(sitting, ladder, strict=True):
        _post(
            demo,
            person,
            unit,
            role,
            start1,
            end1,
            full_time,
            demo.terms[(unit.pk, name1)],
            first=rng.random() < 0.3,
            end_reason="term_ended",
        )
    demo.chairs[(unit.pk, name1)] = sitting[0]
    for i, (person, (role, full_time)) in enumerate(zip(sitting, ladder, strict=True)):
        re_elected = rng.random() < 0.65
        holder = person if re_elected else _person(demo, unit, profile)
        if i == 0:
            demo.chairs[(unit.pk, name2)] = holder
        _second_term(demo, holder, unit, role, full_time, profile, first=not re_elected)


def _second_term(
    demo: Demo, person: Person, unit: Unit, role: str, full_time: bool, profile: str, first: bool
) -> None:
    """A seat of 2023–2028; a few holders leave mid-term and a newcomer is elected to it."""
    rng = demo.rng
    name, start, _end = TERMS[1]
    term = demo.terms[(unit.pk, name)]
    if rng.random() >= 0.06:
        _post(demo, person, unit, role, start, None, full_time, term, first=first)
        return
    left = dt.date(rng.choice([2024, 2025]), rng.randrange(1, 13), 1)
    reason = "retired" if person.birth_date.year <= 1966 else rng.choice(["rotated", "transferred"])
    _post(
        demo,
        person,
        unit,
        role,
        start,
        left - dt.timedelta(days=1),
        full_time,
        term,
        first=first,
        end_reason=reason,
    )
    successor = _person(demo, unit, profile)
    _post(demo, successor, unit, role, left, None, full_time, term, first=True)
    if role == "chair":
        demo.successions[unit.pk] = (left, reason, successor)


def _children_chairs(demo: Demo, unit: Unit, seats: int) -> None:
    """Chairs of the first sub-units also sit, part-time, on this unit's committee. A chair
    who leaves mid-term leaves this seat the same day, and the new chair takes it: those
    seats are created after all the others, so the draws of the rest stay as they were — and
    after the 2025 reorganisation for a chair who leaves after it (the seat may have passed
    to another unit by then: _seat_later_chairs)."""
    children = [u for u in demo.units.values() if u.parent_id == unit.pk][:seats]
    for name, start, end in TERMS:
        term, ended = demo.terms[(unit.pk, name)], name == TERMS[0][0]
        for child in children:
            chair = demo.chairs.get((child.pk, name))
            if chair is None:
                continue
            again = name != TERMS[0][0] and chair is demo.chairs.get((child.pk, TERMS[0][0]))
            left, reason, successor = demo.successions.get(child.pk, (None, "", None))
            if ended:
                end_on, end_reason = end, "term_ended"
            elif successor is not None and left < MERGE_DAY:
                end_on, end_reason = left - dt.timedelta(days=1), reason
            else:
                end_on, end_reason = None, ""
            _post(
                demo,
                chair,
                unit,
                "executive_member",
                start,
                end_on,
                False,
                term,
                first=not again and demo.rng.random() < 0.5,
                end_reason=end_reason,
            )
            if ended or successor is None:
                continue
            if left < MERGE_DAY:
                _post(demo, successor, unit, "executive_member", left, None, False, term, True)
                demo.later_positions.append(demo.positions.pop())
            else:
                demo.later_seats.append((chair, left, reason, successor))


def _union_group(demo: Demo, unit: Unit) -> None:
    for role in ("group_leader", "group_deputy"):
        _post(
            demo, _person(demo, unit, "member"), unit, role, dt.date(2019, 3, 1), None, False, None
        )


def _post(
    demo: Demo,
    person: Person,
    unit: Unit,
    role: str,
    start: dt.date,
    end: dt.date | None,
    full_time: bool,
    term: Term | None,
    first: bool = False,
    start_reason: str = "elected",
    end_reason: str = "",
) -> None:
    demo.positions.append(
        Position(
            person=person,
            unit=unit,
            role=demo.roles[role],
            start_date=start,
            end_date=end,
            full_time=full_time,
            term=term,
            first_time_on_committee=first,
            start_reason=start_reason,
            end_reason=end_reason,
        )
    )


# ---------------------------------------------------------------- Khánh Hòa


def add_khanh_hoa(demo: Demo) -> None:
    """Khánh Hòa's federation, its own units, terms and committees — drawn from their own
    seeded generators, after everything else is drawn, so that none of the earlier draws
    (names, dates, IDs of Hà Nội and Ninh Thuận) changed when it was added."""
    fake = Faker("vi_VN")
    fake.seed_instance(SEED + 1)
    kh = replace(
        demo,
        rng=random.Random(SEED + 1),
        fake=fake,
        members={},
        people=[],
        positions=[],
        later_positions=[],
    )
    code, name, kind, parent, founded = KHANH_HOA
    units = [_unit(kh, code, name, kind, parent, founded=founded)]
    demo.area[units[0].pk] = "NTR"
    for code, name, kind, parent, style, count, area in KHANH_HOA_UNITS:
        upper = _unit(kh, code, name, kind, parent, founded=dt.date(1995, 1, 1))
        demo.area[upper.pk] = area
        units.append(upper)
        for i in range(1, count + 1):
            name_, sector, members = _grassroots_profile(kh, style, area)
            _grassroots(kh, f"{code}-{i:03d}", name_, code, sector, members)
            units.append(kh.units[f"{code}-{i:03d}"])
    add_figures(kh)
    add_terms(kh, units)
    add_people(kh, units)
    demo.members.update(kh.members)
    demo.own_rng.update({person.pk: kh.rng for person in kh.people})


# ---------------------------------------------------------------- 2025 reorganisation


def reorganise_2025(demo: Demo) -> None:
    """1 July 2025: every district-level federation ends, merged into the area union set up
    that day in its place; then Ninh Thuận's federation merges into Khánh Hòa's. Each merger
    moves the sub-units and passes the cadres' posts (units.services.unit_merge); a merged
    union keeps one chair, and the other chairs serve as its vice-chairs."""
    for code, name, parent, sources in AREA_UNIONS:
        area = unit_create(
            user=SYSTEM,
            code=code,
            name=name,
            kind=demo.kinds["upper_grassroots_other"],
            parent=demo.units[parent],
            founded_on=MERGE_DAY,
        )
        term_create(
            user=SYSTEM, unit=area, name=TERMS[1][0], start_date=MERGE_DAY, end_date=TERMS[1][2]
        )
        demo.units[code] = area
        _merge(demo, [demo.units[source] for source in sources], area)
    for target, sources in PROVINCE_MERGERS:
        _merge(demo, [demo.units[source] for source in sources], demo.units[target])
    _seat_later_chairs(demo)


def _seat_later_chairs(demo: Demo) -> None:
    """A chair who leaves after 1 July 2025 leaves the upper seat that day, in the unit that
    holds it then, and the new chair is elected to it (in that unit's term)."""
    member = demo.roles["executive_member"]
    for person, left, reason, successor in demo.later_seats:
        for seat in Position.objects.filter(is_open(), person=person, role=member):
            if seat.start_date < left:
                position_end(
                    user=SYSTEM,
                    position=seat,
                    end_date=left - dt.timedelta(days=1),
                    end_reason=reason,
                )
            else:  # carried over on the very day the chair left: the new chair's seat
                seat.delete()
            position_create(
                user=SYSTEM,
                person=successor,
                unit=seat.unit,
                role=member,
                start_date=left,
                first_time_on_committee=True,
            )


def _merge(demo: Demo, sources: list[Unit], target: Unit) -> None:
    unit_merge(
        user=SYSTEM, sources=sources, target=target, effective_on=MERGE_DAY, note=REORGANISATION
    )
    term = Term.objects.in_force_on(MERGE_DAY).get(unit=target)
    chair = demo.roles["chair"]
    # The chair who passed to the merged union is the one it already had, or the first
    # merged union's; the other chairs' posts ended the day before, and they serve as its
    # vice-chairs.
    carried = Position.objects.filter(is_open(), unit=target, role=chair).values("person")
    for post in (
        Position.objects.filter(
            unit__in=sources,
            role=chair,
            end_date=MERGE_DAY - dt.timedelta(days=1),
            end_reason="reorganised",
        )
        .exclude(person__in=carried)
        .select_related("person")
        .order_by("unit__code")
    ):
        position_create(
            user=SYSTEM,
            person=post.person,
            unit=target,
            role=demo.roles["vice_chair"],
            full_time=post.full_time,
            start_date=MERGE_DAY,
            term=term,
            start_reason="reorganised",
        )
    Person.objects.filter(unit__in=sources).update(unit=target)
    for source in sources:
        source.refresh_from_db()


# ---------------------------------------------------------------- accounts


def add_accounts(demo: Demo) -> None:
    chair = (
        Position.objects.filter(is_open(), unit__code="HN-ML-001", role__code="chair")
        .order_by("-start_date")
        .select_related("person")
        .first()
    )
    for username, role, unit_code, _label in ACCOUNT_SPECS:
        User.objects.create_user(
            username=username,
            password=PASSWORD,
            unit=demo.units[unit_code],
            role=role,
            is_superuser=role == UserRole.SYSTEM_ADMIN,
            person=chair.person if role == UserRole.CADRE else None,
        )
