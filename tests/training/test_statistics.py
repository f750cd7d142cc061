"""Source 000 (provincial report after 10 years of Resolution 4a/NQ-TLĐ): the system must
reproduce "10 classes for 934 attendances of full-time cadres; 93 classes for 9,551
attendances of part-time cadres". An attendance (lượt) is one person in one class, so people
who attend several classes make fewer distinct people than attendances."""

import datetime as dt
import re
from types import SimpleNamespace

import pytest

from accounts.access import SYSTEM
from people.models import Person, Position, Role
from people.services import person_create, position_create
from tests.conftest import make_user
from training.models import Audience, ClassStatus, Enrolment, Topic, TrainingClass
from training.selectors import class_statistics
from training.services import (
    class_create,
    class_set_status,
    enrolment_accept,
    enrolment_nominate,
    enrolment_reject,
)

START, END = dt.date(2011, 1, 1), dt.date(2020, 12, 31)
FULL_TIME_SIZES = [93] * 9 + [97]  # 10 classes, 934 attendances
PART_TIME_SIZES = [103] * 65 + [102] * 28  # 93 classes, 9,551 attendances
FULL_TIME_POOL, PART_TIME_POOL = 400, 3000
assert (len(FULL_TIME_SIZES), sum(FULL_TIME_SIZES)) == (10, 934)
assert (len(PART_TIME_SIZES), sum(PART_TIME_SIZES)) == (93, 9551)


def _people(unit, prefix, n):
    people = []
    for i in range(n):
        p = Person(
            unit=unit,
            family_name="Nguyễn",
            middle_name=prefix,
            given_name=f"Số {i}",
            gender="male" if i % 2 else "female",
        )
        p.fill_keys()
        people.append(p)
    return Person.objects.bulk_create(people, batch_size=1000)


def _positions(people, unit, role, full_time):
    Position.objects.bulk_create(
        [
            Position(
                person=p, unit=unit, role=role, full_time=full_time, start_date=dt.date(2010, 1, 1)
            )
            for p in people
        ],
        batch_size=1000,
    )


class _Builder:
    def __init__(self, topics):
        self.topics, self.n, self.enrolments = topics, 0, []

    def add_class(
        self,
        organiser,
        start,
        status=ClassStatus.CLOSED,
        people=(),
        enrol_status="accepted",
        audience=Audience.MIXED,
    ):
        self.n += 1
        c = TrainingClass.objects.create(
            code=f"S000-{self.n:03d}",
            name=f"Lớp bồi dưỡng số {self.n}",
            organiser=organiser,
            start_date=start,
            end_date=start + dt.timedelta(days=2),
            hours=16,
            capacity=200,
            form="on_site" if self.n % 3 else "online",
            status=status,
            audience=audience,
        )
        c.topics.set(self.topics[: 1 + self.n % 2])
        self.enrolments += [
            Enrolment(training_class=c, person=p, nominating_unit=organiser, status=enrol_status)
            for p in people
        ]
        return c

    def save(self):
        Enrolment.objects.bulk_create(self.enrolments, batch_size=2000)


def _cyclic(pool, offset, size):
    return [pool[(offset + j) % len(pool)] for j in range(size)]


@pytest.fixture
def source_000(tree):
    """Ninh Thuận over 2011–2020: full-time cadres of the federation and its district in 10
    classes (934 attendances), part-time grassroots cadres in 93 classes (9,551), organised
    by the province and by the district; plus classes and enrolments that must not count.
    Built once and replayed in each test (tests/snapshot.py)."""
    from tests import snapshot

    s = snapshot.shared("source_000", lambda: build_source_000(tree))
    s.tree = tree
    return s


def build_source_000(tree):
    t = tree
    s = SimpleNamespace(tree=t)
    full = _people(t.phanrang, "Chuyên", FULL_TIME_POOL)
    part = _people(t.nt_grassroots, "Kiêm", PART_TIME_POOL)
    _positions(full[:100], t.ninhthuan, Role.objects.get(code="advisory_staff"), True)
    _positions(full[100:], t.phanrang, Role.objects.get(code="vice_chair"), True)
    _positions(part, t.nt_grassroots, Role.objects.get(code="executive_member"), False)
    topics = list(Topic.objects.order_by("rank")[:2])
    b = _Builder(topics)
    s.full_pairs, s.part_pairs = set(), set()
    offset = 0
    for i, size in enumerate(FULL_TIME_SIZES):
        organiser = t.ninhthuan if i % 2 else t.phanrang
        start = dt.date(2011 + i, 3, 1)
        people = _cyclic(full, offset, size)
        offset += size
        c = b.add_class(organiser, start, ClassStatus.CLOSED, people, audience=Audience.FULL_TIME)
        s.first_full = getattr(s, "first_full", c)
        s.full_pairs |= {(c.pk, p.pk) for p in people}
    offset = 0
    for i, size in enumerate(PART_TIME_SIZES):
        organiser = t.phanrang if i % 3 else t.ninhthuan
        start = START + dt.timedelta(days=39 * i)
        people = _cyclic(part, offset, size)
        offset += size
        status = ClassStatus.RUNNING if i == len(PART_TIME_SIZES) - 1 else ClassStatus.CLOSED
        c = b.add_class(organiser, start, status, people, audience=Audience.PART_TIME)
        s.first_part, s.last_part = getattr(s, "first_part", c), c
        s.part_pairs |= {(c.pk, p.pk) for p in people}
    assert len(s.full_pairs) == 934 and len(s.part_pairs) == 9551
    s.full_people = {p for _c, p in s.full_pairs}
    s.part_people = {p for _c, p in s.part_pairs}
    # Must not count: outside the period, outside the subtree, planned, not accepted.
    b.add_class(t.ninhthuan, START - dt.timedelta(days=1), ClassStatus.CLOSED, full[:50])
    b.add_class(t.phanrang, END + dt.timedelta(days=1), ClassStatus.CLOSED, part[:80])
    b.add_class(t.hanoi, dt.date(2015, 5, 5), ClassStatus.CLOSED, part[80:150] + full[:20])
    b.add_class(t.melinh, dt.date(2016, 5, 5), ClassStatus.RUNNING, part[150:200])
    b.add_class(t.ninhthuan, dt.date(2019, 9, 9), ClassStatus.PLANNED, part[200:260])
    # People nominated to counted classes but rejected, waitlisted or never decided.
    others = _people(t.nt_grassroots, "Khác", 30)
    for status, (c, people) in zip(
        ["rejected", "waitlisted", "nominated"],
        [(s.first_full, others[:10]), (s.first_part, others[10:20]), (s.last_part, others[20:])],
        strict=True,
    ):
        b.enrolments += [
            Enrolment(training_class=c, person=p, nominating_unit=c.organiser, status=status)
            for p in people
        ]
    b.save()
    return s


def test_the_provincial_report_reproduces_source_000_by_category(source_000):
    s, t = source_000, source_000.tree
    stats = class_statistics(unit=t.ninhthuan, start=START, end=END)
    by = stats["by_category"]
    empty = {"classes": 0, "attendances": 0, "people": 0}
    assert by["member"] == by["mixed"] == empty
    assert (by["full_time"]["classes"], by["full_time"]["attendances"]) == (10, 934)
    assert (by["part_time"]["classes"], by["part_time"]["attendances"]) == (93, 9551)
    assert by["full_time"]["people"] == len(s.full_people) == FULL_TIME_POOL
    assert by["part_time"]["people"] == len(s.part_people) == PART_TIME_POOL
    assert by["full_time"]["people"] < 934 and by["part_time"]["people"] < 9551
    assert stats["classes"] == 103
    assert stats["totals"] == {
        "classes": 103,
        "attendances": 934 + 9551,
        "people": len(s.full_people | s.part_people),
    }


def test_the_other_splits_add_up_to_the_same_totals(source_000):
    t = source_000.tree
    stats = class_statistics(unit=t.ninhthuan, start=START, end=END)
    for split in ("by_form", "by_level"):
        rows = stats[split]
        assert sum(r["attendances"] for r in rows) == 10485, split
        assert sum(r["classes"] for r in rows) == 103, split
    levels = {r["training_class__organiser__kind__level__rank"]: r for r in stats["by_level"]}
    assert set(levels) == {1, 2}  # the province itself and its district
    # a class with two topics counts under each topic
    assert sum(r["classes"] for r in stats["by_topic"]) > 103


def test_the_district_sees_only_the_classes_it_organised(source_000):
    t = source_000.tree
    stats = class_statistics(unit=t.phanrang, start=START, end=END)
    expected_classes = 5 + sum(1 for i in range(93) if i % 3)
    assert stats["classes"] == expected_classes
    assert stats["by_category"]["full_time"]["classes"] == 5


def test_the_statistics_page_shows_the_figures_with_the_vietnamese_thousands_separator(
    client, source_000
):
    t = source_000.tree
    client.force_login(t.nt_officer)
    response = client.get(
        "/training/statistics/", {"unit": t.ninhthuan.pk, "from": "01/01/2011", "to": "31/12/2020"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    table = body[body.index('id="by-category"') :]
    rows = re.findall(r"<tr>(.*?)</tr>", table[: table.index("</table>")], flags=re.S)
    cells = [re.findall(r'<td class="num">([^<]*)</td>', row) for row in rows]
    assert ["10", "934", f"{FULL_TIME_POOL}"] in cells
    assert ["93", "9.551", "3.000"] in cells
    assert re.search(r'id="total-classes">103<', body)
    assert re.search(r'id="total-attendances">10\.485<', body)
    assert "9,551" not in body


def test_the_statistics_page_of_another_province_does_not_count_ninh_thuan(client, source_000):
    t = source_000.tree
    client.force_login(t.hanoi_officer)
    body = client.get(
        "/training/statistics/", {"from": "01/01/2011", "to": "31/12/2020"}
    ).content.decode()
    assert re.search(r'id="total-classes">2<', body)  # the Hà Nội and Mê Linh noise classes
    assert "9.551" not in body and ">934<" not in body
    response = client.get("/training/statistics/", {"unit": t.ninhthuan.pk})
    assert response.status_code == 404


# --- what counts, on a small example built through the services ----------------------------


@pytest.fixture
def small(tree):
    """One part-time cadre (Trần Thị Bình, Đông Anh) and one plain member in Hà Nội classes."""
    t = tree
    t.member = person_create(
        user=SYSTEM, unit=t.factory, family_name="Đỗ", given_name="Hoa", gender="female"
    )
    t.donganh_officer = make_user("donganh", t.donganh)
    return t


def _run_class(t, organiser, code, start, people, final_status="running"):
    c = class_create(
        user=SYSTEM,
        organiser=organiser,
        topics=[t.topic],
        code=code,
        name=f"Lớp {code}",
        start_date=start,
        end_date=start,
        hours=8,
        capacity=10,
    )
    class_set_status(user=SYSTEM, training_class=c, status="open")
    for p in people:
        e, _warnings = enrolment_nominate(user=t.donganh_officer, training_class=c, person=p)
        enrolment_accept(user=SYSTEM, enrolment=e)
    if final_status != "open":
        class_set_status(user=SYSTEM, training_class=c, status="running")
    if final_status == "closed":
        class_set_status(user=SYSTEM, training_class=c, status="closed")
    return c


def _figures(unit, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)):
    stats = class_statistics(unit=unit, start=start, end=end)
    return stats["classes"], stats["totals"]["attendances"]


def test_classes_starting_on_the_first_and_last_day_of_the_period_count(small):
    t = small
    _run_class(t, t.donganh, "B1", dt.date(2025, 1, 1), [t.tran])
    _run_class(t, t.donganh, "B2", dt.date(2025, 12, 31), [t.tran, t.member], "closed")
    assert _figures(t.hanoi) == (2, 3)
    assert _figures(t.hanoi, dt.date(2025, 1, 2), dt.date(2025, 12, 30)) == (0, 0)


def test_a_class_outside_the_period_or_the_subtree_is_not_counted(small):
    t = small
    _run_class(t, t.donganh, "IN", dt.date(2025, 5, 1), [t.tran])
    _run_class(t, t.donganh, "EARLY", dt.date(2024, 12, 31), [t.tran])
    _run_class(t, t.donganh, "LATE", dt.date(2026, 1, 1), [t.tran])
    assert _figures(t.hanoi) == (1, 1)
    assert _figures(t.donganh) == (1, 1)
    assert _figures(t.melinh) == (0, 0)  # a sibling district
    assert _figures(t.ninhthuan) == (0, 0)  # another province
    assert _figures(t.vgcl) == (1, 1)  # the confederation sees everything below it


def test_a_class_sent_back_to_planned_is_not_counted_even_with_accepted_people(small):
    t = small
    c = _run_class(t, t.donganh, "PL", dt.date(2025, 5, 1), [t.tran, t.member], final_status="open")
    class_set_status(user=SYSTEM, training_class=c, status="planned")
    assert c.enrolments.filter(status="accepted").count() == 2
    assert _figures(t.hanoi) == (0, 0)


def test_only_accepted_people_are_attendances(small):
    t = small
    c = _run_class(t, t.donganh, "ACC", dt.date(2025, 5, 1), [], final_status="open")
    e1, _ = enrolment_nominate(user=t.donganh_officer, training_class=c, person=t.tran)
    e2, _ = enrolment_nominate(user=t.donganh_officer, training_class=c, person=t.member)
    enrolment_accept(user=SYSTEM, enrolment=e1)
    enrolment_reject(user=SYSTEM, enrolment=e2, reason="Không đúng đối tượng")
    class_set_status(user=SYSTEM, training_class=c, status="running")
    stats = class_statistics(unit=t.hanoi, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    assert stats["totals"]["attendances"] == 1 and stats["totals"]["people"] == 1


def test_who_attended_is_the_posts_held_on_the_first_day_the_class_its_audience(small):
    t = small
    # Trần Thị Bình: part-time executive member since 01/06/2023; full-time from 01/07/2025.
    position_create(
        user=SYSTEM,
        person=t.tran,
        unit=t.donganh,
        role=Role.objects.get(code="advisory_staff"),
        full_time=True,
        start_date=dt.date(2025, 7, 1),
    )
    _run_class(t, t.donganh, "C1", dt.date(2025, 3, 1), [t.tran, t.member])
    _run_class(t, t.donganh, "C2", dt.date(2025, 9, 1), [t.tran, t.member])
    stats = class_statistics(unit=t.hanoi, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    # Who attended: Bình part-time in March, full-time in September; the member twice.
    assert stats["attendees"] == {"full_time": 1, "part_time": 1, "member": 2}
    # Whom the classes were for (neither said otherwise: cadres and members) counts them.
    assert stats["by_category"]["mixed"] == {"classes": 2, "attendances": 4, "people": 2}
    assert stats["by_category"]["part_time"]["classes"] == 0


def test_a_past_class_still_counts_for_the_province_its_organiser_belonged_to_then(small):
    from units.services import unit_move

    t = small
    _run_class(t, t.donganh, "OLD", dt.date(2024, 5, 1), [t.tran], "closed")
    year_2024 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    before = {u.code: _figures(u, *year_2024) for u in (t.hanoi, t.ninhthuan)}
    assert before == {"HN": (2, 2), "NT": (1, 1)}  # with the conftest classes of 2024
    unit_move(user=SYSTEM, unit=t.donganh, new_parent=t.ninhthuan, effective_on=dt.date(2025, 7, 1))
    after = {u.code: _figures(u, *year_2024) for u in (t.hanoi, t.ninhthuan)}
    assert after == before


def _who(unit, period):
    """Who attended the unit's classes and who completed training, in the period."""
    from reports.selectors import record_results

    return (
        class_statistics(unit=unit, **period)["attendees"],
        record_results(unit=unit, **period)["by_category"],
    )


def test_each_attendance_counts_once_under_the_posts_held_on_its_day(small):
    """Who attended is worked out for all attendances in one grouped statement (the posts
    held on each one's day joined, then grouped per attendance): a person holding several
    posts that day still makes one attendance, full-time when any of the posts is — the rule
    the targets apply (T-001-3b counts part-time cadres by person). Training completed
    outside classes (`reports.selectors.record_results`) is counted by the same rule."""
    from reports.selectors import record_results
    from training.services import external_record_create

    t = small
    year_before = {"start": dt.date(2024, 1, 1), "end": dt.date(2024, 12, 31)}
    figures_before = _who(t.hanoi, year_before)
    staff = Role.objects.get(code="advisory_staff")
    # Bình: part-time executive member since 01/06/2023 (the fixture), a second part-time
    # seat from 01/01/2025, full-time staff from 01/03/2025 to 31/10/2025.
    position_create(
        user=SYSTEM,
        person=t.tran,
        unit=t.hanoi,
        role=Role.objects.get(code="executive_member"),
        start_date=dt.date(2025, 1, 1),
    )
    position_create(
        user=SYSTEM,
        person=t.tran,
        unit=t.donganh,
        role=staff,
        full_time=True,
        start_date=dt.date(2025, 3, 1),
        end_date=dt.date(2025, 10, 31),
        end_reason="retired",
    )
    days = {
        dt.date(2025, 2, 28): "part_time",  # the day before the full-time post: two seats
        dt.date(2025, 3, 1): "full_time",  # its first day: three posts, one of them full-time
        dt.date(2025, 10, 31): "full_time",  # its last day
        dt.date(2025, 11, 1): "part_time",  # the day after
    }
    for i, day in enumerate(days):
        _run_class(t, t.donganh, f"D{i}", day, [t.tran, t.member])
        for person in (t.tran, t.member):
            external_record_create(
                user=SYSTEM,
                person=person,
                title="Pháp luật lao động",
                topics=[t.topic],
                hours=8,
                completed_on=day,
                form="online",
            )
    year = {"start": dt.date(2025, 1, 1), "end": dt.date(2025, 12, 31)}
    expected = {"full_time": 2, "part_time": 2, "member": 4}
    stats = class_statistics(unit=t.hanoi, **year)
    assert stats["attendees"] == expected
    assert stats["totals"]["attendances"] == 8 and stats["totals"]["people"] == 2
    # The records of training completed that day (the classes still run: no records of theirs).
    completed = record_results(unit=t.hanoi, **year)
    assert completed["by_category"] == expected
    assert completed["attendances"] == 8 and completed["people"] == 2
    assert completed["categories_by"]["form"]["online"] == expected
    # Outside the period nothing changed, whatever posts are held.
    assert _who(t.hanoi, year_before) == figures_before
