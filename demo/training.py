"""Demo classes over the years, with participants, results and certificates."""

import datetime as dt

from people.models import Position
from training.models import Enrolment, Topic, TrainingClass, TrainingRecord
from units.models import Unit

# organiser code, class name, topic codes, start, days, hours, who: full-time/key/members
CLASSES = [
    ("TLD", "Bồi dưỡng chủ tịch CĐCS có từ 2.500 đoàn viên", ["union_general"],
     dt.date(2024, 9, 9), 5, 40, "chairs"),
    ("HN", "Tập huấn kỹ năng thương lượng tập thể", ["collective_bargaining", "dialogue"],
     dt.date(2023, 10, 16), 3, 24, "key"),
    ("HN", "Bồi dưỡng cán bộ công đoàn chuyên trách năm 2025", ["union_theory"],
     dt.date(2025, 3, 10), 4, 32, "full_time"),
    ("HN-ML", "Tập huấn nghiệp vụ công tác công đoàn cơ sở 2020", ["union_general"],
     dt.date(2020, 8, 3), 2, 16, "key"),
    ("HN-ML", "Tập huấn pháp luật lao động cho đoàn viên", ["labour_law", "osh"],
     dt.date(2024, 6, 17), 1, 8, "members"),
    ("NT", "Bồi dưỡng chủ tịch CĐCS khu vực ngoài nhà nước", ["union_general",
                                                             "collective_bargaining"],
     dt.date(2022, 11, 7), 3, 24, "key"),
    ("NT-PR", "Tập huấn an toàn, vệ sinh lao động", ["osh"], dt.date(2024, 4, 22), 2, 16,
     "members"),
]


def _participants(organiser: Unit, who: str, day: dt.date, limit: int):
    held = Position.objects.active_on(day).filter(unit__path__startswith=organiser.path)
    if who == "chairs":
        held = held.filter(role__code="chair", unit__kind__level__code="grassroots")
    elif who == "key":
        held = held.filter(role__is_key_leader=True)
    elif who == "full_time":
        held = held.filter(full_time=True)
    else:
        from people.models import Person
        return list(Person.objects.filter(unit__path__startswith=organiser.path,
                                          positions__isnull=True).order_by("id")[:limit])
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
            code=f"{org_code}-{start.year}-{n:02d}", name=name, organiser=organiser,
            start_date=start, end_date=end, hours=hours, capacity=60, form="on_site",
            kind="refresher", venue=f"Hội trường {organiser.name}",
            budget_planned=hours * 2_500_000, budget_actual=hours * 2_300_000,
            status="running" if running else "closed")
        c.topics.set([topics[code] for code in topic_codes])
        people = _participants(organiser, who, start, 45)
        enrolments = Enrolment.objects.bulk_create([
            Enrolment(training_class=c, person=p, nominating_unit=p.unit, status="accepted",
                      attendance_percent=100 - (i % 7) * 5, score=6 + (i % 4),
                      passed=i % 11 != 10) for i, p in enumerate(people)])
        _records(c, [e for e in enrolments if e.passed], topics, topic_codes)


def _records(c: TrainingClass, enrolments, topics, topic_codes) -> None:
    records = TrainingRecord.objects.bulk_create([
        TrainingRecord(person_id=e.person_id, enrolment=e, training_class=c, title=c.name,
                       hours=c.hours, completed_on=c.end_date, form=c.form,
                       organiser=c.organiser, certificate_number=f"{i:05d}",
                       certificate_year=c.end_date.year)
        for i, e in enumerate(enrolments, 1)])
    links = TrainingRecord.topics.through
    links.objects.bulk_create([links(trainingrecord_id=r.pk, topic_id=topics[code].pk)
                               for r in records for code in topic_codes])
