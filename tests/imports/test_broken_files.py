"""The files users really send: each broken one is refused with a message naming the row and
the column (or what is wrong with the whole file) and writes nothing; the merely untidy ones
(title rows, text dates, NFD names, .xls, CSV named .xlsx, thousands separators, stray spaces)
are read as meant."""

import datetime as dt
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from accounts.access import SYSTEM
from imports.models import ImportStatus
from imports.services import job_commit, job_resolve
from people.models import Person
from people.services import person_create
from tests.conftest import make_unit
from tests.imports.helpers import (
    counts,
    csv_bytes,
    encrypted,
    import_file,
    problems_on,
    xls_bytes,
    xlsx_bytes,
)
from training.models import Enrolment, TrainingClass, TrainingRecord
from training.services import class_create
from units.models import Unit, UnitFigures

D = dt.date
PARTICIPANTS = [
    "Mã lớp",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Mã đơn vị",
    "Tỷ lệ tham dự (%)",
    "Điểm",
    "Kết quả",
]
PEOPLE = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Điện thoại", "Mã đơn vị"]
UNITS = [
    "Mã đơn vị",
    "Tên đơn vị",
    "Loại đơn vị",
    "Mã đơn vị cấp trên",
    "Khu vực",
    "Ngày thành lập",
    "Số đoàn viên",
    "Số CNVCLĐ",
]


def nguyen_row(**changes) -> list:
    """tree.nguyen as a participant of tree.ml_class, as the fixture recorded him."""
    row = dict(
        zip(
            PARTICIPANTS,
            [
                "ML-2024-01",
                "Nguyễn Văn An",
                D(1980, 5, 1),
                "Nam",
                "001080000001",
                "HN-ML-01",
                100,
                9,
                "Đạt",
            ],
            strict=True,
        )
    )
    row.update(changes)
    return list(row.values())


def newcomer_row(name: str, citizen_id: str = "", **changes) -> list:
    row = dict(
        zip(
            PARTICIPANTS,
            ["ML-2024-01", name, D(1992, 3, 4), "Nữ", citizen_id, "HN-ML-01", 90, 8, "Đạt"],
            strict=True,
        )
    )
    row.update(changes)
    return list(row.values())


def refused(user, job) -> None:
    """The job cannot be committed, and trying writes nothing."""
    before = counts()
    assert not job.can_commit
    with pytest.raises(ValidationError):
        job_commit(user=user, job=job)
    assert counts() == before


def only_problem(job) -> dict:
    assert len(job.problems) == 1, job.problems
    return job.problems[0]


def check_refused(user, kind: str, data: bytes, name: str = "file.xlsx"):
    """Upload the file, expect it to be refused, and the database untouched."""
    before = counts()
    job = import_file(user, kind, data, name, commit=False)
    assert job.status == ImportStatus.CHECKED
    assert counts() == before
    refused(user, job)
    return job


# -- the header ------------------------------------------------------------------------------


def test_a_missing_required_column_is_named(tree):
    header = [h for h in PARTICIPANTS if h != "Mã lớp"]
    data = xlsx_bytes([header, nguyen_row()[1:]])
    job = check_refused(tree.melinh_officer, "participants", data)
    problem = only_problem(job)
    assert problem["row"] is None
    assert "“Mã lớp”" in problem["message"]


def test_a_misnamed_required_column_is_named_as_missing(tree):
    header = ["Lớp học" if h == "Mã lớp" else h for h in PARTICIPANTS]
    job = check_refused(tree.melinh_officer, "participants", xlsx_bytes([header, nguyen_row()]))
    assert "“Mã lớp”" in only_problem(job)["message"]


def test_a_sheet_without_any_known_header_lists_the_required_columns(tree):
    data = xlsx_bytes([["STT", "Ghi chú"], [1, "không phải danh sách học viên"]])
    job = check_refused(tree.melinh_officer, "participants", data)
    message = only_problem(job)["message"]
    assert all(f"“{label}”" in message for label in ("Mã lớp", "Họ và tên", "Mã đơn vị"))


def test_a_header_on_row_5_under_title_rows_is_found(tree):
    titles = [
        "LIÊN ĐOÀN LAO ĐỘNG HUYỆN MÊ LINH",
        "DANH SÁCH HỌC VIÊN",
        "Lớp bồi dưỡng nghiệp vụ 2024",
        "",
    ]
    data = xlsx_bytes([PARTICIPANTS, nguyen_row(**{"Điểm": 8})], title_rows=titles)
    job = import_file(tree.melinh_officer, "participants", data)
    assert job.status == ImportStatus.DONE, job.problems
    assert job.header_row == 5
    assert job.summary["enrolments_updated"] == 1
    assert Enrolment.objects.get(person=tree.nguyen, training_class=tree.ml_class).score == 8


def test_merged_title_cells_above_the_header_are_read_past(tree):
    data = xlsx_bytes(
        [PARTICIPANTS, newcomer_row("Đỗ Thị Hoa")],
        title_rows=["DANH SÁCH HỌC VIÊN LỚP ML-2024-01", "Năm 2024"],
        merge_title=True,
    )
    before = counts()
    job = import_file(tree.melinh_officer, "participants", data)
    assert job.status == ImportStatus.DONE, job.problems
    assert job.header_row == 3
    assert counts()["Enrolment"] == before["Enrolment"] + 1
    assert Person.objects.filter(given_name="Hoa", family_name="Đỗ").count() == 1


# -- dates -----------------------------------------------------------------------------------


def test_dates_typed_as_text_are_read_day_first(tree):
    data = xlsx_bytes([PEOPLE, ["Vũ Thị Lan", "05/03/1985", "Nữ", "", "", "HN-ML-01"]])
    job = import_file(tree.melinh_officer, "people", data)
    assert job.status == ImportStatus.DONE, job.problems
    assert Person.objects.get(given_name="Lan").birth_date == D(1985, 3, 5)


def test_an_impossible_date_is_reported_on_its_row_and_column(tree):
    rows = [
        PEOPLE,
        ["Vũ Thị Lan", "05/03/1985", "Nữ", "", "", "HN-ML-01"],
        ["Vũ Văn Long", "31/02/2021", "Nam", "", "", "HN-ML-01"],
    ]
    job = check_refused(tree.melinh_officer, "people", xlsx_bytes(rows))
    problem = only_problem(job)
    assert (problem["row"], problem["column"]) == (3, "Ngày sinh")
    assert "31/02/2021" in problem["message"]


# -- names and citizen IDs -------------------------------------------------------------------


def test_a_name_in_nfd_matches_the_person_stored_in_nfc(tree):
    name = unicodedata.normalize("NFD", "Nguyễn Văn An")
    assert name != "Nguyễn Văn An"
    data = xlsx_bytes([PEOPLE, [name, D(1980, 5, 1), "Nam", "", "0912 000 111", "HN-ML-01"]])
    before = counts()
    job = import_file(tree.melinh_officer, "people", data)
    assert job.status == ImportStatus.DONE, job.problems
    assert job.summary["people_updated"] == 1
    assert counts() == before
    assert Person.objects.get(pk=tree.nguyen.pk).phone == "0912 000 111"


def test_a_citizen_id_that_lost_its_leading_zero_is_reported_not_guessed(tree):
    data = xlsx_bytes([PEOPLE, ["Nguyễn Văn An", D(1980, 5, 1), "Nam", 1080000001, "", "HN-ML-01"]])
    job = check_refused(tree.melinh_officer, "people", data)
    problem = only_problem(job)
    assert (problem["row"], problem["column"]) == (2, "Số CCCD")
    assert "001080000001" in problem["message"]  # what the user probably meant, to type in


# -- formats ---------------------------------------------------------------------------------


def test_an_xlsx_that_is_really_a_csv_is_read_as_csv_with_a_note(tree):
    data = csv_bytes([PEOPLE, ["Vũ Thị Lan", "05/03/1985", "Nữ", "", "", "HN-ML-01"]])
    job = import_file(tree.melinh_officer, "people", data, "danh-sach.xlsx")
    assert job.status == ImportStatus.DONE, job.problems
    assert len(job.notes) == 1 and "danh-sach.xlsx" in job.notes[0]
    assert Person.objects.filter(given_name="Lan", birth_date=D(1985, 3, 5)).exists()


def test_a_real_csv_gets_no_note(tree):
    data = csv_bytes([PEOPLE, ["Vũ Thị Lan", "05/03/1985", "Nữ", "", "", "HN-ML-01"]], ";")
    job = import_file(tree.melinh_officer, "people", data, "danh-sach.csv")
    assert job.status == ImportStatus.DONE, job.problems
    assert job.notes == []


def test_a_workbook_without_data_says_so(tree):
    job = check_refused(tree.melinh_officer, "people", xlsx_bytes([]))
    assert only_problem(job) == {
        "row": None,
        "column": "",
        "message": gettext("The file has no data."),
    }


def test_a_template_with_nothing_under_its_header_says_so(tree):
    job = check_refused(tree.melinh_officer, "people", xlsx_bytes([PEOPLE]))
    assert only_problem(job) == {
        "row": None,
        "column": "",
        "message": gettext("The file has no data."),
    }


def test_a_zero_byte_file_says_so(tree):
    job = check_refused(tree.melinh_officer, "people", b"")
    assert only_problem(job)["message"] == gettext("The file is empty (0 bytes).")


def test_a_password_protected_workbook_asks_to_remove_the_password(tree):
    plain = xlsx_bytes([PEOPLE, ["Vũ Thị Lan", "05/03/1985", "Nữ", "", "", "HN-ML-01"]])
    job = check_refused(tree.melinh_officer, "people", encrypted(plain, "matkhau"))
    assert only_problem(job)["message"] == gettext(
        "The file is password-protected: remove the password in Excel and upload it again."
    )


def test_an_old_xls_workbook_is_read(tree):
    rows = [["DANH SÁCH HỌC VIÊN"], PARTICIPANTS, newcomer_row("Đỗ Thị Hoa", "001192000777")]
    job = import_file(tree.melinh_officer, "participants", xls_bytes(rows), "hoc-vien.xls")
    assert job.status == ImportStatus.DONE, job.problems
    assert job.header_row == 2
    hoa = Person.objects.get(citizen_id="001192000777")
    assert (hoa.full_name, hoa.birth_date) == ("Đỗ Thị Hoa", D(1992, 3, 4))
    assert TrainingRecord.objects.filter(person=hoa, training_class=tree.ml_class).exists()


def test_numbers_with_dots_between_thousands_are_read(tree):
    data = xlsx_bytes(
        [
            UNITS,
            [
                "HN-ML-09",
                "Công đoàn Công ty May Mê Linh",
                "Công đoàn cơ sở",
                "HN-ML",
                "Ngoài nhà nước",
                "05/03/2021",
                "1.234",
                "12.500",
            ],
        ]
    )
    job = import_file(tree.melinh_officer, "units", data)
    assert job.status == ImportStatus.DONE, job.problems
    figures = UnitFigures.objects.get(unit__code="HN-ML-09")
    assert (figures.member_count, figures.worker_count) == (1234, 12500)
    unit = Unit.objects.get(code="HN-ML-09")
    assert (unit.founded_on, unit.sector) == (D(2021, 3, 5), "non_state")


def test_stray_spaces_around_values_are_ignored(tree):
    row = nguyen_row(
        **{
            "Mã lớp": " ML-2024-01 ",
            "Họ và tên": "  Nguyễn  Văn An ",
            "Số CCCD": "001080000001 ",
            "Mã đơn vị": "HN-ML-01  ",
            "Điểm": "7,5",
        }
    )
    before = counts()
    job = import_file(tree.melinh_officer, "participants", xlsx_bytes([PARTICIPANTS, row]))
    assert job.status == ImportStatus.DONE, job.problems
    assert job.summary["enrolments_updated"] == 1
    assert counts() == before
    assert str(Enrolment.objects.get(person=tree.nguyen, training_class=tree.ml_class).score) in (
        "7.5",
        "7.50",
    )


# -- units -----------------------------------------------------------------------------------


def test_an_unknown_unit_code_is_reported(tree):
    data = xlsx_bytes(
        [PARTICIPANTS, nguyen_row(), newcomer_row("Đỗ Thị Hoa", **{"Mã đơn vị": "HN-XX-99"})]
    )
    job = check_refused(tree.melinh_officer, "participants", data)
    problem = only_problem(job)
    assert (problem["row"], problem["column"]) == (3, "Mã đơn vị")
    assert "HN-XX-99" in problem["message"]


def test_a_unit_outside_the_users_scope_is_reported(tree):
    # Đông Anh is in Hà Nội, next to Mê Linh: known, but not the Mê Linh officer's.
    data = xlsx_bytes([PARTICIPANTS, newcomer_row("Đỗ Thị Hoa", **{"Mã đơn vị": "HN-DA-01"})])
    job = check_refused(tree.melinh_officer, "participants", data)
    problem = only_problem(job)
    assert (problem["row"], problem["column"]) == (2, "Mã đơn vị")
    assert "HN-DA-01" in problem["message"]


def test_a_negative_member_count_is_reported(tree):
    data = xlsx_bytes(
        [
            UNITS,
            [
                "HN-ML-09",
                "Công đoàn Công ty May Mê Linh",
                "Công đoàn cơ sở",
                "HN-ML",
                "",
                "",
                -3,
                10,
            ],
        ]
    )
    job = check_refused(tree.melinh_officer, "units", data)
    problem = only_problem(job)
    assert (problem["row"], problem["column"]) == (2, "Số đoàn viên")


# -- people in classes -----------------------------------------------------------------------


def test_a_person_matched_twice_in_one_class_is_reported_on_the_second_row(tree):
    # The second row names him differently, but his citizen ID makes him the same man.
    data = xlsx_bytes(
        [PARTICIPANTS, nguyen_row(), nguyen_row(**{"Họ và tên": "Nguyễn V. An", "Ngày sinh": None})]
    )
    job = check_refused(tree.melinh_officer, "participants", data)
    problem = only_problem(job)
    assert (problem["row"], problem["column"]) == (3, "Họ và tên")
    assert "ML-2024-01" in problem["message"]
    assert "2" in problem["message"].replace("ML-2024-01", "")  # the first row is named


@pytest.fixture
def twins(tree):
    """Two people of the same school with the same name and birth date, and no citizen ID."""
    return [
        person_create(
            user=SYSTEM,
            unit=tree.school,
            family_name="Phạm",
            middle_name="Văn",
            given_name="Minh",
            gender="male",
            birth_date=D(1985, 1, 1),
        )
        for _ in range(2)
    ]


def twin_file() -> bytes:
    return xlsx_bytes(
        [
            PARTICIPANTS,
            nguyen_row(),
            ["ML-2024-01", "Phạm Văn Minh", D(1985, 1, 1), "Nam", "", "HN-ML-01", 95, 8, "Đạt"],
        ]
    )


def test_an_ambiguous_person_lists_the_candidates_and_cannot_be_committed(tree, twins):
    before = counts()
    job = import_file(tree.melinh_officer, "participants", twin_file(), commit=False)
    assert job.problems == []
    assert [(a["row"], sorted(c["id"] for c in a["candidates"])) for a in job.ambiguities] == [
        (3, sorted(p.pk for p in twins))
    ]
    assert counts() == before
    refused(tree.melinh_officer, job)


def test_choosing_one_of_the_candidates_lets_the_file_be_committed(tree, twins):
    job = import_file(tree.melinh_officer, "participants", twin_file(), commit=False)
    job = job_resolve(user=tree.melinh_officer, job=job, choices={"3": str(twins[1].pk)})
    assert job.can_commit, (job.problems, job.unresolved)
    before = counts()
    job = job_commit(user=tree.melinh_officer, job=job)
    assert job.status == ImportStatus.DONE, job.problems
    assert counts()["Person"] == before["Person"]
    enrolled = Enrolment.objects.filter(training_class=tree.ml_class, person__in=twins).values_list(
        "person", flat=True
    )
    assert list(enrolled) == [twins[1].pk]


def test_choosing_another_person_adds_them(tree, twins):
    job = import_file(tree.melinh_officer, "participants", twin_file(), commit=False)
    job = job_resolve(user=tree.melinh_officer, job=job, choices={"3": "new"})
    before = counts()
    job = job_commit(user=tree.melinh_officer, job=job)
    assert job.status == ImportStatus.DONE, job.problems
    assert counts()["Person"] == before["Person"] + 1
    minh = Person.objects.filter(given_name="Minh").exclude(pk__in=[p.pk for p in twins]).get()
    assert Enrolment.objects.filter(training_class=tree.ml_class, person=minh).exists()


def test_a_choice_that_is_not_a_candidate_is_ignored(tree, twins):
    job = import_file(tree.melinh_officer, "participants", twin_file(), commit=False)
    job = job_resolve(user=tree.melinh_officer, job=job, choices={"3": str(tree.tran.pk)})
    assert [a["row"] for a in job.unresolved] == [3]
    refused(tree.melinh_officer, job)


def test_a_class_that_has_not_run_yet_takes_no_results(tree):
    class_create(
        user=SYSTEM,
        organiser=tree.melinh,
        topics=[tree.topic],
        code="ML-2025-01",
        name="Tập huấn 2025",
        start_date=D(2025, 9, 1),
        end_date=D(2025, 9, 3),
        hours=24,
        capacity=30,
    )
    data = xlsx_bytes([PARTICIPANTS, newcomer_row("Đỗ Thị Hoa", **{"Mã lớp": "ML-2025-01"})])
    job = check_refused(tree.melinh_officer, "participants", data)
    problem = only_problem(job)
    assert (problem["row"], problem["column"]) == (2, "Mã lớp")
    assert "ML-2025-01" in problem["message"]


def test_rows_beyond_the_class_capacity_are_reported(tree):
    TrainingClass.objects.filter(pk=tree.ml_class.pk).update(capacity=2)  # Nguyễn is in it
    data = xlsx_bytes(
        [PARTICIPANTS, nguyen_row(), newcomer_row("Đỗ Thị Hoa"), newcomer_row("Đỗ Thị Huệ")]
    )
    job = check_refused(tree.melinh_officer, "participants", data)
    problem = only_problem(job)
    assert (problem["row"], problem["column"]) == (4, "Mã lớp")
    assert "ML-2024-01" in problem["message"]


def test_a_score_of_11_is_reported(tree):
    job = check_refused(
        tree.melinh_officer, "participants", xlsx_bytes([PARTICIPANTS, nguyen_row(**{"Điểm": 11})])
    )
    problem = only_problem(job)
    assert (problem["row"], problem["column"]) == (2, "Điểm")
    assert "10" in problem["message"]


def test_a_negative_attendance_is_reported(tree):
    job = check_refused(
        tree.melinh_officer,
        "participants",
        xlsx_bytes([PARTICIPANTS, nguyen_row(**{"Tỷ lệ tham dự (%)": "-5"})]),
    )
    problem = only_problem(job)
    assert (problem["row"], problem["column"]) == (2, "Tỷ lệ tham dự (%)")


def test_every_problem_of_a_file_is_reported_at_once(tree):
    data = xlsx_bytes(
        [
            PARTICIPANTS,
            nguyen_row(**{"Điểm": 11, "Ngày sinh": "31/02/1980"}),
            newcomer_row("Đỗ Thị Hoa", **{"Mã đơn vị": "HN-XX-99"}),
        ]
    )
    job = check_refused(tree.melinh_officer, "participants", data)
    assert sorted(p["column"] for p in problems_on(job, 2)) == ["Ngày sinh", "Điểm"]
    assert [p["column"] for p in problems_on(job, 3)] == ["Mã đơn vị"]


# -- all or nothing --------------------------------------------------------------------------


def test_a_row_that_went_bad_after_the_check_stops_the_whole_commit(tree):
    make_unit("HN-ML-02", "Công đoàn Trường Tiểu học Mê Linh", "grassroots", tree.melinh)
    data = xlsx_bytes(
        [
            PARTICIPANTS,
            nguyen_row(**{"Điểm": 6}),
            newcomer_row("Đỗ Thị Hoa", **{"Mã đơn vị": "HN-ML-02"}),
        ]
    )
    job = import_file(tree.melinh_officer, "participants", data, commit=False)
    assert job.can_commit, job.problems
    Unit.objects.filter(code="HN-ML-02").delete()
    before = counts()
    job = job_commit(user=tree.melinh_officer, job=job)
    assert job.status == ImportStatus.FAILED
    assert [(p["row"], p["column"]) for p in job.problems] == [(3, "Mã đơn vị")]
    assert counts() == before
    assert Enrolment.objects.get(person=tree.nguyen, training_class=tree.ml_class).score == 9


def test_the_same_participants_file_twice_adds_nothing_the_second_time(tree):
    data = xlsx_bytes(
        [
            PARTICIPANTS,
            nguyen_row(),
            newcomer_row("Đỗ Thị Hoa", "001192000777"),
            newcomer_row(
                "Đỗ Văn Hùng", "001090000888", **{"Kết quả": "Không đạt", "Giới tính": "Nam"}
            ),
        ]
    )
    first = import_file(tree.melinh_officer, "participants", data)
    assert first.status == ImportStatus.DONE, first.problems
    assert (
        first.summary["enrolments_created"],
        first.summary["people_created"],
        first.summary["records_created"],
    ) == (2, 2, 1)
    after_first = counts()
    second = import_file(tree.melinh_officer, "participants", data)
    assert second.status == ImportStatus.DONE, second.problems
    assert counts() == after_first
    assert second.summary["enrolments_unchanged"] == 3
    assert {k: n for k, n in second.summary.items() if n and not k.endswith("unchanged")} == {}
