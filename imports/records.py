"""Training done elsewhere (a political school, a university, another body), one row each,
written by training.services.external_record_create. The same person, course and completion
date twice is the same record: importing a file again adds nothing."""

import functools

from django.utils.translation import gettext as _

from imports.matching import resolve_unit, units_by_code
from imports.outcome import Outcome, each_row, guarded, parse_rows
from imports.people import IDENTITY, match_people
from lib.choices import choices_parser
from lib.spreadsheets import (
    CellError,
    Column,
    Table,
    header_key,
    is_blank,
    parse_citizen_id,
    parse_date,
    parse_integer,
    parse_name,
    parse_text,
)
from training.models import Form, Institution, Topic, TrainingRecord
from training.services import external_record_create

FIELD_COLUMNS = {
    "title": "title",
    "hours": "hours",
    "completed_on": "completed_on",
    "form": "form",
    "topics": "topics",
    "person": "unit",
    "certificate_number": "certificate_number",
}


def parse_topics(value) -> list[Topic]:
    """Topics by name or code, separated by ';' (or ','; a name holding a comma, as "Phát
    triển đoàn viên, thành lập công đoàn cơ sở", is still one topic)."""
    if is_blank(value):
        return []
    known = {}
    for topic in Topic.objects.all():
        for name in (topic.name, topic.name_en, topic.code):
            known[header_key(name)] = topic
    topics = []
    for part in str(value).split(";"):
        pieces = part.split(",")
        start = 0
        while start < len(pieces):
            if not pieces[start].strip():
                start += 1
                continue
            # The longest run of pieces from here that names a topic.
            end = next(
                (
                    end
                    for end in range(len(pieces), start, -1)
                    if header_key(",".join(pieces[start:end])) in known
                ),
                None,
            )
            if end is None:
                raise CellError(
                    _("“%(value)s” is not a known topic (see the instructions sheet).")
                    % {"value": pieces[start].strip()}
                )
            topics.append(known[header_key(",".join(pieces[start:end]))])
            start = end
    return topics


@functools.cache
def columns() -> tuple[Column, ...]:
    return (
        Column("full_name", "Họ và tên", parse_name, required=True, aliases=("Họ tên",)),
        Column("birth_date", "Ngày sinh", parse_date),
        Column(
            "citizen_id",
            "Số CCCD",
            parse_citizen_id,
            aliases=("CCCD", "Số căn cước công dân", "Số định danh cá nhân"),
            help="12 chữ số; định dạng cột là Văn bản để giữ số 0 đầu.",
        ),
        Column("unit", "Mã đơn vị", lambda v: parse_text(v, 32).upper(), required=True),
        Column(
            "title",
            "Tên khóa học",
            lambda v: parse_text(v, 255),
            required=True,
            aliases=("Khóa học", "Tên lớp", "Nội dung"),
        ),
        Column(
            "topics",
            "Chủ đề",
            parse_topics,
            required=True,
            help="Một hay nhiều chủ đề, cách nhau bởi dấu ;",
        ),
        Column(
            "hours", "Số giờ", lambda v: parse_integer(v, minimum=1, maximum=5000), required=True
        ),
        Column(
            "completed_on",
            "Ngày hoàn thành",
            parse_date,
            required=True,
            aliases=("Ngày cấp", "Ngày kết thúc"),
        ),
        Column(
            "form",
            "Hình thức",
            choices_parser(Form, "hình thức"),
            required=True,
            help="Tập trung, Tại chức, Từ xa, Trực tuyến…",
        ),
        Column(
            "institution",
            "Cơ sở đào tạo",
            lambda v: parse_text(v, 255),
            aliases=("Nơi đào tạo", "Đơn vị tổ chức"),
        ),
        Column(
            "certificate_number",
            "Số chứng chỉ",
            lambda v: parse_text(v, 30),
            aliases=("Số văn bằng", "Số giấy chứng nhận"),
        ),
    )


def run(table: Table, outcome: Outcome, *, user, resolutions: dict, write: bool) -> None:
    rows = parse_rows(table, outcome)
    units = units_by_code([v.get("unit") for _r, v in rows], user)
    institutions = {header_key(i.name): i for i in Institution.objects.all()}
    for row, v in rows:  # the codes and names of every row, whatever else is wrong with it
        if "unit" in v:
            resolve_unit(outcome, row, "unit", v["unit"], units)
        if v.get("institution") and header_key(v["institution"]) not in institutions:
            outcome.problem(
                row,
                "institution",
                _("Unknown training institution “%(name)s” (an administrator adds it).")
                % {"name": v["institution"]},
            )
    rows = [(r, v) for r, v in rows if outcome.cells_ok(r, IDENTITY)]
    chosen, _index = match_people(outcome, rows, units, user, resolutions)
    seen = {}
    for row, v in each_row(rows, outcome, "write"):
        person = chosen[row]
        if person is False:
            continue
        if person is None:
            outcome.problem(
                row,
                "full_name",
                _("No such person in unit %(code)s: import them with the people template first.")
                % {"code": v["unit"]},
            )
            continue
        if not outcome.cells_ok(row, ("title", "completed_on")):
            continue
        key = (person.pk, v["title"], v["completed_on"])
        if key in seen:
            outcome.problem(
                row, "title", _("The same record as on row %(row)s.") % {"row": seen[key]}
            )
            continue
        seen[key] = row
        if TrainingRecord.objects.filter(
            person_id=person.pk, title=v["title"], completed_on=v["completed_on"]
        ).exists():
            outcome.summary["records_unchanged"] += 1
            continue
        if outcome.row_ok(row):
            _create(outcome, user, row, v, person, institutions)


def _create(outcome: Outcome, user, row: int, v: dict, person, institutions: dict) -> None:
    institution = institutions.get(header_key(v.get("institution") or ""))
    if guarded(
        outcome,
        row,
        FIELD_COLUMNS,
        lambda: external_record_create(
            user=user,
            person=person.load(),
            title=v["title"],
            topics=v["topics"],
            hours=v["hours"],
            completed_on=v["completed_on"],
            form=v["form"],
            institution=institution,
            certificate_number=v.get("certificate_number") or "",
        ),
    ):
        outcome.summary["records_created"] += 1


def after_commit(outcome: Outcome) -> None:
    """Records written one by one send their signals: the targets follow by themselves."""
