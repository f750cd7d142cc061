"""The figures of report 000 come out of the statistics exactly: 10 classes for 934
attendances of full-time cadres, 93 classes for 9,551 attendances of part-time cadres —
with fewer distinct people than attendances, since people attend several classes."""

import datetime as dt

import pytest

from people.models import Person, Position
from tests.conftest import make_unit
from training.models import Enrolment, TrainingClass
from training.selectors import class_statistics

START, END = dt.date(2019, 1, 1), dt.date(2019, 12, 31)


def add_classes(tree, organiser, count, attendances, people, tag, start=dt.date(2019, 3, 1)):
    """`count` classes sharing `attendances` among `people`, round robin (so people repeat;
    counts coprime with the class count never put one person twice in a class)."""
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


@pytest.fixture
def report_000(tree):
    province = tree.ninhthuan
    full_time = make_people(tree, tree.phanrang, 401, True, tree.chair_role)
    part_time = make_people(tree, tree.nt_grassroots, 3001, False, tree.member_role)
    add_classes(tree, province, 10, 934, full_time, "CT")
    add_classes(tree, tree.phanrang, 93, 9551, part_time, "KCT")
    # Outside the period or still planned: never counted.
    add_classes(tree, province, 1, 50, full_time, "OLD", start=dt.date(2018, 12, 31))
    planned = TrainingClass.objects.get(code="OLD-000")
    planned.start_date = planned.end_date = dt.date(2019, 5, 5)
    planned.status = "planned"
    planned.save()
    return tree


def test_the_000_figures_are_reproduced_exactly(report_000):
    stats = class_statistics(unit=report_000.ninhthuan, start=START, end=END)
    full, part = stats["by_category"]["full_time"], stats["by_category"]["part_time"]
    assert (full["classes"], full["attendances"]) == (10, 934)
    assert (part["classes"], part["attendances"]) == (93, 9551)
    assert full["people"] == 401 and part["people"] == 3001
    assert stats["classes"] == 103
    assert stats["totals"] == {"classes": 103, "attendances": 10485, "people": 3402}
    assert "member" not in stats["by_category"]


def test_a_subtree_only_counts_its_own_classes(report_000):
    stats = class_statistics(unit=report_000.phanrang, start=START, end=END)
    assert stats["classes"] == 93 and stats["totals"]["attendances"] == 9551
    other = make_unit("NT-NH", "LĐLĐ huyện Ninh Hải", "district_federation", report_000.ninhthuan)
    assert class_statistics(unit=other, start=START, end=END)["classes"] == 0


def test_the_statistics_page_prints_vietnamese_numbers(client, report_000):
    client.force_login(report_000.nt_officer)
    body = client.get(
        "/training/statistics/", {"from": "01/01/2019", "to": "31/12/2019"}
    ).content.decode()
    assert "9.551" in body and "934" in body and "10.485" in body
