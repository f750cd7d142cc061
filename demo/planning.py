"""Demo plans, spending, member growth and a needs survey, so every planning page has
something to show: Hà Nội's 2018 plan of `004`, the 2025 and 2026 plans approved and
tracked to their classes, other 2026 plans on their way up, and a survey open for 2027.
Anything of after 1 July 2025 belongs to the units of that day (the area unions, Khánh Hòa)."""

import datetime as dt
from decimal import Decimal

from accounts.access import SYSTEM
from lib.dates import today
from planning import services
from planning.models import Plan
from training.models import Topic, TrainingClass
from units.models import Unit

# unit, year, lines (content, topic, target group, classes, trainees, quarter, budget)
PLANS = [
    (
        "HN",
        2018,
        [
            (
                "Lớp lãnh đạo: trưởng, phó ban LĐLĐ thành phố; chủ tịch, phó chủ tịch công đoàn "
                "cấp trên cơ sở",
                "union_general",
                "key_leaders",
                2,
                120,
                2,
                240_000_000,
            ),
            (
                "Bồi dưỡng nghiệp vụ cán bộ công đoàn cơ sở",
                "union_theory",
                "part_time",
                30,
                3_000,
                3,
                1_500_000_000,
            ),
            (
                "Tập huấn kỹ năng cho tổ trưởng, tổ phó công đoàn",
                "soft_skills",
                "group_leaders",
                8,
                800,
                4,
                320_000_000,
            ),
        ],
    ),
    (
        "HN",
        2025,
        [
            (
                "Bồi dưỡng cán bộ công đoàn chuyên trách",
                "union_theory",
                "full_time",
                1,
                60,
                1,
                80_000_000,
            ),
            (
                "Tập huấn thương lượng tập thể",
                "collective_bargaining",
                "key_leaders",
                2,
                120,
                3,
                90_000_000,
            ),
        ],
    ),
    (
        "HN-ML",
        2025,
        [
            (
                "Tập huấn nghiệp vụ công đoàn cơ sở",
                "union_general",
                "part_time",
                2,
                150,
                2,
                40_000_000,
            )
        ],
    ),
    (
        "HN-KV1",
        2026,
        [
            (
                "Tập huấn pháp luật lao động cho đoàn viên",
                "labour_law",
                "members",
                2,
                200,
                2,
                30_000_000,
            )
        ],
    ),
    (
        "HN",
        2026,
        [
            (
                "Bồi dưỡng cán bộ công đoàn chuyên trách",
                "union_theory",
                "full_time",
                1,
                60,
                1,
                85_000_000,
            ),
            (
                "Tập huấn kỹ năng đối thoại tại nơi làm việc",
                "dialogue",
                "key_leaders",
                1,
                60,
                4,
                40_000_000,
            ),
        ],
    ),
    (
        "HN-KV2",
        2026,
        [("Bồi dưỡng chủ tịch CĐCS", "union_general", "key_leaders", 1, 60, 3, 25_000_000)],
    ),
    (
        "KH",
        2026,
        [
            (
                "Bồi dưỡng tiêu chuẩn ngạch công chức",
                "civil_service_rank",
                "full_time",
                1,
                40,
                3,
                95_000_000,
            )
        ],
    ),
]
APPROVED = {("HN", 2018), ("HN", 2025), ("HN-ML", 2025), ("HN", 2026), ("KH", 2026)}
SUBMITTED = {("HN-KV1", 2026)}
# unit, year, operating spending, other training costs
SPENDING = [
    ("HN", 2025, 2_400_000_000, 290_000_000),
    ("HN-ML", 2025, 300_000_000, 40_000_000),
    ("NT", 2025, 1_500_000_000, 160_000_000),
    ("HN", 2026, 2_500_000_000, 150_000_000),
    ("KH", 2026, 2_900_000_000, 210_000_000),
]
# unit, year, admitted, other decreases, in, out, founded, dissolved, enterprises ≥30, with
GROWTH = [
    ("HN-ML", 2018, 6_200, 1_100, 420, 380, 96, 12, 310, 295),
    ("HN-DA", 2018, 7_900, 1_500, 510, 640, 121, 15, 402, 388),
    ("HN-CG", 2018, 9_400, 2_600, 880, 930, 150, 20, 515, 505),
    ("HN-KCN", 2018, 14_800, 3_100, 1_200, 1_050, 140, 9, 620, 620),
    ("HN-ML", 2025, 1_850, 400, 90, 75, 14, 3, 330, 322),
    ("NT-PR", 2025, 1_200, 350, 60, 80, 9, 2, 140, 131),
    ("HN-KV1", 2026, 1_640, 380, 70, 66, 11, 2, 334, 327),
]


def add_planning() -> None:
    topics = {t.code: t for t in Topic.objects.all()}
    units = {
        u.code: u
        for u in Unit.objects.filter(
            code__in={p[0] for p in PLANS} | {s[0] for s in SPENDING} | {g[0] for g in GROWTH}
        )
    }
    for code, year, lines in PLANS:
        plan = services.plan_create(user=SYSTEM, unit=units[code], year=year)
        for name, topic, group, classes, trainees, quarter, budget in lines:
            line = services.line_save(
                user=SYSTEM,
                plan=plan,
                name=name,
                topic=topics[topic],
                target_group=group,
                classes=classes,
                trainees=trainees,
                quarter=quarter,
                budget=Decimal(budget),
            )
            _link_classes(plan, line, topics[topic])
        if (code, year) in APPROVED | SUBMITTED:
            services.plan_submit(user=SYSTEM, plan=plan)
        if (code, year) in APPROVED:
            services.plan_approve(user=SYSTEM, plan=plan)
    for code, year, operating, other in SPENDING:
        services.spending_save(
            user=SYSTEM,
            unit=units[code],
            year=year,
            operating_total=Decimal(operating),
            other_training=Decimal(other),
        )
    for code, year, *figures in GROWTH:
        services.growth_save(
            user=SYSTEM,
            unit=units[code],
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            **dict(zip(services.GROWTH_FIGURES, figures, strict=True)),
        )
    _give_class_goals(units["HN"])
    services.survey_open(
        user=SYSTEM,
        unit=units["HN"],
        year=2027,
        title="Khảo sát nhu cầu đào tạo, bồi dưỡng năm 2027",
        deadline=today() + dt.timedelta(days=45),
        topics=[
            topics[c]
            for c in ("union_theory", "collective_bargaining", "labour_law", "soft_skills")
        ],
    )


def _give_class_goals(hanoi: Unit) -> None:
    """The confederation gives Hà Nội classes and trainees for this year (004: "chỉ tiêu mở
    lớp cũng như đối tượng được đào tạo"), and Hà Nội divides them among the units directly
    below it in proportion to their members."""
    year = today().year
    services.class_goals_give(
        user=SYSTEM,
        unit=hanoi.parent,
        year=year,
        goals={hanoi: {"classes": 40, "trainees": 3_920}},
    )
    services.class_goals_in_proportion(user=SYSTEM, unit=hanoi, year=year, by="members")


def _link_classes(plan: Plan, line, topic: Topic) -> None:
    """The demo's classes of the plan's unit and year on the line's topic count toward it."""
    for training_class in TrainingClass.objects.filter(
        organiser=plan.unit, start_date__year=plan.year, topics=topic, plan_link__isnull=True
    ):
        services.class_link(user=SYSTEM, line=line, training_class=training_class)
