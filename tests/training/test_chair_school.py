"""T-003-4: a level trains its chairs itself or through a school it owns (issue 20 §1).

003 §III.1: "Trực tiếp tổ chức bồi dưỡng kỹ năng, nghiệp vụ công đoàn đối với chủ tịch công
đoàn cơ sở có từ 2.500 đoàn viên trở lên"; the issue: "show each level the chairs that are its
duty and which of them *it* (or a unit it owns, e.g. its school) has trained". The Trade Union
University belongs to the confederation: its course for a chair of a union of 2,500 members
is the confederation's duty done; a course of Hà Nội's own school is not.
"""

import datetime as dt

from accounts.access import SYSTEM
from targets.chairs import duty as chair_duty
from training.models import Institution, Topic
from training.services import external_record_create
from units.services import unit_set_figures


def course_at(school, person, day=dt.date(2025, 2, 10)):
    return external_record_create(
        user=SYSTEM,
        person=person,
        title="Bồi dưỡng kỹ năng cho chủ tịch CĐCS",
        topics=[Topic.objects.get(code="union_general")],
        hours=40,
        completed_on=day,
        form="on_site",
        institution=school,
    )


def test_a_course_of_the_school_the_level_owns_is_its_own(tree):
    unit_set_figures(
        user=SYSTEM, unit=tree.school, effective_on=dt.date(2025, 1, 1), member_count=2500
    )
    university = Institution.objects.create(
        name="Trường Đại học Công đoàn", kind="union_school", owner=tree.vgcl
    )
    city_school = Institution.objects.create(
        name="Trường Bồi dưỡng cán bộ công đoàn Hà Nội", kind="union_school", owner=tree.hanoi
    )
    day = dt.date(2025, 3, 1)

    def row():
        return next(r for r in chair_duty(tree.vgcl, day).rows if r.person_id == tree.nguyen.pk)

    course_at(city_school, tree.nguyen)
    assert (row().trained, row().elsewhere) == (False, True)  # another level's school
    course_at(university, tree.nguyen, dt.date(2025, 2, 28))
    assert (row().trained, row().elsewhere) == (True, False)
    # The day before the university's course, only the city's was there.
    earlier = next(
        r for r in chair_duty(tree.vgcl, dt.date(2025, 2, 27)).rows if r.person_id == tree.nguyen.pk
    )
    assert (earlier.trained, earlier.elsewhere) == (False, True)
