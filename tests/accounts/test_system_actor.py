"""No service accepts a missing user (issue 19: "`user=None` skips every check").

A system job (the demo data, a command, the worker) passes `accounts.access.SYSTEM`
explicitly; a service called with no user refuses at once, before it reads or writes
anything; and a read-only role is refused by the services themselves, not only by the pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.access import SYSTEM
from accounts.models import UserRole
from cadrework.services import pool_create
from elearning.services import course_save
from people.models import Person
from people.services import person_create
from planning.models import Plan, Spending
from planning.services import plan_create, spending_save
from tests.conftest import make_user
from training.models import TrainingClass
from training.services import class_create, external_record_create
from units.models import Unit
from units.services import unit_create


def _calls(tree):
    """One write per app, each as the services are called from the pages and the API."""
    return {
        "unit_create": lambda user: unit_create(
            user=user,
            code="HN-ML-99",
            name="Công đoàn Công ty Thử",
            kind=tree.school.kind,
            parent=tree.melinh,
            founded_on=dt.date(2024, 1, 1),
        ),
        "person_create": lambda user: person_create(
            user=user,
            unit=tree.school,
            family_name="Đỗ",
            middle_name="Thị",
            given_name="Hoa",
            gender="female",
        ),
        "class_create": lambda user: class_create(
            user=user,
            organiser=tree.melinh,
            topics=[tree.topic],
            code="ML-2024-99",
            name="Lớp thử",
            start_date=dt.date(2024, 10, 1),
            end_date=dt.date(2024, 10, 2),
            hours=16,
            capacity=20,
        ),
        "external_record_create": lambda user: external_record_create(
            user=user,
            person=tree.nguyen,
            title="Trung cấp lý luận chính trị",
            topics=[tree.topic],
            hours=40,
            completed_on=dt.date(2024, 6, 1),
            form="on_site",
        ),
        "plan_create": lambda user: plan_create(user=user, unit=tree.melinh, year=2031),
        "spending_save": lambda user: spending_save(
            user=user, unit=tree.melinh, year=2031, operating_total=Decimal(1_000_000)
        ),
        "pool_create": lambda user: pool_create(
            user=user, unit=tree.school, term=tree.term_school, post="chair"
        ),
        "course_save": lambda user: course_save(
            user=user,
            organiser=tree.melinh,
            code="KH-THU",
            title="Khoá học thử",
            topics=[tree.topic],
        ),
    }


def _counts():
    return (
        Unit.objects.count(),
        Person.objects.count(),
        TrainingClass.objects.count(),
        Plan.objects.count(),
        Spending.objects.count(),
    )


@pytest.mark.parametrize(
    "service",
    [
        "unit_create",
        "person_create",
        "class_create",
        "external_record_create",
        "plan_create",
        "spending_save",
        "pool_create",
        "course_save",
    ],
)
def test_a_service_refuses_a_missing_user_and_a_read_only_role(tree, service):
    call = _calls(tree)[service]
    before = _counts()
    with pytest.raises(TypeError, match="SYSTEM"):
        call(None)
    inspector = make_user(f"thanhtra-{service}", tree.hanoi, UserRole.INSPECTOR)
    with pytest.raises(ValidationError):
        call(inspector)
    assert _counts() == before


def test_a_system_job_acts_and_is_named_as_no_user(tree):
    unit = _calls(tree)["unit_create"](SYSTEM)
    assert unit.code == "HN-ML-99"
    from units.models import Reorganisation

    assert Reorganisation.objects.filter(unit=unit, created_by__isnull=True).exists()
