"""Demo classes over the years, with participants, results and certificates. A class or a
record reports under the units of its own day: those of before 1 July 2025 under the districts
and Ninh Thuận, later ones under the area unions and Khánh Hòa that replaced them."""

import datetime as dt

from people.models import Position
from training.models import (
    ClassLecturer,
    Enrolment,
    Feedback,
    Lecturer,
    Topic,
    TrainingClass,
    TrainingRecord,
)
from units.models import Reorganisation, Unit, UnitVersion
from units.places import path_on, placed_under

# organiser code, class name, topic codes, start, days, hours, who: full-time/key/members
CLASSES = [
    (
        "TLD",
        "Bồi dưỡng chủ tịch CĐCS có từ 2.500 đoàn viên",
        ["union_general"],
        dt.date(2024, 9, 9),
        5,
        40,
        "chairs",
    ),
    (
        "HN",
        "Tập huấn kỹ năng thương lượng tập thể",
        ["collective_bargaining", "dialogue"],
        dt.date(2023, 10, 16),
        3,
        24,
        "key",
    ),
    (
        "HN",
        "Bồi dưỡng cán bộ công đoàn chuyên trách năm 2025",
        ["union_theory"],
        dt.date(2025, 3, 10),
        4,
        32,
        "full_time",
    ),
    (
        "HN-ML",
        "Tập huấn nghiệp vụ công tác công đoàn cơ sở 2020",
        ["union_general"],
        dt.date(2020, 8, 3),
        2,
        16,
        "key",
    ),
    (
        "HN-ML",
        "Tập huấn pháp luật lao động cho đoàn viên",
        ["labour_law", "osh"],
        dt.date(2024, 6, 17),
        1,
        8,
        "members",
    ),
    (
        "NT",
        "Bồi dưỡng chủ tịch CĐCS khu vực ngoài nhà nước",
        ["union_general", "collective_bargaining"],
        dt.date(2022, 11, 7),
        3,
        24,
        "key",
    ),
    (
        "NT-PR",
        "Tập huấn an toàn, vệ sinh lao động",
        ["osh"],
        dt.date(2024, 4, 22),
        2,
        16,
        "members",
    ),
    # The current year (the demo's "today" is late 2026): what the pages open on.
    (
        "HN",
        "Bồi dưỡng cán bộ công đoàn chuyên trách năm 2026",
        ["union_theory", "management_leadership"],
        dt.date(2026, 3, 9),
        4,
        32,
        "full_time",
    ),
    (
        "HN-KV1",
        "Tập huấn chủ tịch công đoàn cơ sở năm 2026",
        ["union_theory", "soft_skills"],
        dt.date(2026, 5, 11),
        2,
        16,
        "chairs",
    ),
    (
        "KH",
        "Bồi dưỡng tiêu chuẩn ngạch công chức năm 2026",
        ["civil_service_rank"],
        dt.date(2026, 8, 17),
        5,
        40,
        "full_time",
    ),
    (
        "TLD",
        "Bồi dưỡng chủ tịch CĐCS có từ 2.500 đoàn viên năm 2026",
        ["union_general", "soft_skills"],
        dt.date(2026, 10, 5),
        5,
        40,
        "chairs",
    ),
    (
        "HN",
        "Tập huấn kỹ năng đối thoại tại nơi làm việc",
        ["dialogue", "collective_bargaining"],
        dt.date(2026, 12, 14),
        2,
        16,
        "key",
    ),
]
# Whom each class is for: the chairs of grassroots unions and most key leaders in the
# demo's classes are part-time cadres.
AUDIENCE_OF = {
    "full_time": "full_time",
    "chairs": "part_time",
    "key": "part_time",
    "members": "member",
}
# The demo's "today": a class ended before it is closed, one starting after it open for
# nominations (accepted, no results yet), one in between running.
DEMO_TODAY = dt.date(2026, 12, 1)


def _status(start: dt.date, end: dt.date) -> str:
    if end < DEMO_TODAY:
        return "closed"
    return "open" if start > DEMO_TODAY else "running"


def _participants(organiser: Unit, who: str, day: dt.date, limit: int):
    """Who attends: people of the organiser's subtree as it stood on the class's day."""
    path = path_on(organiser, day)
    held = Position.objects.active_on(day).filter(placed_under(path, day))
    if who == "chairs":
        held = held.filter(role__code="chair", unit__kind__level__code="grassroots")
    elif who == "key":
        held = held.filter(role__is_key_leader=True)
    elif who == "full_time":
        held = held.filter(full_time=True)
    else:
        from people.models import Person

        return list(
            Person.objects.filter(placed_under(path, day), positions__isnull=True).order_by("id")[
                :limit
            ]
        )
    seen, people = set(), []
    for position in held.select_related("person").order_by("id"):
        if position.person_id not in seen:
            seen.add(position.person_id)
            people.append(position.person)
    return people[:limit]


def add_training(demo) -> None:
    topics = {t.code: t for t in Topic.objects.all()}
    for n, (org_code, name, topic_codes, start, days, hours, who) in enumerate(CLASSES, 1):
        organiser = Unit.objects.get(code=org_code)
        end = start + dt.timedelta(days=days - 1)
        status = _status(start, end)
        c = TrainingClass.objects.create(
            code=f"{org_code}-{start.year}-{n:02d}",
            name=name,
            organiser=organiser,
            start_date=start,
            end_date=end,
            hours=hours,
            capacity=60,
            form="on_site",
            kind="refresher",
            audience=AUDIENCE_OF[who],
            venue=f"Hội trường {organiser.name}",
            budget_planned=hours * 2_500_000,
            budget_actual=hours * 2_300_000,
            status=status,
        )
        c.topics.set([topics[code] for code in topic_codes])
        people = _participants(organiser, who, start, 45)
        done = status == "closed"
        enrolments = Enrolment.objects.bulk_create(
            [
                Enrolment(
                    training_class=c,
                    person=p,
                    nominating_unit=p.unit,
                    status="accepted",
                    attendance_percent=100 - (i % 7) * 5 if done else None,
                    score=6 + (i % 4) if done else None,
                    passed=i % 11 != 10 if done else None,
                )
                for i, p in enumerate(people)
            ]
        )
        _teach(c, topics, topic_codes)
        if done:
            _records(c, [e for e in enrolments if e.passed], topics, topic_codes)
            _feedback(c, enrolments)
    # A lecturer belongs to a unit of today: one named by a district that has since ended
    # belongs to the unit that took it over.
    for lecturer in Lecturer.objects.filter(unit__dissolved_on__isnull=False).select_related(
        "unit"
    ):
        lecturer.unit = _successor(lecturer.unit)
        lecturer.save(update_fields=["unit"])


def _successor(unit: Unit) -> Unit:
    while unit.dissolved_on is not None:
        unit = Reorganisation.objects.get(kind="merge", unit=unit).other_unit
    return unit


def _teach(c: TrainingClass, topics, topic_codes) -> None:
    """The organiser's lecturer teaches its classes: a full-time cadre of the organiser named
    a part-time lecturer (giảng viên kiêm chức) for the class's topics."""
    post = (
        Position.objects.active_on(c.start_date)
        .filter(unit=c.organiser, full_time=True)
        .exclude(role__code="chair")
        .order_by("id")
        .first()
    )
    if post is None:
        return
    lecturer, made = Lecturer.objects.get_or_create(
        person_id=post.person_id,
        defaults={
            "unit": c.organiser,
            "kind": "part_time",
            "pedagogy_trained_on": dt.date(2019, 9, 20),
        },
    )
    lecturer.topics.add(*[topics[code] for code in topic_codes])
    ClassLecturer.objects.create(training_class=c, lecturer=lecturer, hours=c.hours)


def _feedback(c: TrainingClass, enrolments) -> None:
    """Two learners in three rate the class (4 or 5), with a test before and after."""
    Feedback.objects.bulk_create(
        [
            Feedback(
                enrolment=e,
                content=5 - i % 2,
                lecturers=5 - (i % 4 == 1),
                organisation=4 + (i % 4 == 0),
                usefulness=5 - (i % 5 == 4),
                pre_test=5 + i % 3,
                post_test=8 + i % 2,
            )
            for i, e in enumerate(enrolments)
            if i % 3 != 2
        ]
    )


def _records(c: TrainingClass, enrolments, topics, topic_codes) -> None:
    records = TrainingRecord.objects.bulk_create(
        [
            TrainingRecord(
                person_id=e.person_id,
                enrolment=e,
                training_class=c,
                title=c.name,
                hours=c.hours,
                completed_on=c.end_date,
                form=c.form,
                organiser=c.organiser,
                certificate_number=f"{i:05d}",
                certificate_year=c.end_date.year,
                certificate_issued_on=c.end_date,
            )
            for i, e in enumerate(enrolments, 1)
        ]
    )
    links = TrainingRecord.topics.through
    links.objects.bulk_create(
        [
            links(trainingrecord_id=r.pk, topic_id=topics[code].pk)
            for r in records
            for code in topic_codes
        ]
    )


# Training done outside the demo's classes (other organisers, earlier years), so that the
# targets show a realistic mix of met, due and overdue: (share of the group, topic codes).
HISTORY_END = dt.date(2026, 10, 31)
THEORY = ["union_theory", "union_general"]


def _day_between(rng, first: dt.date, last: dt.date) -> dt.date | None:
    if last < first:
        return None
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def add_training_history(demo) -> None:
    """External records for the cadres: theory within the term for key and full-time
    cadres, yearly refreshers for full-time cadres above grassroots, collective bargaining
    for chairs of non-state unions, skills for the others."""
    topics = {t.code: t for t in Topic.objects.all()}
    rows: list[tuple[TrainingRecord, list[str]]] = []
    # Each unit's placements: a record is organised by the unit above on the record's day.
    placements: dict[int, list[tuple]] = {}
    for unit_id, start, end, parent_id in UnitVersion.objects.values_list(
        "unit_id", "valid_from", "valid_to", "parent_id"
    ):
        placements.setdefault(unit_id, []).append((start, end, parent_id))

    def above(position, day) -> int:
        for start, end, parent_id in placements[position.unit_id]:
            if (start is None or start <= day) and (end is None or day <= end):
                return parent_id or position.unit_id
        return position.unit.parent_id or position.unit_id

    def add(position, day, codes, title, hours):
        if day is None:
            return
        rows.append(
            (
                TrainingRecord(
                    person_id=position.person_id,
                    title=title,
                    hours=hours,
                    completed_on=day,
                    form=rng.choice(["on_site", "in_service", "online"]),
                    organiser_id=above(position, day),
                ),
                codes,
            )
        )

    positions = Position.objects.select_related(
        "role", "unit__parent", "unit__kind__level", "term"
    ).order_by("id")
    for p in positions:
        # Khánh Hòa's people draw from Khánh Hòa's generator (demo.generator.add_khanh_hoa).
        rng = demo.own_rng.get(p.person_id, demo.rng)
        start = max(p.start_date, p.term.start_date if p.term else p.start_date)
        last = min(p.end_date or HISTORY_END, HISTORY_END)
        level = p.unit.kind.level.code
        if (p.role.is_key_leader or p.full_time) and rng.random() < 0.7:
            add(
                p,
                _day_between(rng, start, last),
                [rng.choice(THEORY)],
                "Bồi dưỡng lý luận, nghiệp vụ công tác công đoàn",
                24,
            )
        if p.full_time and level != "grassroots":
            for year in range(max(start.year, 2019), last.year + 1):
                if rng.random() < 0.75:
                    add(
                        p,
                        _day_between(
                            rng, max(start, dt.date(year, 1, 1)), min(last, dt.date(year, 12, 31))
                        ),
                        [rng.choice(["labour_law", "management_leadership", "labour_relations"])],
                        f"Tập huấn nâng cao nghiệp vụ năm {year}",
                        16,
                    )
        if p.role.code == "chair" and p.unit.sector == "non_state" and rng.random() < 0.6:
            window = max(start, dt.date(2021, 2, 1)), min(last, dt.date(2024, 6, 30))
            add(
                p,
                _day_between(rng, *window),
                ["collective_bargaining"],
                "Tập huấn kỹ năng thương lượng tập thể",
                16,
            )
        if not p.role.is_key_leader and not p.full_time and rng.random() < 0.35:
            add(
                p,
                _day_between(rng, start, last),
                ["soft_skills"],
                "Tập huấn kỹ năng vận động, thuyết phục, lắng nghe",
                8,
            )
    records = TrainingRecord.objects.bulk_create([r for r, _ in rows], batch_size=1000)
    links = TrainingRecord.topics.through
    links.objects.bulk_create(
        [
            links(trainingrecord_id=r.pk, topic_id=topics[code].pk)
            for r, (_, codes) in zip(records, rows, strict=True)
            for code in codes
        ],
        batch_size=1000,
    )
