"""T-001-3b counts part-time cadres by person, not by post (issue 20 §10).

001: "100% cán bộ công đoàn không chuyên trách được tiếp cận các chương trình bồi dưỡng kỹ
năng, phương pháp hoạt động công đoàn phù hợp." A full-time cadre who also holds a part-time
seat (on the committee of a grassroots union, say) is a full-time cadre: T-001-3a concerns
them, T-001-3b does not — on every day they hold the full-time post, its last day included.
"""

import datetime as dt

from targets.engine import Status, person_obligations, unit_counts
from targets.models import Target
from tests.targets.test_edges import D, person, post, world  # noqa: F401  (the fixture)


def codes(who, day: dt.date) -> set[str]:
    """The targets that concern the person that day."""
    return {
        o.target.code for o in person_obligations(who, day) if o.status != Status.NOT_APPLICABLE
    }


def eligible(code: str, day: dt.date) -> int:
    target = Target.objects.get(code=code)
    return sum(counts[0] for counts in unit_counts(target, day).values())


def test_a_full_time_cadre_with_a_part_time_seat_is_counted_once_as_full_time(world):  # noqa: F811
    _, province, district = world
    staff = person(district, "Hùng")
    post(
        staff,
        district,
        "advisory_staff",
        D(2024, 1, 1),
        full_time=True,
        end_date=D(2025, 6, 30),
        end_reason="retired",
    )
    post(staff, province, "executive_member", D(2024, 1, 1))  # a part-time seat as well
    volunteer = person(district, "Lan")
    post(volunteer, district, "executive_member", D(2024, 1, 1))
    for day in (D(2024, 6, 1), D(2025, 6, 30)):  # while, and on the last day of, the full-time post
        assert "T-001-3a" in codes(staff, day) and "T-001-3b" not in codes(staff, day)
        assert "T-001-3b" in codes(volunteer, day)
        assert eligible("T-001-3b", day) == 1
    # The day after the full-time post ends, the part-time seat makes them a part-time cadre.
    day = D(2025, 7, 1)
    assert "T-001-3b" in codes(staff, day) and "T-001-3a" not in codes(staff, day)
    assert eligible("T-001-3b", day) == 2
