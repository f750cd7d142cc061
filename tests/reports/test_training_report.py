"""Report 1, training results of the year, through its page: the figures of sources 000 (10
classes for 934 attendances of full-time cadres, 93 classes for 9,551 of part-time cadres)
and 002 (2 classes for over 400 attendances of cadres and members), the splits by organiser
level, form and topic equal to the training statistics page, and the training completed by
the unit's people whoever organised it."""

import datetime as dt

import pytest
from django.utils.translation import gettext as _

from accounts.access import SYSTEM
from people.models import Person
from reports.builders import audience_labels, category_labels
from tests.reports.conftest import by_label, docx_text, download, sheets, table
from tests.training.bulk import add_classes, make_people
from training.models import Audience, Form, Topic
from training.services import external_record_create


@pytest.fixture
def report_000(tree):
    """As the source_000 world of tests/training/test_statistics.py: Ninh Thuận's 2019 classes.
    Built once and replayed in each test (tests/snapshot.py)."""
    from tests import snapshot

    snapshot.shared("report_000", lambda: build_report_000(tree))
    return tree


def build_report_000(tree):
    full_time = make_people(tree, tree.phanrang, 401, True, tree.chair_role)
    part_time = make_people(tree, tree.nt_grassroots, 3001, False, tree.member_role)
    add_classes(tree, tree.ninhthuan, 10, 934, full_time, "CT", audience=Audience.FULL_TIME)
    add_classes(tree, tree.phanrang, 93, 9551, part_time, "KCT", audience=Audience.PART_TIME)
    add_classes(tree, tree.ninhthuan, 1, 50, full_time, "OLD", start=dt.date(2018, 12, 31))
    return tree


@pytest.fixture
def melinh_2020(tree):
    """Source 002: Mê Linh's 2 classes of 2020 for 410 attendances, 30 of part-time cadres
    of the school and 380 of members holding no post."""
    cadres = make_people(tree, tree.school, 30, False, tree.member_role)
    members = []
    for i in range(380):
        person = Person(
            unit=tree.school, family_name="Đỗ", given_name=f"Đoàn viên {i}", gender="male"
        )
        person.fill_keys()
        members.append(person)
    Person.objects.bulk_create(members)
    add_classes(tree, tree.melinh, 2, 410, cadres + members, "ML20", start=dt.date(2020, 6, 1))
    # (both classes for "cán bộ và đoàn viên", the default audience)
    return tree


def nt_2019(client, tree, fmt="xlsx"):
    return download(client, tree.nt_officer, "training", {"unit": "NT", "year": "2019"}, fmt)


def test_the_000_figures_come_out_of_the_workbook(client, report_000):
    header, rows = table(nt_2019(client, report_000))
    assert header == ["Đối tượng của lớp", "Số lớp", "Số lượt", _("Distinct people")]
    labels = audience_labels()
    figures = by_label(rows)
    assert figures[labels["full_time"]] == [10, 934, 401]
    assert figures[labels["part_time"]] == [93, 9551, 3001]
    assert figures[labels["member"]] == figures[labels["mixed"]] == [0, 0, 0]
    assert figures[_("Total")] == [103, 10485, 3402]


def test_the_workbook_equals_the_training_statistics_page(client, report_000):
    tree = report_000
    client.force_login(tree.nt_officer)
    stats = client.get("/training/statistics/", {"from": "01/01/2019", "to": "31/12/2019"}).context[
        "stats"
    ]
    data = nt_2019(client, tree)
    names = sheets(data)
    assert names[:4] == [
        "Lớp theo đối tượng",
        "Lớp theo cấp tổ chức",
        "Lớp theo hình thức",
        "Lớp theo chủ đề",
    ]
    levels = {
        0: "Tổng Liên đoàn",
        1: "Cấp tỉnh, ngành Trung ương và tương đương",
        2: "Công đoàn cấp trên trực tiếp cơ sở",
    }
    forms = {"on_site": Form.ON_SITE.label, "in_service": Form.IN_SERVICE.label}
    topics = {t.code: t.name for t in Topic.objects.all()}
    for index, key, field, names_of in (
        (1, "by_level", "training_class__organiser__kind__level__rank", levels),
        (2, "by_form", "training_class__form", forms),
    ):
        header, rows = table(data, index)
        found = by_label(rows)
        assert len(found) == len(stats[key]) > 0
        for row in stats[key]:
            classes, attendances, full, part, members, mixed, people = found[names_of[row[field]]]
            assert (classes, attendances, people) == (
                row["classes"],
                row["attendances"],
                row["people"],
            )
            assert full + part + members + mixed == attendances
    found = by_label(table(data, 3)[1])
    assert len(found) == len(stats["by_topic"]) > 0
    for row in stats["by_topic"]:
        assert found[topics[row["training_class__topics__code"]]] == [
            row["classes"],
            row["attendances"],
            row["people"],
        ]


def test_each_level_is_split_by_category(client, report_000):
    _header, rows = table(nt_2019(client, report_000), 1)
    found = by_label(rows)
    # The province organised the full-time cadres' classes, the district the others'.
    assert found["Cấp tỉnh, ngành Trung ương và tương đương"] == [10, 934, 934, 0, 0, 0, 401]
    assert found["Công đoàn cấp trên trực tiếp cơ sở"] == [93, 9551, 0, 9551, 0, 0, 3001]


def test_the_word_report_states_the_000_sentence(client, report_000):
    text = docx_text(nt_2019(client, report_000, "docx"))
    assert "10 lớp cho 934 lượt cán bộ công đoàn chuyên trách" in text
    assert "93 lớp cho 9.551 lượt cán bộ công đoàn không chuyên trách" in text
    assert "103 lớp" in text and "10.485 lượt" in text
    assert "Năm 2019" in text


def test_the_002_classes_count_cadres_and_members(client, melinh_2020):
    data = download(
        client, melinh_2020.melinh_officer, "training", {"unit": "HN-ML", "year": "2020"}
    )
    figures = by_label(table(data)[1])
    # Both classes were for cadres and members (002: "cho cán bộ và đoàn viên").
    assert figures[audience_labels()["mixed"]] == [2, 410, 410]
    assert figures[_("Total")] == [2, 410, 410]
    who = by_label(table(data, 4)[1])
    labels = category_labels()
    assert (who[labels["part_time"]], who[labels["member"]]) == ([30], [380])
    text = docx_text(
        download(
            client,
            melinh_2020.melinh_officer,
            "training",
            {"unit": "HN-ML", "year": "2020"},
            "docx",
        )
    )
    assert "đã tổ chức 2 lớp" in text and "410 lượt" in text


def test_a_year_without_classes_reports_zeros(client, report_000):
    figures = by_label(
        table(download(client, report_000.nt_officer, "training", {"unit": "NT", "year": "2021"}))[
            1
        ]
    )
    assert figures[_("Total")] == [0, 0, 0]


def _record(person, day, topic="labour_law", valid=True):
    record = external_record_create(
        user=SYSTEM,
        person=person,
        title="Pháp luật lao động",
        topics=list(Topic.objects.filter(code=topic)),
        hours=8,
        completed_on=day,
        form="online",
    )
    if not valid:
        record.valid = False
        record.save()
    return record


def test_training_completed_by_the_units_people_whoever_organised_it(client, tree):
    """Lê (a part-time chair in Ninh Thuận) twice in 2024, a Ninh Thuận member once; an
    invalid record, one of 2023 and one of a Hà Nội cadre are not counted. The class of the
    `tree` fixture (organised by Ninh Thuận, with Lê's record from it) counts too."""
    member = Person.objects.create(unit=tree.nt_grassroots, given_name="Hoa", gender="female")
    _record(tree.le, dt.date(2024, 3, 1))
    _record(tree.le, dt.date(2024, 9, 1), topic="collective_bargaining")
    _record(member, dt.date(2024, 10, 1))
    _record(tree.le, dt.date(2024, 11, 1), valid=False)
    _record(tree.le, dt.date(2023, 12, 31))
    _record(tree.tran, dt.date(2024, 3, 1))
    data = download(client, tree.nt_officer, "training", {"unit": "NT", "year": "2024"})
    labels = category_labels()
    names = sheets(data)
    completed = by_label(table(data, names.index("Hoàn thành theo đối tượng"))[1])
    from training.models import TrainingRecord

    from_class = TrainingRecord.objects.filter(
        person=tree.le, training_class__isnull=False, completed_on__year=2024
    ).count()
    assert completed[labels["part_time"]] == [2 + from_class]
    assert completed[labels["member"]] == [1]
    assert completed[labels["full_time"]] == [0]
    assert completed[_("Total")] == [3 + from_class]
    assert completed[_("Distinct people")] == [2]
    by_form = by_label(table(data, names.index("Hoàn thành theo hình thức"))[1])
    assert by_form[Form.ONLINE.label] == [3, 0, 2, 1]
    by_topic = by_label(table(data, names.index("Hoàn thành theo chủ đề"))[1])
    assert by_topic[Topic.objects.get(code="collective_bargaining").name] == [1]
