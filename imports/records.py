"""Training done elsewhere (a political school, a university, another body), one row each,
checked by training.services' rules for one external record (external_record_writer_check,
external_record_person_check, external_record_values) and written in bulk: the records, their
topics and their history entries each in one insert, the targets' figures brought up to date
once after the commit. The same person, course and completion date twice is the same record:
importing a file again adds nothing."""

import datetime as dt
from typing import NamedTuple

from auditlog.diff import model_instance_diff
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

import audit.bulk
from imports.matching import Known, resolve_unit, units_by_code
from imports.outcome import (
    Outcome,
    each_row,
    parse_rows,
    targets_follow,
    text_parser,
)
from imports.people import IDENTITY, match_people
from lib import progress
from lib.bulk import insert_rows, insert_with_defaults, lookups_in, random_uuids, reserve_ids
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
from training.services import (
    external_record_person_check,
    external_record_values,
    external_record_writer_check,
)

FIELD_COLUMNS = {
    "title": "title",
    "hours": "hours",
    "completed_on": "completed_on",
    "form": "form",
    "topics": "topics",
    "person": "unit",
    "certificate_number": "certificate_number",
}


def known_topics() -> dict[str, Topic]:
    """Every topic by its name, English name and code, as a header key."""
    known = {}
    for topic in Topic.objects.all():
        for name in (topic.name, topic.name_en, topic.code):
            known[header_key(name)] = topic
    return known


def parse_topics(value, known: dict[str, Topic]) -> list[Topic]:
    """Topics by name or code, separated by ';' (or ','; a name holding a comma, as "Phát
    triển đoàn viên, thành lập công đoàn cơ sở", is still one topic)."""
    if is_blank(value):
        return []
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


def topics_parser():
    """parse_topics for one import: the topics read on its first cell, and each distinct cell
    (a file repeats a few dozen) parsed once."""
    known: dict | None = None
    seen: dict = {}

    def parse(value) -> list[Topic]:
        nonlocal known
        if value not in seen:
            if known is None:
                known = known_topics()
            try:
                seen[value] = parse_topics(value, known)
            except CellError as error:
                seen[value] = error
        if isinstance(seen[value], CellError):
            raise seen[value]
        return list(seen[value])

    return parse


def columns() -> tuple[Column, ...]:
    """The template's columns; called once per check or commit (the topics parser keeps what
    it read for that run only)."""
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
            text_parser(255),
            required=True,
            aliases=("Khóa học", "Tên lớp", "Nội dung"),
        ),
        Column(
            "topics",
            "Chủ đề",
            topics_parser(),
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
            text_parser(255),
            aliases=("Nơi đào tạo", "Đơn vị tổ chức"),
        ),
        Column(
            "certificate_number",
            "Số chứng chỉ",
            text_parser(30),
            aliases=("Số văn bằng", "Số giấy chứng nhận"),
        ),
    )


# The columns whose parser reads nothing but its cell (not the topics, read from their
# table): the commit takes the values the check parsed (imports.pipeline).
CELLS_ONLY = (
    "full_name",
    "birth_date",
    "citizen_id",
    "unit",
    "title",
    "hours",
    "completed_on",
    "form",
    "institution",
    "certificate_number",
)


class Planned(NamedTuple):
    """A row checked and ready to write: its person and the record's values."""

    row: int
    person: Known
    title: str
    topics: list
    hours: int
    completed_on: dt.date
    form: str
    institution_id: int | None
    certificate_number: str
    expires_on: dt.date | None


def run(table: Table, outcome: Outcome, *, user, resolutions: dict, write: bool) -> None:
    rows = parse_rows(table, outcome)
    units = units_by_code([v.get("unit") for _r, v in rows], user)
    institutions = {header_key(i.name): i for i in Institution.objects.all()}
    try:  # the user's role, once for the file
        external_record_writer_check(user)
    except ValidationError as error:
        for message in error.messages:
            outcome.problem(None, None, message)
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
    plan = _plan(outcome, user, rows, chosen, institutions)
    if plan:
        outcome.summary["records_created"] += len(plan)
    if write and not outcome.problems and not outcome.ambiguities:
        _write(outcome, plan)


def _plan(outcome: Outcome, user, rows, chosen: dict, institutions: dict) -> list[Planned]:
    """The rows that make a new record, each checked; the others reported or counted."""
    stored = _stored(rows, chosen)
    plan, seen = [], {}
    for row, v in each_row(rows, outcome, "check"):
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
        if key in stored:
            outcome.summary["records_unchanged"] += 1
        elif outcome.row_ok(row):
            planned = _checked(outcome, user, row, v, person, institutions)
            if planned is not None:
                plan.append(planned)
    return plan


def _stored(rows, chosen) -> set[tuple]:
    """(person, course, completion date) of the records already stored for the file's people
    (a query per few thousand people, not one per row)."""
    people = sorted({chosen[r].pk for r, _v in rows if chosen[r]})
    titles = {v["title"] for _r, v in rows if "title" in v}
    found: set[tuple] = set()
    if not people:
        return found
    for lookup in lookups_in("person_id", people):
        found.update(
            key
            for key in TrainingRecord.objects.filter(**lookup)
            .order_by()
            .values_list("person_id", "title", "completed_on")
            .iterator(chunk_size=10000)
            if key[1] in titles
        )
    return found


def _checked(outcome: Outcome, user, row: int, v: dict, person: Known, institutions: dict):
    """The row through external_record_create's checks; its refusal reported on its cells."""
    institution = institutions[header_key(v["institution"])] if v.get("institution") else None
    try:
        external_record_person_check(user, person, unit=person.unit_path)
        values = external_record_values(
            title=v["title"],
            topics=v["topics"],
            completed_on=v["completed_on"],
            certificate_number=v.get("certificate_number") or "",
        )
    except ValidationError as error:
        outcome.validation_error(row, error, FIELD_COLUMNS)
        return None
    return Planned(
        row,
        person,
        values["title"],
        list({t.pk: t for t in values["topics"]}.values()),  # a topic named twice is one
        v["hours"],
        v["completed_on"],
        v["form"],
        institution.pk if institution else None,
        values["certificate_number"],
        values["expires_on"],
    )


RECORD_FIELDS = (
    "id",
    "person",
    "title",
    "hours",
    "completed_on",
    "form",
    "institution",
    "scan",
    "certificate_number",
    "verification_code",
    "valid",
    "expires_on",
)


def _write(outcome: Outcome, plan: list[Planned]) -> None:
    """The records as external_record_create saves them (no class, organiser nor programme),
    their topics and their history, each in one insert."""
    progress.report(outcome.progress_key, 0, 1, "write")
    ids = reserve_ids(TrainingRecord, len(plan))
    codes = random_uuids(len(plan))  # what the field's default (uuid4) would give
    insert_with_defaults(
        TrainingRecord,
        RECORD_FIELDS,
        (
            (
                pk,
                p.person.pk,
                p.title,
                p.hours,
                p.completed_on,
                p.form,
                p.institution_id,
                "",
                p.certificate_number,
                code,
                True,
                p.expires_on,
            )
            for pk, p, code in zip(ids, plan, codes, strict=True)
        ),
        prepared=("verification_code",),
    )
    insert_rows(
        TrainingRecord.topics.through,
        ("trainingrecord", "topic"),
        ((pk, t.pk) for pk, p in zip(ids, plan, strict=True) for t in p.topics),
    )
    _log(ids, plan)
    outcome.touched_people = {p.person.pk for p in plan}
    outcome.touched_days = {p.completed_on for p in plan}
    outcome.touched_since = min(outcome.touched_days, default=None)
    progress.report(outcome.progress_key, 1, 1, "write")


def _log(ids: list[int], plan: list[Planned]) -> None:
    """The history external_record_create leaves, written in bulk (audit.bulk): for each
    record, its creation, then its topics added, as django-auditlog writes them."""
    created, topics_added = _creation_changes(), _topics_changes()
    entries = [
        (pk, p, " — ".join(part for part in (p.person.full_name, p.title) if part))
        for pk, p in zip(ids, plan, strict=True)
    ]
    audit.bulk.log_rows(
        TrainingRecord,
        audit.bulk.CREATE,
        (
            audit.bulk.Row(pk, label, created(p), p.person.pk, p.person.unit_id)
            for pk, p, label in entries
        ),
    )
    audit.bulk.log_rows(
        TrainingRecord,
        audit.bulk.UPDATE,
        (
            audit.bulk.Row(pk, label, topics_added(p), p.person.pk, p.person.unit_id)
            for pk, p, label in entries
        ),
    )


def _creation_changes():
    """Auditlog's changes for a new record: the fields every external record shares are taken
    from one built here; the others are each row's values as auditlog writes them (text; an
    expiry only when there is one)."""
    shared = model_instance_diff(
        None,
        TrainingRecord(
            person_id=0,
            title="-",
            hours=1,
            completed_on=dt.date.min,
            form="-",
            institution_id=0,
            certificate_number="-",
            expires_on=dt.date.min,
        ),
    )

    def changes(p: Planned) -> dict:
        out = {
            **shared,
            "person": ["None", str(p.person.pk)],
            "title": ["None", p.title],
            "hours": ["None", str(p.hours)],
            "completed_on": ["None", str(p.completed_on)],
            "form": ["None", str(p.form)],
            "institution": ["None", str(p.institution_id)],
            "certificate_number": ["None", p.certificate_number],
            "expires_on": ["None", str(p.expires_on)],
        }
        if p.expires_on is None:
            del out["expires_on"]
        return out

    return changes


def _topics_changes():
    """Auditlog's change for topics added: the topics in their model's order, each set made
    once (a file repeats a few)."""
    order = {pk: n for n, pk in enumerate(Topic.objects.values_list("pk", flat=True))}
    made: dict[tuple, dict] = {}

    def changes(p: Planned) -> dict:
        key = tuple(t.pk for t in p.topics)
        if key not in made:
            chosen = sorted(p.topics, key=lambda t: order[t.pk])
            made[key] = {"topics": audit.bulk.m2m_added(chosen)}
        return made[key]

    return changes


def after_commit(outcome: Outcome) -> None:
    """Bulk writes send no signals: the targets' stored figures and the retention figures
    follow here, once for the file, as their signals do for one record."""
    targets_follow(outcome)
