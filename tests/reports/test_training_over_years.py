"""Seed 000, end to end: a province's ten-year report written from the system.

000: "10 năm qua, Liên đoàn Lao động tỉnh đã tổ chức 10 lớp tập huấn nghiệp vụ công đoàn cho
934 lượt cán bộ công đoàn chuyên trách, 93 lớp cho 9.551 lượt cán bộ công đoàn không chuyên
trách. Đến nay, 100% cán bộ công đoàn chuyên trách và 80% cán bộ công đoàn cơ sở đã được bồi
dưỡng cơ bản về nghiệp vụ công tác công đoàn."

The classes are counted by whom they were for (their audience), over a range of years, the
province's own classes or its whole subtree's; the attendances come in through the
participants import, from a spreadsheet typed the way an office types it (title rows, dates
as text, the same people in several classes); basic training is a built-in measure as of
the report's last day. The report page (XLSX and DOCX), the statistics page and the API give
the same figures."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import override_settings

from accounts.access import SYSTEM
from imports.models import ImportKind, ImportStatus
from imports.services import job_commit
from people.models import Person, Position, Role
from reports.builders import audience_labels
from tests.api import ApiClient, messages_of
from tests.conftest import make_unit, make_user
from tests.imports.helpers import import_file, xlsx_bytes
from tests.reports.conftest import by_label, docx_text, download, post_report, table
from training.models import Audience, TrainingClass
from training.services import class_create

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
FIRST, LAST = 2011, 2020
FULL_TIME_SIZES = [93] * 9 + [97]  # 10 classes, 934 attendances
PART_TIME_SIZES = [103] * 65 + [102] * 28  # 93 classes, 9,551 attendances
FULL_TIME_CADRES, GRASSROOTS_CADRES = 400, 3000
GRASSROOTS_TRAINED = GRASSROOTS_CADRES * 8 // 10  # 000: "80% cán bộ công đoàn cơ sở"
HEADER = ["STT", "Mã lớp", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Mã đơn vị", "Kết quả"]


def _cadres(unit, prefix: str, n: int, role: Role, full_time: bool, first_id: int) -> list:
    people = []
    for i in range(n):
        person = Person(
            unit=unit,
            family_name="Nguyễn",
            middle_name="Thị" if i % 2 else "Văn",
            given_name=f"{prefix} {i:04d}",
            gender="female" if i % 2 else "male",
            birth_date=dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28),
            citizen_id=f"{first_id + i:012d}",
        )
        person.fill_keys()
        people.append(person)
    Person.objects.bulk_create(people)
    Position.objects.bulk_create(
        Position(
            person=p, unit=unit, role=role, full_time=full_time, start_date=dt.date(2010, 6, 1)
        )
        for p in people
    )
    return people


def _classes(province, district, topic_codes, sizes, audience, tag) -> list:
    """Classes spread over the ten years, run and closed, each for `audience`."""
    from training.models import Topic

    topics = list(Topic.objects.filter(code__in=topic_codes))
    made = []
    for i, _size in enumerate(sizes):
        start = dt.date(FIRST + i % 10, 1 + (i // 10) % 12, 5 + i % 20)
        made.append(
            class_create(
                user=SYSTEM,
                organiser=province,
                topics=topics,
                code=f"{tag}-{start.year}-{i:02d}",
                name=f"Tập huấn nghiệp vụ công đoàn {tag} {i}",
                start_date=start,
                end_date=start + dt.timedelta(days=2),
                hours=16,
                capacity=200,
                audience=audience,
            )
        )
    TrainingClass.objects.filter(pk__in=[c.pk for c in made]).update(status="closed")
    return made


def _rows(classes, sizes, people, passed) -> list[list]:
    """One row per attendance, round robin over `people` (so people repeat across classes);
    dates of birth typed as text, as an office types them."""
    rows, n = [], 0
    for c, size in zip(classes, sizes, strict=True):
        for j in range(size):
            p = people[(n + j) % len(people)]
            rows.append(
                [
                    len(rows) + 1,
                    c.code,
                    p.full_name,
                    p.birth_date.strftime("%d/%m/%Y"),
                    "Nữ" if p.gender == "female" else "Nam",
                    p.citizen_id,
                    p.unit.code,
                    "Đạt" if passed(p) else "Không đạt",
                ]
            )
        n += size
    return rows


@pytest.fixture(scope="module")
def province_000(django_db_setup, django_db_blocker):
    """A province federation (its own staff, a district, a grassroots union), 103 classes of
    its own over 2011–2020 and a class of its district, the attendances imported from one
    participants spreadsheet. Built once for the module, removed after it."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _build():
    from units.models import Unit

    root = Unit.objects.filter(kind__level__code="confederation").first() or make_unit(
        "TLD0", "Tổng Liên đoàn Lao động Việt Nam", "confederation", None
    )
    province = make_unit("P000", "Liên đoàn Lao động tỉnh Bình Yên", "provincial_federation", root)
    district = make_unit(
        "P000-D", "Liên đoàn Lao động huyện An Phước", "district_federation", province
    )
    grassroots = make_unit("P000-G", "Công đoàn Công ty May Bình Yên", "grassroots", district)
    officer = make_user("p000_officer", province)
    full = _cadres(
        province,
        "Chuyên trách",
        FULL_TIME_CADRES,
        Role.objects.get(code="advisory_staff"),
        True,
        10**11,
    )
    part = _cadres(
        grassroots,
        "Cơ sở",
        GRASSROOTS_CADRES,
        Role.objects.get(code="executive_member"),
        False,
        2 * 10**11,
    )
    trained = {p.pk for p in part[:GRASSROOTS_TRAINED]}
    full_classes = _classes(
        province, district, ["union_theory"], FULL_TIME_SIZES, Audience.FULL_TIME, "CT"
    )
    part_classes = _classes(
        province, district, ["union_theory"], PART_TIME_SIZES, Audience.PART_TIME, "KCT"
    )
    # The district's own class: in the subtree's figures, not in the province's own.
    district_class = _classes(district, district, ["labour_law"], [20], Audience.PART_TIME, "HUYEN")
    rows = (
        _rows(full_classes, FULL_TIME_SIZES, full, lambda p: True)
        + _rows(part_classes, PART_TIME_SIZES, part, lambda p: p.pk in trained)
        + _rows(district_class, [20], part[-20:], lambda p: True)
    )
    data = xlsx_bytes(
        [HEADER, *rows],
        title_rows=[
            "LIÊN ĐOÀN LAO ĐỘNG TỈNH BÌNH YÊN",
            "DANH SÁCH HỌC VIÊN CÁC LỚP TẬP HUẤN NGHIỆP VỤ CÔNG ĐOÀN GIAI ĐOẠN 2011 - 2020",
            "",
        ],
        merge_title=True,
    )
    # A file this size is checked and imported by the worker: here, at once.
    with override_settings(TASKS=IMMEDIATE):
        job = import_file(officer, ImportKind.PARTICIPANTS, data, commit=False)
        job.refresh_from_db()
        assert job.can_commit, (job.status, job.problems[:5], job.ambiguities[:2])
        job = job_commit(user=officer, job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, (job.status, job.problems[:5], job.ambiguities[:2])
    return SimpleNamespace(province=province, district=district, officer=officer, rows=len(rows))


pytestmark = pytest.mark.django_db


def _report(client, world, fmt="xlsx", own=True, first=FIRST, last=LAST):
    params = {"unit": "P000", "year": str(first), "to_year": str(last)}
    if own:
        params["own"] = "on"
    return download(client, world.officer, "training", params, fmt)


def test_the_ten_year_word_report_says_what_000_says(client, province_000):
    text = docx_text(_report(client, province_000, "docx"))
    assert "Từ năm 2011 đến năm 2020, Liên đoàn Lao động tỉnh Bình Yên đã tổ chức 103 lớp" in text
    assert (
        "10 lớp cho 934 lượt cán bộ công đoàn chuyên trách; "
        "93 lớp cho 9.551 lượt cán bộ công đoàn không chuyên trách" in text
    )
    assert (
        "Đến ngày 31/12/2020, 100% cán bộ công đoàn chuyên trách và 80% cán bộ công đoàn cơ sở "
        "của Liên đoàn Lao động tỉnh Bình Yên đã được bồi dưỡng cơ bản về nghiệp vụ công tác "
        "công đoàn" in text
    )
    assert "giai đoạn 2011 - 2020" in text and "2.011" not in text


def test_the_ten_year_workbook_counts_classes_by_audience_and_fewer_people(client, province_000):
    header, rows = table(_report(client, province_000))
    figures, labels = by_label(rows), audience_labels()
    full, part = figures[labels["full_time"]], figures[labels["part_time"]]
    assert full[:2] == [10, 934] and part[:2] == [93, 9551]
    # The same cadres came back year after year: fewer people than attendances.
    assert full[2] == FULL_TIME_CADRES < 934
    assert part[2] == GRASSROOTS_CADRES < 9551
    assert figures["Tổng số"][:2] == [103, 10485]
    assert province_000.rows == 10485 + 20


def test_the_subtree_adds_the_districts_class_and_a_single_year_reads_one_year(
    client, province_000
):
    figures = by_label(table(_report(client, province_000, own=False))[1])
    assert figures[audience_labels()["part_time"]][:2] == [94, 9571]
    one = by_label(table(_report(client, province_000, first=2015, last=2015))[1])
    assert one[audience_labels()["full_time"]][:2] == [1, 93]
    assert one["Tổng số"][0] == 1 + sum(1 for i in range(93) if FIRST + i % 10 == 2015)


def test_the_statistics_page_and_the_api_give_the_same_figures(client, province_000):
    world = province_000
    client.force_login(world.officer)
    page = client.get(
        "/training/statistics/",
        {"unit": world.province.pk, "from": "01/01/2011", "to": "31/12/2020", "own": "1"},
    )
    assert page.status_code == 200
    by_audience = dict(page.context["audiences"])
    assert by_audience[audience_labels()["full_time"]] == {
        "classes": 10,
        "attendances": 934,
        "people": FULL_TIME_CADRES,
    }
    basic = {key: share for key, _label, share in page.context["basic"]}
    assert (basic["full_time"].trained, basic["full_time"].of) == (400, 400)
    assert basic["grassroots"].percent == 80
    body = page.content.decode()
    grassroots_row = body[body.index('data-population="grassroots"') :].split("</tr>")[0]
    assert ">3.000<" in grassroots_row and ">2.400<" in grassroots_row

    answer = ApiClient(world.officer).get(
        f"/units/{world.province.pk}/training-results",
        {"from_year": 2011, "to_year": 2020, "own": "true"},
    )
    assert answer.status_code == 200, answer.content
    out = answer.json()
    assert (out["from_year"], out["to_year"]) == ("2011", "2020")
    figures = {r["audience"]: r for r in out["by_audience"]}
    assert (figures["full_time"]["classes"], figures["full_time"]["attendances"]) == (10, 934)
    assert (figures["part_time"]["classes"], figures["part_time"]["attendances"]) == (93, 9551)
    assert out["people"] == FULL_TIME_CADRES + GRASSROOTS_CADRES < out["attendances"] == 10485
    assert out["basic_training"]["as_of"] == "2020-12-31"
    assert out["basic_training"]["full_time"] == {"cadres": 400, "trained": 400, "percent": "100.0"}
    assert out["basic_training"]["grassroots"]["percent"] == "80.0"


def test_a_range_backwards_too_long_or_in_the_future_is_refused(client, province_000):
    world = province_000
    for first, last, message in (
        (2020, 2011, "Năm cuối không thể trước năm đầu."),
        (2011, 2040, "Năm báo cáo không được sau năm hiện tại."),
        (2000, 2025, "Một báo cáo gồm tối đa 20 năm."),
    ):
        response = post_report(
            client,
            world.officer,
            "training",
            {"unit": "P000", "year": str(first), "to_year": str(last)},
            "xlsx",
        )
        assert response.status_code == 200
        assert message in response.content.decode()
        answer = ApiClient(world.officer).get(
            f"/units/{world.province.pk}/training-results",
            {"from_year": first, "to_year": last},
        )
        assert answer.status_code == 422
        assert message in messages_of(answer)
    assert download(
        client, world.officer, "training", {"unit": "P000", "year": "2006", "to_year": "2025"}
    )  # twenty years: as many as a report may cover
