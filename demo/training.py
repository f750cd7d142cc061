"""Demo classes over the years, with participants, results and certificates."""

import datetime as dt

from people.models import Position
from training.models import Enrolment, Topic, TrainingClass, TrainingRecord
from units.models import Unit
from units.places import under

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
]


def _participants(organiser: Unit, who: str, day: dt.date, limit: int):
    held = Position.objects.active_on(day).filter(under(organiser, "unit"))
    if who == "chairs":
        held = held.filter(role__code="chair", unit__kind__level__code="grassroots")
    elif who == "key":
        held = held.filter(role__is_key_leader=True)
    elif who == "full_time":
        held = held.filter(full_time=True)
    else:
        from people.models import Person

        return list(
            Person.objects.filter(under(organiser, "unit"), positions__isnull=True).order_by("id")[
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
        running = end >= dt.date(2025, 12, 1)
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
            venue=f"Hội trường {organiser.name}",
            budget_planned=hours * 2_500_000,
            budget_actual=hours * 2_300_000,
            status="running" if running else "closed",
        )
        c.topics.set([topics[code] for code in topic_codes])
        people = _participants(organiser, who, start, 45)
        enrolments = Enrolment.objects.bulk_create(
            [
                Enrolment(
                    training_class=c,
                    person=p,
                    nominating_unit=p.unit,
                    status="accepted",
                    attendance_percent=100 - (i % 7) * 5,
                    score=6 + (i % 4),
                    passed=i % 11 != 10,
                )
                for i, p in enumerate(people)
            ]
        )
        _records(c, [e for e in enrolments if e.passed], topics, topic_codes)


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
    rng = demo.rng
    topics = {t.code: t for t in Topic.objects.all()}
    rows: list[tuple[TrainingRecord, list[str]]] = []

    def add(position, day, codes, title, hours):
        if day is None:
            return
        organiser = position.unit.parent or position.unit
        rows.append(
            (
                TrainingRecord(
                    person_id=position.person_id,
                    title=title,
                    hours=hours,
                    completed_on=day,
                    form=rng.choice(["on_site", "in_service", "online"]),
                    organiser=organiser,
                ),
                codes,
            )
        )

    positions = Position.objects.select_related(
        "role", "unit__parent", "unit__kind__level", "term"
    ).order_by("id")
    for p in positions:
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
