"""People to train given down per target on people (issue 21 §1).

004: the city's targets are "chỉ tiêu được giao" to the districts; "100% cán bộ công đoàn
chuyên trách … được đào tạo, bồi dưỡng". A unit holding a target on people gives the units
below it a number of people to train — by hand, or in proportion to the people each must still
train — and each is judged on those of its people who met the target after the goal was given.
The page and the API give the same figures."""

import datetime as dt

import pytest

from accounts.access import SYSTEM
from accounts.models import UserRole
from lib.dates import today
from targets.models import Target
from tests.api import ApiClient, messages_of
from tests.conftest import make_user
from training.models import Topic
from training.services import external_record_create

CODE = "T-001-1"  # the cadre-work briefing: Nguyễn, the school's chair in Mê Linh, lacks it


@pytest.fixture
def held(tree):
    """Hà Nội holds T-001-1 for its subtree: one person (in Mê Linh) must still be trained."""
    Target.objects.filter(code=CODE).update(scope_unit=tree.hanoi, active=True)
    return tree


def url(tree, unit=None) -> str:
    target = Target.objects.get(code=CODE)
    return f"/targets/{target.pk}/allocate/?unit={(unit or tree.hanoi).pk}"


def rows(tree, user=None, unit=None) -> dict:
    answer = ApiClient(user or tree.hanoi_officer).get(
        f"/units/{(unit or tree.hanoi).pk}/targets/{CODE}/allocation"
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    return body, {r["unit_code"]: r for r in body["rows"]}


def train_nguyen(tree, on=None):
    external_record_create(
        user=SYSTEM,
        person=tree.nguyen,
        title="Quán triệt công tác cán bộ",
        topics=[Topic.objects.get(code="cadre_work_briefing")],
        hours=8,
        completed_on=on or today(),
        form="on_site",
    )


def test_the_people_still_to_train_are_given_to_the_districts_and_judged(client, held):
    t = held
    body, by_unit = rows(t)
    assert body["people"] is True
    assert body["whole"] == 1  # one chair in Mê Linh must still be trained
    assert (by_unit["HN-ML"]["to_train"], by_unit["HN-DA"]["to_train"]) == (1, 0)
    assert by_unit["HN-ML"]["allocated"] is None and by_unit["HN-ML"]["reached"] is None

    # Divided in proportion to the people each must still train: all to Mê Linh.
    client.force_login(t.hanoi_officer)
    assert client.post(url(t), {"divide": "to_train"}).status_code == 302
    body, by_unit = rows(t)
    assert (by_unit["HN-ML"]["allocated"], by_unit["HN-DA"]["allocated"]) == (1, 0)
    assert by_unit["HN-ML"]["method"] == "to_train"
    assert (by_unit["HN-ML"]["trained"], by_unit["HN-ML"]["reached"]) == (0, False)
    assert body["adds_up"] is True
    page = client.get(url(t)).content.decode()
    assert "Số người đơn vị này còn phải đào tạo" in page
    assert 'class="num trained missed">0<' in page

    # Trained after the goal was given: Mê Linh reaches its goal; the page says the same.
    train_nguyen(t)
    body, by_unit = rows(t)
    assert (by_unit["HN-ML"]["met"], by_unit["HN-ML"]["trained"]) == (1, 1)
    assert by_unit["HN-ML"]["reached"] is True
    assert by_unit["HN-DA"]["reached"] is True  # a goal of 0 is reached by nobody trained
    assert body["whole"] == 0  # nobody is left to train in the city
    assert 'class="num trained achieved">1<' in client.get(url(t)).content.decode()


def test_those_trained_before_the_goal_was_given_do_not_count(client, held):
    t = held
    train_nguyen(t, on=today() - dt.timedelta(days=3))
    body, by_unit = rows(t)
    assert body["whole"] == 0 and by_unit["HN-ML"]["to_train"] == 0
    answer = ApiClient(t.hanoi_officer).put(
        f"/units/{t.hanoi.pk}/targets/{CODE}/allocation",
        {"goals": [{"unit": t.melinh.pk, "goal": 1}]},
    )
    assert answer.status_code == 200, answer.content
    row = {r["unit_code"]: r for r in answer.json()["rows"]}["HN-ML"]
    # Nguyễn met the target before Mê Linh was given the goal: he is not one of its people
    # trained toward it, and the parts are more than the whole.
    assert (row["met"], row["trained"], row["reached"]) == (1, 0, False)
    assert answer.json()["difference"] == -1


def test_a_district_sets_itself_more_people_never_fewer(client, held):
    t = held
    ApiClient(t.hanoi_officer).put(
        f"/units/{t.hanoi.pk}/targets/{CODE}/allocation",
        {"goals": [{"unit": t.melinh.pk, "goal": 1}]},
    )
    own = f"/units/{t.melinh.pk}/targets/{CODE}/own-goal"
    refused = ApiClient(t.melinh_officer).put(own, {"own": 0})
    assert refused.status_code == 422
    assert messages_of(refused) == ["Chỉ tiêu tự đặt không được thấp hơn chỉ tiêu được giao (1)."]
    fraction = ApiClient(t.melinh_officer).put(own, {"own": "1.5"})
    assert fraction.status_code == 422
    assert ApiClient(t.melinh_officer).put(own, {"own": 2}).status_code == 200
    _body, by_unit = rows(t)
    assert (by_unit["HN-ML"]["allocated"], by_unit["HN-ML"]["own"]) == (1, 2)
    train_nguyen(t)
    _body, by_unit = rows(t)
    assert (by_unit["HN-ML"]["trained"], by_unit["HN-ML"]["reached"]) == (1, False)  # 1 < 2
    # Mê Linh's own page shows what it must train: the goal it set itself.
    mine, _rows = rows(t, t.melinh_officer, t.melinh)
    assert mine["whole"] == 2


def test_only_a_unit_holding_the_target_or_given_it_gives_people_down(client, held):
    t = held
    # Mê Linh was given nothing: it has nothing to give.
    answer = ApiClient(t.melinh_officer).put(
        f"/units/{t.melinh.pk}/targets/{CODE}/allocation",
        {"goals": [{"unit": t.school.pk, "goal": 1}]},
    )
    assert answer.status_code == 422
    assert messages_of(answer) == ["Liên đoàn Lao động huyện Mê Linh chưa có chỉ tiêu này để giao."]
    # A reader (the inspector) sees the table but may not give.
    inspector = make_user("inspector2", t.hanoi, UserRole.INSPECTOR)
    assert ApiClient(inspector).put(
        f"/units/{t.hanoi.pk}/targets/{CODE}/allocation",
        {"goals": [{"unit": t.melinh.pk, "goal": 1}]},
    ).status_code in (401, 403)


def test_the_rows_read_the_same_from_the_days_snapshot_and_live(held):
    """Each unit's figures come from the day's snapshot when it is ready (one query, the
    dashboard's figures), else are computed live: both give the same rows."""
    from targets import snapshots
    from targets.measures import allocation
    from targets.models import Snapshot
    from units.places import node_on

    target = Target.objects.get(code=CODE)
    day = today()
    node = node_on(held.hanoi, day)
    Snapshot.objects.all().delete()
    live = allocation(target, node, day).rows
    assert snapshots.ready(day) is not None  # computed inline: the test tree is small
    stored = allocation(target, node, day).rows
    keys = ("to_train", "met", "trained", "reached")
    assert [[r[k] for k in keys] for r in stored] == [[r[k] for k in keys] for r in live]
    assert {r["unit"].code: r["to_train"] for r in stored} == {"HN-ML": 1, "HN-DA": 0}
