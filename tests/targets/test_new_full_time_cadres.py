"""T-004-1a: the full-time cadres newly added at the start of the 2018–2023 term (issue 20 §7).

004: "100% cán bộ công đoàn chuyên trách mới bổ sung đầu nhiệm kỳ 2018-2023 được đào tạo,
bồi dưỡng lý luận nghiệp vụ công tác công đoàn." Reading: a full-time post taken in 2018 that
is the person's first full-time post. A cadre re-elected in June 2018 to the full-time post
they held since 2013 is not "mới bổ sung", nor one who moves from another full-time post; a
member who takes their first full-time post is, whatever their part-time seats before.
"""

from targets.engine import Status, person_obligations
from targets.models import Target
from tests.targets.test_edges import D, person, post, world  # noqa: F401  (the fixture)

DAY = D(2018, 12, 31)


def concerned(who) -> bool:
    obligation = next(o for o in person_obligations(who, DAY) if o.target.code == "T-004-1a")
    return obligation.status != Status.NOT_APPLICABLE


def test_only_a_first_full_time_post_taken_in_2018_counts(world):  # noqa: F811
    _, province, district = world
    Target.objects.filter(document__code="004").update(scope_unit=province, active=True)
    assert Target.objects.get(code="T-004-1a").new_to_full_time

    re_elected = person(district, "Bảo")
    post(
        re_elected,
        district,
        "vice_chair",
        D(2013, 6, 1),
        full_time=True,
        end_date=D(2018, 5, 31),
        end_reason="term_ended",
    )
    post(re_elected, district, "vice_chair", D(2018, 6, 1), full_time=True)

    moved = person(district, "Châu")
    post(
        moved,
        province,
        "advisory_staff",
        D(2016, 3, 1),
        full_time=True,
        end_date=D(2018, 6, 30),
        end_reason="transferred",
    )
    post(moved, district, "advisory_staff", D(2018, 7, 1), full_time=True)

    newcomer = person(district, "Dung")
    post(
        newcomer,
        district,
        "executive_member",
        D(2013, 6, 1),
        end_date=D(2018, 5, 31),
        end_reason="term_ended",
    )  # a part-time seat before: still new to full-time work
    post(newcomer, district, "vice_chair", D(2018, 6, 1), full_time=True)

    assert not concerned(re_elected)
    assert not concerned(moved)
    assert concerned(newcomer)
