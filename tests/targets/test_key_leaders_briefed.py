"""T-001-1, the first target of 001 (issue 20 §5).

001: "100% cán bộ chủ chốt công đoàn các cấp phải được tuyên truyền, quán triệt nâng cao nhận
thức và tầm quan trọng của công tác cán bộ trong tình hình mới." Reading: every key leader
(chair, vice-chair) of every level of the province adopting 001; met by attending a briefing
on cadre work (the topic "Tuyên truyền và quán triệt về công tác cán bộ") within their term.
"""

from accounts.access import SYSTEM
from targets.engine import Status, person_obligations
from targets.models import Target
from tests.targets.test_edges import D, person, post, record, world  # noqa: F401  (the fixture)
from units.services import term_create


def status(who, day):
    return next(o for o in person_obligations(who, day) if o.target.code == "T-001-1").status


def test_key_leaders_of_every_level_are_briefed_on_cadre_work(world):  # noqa: F811
    _, province, district = world
    target = Target.objects.get(code="T-001-1")
    assert target.builtin and target.key_leaders_only and target.document.code == "001"
    assert list(target.topics.values_list("code", flat=True)) == ["cadre_work_briefing"]
    for unit in (province, district):
        term_create(
            user=SYSTEM,
            unit=unit,
            name="2023-2028",
            start_date=D(2023, 6, 1),
            end_date=D(2028, 5, 31),
        )
    chair = person(province, "Anh")
    post(chair, province, "chair", D(2023, 6, 1))
    vice = person(district, "Bình")
    post(vice, district, "vice_chair", D(2023, 6, 1))
    member = person(district, "Cúc")
    post(member, district, "executive_member", D(2023, 6, 1))

    record(
        vice, D(2023, 5, 31), ["cadre_work_briefing"]
    )  # the day before the term: not this term's
    record(chair, D(2023, 6, 1), ["cadre_work_briefing"])  # its first day
    day = D(2024, 1, 1)
    assert status(chair, day) == Status.MET
    assert status(vice, day) == Status.DUE
    assert status(member, day) == Status.NOT_APPLICABLE
    record(vice, D(2023, 10, 2), ["labour_law"])  # another topic does not brief
    assert status(vice, day) == Status.DUE
    record(vice, D(2023, 10, 3), ["cadre_work_briefing"])
    assert status(vice, day) == Status.MET
