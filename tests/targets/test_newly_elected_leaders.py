"""T-003-1 read as 003 writes it (issue 20 §2), and training after a deadline kept apart from
met (§9).

003 §I.2.1: "Kết thúc năm thứ hai của mỗi nhiệm kỳ có 100% cán bộ lãnh đạo chủ chốt công đoàn
cấp tỉnh, cấp huyện mới được bầu được bồi dưỡng kiến thức tổng quát về tổ chức và hoạt động
công đoàn." Adopted at the conference of 11–12/12/2020.

The readings (docs/chi-tieu.md): "newly elected" is taking a key-leader post in that union
without having held one there in the previous term nor earlier in this one, elected or
designated; the deadline is the end of the term's 2nd year or, for someone who takes the post
later, 2 years after taking it; a general course in the 12 months before taking the post
counts; the target applies to obligations falling due on or after 12/12/2020.
"""

import datetime as dt

import pytest

from accounts.access import SYSTEM
from people.services import position_end
from targets.engine import Status
from tests.targets.test_edges import D, person, post, record, status, world  # noqa: F401
from units.services import term_create

GENERAL = ["union_general"]


@pytest.fixture
def province(world):  # noqa: F811
    _, province, _ = world
    for start, end in ((D(2013, 10, 15), D(2018, 10, 14)), (D(2018, 10, 15), D(2023, 10, 14))):
        term_create(
            user=SYSTEM, unit=province, name=f"{start.year}", start_date=start, end_date=end
        )
    term_create(
        user=SYSTEM,
        unit=province,
        name="2023-2028",
        start_date=D(2023, 10, 15),
        end_date=D(2028, 10, 14),
    )
    return province


def test_a_vice_chair_elected_mid_term_has_two_years_from_taking_the_post(province):
    """Elected on 01/09/2025, the term's 2nd year having ended on 14/10/2025: due by
    31/08/2027, not overdue the day after the election."""
    vice = person(province, "Vĩnh")
    post(vice, province, "vice_chair", D(2025, 9, 1))
    o = status(vice, "T-003-1", D(2025, 9, 2))
    assert (o.status, o.due_on) == (Status.DUE, D(2027, 8, 31))
    assert status(vice, "T-003-1", D(2027, 8, 31)).status == Status.DUE  # its last day
    assert status(vice, "T-003-1", D(2027, 9, 1)).status == Status.OVERDUE


def test_a_leader_elected_with_the_term_is_due_by_the_end_of_its_second_year(province):
    chair = person(province, "An")
    post(chair, province, "chair", D(2023, 10, 15))
    assert status(chair, "T-003-1", D(2025, 10, 14)).due_on == D(2025, 10, 14)
    assert status(chair, "T-003-1", D(2025, 10, 15)).status == Status.OVERDUE


@pytest.mark.parametrize(
    "course, counted",
    [(D(2022, 10, 15), True), (D(2022, 10, 14), False), (D(2023, 10, 14), True)],
)
def test_a_general_course_in_the_12_months_before_taking_the_post_counts(province, course, counted):
    """Elected on 15/10/2023: a course on 15/10/2022 (12 months before) counts, one on
    14/10/2022 does not; one the day before the election does."""
    chair = person(province, "Bảo")
    record(chair, course, GENERAL)
    post(chair, province, "chair", D(2023, 10, 15))
    o = status(chair, "T-003-1", D(2024, 1, 1))
    assert (o.status == Status.MET) is counted
    assert (o.record is not None) is counted


@pytest.mark.parametrize(
    "term_start, concerned",
    [
        (D(2018, 10, 15), False),  # due 14/10/2020: before the resolution
        (D(2018, 12, 12), False),  # due 11/12/2020: the day before it was adopted
        (D(2018, 12, 13), True),  # due 12/12/2020: the day it was adopted
    ],
)
def test_only_obligations_falling_due_from_the_resolution_count(world, term_start, concerned):  # noqa: F811
    _, province, _ = world
    term_create(
        user=SYSTEM,
        unit=province,
        name="XI",
        start_date=term_start,
        end_date=D(term_start.year + 5, term_start.month, term_start.day) - dt.timedelta(days=1),
    )
    chair = person(province, "Cường")
    post(chair, province, "chair", term_start)
    o = status(chair, "T-003-1", D(2021, 1, 1))
    assert (o.status != Status.NOT_APPLICABLE) is concerned
    if concerned:
        assert (o.status, o.due_on) == (Status.OVERDUE, D(2020, 12, 12))


def test_a_designated_leader_is_new_too(province):
    """The units formed in 2025 had their leaders designated, not elected."""
    chair = person(province, "Duy")
    post(
        chair,
        province,
        "chair",
        D(2025, 7, 1),
        start_reason="appointed",
        appointment_reason="Chỉ định khi thành lập đơn vị mới",
    )
    assert status(chair, "T-003-1", D(2025, 7, 2)).status == Status.DUE


def test_transferred_in_or_carried_over_by_a_reorganisation_is_not_new(province):
    for reason, name in (("transferred_in", "Em"), ("reorganised", "Giang")):
        leader = person(province, name)
        post(leader, province, "vice_chair", D(2025, 7, 1), start_reason=reason)
        assert status(leader, "T-003-1", D(2025, 7, 2)).status == Status.NOT_APPLICABLE


def test_a_vice_chair_promoted_to_chair_is_not_new(province):
    leader = person(province, "Hải")
    vice = post(leader, province, "vice_chair", D(2023, 10, 15))
    position_end(user=SYSTEM, position=vice, end_date=D(2024, 12, 31), end_reason="rotated")
    post(leader, province, "chair", D(2025, 1, 1))
    assert status(leader, "T-003-1", D(2025, 1, 2)).status == Status.NOT_APPLICABLE


def test_a_vice_chair_of_the_previous_term_elected_chair_is_not_new(province):
    leader = person(province, "Khánh")
    post(
        leader,
        province,
        "vice_chair",
        D(2018, 10, 15),
        end_date=D(2023, 10, 14),
        end_reason="term_ended",
    )
    post(leader, province, "chair", D(2023, 10, 15))
    assert status(leader, "T-003-1", D(2024, 1, 1)).status == Status.NOT_APPLICABLE


def test_a_leader_of_two_terms_ago_back_after_a_term_away_is_new(province):
    leader = person(province, "Lâm")
    post(
        leader,
        province,
        "chair",
        D(2013, 10, 15),
        end_date=D(2018, 10, 14),
        end_reason="term_ended",
    )
    post(leader, province, "chair", D(2023, 10, 15))
    assert status(leader, "T-003-1", D(2024, 1, 1)).status == Status.DUE


def test_a_course_after_the_deadline_is_late_not_met(province):
    """§9: training after a target's deadline does not meet it; it is shown as "đạt muộn"
    with its record, so planning sees the person no longer needs the class."""
    chair = person(province, "Minh")
    post(chair, province, "chair", D(2023, 10, 15))
    on_time = record(chair, D(2025, 10, 14), GENERAL)  # the last day of the 2nd year
    assert status(chair, "T-003-1", D(2026, 1, 1)).status == Status.MET

    other = person(province, "Nam")
    post(other, province, "vice_chair", D(2023, 10, 15))
    late = record(other, D(2025, 10, 15), GENERAL)  # one day late
    o = status(other, "T-003-1", D(2026, 1, 1))
    assert (o.status, o.record, o.due_on) == (Status.LATE, late, D(2025, 10, 14))
    assert status(other, "T-003-1", D(2025, 10, 14)).status == Status.DUE
    assert on_time.pk != late.pk


# --- through the pages and the API ---------------------------------------------------------


def test_the_profile_and_the_api_say_the_same_of_a_leader_elected_mid_term(client, tree):
    """Hà Nội's vice-chair elected on 01/09/2025, mid-term (by-election): due by 31/08/2027 on
    his profile and in the API; a general course of Hà Nội after the deadline reads as trained
    late, with that course, on both."""
    from tests.api import ApiClient
    from tests.targets.pages_world import tables

    term_create(
        user=SYSTEM,
        unit=tree.hanoi,
        name="2023-2028",
        start_date=D(2023, 10, 15),
        end_date=D(2028, 10, 14),
    )
    vice = person(tree.hanoi, "Phong")
    post(vice, tree.hanoi, "vice_chair", D(2025, 9, 1))
    api = ApiClient(tree.hanoi_officer)

    def both(day):
        client.force_login(tree.hanoi_officer)
        html = client.get(f"/targets/people/{vice.pk}/", {"on": day.isoformat()}).content
        row = next(c for _a, c in tables(html.decode())[""][1:] if c[0].startswith("T-003-1"))
        body = api.get(f"/people/{vice.pk}/obligations", {"as_of": day.isoformat()}).json()
        mine = next(o for o in body["obligations"] if o["code"] == "T-003-1")
        return row[1:3], (mine["status"], mine["due_on"], mine["record_title"])

    assert both(D(2025, 9, 2)) == (["Đến hạn", "hạn 31/08/2027"], ("due", "2027-08-31", None))
    assert both(D(2027, 9, 1)) == (["Quá hạn", "hạn 31/08/2027"], ("overdue", "2027-08-31", None))
    late = record(vice, D(2027, 9, 1), GENERAL)
    page, api_row = both(D(2027, 9, 2))
    assert page[0] == "Đạt muộn" and late.title in page[1] and "sau hạn 31/08/2027" in page[1]
    assert api_row == ("late", "2027-08-31", late.title)
