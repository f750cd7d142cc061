"""Participants of classes and their results, in bulk: the one import sized for 100,000 rows.

The rules are those of training.services (the class must be the user's and have run; results
only for accepted participants, within the class's capacity; a pass writes the training
record), applied to the whole file at once with set-based reads and bulk writes."""

import functools
import uuid
from collections import Counter, defaultdict
from typing import NamedTuple

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

import audit.bulk
from accounts.models import User
from imports.matching import resolve_unit, scope_prefix, units_by_code
from imports.outcome import Outcome, each_row, parse_rows, targets_follow
from imports.people import IDENTITY, PERSON_COLUMNS, insert_people, match_people
from lib import progress
from lib.bulk import insert_rows, insert_with_defaults, lookups_in, reserve_ids
from lib.choices import choices_parser
from lib.spreadsheets import (
    Column,
    Table,
    choice_parser,
    parse_citizen_id,
    parse_date,
    parse_decimal,
    parse_integer,
    parse_name,
    parse_text,
)
from lib.vntext import split_full_name
from people.models import Gender, Person
from training import notices, validity
from training.models import (
    ClassCorrection,
    ClassStatus,
    Enrolment,
    EnrolmentStatus,
    TrainingClass,
    TrainingRecord,
)
from training.services import class_places_lock
from units.places import is_within

REFRESH_UNITS_MAX = 2000
NAME_FIELDS = {
    f: Person._meta.get_field(f).max_length for f in ("family_name", "middle_name", "given_name")
}
RESULT_FIELDS = ("attendance_percent", "score", "passed")
parse_passed = choice_parser(
    {
        "Đạt": True,
        "Không đạt": False,
        "Có": True,
        "Không": False,
        "Passed": True,
        "Failed": False,
        "x": True,
        "1": True,
        "0": False,
    },
    "kết quả",
    shown="Đạt, Không đạt",
)


@functools.cache
def columns() -> tuple[Column, ...]:
    return (
        Column(
            "class_code",
            "Mã lớp",
            lambda v: parse_text(v, 40).upper(),
            required=True,
            help="Mã lớp như trên trang Lớp học.",
        ),
        Column("full_name", "Họ và tên", parse_name, required=True, aliases=("Họ tên",)),
        Column("birth_date", "Ngày sinh", parse_date, help="dd/mm/yyyy"),
        Column(
            "gender",
            "Giới tính",
            choices_parser(Gender, "giới tính"),
            help="Nam hoặc Nữ; cần khi người này chưa có trong hệ thống.",
        ),
        Column(
            "citizen_id",
            "Số CCCD",
            parse_citizen_id,
            aliases=("CCCD", "Số căn cước công dân", "Số định danh cá nhân"),
            help="12 chữ số; định dạng cột là Văn bản để giữ số 0 đầu.",
        ),
        Column(
            "unit",
            "Mã đơn vị",
            lambda v: parse_text(v, 32).upper(),
            required=True,
            help="Mã đơn vị của học viên.",
        ),
        Column(
            "attendance_percent",
            "Tỷ lệ tham dự (%)",
            lambda v: parse_integer(v, minimum=0, maximum=100),
            aliases=("Tham dự (%)", "Chuyên cần"),
            help="0 đến 100.",
        ),
        Column(
            "score",
            "Điểm",
            lambda v: parse_decimal(v, minimum=0, maximum=10),
            help="0 đến 10, ví dụ 8,5.",
        ),
        Column("passed", "Kết quả", parse_passed, help="Đạt hoặc Không đạt."),
    )


# The columns whose parser reads nothing but its cell (not the score: a Decimal, which the
# kept file does not hold): the commit takes the values the check parsed (imports.pipeline).
CELLS_ONLY = (
    "class_code",
    "full_name",
    "birth_date",
    "gender",
    "citizen_id",
    "unit",
    "attendance_percent",
    "passed",
)


def _classes(codes) -> dict[str, TrainingClass]:
    found = {}
    for lookup in lookups_in("code", sorted(set(codes))):
        for c in (
            TrainingClass.objects.filter(**lookup)
            .select_related("organiser")
            .prefetch_related("topics")
        ):
            found[c.code.upper()] = c
    return found


def _check_class(outcome: Outcome, row: int, code: str, classes: dict, scope: str):
    c = classes.get(code)
    if c is None:
        outcome.problem(row, "class_code", _("Unknown class code “%(code)s”.") % {"code": code})
    elif not is_within(c.organiser, scope):
        outcome.problem(
            row, "class_code", _("Class %(code)s is organised outside your scope.") % {"code": code}
        )
    elif c.status not in (ClassStatus.RUNNING, ClassStatus.CLOSED):
        outcome.problem(
            row,
            "class_code",
            _("Class %(code)s has not run yet (%(status)s): results can be recorded once it runs.")
            % {"code": code, "status": c.get_status_display()},
        )
    else:
        return c
    return None


def run(table: Table, outcome: Outcome, *, user, resolutions: dict, write: bool) -> None:
    rows = parse_rows(table, outcome)
    scope = scope_prefix(user)
    classes = _classes([v["class_code"] for _r, v in rows if "class_code" in v])
    units = units_by_code([v.get("unit") for _r, v in rows], user)
    for r, v in rows:  # the class and the unit of every row, whatever else is wrong with it
        if "class_code" in v:
            _check_class(outcome, r, v["class_code"], classes, scope)
        if "unit" in v:
            resolve_unit(outcome, r, "unit", v["unit"], units)
    rows = [(r, v) for r, v in rows if outcome.cells_ok(r, ("class_code", *IDENTITY))]
    chosen, _index = match_people(outcome, rows, units, user, resolutions)
    new_people = _new_people(outcome, rows, chosen, units)
    rows = [(r, v) for r, v in rows if chosen[r] is not False and (chosen[r] or r in new_people)]
    rows = _one_row_per_person_and_class(outcome, rows, chosen, new_people)
    if write:
        _lock_places(rows, classes)
    existing = _existing_enrolments(rows, chosen, classes)
    _check_capacity(outcome, rows, chosen, new_people, classes, existing)
    if outcome.problems or outcome.ambiguities:
        return
    plan = _plan(outcome, rows, chosen, new_people, classes, existing)
    if write:
        _write(outcome, plan, user, classes)


def _new_people(outcome, rows, chosen, units) -> dict[int, Person]:
    """People not found, to be created from their row (a member attending a class need not
    be in the system yet); a new person needs a gender."""
    out = {}
    for row, v in rows:
        if chosen[row] is not None or not outcome.cells_ok(row, ("gender",)):
            continue
        if not v.get("gender"):
            outcome.problem(
                row,
                "gender",
                _("This person is not in the system yet: give the gender to add them."),
            )
            continue
        family, middle, given = split_full_name(v["full_name"])
        person = Person(
            family_name=family,
            middle_name=middle,
            given_name=given,
            gender=v["gender"],
            birth_date=v.get("birth_date"),
            citizen_id=v.get("citizen_id"),
            unit=units[v["unit"]],
        )
        # The other cells went through their parsers (gender, date, 12-digit ID); what the
        # model would still refuse is a name part too long for its column.
        too_long = [f for f in NAME_FIELDS if len(getattr(person, f)) > NAME_FIELDS[f]]
        if too_long:
            outcome.problem(row, "full_name", _("The name is too long."))
            continue
        out[row] = person  # its search and sort keys are filled when it is written
    return out


def _identity(row, v, chosen, new_people):
    person = chosen[row]
    if person:
        return ("pk", person.pk)
    return ("new", v.get("citizen_id") or (v["full_name"], v.get("birth_date"), v["unit"]))


def _one_row_per_person_and_class(outcome, rows, chosen, new_people):
    seen, kept, new_by_identity = {}, [], {}
    for row, v in rows:
        who = _identity(row, v, chosen, new_people)
        key = (v["class_code"], who)
        if key in seen:
            outcome.problem(
                row,
                "full_name",
                _("This person is matched twice in class %(code)s (also on row %(row)s).")
                % {"code": v["class_code"], "row": seen[key]},
            )
            continue
        seen[key] = row
        if who[0] == "new":  # one new person, however many classes they attended
            new_people[row] = new_by_identity.setdefault(who, new_people[row])
        kept.append((row, v))
    return kept


class Existing(NamedTuple):
    """An enrolment already stored, as plain values (a re-import reads 100,000 of them)."""

    pk: int
    status: str
    attendance_percent: int | None
    score: object
    passed: bool | None
    record_id: int | None


def _existing_enrolments(rows, chosen, classes) -> dict[tuple[int, int], Existing]:
    """The stored enrolments of the file's people in the file's classes: every enrolment of
    those classes in one query (a class holds at most its capacity), kept for the people
    named."""
    people = {chosen[r].pk for r, _v in rows if chosen[r]}
    class_ids = sorted({classes[v["class_code"]].pk for _r, v in rows})
    out = {}
    for class_id, person_id, *values in (
        Enrolment.objects.filter(training_class_id__in=class_ids)
        .order_by()
        .values_list("training_class_id", "person_id", "pk", "status", *RESULT_FIELDS, "record")
        .iterator(chunk_size=10000)
    ):
        if person_id in people:
            out[(class_id, person_id)] = Existing(*values)
    return out


def _lock_places(rows, classes) -> None:
    """Before a commit counts the places taken: lock its classes until it commits, and count
    against their capacity as it is now (the classes were read before the lock). Another
    import, an acceptance or a capacity edit of these classes waits for this commit, and this
    one for theirs, so two of them never both count the same free places. A check (rolled
    back) takes no lock: it would hold up officers for as long as a large file is checked, and
    the commit counts again."""
    capacities = class_places_lock(classes[v["class_code"]].pk for _r, v in rows)
    for c in classes.values():
        if c.pk in capacities:
            c.capacity = capacities[c.pk]


def _check_capacity(outcome, rows, chosen, new_people, classes, existing) -> None:
    class_ids = {classes[v["class_code"]].pk for _r, v in rows}
    accepted = Counter(
        dict(
            Enrolment.objects.filter(
                training_class_id__in=class_ids, status=EnrolmentStatus.ACCEPTED
            )
            .order_by()
            .values("training_class_id")
            .annotate(n=Count("id"))
            .values_list("training_class_id", "n")
        )
    )
    for row, v in rows:
        c = classes[v["class_code"]]
        person = chosen[row]
        enrolment = existing.get((c.pk, person.pk)) if person else None
        if enrolment is not None and enrolment.status == EnrolmentStatus.ACCEPTED:
            continue
        accepted[c.pk] += 1
        if accepted[c.pk] > c.capacity:
            outcome.problem(
                row,
                "class_code",
                _("Class %(code)s holds %(n)s participants: this row is over its capacity.")
                % {"code": c.code, "n": c.capacity},
            )


def _plan(outcome, rows, chosen, new_people, classes, existing) -> dict:
    plan = defaultdict(list)
    plan["people"] = {}  # id → (full name, unit id) of the people already stored
    for row, v in each_row(rows, outcome, "check"):
        c = classes[v["class_code"]]
        results = tuple(v.get(k) for k in RESULT_FIELDS)
        person = chosen[row]
        enrolment = existing.get((c.pk, person.pk)) if person else None
        if enrolment is None:
            plan["create"].append((c, person or new_people[row], results))
            outcome.summary["enrolments_created"] += 1
            outcome.summary["records_created"] += bool(results[2])
            continue
        if enrolment.status != EnrolmentStatus.ACCEPTED or results != (
            enrolment.attendance_percent,
            enrolment.score,
            enrolment.passed,
        ):
            plan["update"].append((enrolment, results))
            plan["updated"].append((c, person.pk))
            outcome.summary["enrolments_updated"] += 1
        else:
            outcome.summary["enrolments_unchanged"] += 1
        plan["people"][person.pk] = (person.full_name, person.unit_id)
        if results[2] and enrolment.record_id is None:
            plan["record"].append((c, person.pk, enrolment.pk))
            outcome.summary["records_created"] += 1
        elif not results[2] and enrolment.record_id is not None:
            plan["unrecord"].append(enrolment.record_id)
            outcome.summary["records_deleted"] += 1
        plan["touched"].append((c, person.pk))
    outcome.summary["people_created"] = len({id(p) for _c, p, _r in plan["create"] if p.pk is None})
    return plan


WRITE_STEPS = 3  # people, enrolments, training records: shown as the "write" stage


def _write(outcome, plan, user, classes) -> None:
    now = timezone.now()
    progress.report(outcome.progress_key, 0, WRITE_STEPS, "write")
    new_people = list({id(p): p for _c, p, _r in plan["create"] if p.pk is None}.values())
    insert_people(new_people)
    progress.report(outcome.progress_key, 1, WRITE_STEPS, "write")
    created = [
        (c, p.pk, pk, results)
        for (c, p, results), pk in zip(
            plan["create"], reserve_ids(Enrolment, len(plan["create"])), strict=True
        )
    ]
    units_of = {p.pk: p.unit_id for _c, p, _r in plan["create"]}  # nominated by their unit
    insert_with_defaults(
        Enrolment,
        (
            "id",
            "training_class",
            "person",
            "nominating_unit",
            "status",
            "reason",
            "nominated_at",
            "decided_at",
            *RESULT_FIELDS,
        ),
        (
            (
                pk,
                c.pk,
                person_id,
                units_of[person_id],
                EnrolmentStatus.ACCEPTED,
                "",
                now,
                now,
                *results,
            )
            for c, person_id, pk, results in created
        ),
    )
    Enrolment.objects.bulk_update(
        [
            Enrolment(
                pk=e.pk,
                status=EnrolmentStatus.ACCEPTED,
                decided_at=now,
                **dict(zip(RESULT_FIELDS, results, strict=True)),
            )
            for e, results in plan["update"]
        ],
        ["status", "decided_at", *RESULT_FIELDS],
        batch_size=500,
    )
    progress.report(outcome.progress_key, 2, WRITE_STEPS, "write")
    audit.bulk.delete(
        TrainingRecord.objects.filter(pk__in=plan["unrecord"]), select_related=("person",)
    )
    passed = [(c, person_id, pk) for c, person_id, pk, results in created if results[2]]
    records = _write_records(passed + plan["record"])
    _log(plan, new_people, created, records)
    progress.report(outcome.progress_key, WRITE_STEPS, WRITE_STEPS, "write")
    touched = [(c, person_id) for c, person_id, _pk, _r in created] + plan["touched"]
    for c in {c.pk: c for c, _p in touched}.values():
        if c.status == ClassStatus.CLOSED:  # closed classes are corrected, and that is logged
            ClassCorrection.objects.create(
                training_class=c,
                user=user,
                what=_("Participants and results imported from a spreadsheet."),
            )
    outcome.touched_people = {p for _c, p in touched}
    outcome.touched_since = min((c.end_date for c, _p in touched), default=None)
    # The records written in bulk send no signal (those deleted above send theirs).
    outcome.touched_days = {c.end_date for _pk, c, _p in records}
    _tell_learners(touched)


def _tell_learners(touched: list[tuple]) -> None:
    """Learners with their own account are told their results, as the class's results grid
    tells them (training.notices.results; results already told are not told again). Only
    those with an account are read one by one: the accounts are found through the classes'
    enrolments (a query for the file, however many people), then a few queries per learner
    who can be told."""
    with_account = set(
        User.objects.filter(
            is_active=True,
            person__enrolments__training_class_id__in={c.pk for c, _p in touched},
        )
        .order_by()
        .values_list("person_id", flat=True)
        .distinct()
    )
    pairs = {(c.pk, p) for c, p in touched if p in with_account}
    if not pairs:
        return
    for enrolment in Enrolment.objects.filter(
        training_class_id__in={c for c, _p in pairs},
        person_id__in={p for _c, p in pairs},
        status=EnrolmentStatus.ACCEPTED,
    ).select_related("training_class__organiser", "person"):
        if (enrolment.training_class_id, enrolment.person_id) in pairs:
            notices.results(enrolment=enrolment)


def _write_records(passed: list[tuple]) -> list[tuple]:
    """The training record a pass gives, as training.services writes it for one enrolment:
    the class's title, programme, hours, end date, form, organiser and topics, and the day it
    expires (training.validity). Returns the records written, (id, class, person id) each."""
    ids = reserve_ids(TrainingRecord, len(passed))
    topics, expires = {}, {}  # each class's topic ids and validity, read once per class
    for c, _p, _e in passed:
        if c.pk not in topics:
            chosen = list(c.topics.all())
            topics[c.pk] = [t.pk for t in chosen]
            expires[c.pk] = validity.expires_on(c.end_date, c.programme, chosen)
    insert_with_defaults(
        TrainingRecord,
        (
            "id",
            "person",
            "enrolment",
            "training_class",
            "title",
            "programme",
            "hours",
            "completed_on",
            "form",
            "organiser",
            "scan",
            "certificate_number",
            "verification_code",
            "valid",
            "expires_on",
        ),
        (
            (
                pk,
                person_id,
                enrolment_id,
                c.pk,
                c.name,
                c.programme_id,
                c.hours,
                c.end_date,
                c.form,
                c.organiser_id,
                "",
                "",
                uuid.uuid4(),
                True,
                expires[c.pk],
            )
            for pk, (c, person_id, enrolment_id) in zip(ids, passed, strict=True)
        ),
    )
    insert_rows(
        TrainingRecord.topics.through,
        ("trainingrecord", "topic"),
        (
            (pk, topic)
            for pk, (c, _p, _e) in zip(ids, passed, strict=True)
            for topic in topics[c.pk]
        ),
    )
    return [(pk, c, person_id) for pk, (c, person_id, _e) in zip(ids, passed, strict=True)]


PERSON_LOGGED = PERSON_COLUMNS[1:-2]  # not the id, nor the derived search and sort keys


def _log(plan, new_people, created, records) -> None:
    """The change history of what _write wrote in bulk (audit.bulk), in the same
    transaction: each person, enrolment and record created, each enrolment's results
    changed. Written as django-auditlog writes one save, attributed to the job's user."""
    who = dict(plan["people"])
    for _c, p, _r in plan["create"]:  # new people have their ids by now
        who[p.pk] = (p.full_name, p.unit_id)
    audit.bulk.log_rows(
        Person,
        audit.bulk.CREATE,
        (
            audit.bulk.Row(
                p.pk,
                p.full_name,
                audit.bulk.created(
                    {f: getattr(p, "unit_id" if f == "unit" else f) for f in PERSON_LOGGED}
                ),
                p.pk,
                p.unit_id,
            )
            for p in new_people
        ),
    )
    # What a class gives every enrolment and record of it, prepared once per class.
    enrolled = {
        c.pk: {
            "training_class": ["None", str(c.pk)],
            "status": ["None", str(EnrolmentStatus.ACCEPTED)],
        }
        for c in {c.pk: c for c, _p, _pk, _r in created}.values()
    }
    audit.bulk.log_rows(
        Enrolment,
        audit.bulk.CREATE,
        (
            audit.bulk.Row(
                pk,
                f"{who[person_id][0]} — {c.code}",
                {
                    **enrolled[c.pk],
                    **audit.bulk.created(
                        {
                            "person": person_id,
                            "nominating_unit": who[person_id][1],
                            **dict(zip(RESULT_FIELDS, results, strict=True)),
                        }
                    ),
                },
                c.pk,
                c.organiser_id,
                person_id,
            )
            for c, person_id, pk, results in created
        ),
    )
    audit.bulk.log_rows(Enrolment, audit.bulk.UPDATE, _enrolment_changes(plan, who))
    recorded = {
        c.pk: {
            **audit.bulk.created(
                {
                    "training_class": c.pk,
                    "title": c.name,
                    "programme": c.programme_id,
                    "hours": c.hours,
                    "completed_on": c.end_date,
                    "form": c.form,
                    "organiser": c.organiser_id,
                    "valid": True,
                }
            ),
            "topics": audit.bulk.m2m_added(c.topics.all()),
        }
        for c in {c.pk: c for _pk, c, _p in records}.values()  # once per class, not per record
    }
    audit.bulk.log_rows(
        TrainingRecord,
        audit.bulk.CREATE,
        (
            audit.bulk.Row(
                pk,
                f"{who[person_id][0]} — {c.name}",
                {"person": ["None", str(person_id)], **recorded[c.pk]},
                person_id,
                who[person_id][1],
            )
            for pk, c, person_id in records
        ),
    )


def _enrolment_changes(plan, who):
    accepted = audit.bulk.text(EnrolmentStatus.ACCEPTED)
    for (e, results), (c, person_id) in zip(plan["update"], plan["updated"], strict=True):
        changes = {} if e.status == EnrolmentStatus.ACCEPTED else {"status": [e.status, accepted]}
        for name, old, new in zip(
            RESULT_FIELDS, (e.attendance_percent, e.score, e.passed), results, strict=True
        ):
            if old != new:
                changes[name] = [audit.bulk.text(old), audit.bulk.text(new)]
        yield audit.bulk.Row(
            e.pk, f"{who[person_id][0]} — {c.code}", changes, c.pk, c.organiser_id, person_id
        )


def after_commit(outcome: Outcome) -> None:
    """Bulk writes send no signals: the targets' stored figures and the retention figures
    the records written move follow here, once for the file, as their signals do for one."""
    targets_follow(outcome)
