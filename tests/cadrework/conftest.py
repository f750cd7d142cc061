"""A succession pool for Mê Linh's vice-chair: a retired cadre in it, and a young woman with
the training a key post requires, not yet in it."""

import datetime as dt
from types import SimpleNamespace

import pytest

from accounts.models import UserRole
from cadrework import services
from people.models import EducationLevel, Role
from people.services import person_create, position_create, position_end
from tests.conftest import make_user
from training.models import Topic
from training.services import external_record_create
from units.services import term_create


@pytest.fixture
def pool_world(tree):
    w = SimpleNamespace(tree=tree)
    w.term = term_create(user=None, unit=tree.melinh, name="2023-2028",
                         start_date=dt.date(2023, 6, 1), end_date=dt.date(2028, 5, 31))
    w.pool = services.pool_create(user=tree.melinh_officer, unit=tree.melinh, term=w.term,
                                  post="vice_chair")
    w.retired = person_create(user=None, unit=tree.melinh, family_name="Đỗ", middle_name="Văn",
                              given_name="Hưu", gender="male", birth_date=dt.date(1964, 3, 2))
    member = Role.objects.get(code="executive_member")
    post = position_create(user=None, person=w.retired, unit=tree.melinh, role=member,
                           start_date=dt.date(2023, 6, 1))
    position_end(user=None, position=post, end_date=dt.date(2025, 3, 31), end_reason="retired")
    w.retired_entry = services.entry_add(user=None, pool=w.pool, person=w.retired,
                                         reason="Quy hoạch đầu nhiệm kỳ",
                                         on=dt.date(2023, 7, 1))
    w.young = person_create(user=None, unit=tree.school, family_name="Phạm", middle_name="Thu",
                            given_name="Hà", gender="female", birth_date=dt.date(1995, 8, 9),
                            education_level=EducationLevel.UNIVERSITY)
    position_create(user=None, person=w.young, unit=tree.school, role=member,
                    start_date=dt.date(2023, 6, 1))
    external_record_create(user=None, person=w.young, title="Bồi dưỡng nghiệp vụ công đoàn",
                           topics=[Topic.objects.get(code="union_general")], hours=24,
                           completed_on=dt.date(2024, 10, 4), form="on_site")
    w.young_user = make_user("thuha", tree.school, UserRole.CADRE, person=w.young)
    return w
