"""A target with a fixed deadline judges the people in post on that day, with the training done
by then, and then stands closed with that result (issue 20 §6 and §9).

001: "Phấn đấu đến năm 2023, 100% chủ tịch CĐCS ngoài khu vực nhà nước được tập huấn, kỹ năng
thương lượng tập thể; công tác giám sát thực hiện pháp luật, an toàn vệ sinh lao động, thực
hiện quy chế dân chủ ở cơ sở." — by 2023: a chair elected in 2024 is not born overdue, a chair
in post at the end of 2023 and not trained stays "overdue" (missed), training in 2024 does not
meet a target that closed in 2023, and one who left afterwards still counts in the result.
"""

from accounts.access import SYSTEM
from people.services import position_end
from targets.engine import Status, person_obligations, unit_counts
from targets.models import Target
from tests.conftest import make_unit
from tests.targets.test_edges import D, person, post, record, world  # noqa: F401  (the fixture)

ALL_FOUR = ["collective_bargaining", "law_supervision", "osh", "democracy_supervision"]


def status(who, day):
    return next(o for o in person_obligations(who, day) if o.target.code == "T-001-4").status


def counts(union, day):
    return unit_counts(Target.objects.get(code="T-001-4"), day).get(union.pk, (0, 0, 0, 0))


def test_a_closed_deadline_judges_those_in_post_on_it(world):  # noqa: F811
    _, _, district = world
    unions = [
        make_unit(
            f"NT-PR-2{i}", f"Công đoàn Công ty TNHH {i}", "grassroots", district, sector="non_state"
        )
        for i in range(3)
    ]
    trained, untrained, leaving = (
        person(u, n) for u, n in zip(unions, ("An", "Ba", "Cư"), strict=True)
    )
    for chair, union in zip((trained, untrained, leaving), unions, strict=True):
        post(chair, union, "chair", D(2021, 3, 1))
    record(trained, D(2023, 12, 31), ALL_FOUR)  # its last day
    record(untrained, D(2024, 1, 1), ALL_FOUR)  # one day late
    position_end(
        user=SYSTEM,
        position=leaving.positions.get(),
        end_date=D(2024, 6, 30),
        end_reason="left",
    )
    successor = person(unions[2], "Dũng")
    post(successor, unions[2], "chair", D(2024, 7, 1))  # elected after the deadline

    assert status(trained, D(2023, 12, 31)) == Status.MET
    assert status(untrained, D(2023, 12, 30)) == Status.DUE
    assert status(untrained, D(2023, 12, 31)) == Status.OVERDUE  # that day is over
    for day in (D(2024, 1, 1), D(2026, 6, 1)):
        assert status(trained, day) == Status.MET
        assert status(untrained, day) == Status.LATE  # trained late: not met, shown apart
        assert status(leaving, day) == Status.OVERDUE  # in post on the deadline
        assert status(successor, day) == Status.NOT_APPLICABLE  # not born overdue
        assert counts(unions[0], day) == (1, 1, 0, 0)
        assert counts(unions[1], day) == (1, 0, 1, 1)  # overdue, of whom 1 trained late
        assert counts(unions[2], day) == (1, 0, 1, 0)  # the chair of 2023, gone since
