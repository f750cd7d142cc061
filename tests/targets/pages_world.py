"""A small world around the `tree` personas for the pages, admin, API and browser tests of the
targets: full-time cadres of Hà Nội and its two districts, some trained, with dates relative
to today so that the figures of today do not depend on when the suite runs.

Figures of T-003-2 (full-time cadres from upper-grassroots up meeting their title's standard
by the term's end; 100%). Every title's standard here asks union theory (and nothing else), so
each trained cadre's record carries that topic beside its own:

    Hà Nội own: An Vũ (met), Bình Đỗ (met), Chi Hồ (due)                       2/3
    Mê Linh:    Dũng Lý, term ended last 30 June, untrained                 0/1 overdue
    Đông Anh:   Em Mai (met)                                                   1/1
    Hà Nội subtree: 3/5 = 60.0%, 1 overdue -> missed (4/5 reachable < 100%)

T-003-3 (the same population, any record this calendar year): An and Dũng have one dated
1 January of this year -> Hà Nội 2/5 = 40.0% at risk; Mê Linh 1/1, Đông Anh 0/1.

On 1 June of last year (a past day): Bình not yet trained, Em not yet in post, Dũng's term
still running -> T-003-2 for Hà Nội 1/4 = 25.0%, nobody overdue -> at risk.

Ninh Thuận (another provincial federation) has three full-time cadres of its own, two trained
this term: T-003-2 for Ninh Thuận is 2/3 = 66.7%, at risk.

The school (Mê Linh) has 300 members, so its chair Nguyễn Văn An (the `cadre` persona)
falls under T-003-4c and meets it with the class record of the `tree` fixture.
"""

import datetime as dt
from html.parser import HTMLParser
from types import SimpleNamespace

from django.utils import timezone

from accounts.access import SYSTEM
from people.models import Role
from people.services import person_create, position_create
from targets.models import Target
from tests.conftest import issue_title_standards
from training.models import Topic
from training.services import external_record_create
from units.services import term_create, unit_set_figures

# Full-time posts that are not key leaders (so T-003-1 concerns nobody here).
HEAD, STAFF = "department_head", "advisory_staff"


def _person(unit, family, middle, given, born):
    return person_create(
        user=SYSTEM,
        unit=unit,
        family_name=family,
        middle_name=middle,
        given_name=given,
        gender="female" if given in ("Chi", "Em") else "male",
        birth_date=born,
    )


def _record(person, title, topic_codes, day, hours=16):
    return external_record_create(
        user=SYSTEM,
        person=person,
        title=title,
        topics=list(Topic.objects.filter(code__in=topic_codes)),
        hours=hours,
        completed_on=day,
        form="on_site",
    )


class _Tables(HTMLParser):
    """Rows of the tables of a page: {table id: [(row attributes, [cell texts])]}."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list] = {}
        self.table = self.row = self.cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.table = self.tables.setdefault(attrs.get("id", ""), [])
        elif tag == "tr" and self.table is not None:
            self.row = (attrs, [])
            self.table.append(self.row)
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
            self.row[1].append(self.cell)

    def handle_endtag(self, tag):
        if tag == "table":
            self.table = self.row = self.cell = None
        elif tag in ("td", "th"):
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def tables(html: str | bytes) -> dict[str, list[tuple[dict, list[str]]]]:
    parser = _Tables()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    return {
        name: [
            (attrs, [" ".join("".join(cell).split()) for cell in cells]) for attrs, cells in rows
        ]
        for name, rows in parser.tables.items()
    }


def target_rows(html) -> dict[str, list[str]]:
    """The dashboard's head table: target code -> its cells."""
    return {
        attrs["data-code"]: cells
        for attrs, cells in tables(html)["targets"]
        if "data-code" in attrs
    }


def shared(tree) -> SimpleNamespace:
    """`build(tree)`, built once and replayed in each test that asks (tests/snapshot.py),
    with the test's own `tree`."""
    from tests import snapshot

    w = snapshot.shared("targets_pages_world", lambda: build(tree))
    w.tree = tree
    return w


def build(tree) -> SimpleNamespace:
    w = SimpleNamespace(tree=tree)
    today = timezone.localdate()
    y = today.year
    w.today = today
    w.past = dt.date(y - 1, 6, 1)
    head, staff = Role.objects.get(code=HEAD), Role.objects.get(code=STAFF)

    w.hanoi_term = term_create(
        user=SYSTEM,
        unit=tree.hanoi,
        name="Khoá hiện tại",
        start_date=dt.date(y - 2, 1, 1),
        end_date=dt.date(y + 2, 12, 31),
    )
    w.melinh_term = term_create(
        user=SYSTEM,
        unit=tree.melinh,
        name="Khoá trước",
        start_date=dt.date(y - 6, 7, 1),
        end_date=dt.date(y - 1, 6, 30),
    )
    w.donganh_term = term_create(
        user=SYSTEM,
        unit=tree.donganh,
        name="Khoá mới",
        start_date=dt.date(y - 1, 7, 1),
        end_date=dt.date(y + 4, 6, 30),
    )

    w.an = _person(tree.hanoi, "Vũ", "Đức", "An", dt.date(1978, 3, 4))
    w.binh = _person(tree.hanoi, "Đỗ", "Thanh", "Bình", dt.date(1982, 8, 9))
    w.chi = _person(tree.hanoi, "Hồ", "Thị", "Chi", dt.date(1990, 12, 24))
    w.dung = _person(tree.melinh, "Lý", "Văn", "Dũng", dt.date(1975, 1, 15))
    w.em = _person(tree.donganh, "Mai", "Thị", "Em", dt.date(1988, 6, 6))
    for person, unit, role, term in (
        (w.an, tree.hanoi, head, w.hanoi_term),
        (w.binh, tree.hanoi, staff, w.hanoi_term),
        (w.chi, tree.hanoi, staff, w.hanoi_term),
        (w.dung, tree.melinh, head, w.melinh_term),
        (w.em, tree.donganh, head, w.donganh_term),
    ):
        position_create(
            user=SYSTEM,
            person=person,
            unit=unit,
            role=role,
            full_time=True,
            start_date=term.start_date,
        )

    w.standards = issue_title_standards()  # every title: union theory
    w.an_record = _record(
        w.an,
        "Lý luận và nghiệp vụ công tác công đoàn (khoá 1)",
        ["union_theory"],
        dt.date(y - 1, 3, 15),
    )
    w.binh_record = _record(
        w.binh,
        "Pháp luật lao động cho cán bộ chuyên trách",
        ["labour_law", "union_theory"],
        dt.date(y - 1, 9, 1),
    )
    w.em_record = _record(
        w.em,
        "Quản lý, lãnh đạo công đoàn cấp huyện",
        ["management_leadership", "union_theory"],
        dt.date(y - 1, 9, 1),
    )
    # Any record counts for the yearly refresher T-003-3, but "IT" is no title training.
    w.an_yearly = _record(w.an, "Tin học văn phòng", ["it"], dt.date(y, 1, 1), hours=8)
    w.dung_yearly = _record(w.dung, "Tin học văn phòng", ["it"], dt.date(y, 1, 1), hours=8)

    w.nt_term = term_create(
        user=SYSTEM,
        unit=tree.ninhthuan,
        name="Khoá hiện tại",
        start_date=dt.date(y - 2, 1, 1),
        end_date=dt.date(y + 2, 12, 31),
    )
    w.phuc = _person(tree.ninhthuan, "Phan", "Văn", "Phúc", dt.date(1979, 2, 2))
    w.quang = _person(tree.ninhthuan, "Trương", "Minh", "Quang", dt.date(1985, 4, 5))
    w.sen = _person(tree.ninhthuan, "Đặng", "Thị", "Sen", dt.date(1992, 9, 9))
    for person in (w.phuc, w.quang, w.sen):
        position_create(
            user=SYSTEM,
            person=person,
            unit=tree.ninhthuan,
            role=staff,
            full_time=True,
            start_date=w.nt_term.start_date,
        )
    for person in (w.phuc, w.quang):
        _record(
            person,
            "Chương trình tổng quát về công đoàn",
            ["union_general", "union_theory"],
            dt.date(y - 1, 5, 20),
        )

    unit_set_figures(
        user=SYSTEM, unit=tree.school, effective_on=dt.date(2020, 1, 1), member_count=300
    )
    w.t2 = Target.objects.get(code="T-003-2")
    w.t3 = Target.objects.get(code="T-003-3")
    w.t4c = Target.objects.get(code="T-003-4c")
    return w
