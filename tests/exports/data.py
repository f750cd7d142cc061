"""Data the export tests add to the `tree` personas: more rows than a page holds, and a national
class whose participants come from two provinces."""

import datetime as dt

from accounts.access import SYSTEM
from people.models import Person, Position, Role
from training.models import TrainingClass
from training.services import class_create, class_set_status, enrolment_nominate, lecturer_save


def more_classes(tree, n: int, year: int = 2025) -> None:
    """n classes organised by Đông Anh (Hà Nội) in `year`."""
    for i in range(n):
        class_create(
            user=SYSTEM,
            organiser=tree.donganh,
            topics=[tree.topic],
            code=f"DA-{year}-{i:02d}",
            name=f"Tập huấn an toàn lao động số {i}",
            start_date=dt.date(year, 1 + i % 12, 1 + i % 28),
            end_date=dt.date(year, 1 + i % 12, 1 + i % 28),
            hours=8,
            capacity=30,
        )


def more_lecturers(tree, n: int) -> None:
    """n part-time lecturers of Mê Linh."""
    for i in range(n):
        person = Person(
            unit=tree.melinh,
            family_name="Phạm",
            middle_name="Văn",
            given_name=f"Giảng{i}",
            gender="male",
        )
        person.fill_keys()
        person.save()
        lecturer_save(user=SYSTEM, person=person, kind="part_time", topics=[tree.topic])


def national_class(tree) -> TrainingClass:
    """A confederation class with a participant from Mê Linh and one from Ninh Thuận."""
    c = class_create(
        user=SYSTEM,
        organiser=tree.vgcl,
        topics=[tree.topic],
        code="TLD-2024-01",
        name="Bồi dưỡng chủ tịch công đoàn cơ sở toàn quốc",
        start_date=dt.date(2024, 9, 9),
        end_date=dt.date(2024, 9, 11),
        hours=24,
        capacity=100,
    )
    class_set_status(user=SYSTEM, training_class=c, status="open")
    enrolment_nominate(user=tree.melinh_officer, training_class=c, person=tree.nguyen)
    enrolment_nominate(user=tree.nt_officer, training_class=c, person=tree.le)
    return c


def more_cadres(tree, n: int) -> None:
    """n full-time heads of department of Mê Linh since 2020, none of them trained."""
    head = Role.objects.get(code="department_head")
    for i in range(n):
        person = Person(
            unit=tree.melinh,
            family_name="Cao",
            middle_name="Văn",
            given_name=f"Số{i}",
            gender="male",
        )
        person.fill_keys()
        person.save()
        Position.objects.create(
            person=person,
            unit=tree.melinh,
            role=head,
            full_time=True,
            start_date=dt.date(2020, 1, 1),
        )
