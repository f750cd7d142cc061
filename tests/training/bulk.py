"""Bulk test data for the statistics and the reports: hundreds of people and thousands of
attendances, written in a few queries (report 000 counts 934 + 9,551 attendances)."""

import datetime as dt

from people.models import Person, Position
from training.models import Audience, Enrolment, TrainingClass


def add_classes(
    tree,
    organiser,
    count,
    attendances,
    people,
    tag,
    start=dt.date(2019, 3, 1),
    audience=Audience.MIXED,
):
    """`count` classes for `audience` sharing `attendances` among `people`, round robin (so
    people repeat; counts coprime with the class count never put one person twice in a
    class)."""
    classes = TrainingClass.objects.bulk_create(
        [
            TrainingClass(
                code=f"{tag}-{i:03d}",
                name=f"Lớp {tag} {i}",
                organiser=organiser,
                start_date=start,
                end_date=start,
                hours=8,
                capacity=1000,
                status="closed",
                audience=audience,
                form="on_site" if i % 2 else "in_service",
            )
            for i in range(count)
        ]
    )
    for c in classes:
        c.topics.set([tree.topic])
    rows, seen = [], set()
    for n in range(attendances):
        c, p = classes[n % count], people[n % len(people)]
        if (c.pk, p.pk) in seen:
            raise AssertionError("fixture would enrol someone twice in a class")
        seen.add((c.pk, p.pk))
        rows.append(
            Enrolment(training_class=c, person=p, nominating_unit=organiser, status="accepted")
        )
    Enrolment.objects.bulk_create(rows, batch_size=2000)


def make_people(tree, unit, n, full_time, role):
    people = []
    for i in range(n):
        p = Person(unit=unit, family_name="Trần", given_name=f"Cán bộ {i}", gender="female")
        p.fill_keys()
        people.append(p)
    Person.objects.bulk_create(people)
    Position.objects.bulk_create(
        [
            Position(
                person=p, unit=unit, role=role, full_time=full_time, start_date=dt.date(2018, 6, 1)
            )
            for p in people
        ]
    )
    return people
