"""Issue 23 §2: "Warn when a nominee has already met the target the class serves." The
status is the engine's (the one the profile and the needs list show); 003's yearly refresher
("Cán bộ công đoàn chuyên trách từ công đoàn cấp trên trực tiếp cơ sở trở lên hàng năm được
bồi dưỡng, tập huấn…", T-003-3) is met again each year, so next year's class warns no one."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages

from accounts.access import SYSTEM
from tests.conftest import make_user
from tests.targets.test_edges import person, post, record, world  # noqa: F401  (the fixture)
from training.models import Topic
from training.services import class_create, class_set_status

D = dt.date


@pytest.fixture
def trained(world):  # noqa: F811
    """A full-time cadre of the district who had a refresher on 10/06/2025."""
    _, _, district = world
    cadre = person(district, "Dũng")
    post(cadre, district, "advisory_staff", D(2024, 3, 1), full_time=True)
    record(cadre, D(2025, 6, 10), ["labour_law"])
    return district, cadre


def nominate(client, district, cadre, start: dt.date) -> list[tuple[str, str]]:
    c = class_create(
        user=SYSTEM,
        organiser=district,
        topics=[Topic.objects.get(code="labour_law")],
        code=f"PR-{start:%Y%m%d}",
        name="Bồi dưỡng pháp luật lao động",
        start_date=start,
        end_date=start + dt.timedelta(days=2),
        hours=16,
        capacity=30,
    )
    class_set_status(user=SYSTEM, training_class=c, status="open")
    client.force_login(make_user(f"officer-{start:%Y}", district))
    response = client.post(f"/training/classes/{c.pk}/nominate/", {"person": cadre.pk}, follow=True)
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_a_nominee_who_met_the_yearly_refresher_this_year_is_warned(client, trained):
    district, cadre = trained
    said = nominate(client, district, cadre, D(2025, 9, 10))
    assert said[0][0] == "success"  # nominated all the same: the officer decides
    warnings = [text for level, text in said if level == "warning"]
    assert len(warnings) == 1 and warnings[0].startswith(
        f"{cadre.full_name} đã đạt chỉ tiêu T-003-3"
    )
    assert "“Khoá học 10/06/2025” ngày 10/06/2025" in warnings[0]


def test_next_years_class_warns_no_one(client, trained):
    district, cadre = trained
    said = nominate(client, district, cadre, D(2026, 3, 2))  # a new window opened 1 January
    assert not [text for level, text in said if level == "warning"]
