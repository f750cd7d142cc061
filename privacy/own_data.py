"""Everything the system holds about one person, for that person (Decree 13/2023/NĐ-CP,
the data subject's right to see and obtain their data): their page, and the same sections as
one ZIP holding a workbook (a sheet per section) and a JSON file (Vietnamese keys).

Each model holding rows about a person is either read here (COVERED, the section that shows
it) or left out with the reason (EXCLUDED); tests/privacy/test_own_data_coverage.py fails on
a model that points at a person (or at one of these rows) and is in neither list.

Two rules of the rest of the system still hold for the person themselves: an evaluation is
shown once published, and a succession-pool entry once the review that made it was
published (the person is told then); before that they are the officers' working papers.
"""

import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit.display import describe
from audit.selectors import history_of
from cadrework.models import Evaluation, Notice, PoolEntry
from elearning.models import (
    Assignment,
    CourseEnrolment,
    LessonProgress,
    QuizAttempt,
    Reminder,
    ScormAttempt,
)
from lib.numbers import Plain
from lib.xlsx import new_book, write_table
from people.models import Person, Position
from privacy.selectors import accesses_about
from training.models import (
    ClassLecturer,
    ClassSession,
    Enrolment,
    Feedback,
    Lecturer,
    SessionAttendance,
    TrainingRecord,
)

# Model label → the section that shows its rows (by section key).
COVERED = {
    "people.person": "profile",
    "accounts.user": "accounts",
    "people.position": "positions",
    "cadrework.appointment": "positions",
    "training.trainingrecord": "records",
    "training.enrolment": "enrolments",
    "training.feedback": "feedback",
    "training.lecturer": "lecturer",
    "training.classlecturer": "teaching",
    "cadrework.evaluation": "evaluations",
    "cadrework.poolentry": "pools",
    "cadrework.notice": "notices",
    "elearning.assignment": "courses",
    "elearning.courseenrolment": "courses",
    "elearning.lessonprogress": "lessons",
    "elearning.quizattempt": "quizzes",
    "elearning.reminder": "reminders",
    "elearning.scormattempt": "scorm",
    "training.sessionattendance": "sessions",
    "training.classsession": "sessions",  # the sessions the person taught
    "privacy.personaldataaccess": "accesses",
    # Not found by the check (entries name their object by id, not by a foreign key).
    "audit.logentry": "history",
}
HISTORY_SHOWN = 200
# Model label → why its rows are not part of a person's own data.
EXCLUDED: dict[str, str] = {
    "elearning.offlineevent": (
        "a technical receipt of the progress the person's own phone sent while offline (its "
        "key, and whether it was applied): what it changed is in the online lessons"
    ),
}


@dataclass
class Section:
    key: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""


def _head(model, name: str) -> str:
    return str(capfirst(model._meta.get_field(name).verbose_name))


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value).replace(microsecond=0) if value else None


def _yes_no(value: bool | None) -> str:
    return "" if value is None else (_("Yes") if value else _("No"))


def _profile(person: Person) -> Section:
    fields = [
        "family_name",
        "middle_name",
        "given_name",
        "gender",
        "birth_date",
        "citizen_id",
        "ethnicity",
        "phone",
        "email",
        "address",
        "education_level",
        "political_theory",
        "foreign_language",
        "it_skill",
    ]
    rows = []
    for name in fields:
        display = getattr(person, f"get_{name}_display", None)
        rows.append([_head(Person, name), display() if display else getattr(person, name)])
    rows.append([_head(Person, "unit"), f"{person.unit.name} ({person.unit.code})"])
    return Section("profile", _("Profile"), [_("Field"), _("Value")], rows)


def _accounts(person: Person) -> Section:
    users = User.objects.filter(person=person).select_related("unit").order_by("id")
    rows = [
        [
            u.username,
            u.get_full_name(),
            u.get_role_display(),
            u.unit.name if u.unit else "",
            _yes_no(u.is_active),
            _local(u.date_joined),
            _local(u.last_login),
        ]
        for u in users
    ]
    return Section(
        "accounts",
        _("Accounts"),
        [
            _("Username"),
            _("Name"),
            _("Role"),
            _("Unit"),
            _("Active"),
            _("Created on"),
            _("Last login"),
        ],
        rows,
        _("Passwords are stored only as a one-way hash."),
    )


def _positions(person: Person) -> Section:
    positions = (
        Position.objects.filter(person=person)
        .select_related("unit", "role", "term", "appointment")
        .order_by("-start_date")
    )
    rows = []
    for p in positions:
        appointment = getattr(p, "appointment", None)
        rows.append(
            [
                p.role.name,
                p.unit.name,
                _yes_no(p.full_time),
                p.term.name if p.term else "",
                p.start_date,
                p.get_start_reason_display(),
                p.end_date,
                p.get_end_reason_display(),
                _yes_no(p.first_time_on_committee),
                appointment.reason if appointment else "",
            ]
        )
    return Section(
        "positions",
        _("Positions"),
        [
            _("Role"),
            _("Unit"),
            _("Full-time"),
            _("Term"),
            _("From"),
            _head(Position, "start_reason"),
            _("To"),
            _head(Position, "end_reason"),
            _head(Position, "first_time_on_committee"),
            _("Reason given for the appointment"),
        ],
        rows,
    )


def _records(person: Person) -> Section:
    records = (
        TrainingRecord.objects.filter(person=person)
        .select_related("organiser", "institution", "programme")
        .prefetch_related("topics")
        .order_by("-completed_on", "id")
    )
    rows = [
        [
            r.title,
            r.organiser.name if r.organiser else (r.institution.name if r.institution else ""),
            ", ".join(str(t) for t in r.topics.all()),
            r.hours,
            r.completed_on,
            r.get_form_display(),
            r.certificate_number,
            _yes_no(r.valid),
        ]
        for r in records
    ]
    return Section(
        "records",
        _("Training records"),
        [
            _("Course"),
            _("Organiser"),
            _("Topics"),
            _("Hours"),
            _("Completed on"),
            _("Form"),
            _head(TrainingRecord, "certificate_number"),
            _head(TrainingRecord, "valid"),
        ],
        rows,
    )


def _enrolments(person: Person) -> Section:
    enrolments = (
        Enrolment.objects.filter(person=person)
        .select_related("training_class__organiser", "nominating_unit")
        .order_by("-training_class__start_date", "id")
    )
    rows = [
        [
            e.training_class.code,
            e.training_class.name,
            e.training_class.organiser.name,
            e.training_class.start_date,
            e.training_class.end_date,
            e.nominating_unit.name,
            e.get_status_display(),
            e.reason,
            _local(e.nominated_at),
            _local(e.decided_at),
            e.attendance_percent,
            e.score,
            _yes_no(e.passed),
        ]
        for e in enrolments
    ]
    return Section(
        "enrolments",
        _("Classes"),
        [
            _("Class code"),
            _("Name"),
            _("Organiser"),
            _("Start date"),
            _("End date"),
            _("Nominating unit"),
            _("Status"),
            _("Reason"),
            _("Nominated at"),
            _("Decided at"),
            _("Attendance (%)"),
            _("Score"),
            _("Result"),
        ],
        rows,
    )


def _feedback(person: Person) -> Section:
    feedback = (
        Feedback.objects.filter(enrolment__person=person)
        .select_related("enrolment__training_class")
        .order_by("created_at", "id")
    )
    names = [
        "content",
        "lecturers",
        "organisation",
        "usefulness",
        "comment",
        "pre_test",
        "post_test",
    ]
    rows = [
        [f.enrolment.training_class.code, *(getattr(f, n) for n in names), _local(f.created_at)]
        for f in feedback
    ]
    return Section(
        "feedback",
        _("Feedback you gave on classes"),
        [_("Class code"), *(_head(Feedback, n) for n in names), _("Given at")],
        rows,
    )


def _lecturer(person: Person) -> Section:
    lecturer = (
        Lecturer.objects.filter(person=person)
        .select_related("unit")
        .prefetch_related("topics")
        .first()
    )
    rows = (
        []
        if lecturer is None
        else [
            [
                lecturer.get_kind_display(),
                lecturer.unit.name,
                ", ".join(str(t) for t in lecturer.topics.all()),
                lecturer.pedagogy_trained_on,
            ]
        ]
    )
    return Section(
        "lecturer",
        _("Lecturer profile"),
        [_("Kind"), _("Unit"), _("Topics"), _head(Lecturer, "pedagogy_trained_on")],
        rows,
    )


def _teaching(person: Person) -> Section:
    teaching = (
        ClassLecturer.objects.filter(lecturer__person=person)
        .select_related("training_class__organiser")
        .order_by("-training_class__start_date", "id")
    )
    rows = [
        [
            t.training_class.code,
            t.training_class.name,
            t.training_class.organiser.name,
            t.training_class.start_date,
            t.hours,
        ]
        for t in teaching
    ]
    return Section(
        "teaching",
        _("Teaching"),
        [_("Class code"), _("Name"), _("Organiser"), _("Start date"), _("Hours")],
        rows,
    )


def _evaluations(person: Person) -> Section:
    evaluations = (
        Evaluation.objects.filter(person=person, published_at__isnull=False)
        .select_related("unit", "role", "approved_by")
        .order_by("-year", "-id")
    )
    votes = ["votes_excellent", "votes_good", "votes_completed", "votes_not_completed"]
    rows = [
        [
            Plain(e.year),
            e.get_occasion_display(),
            e.unit.name,
            e.role.name,
            e.get_rating_display(),
            e.self_assessment,
            *(getattr(e, v) for v in votes),
            e.approved_by.name,
            _local(e.published_at),
        ]
        for e in evaluations
    ]
    return Section(
        "evaluations",
        _("Evaluations"),
        [
            _head(Evaluation, "year"),
            _head(Evaluation, "occasion"),
            _("Unit"),
            _("Role"),
            _head(Evaluation, "rating"),
            _head(Evaluation, "self_assessment"),
            *(_head(Evaluation, v) for v in votes),
            _head(Evaluation, "approved_by"),
            _head(Evaluation, "published_at"),
        ],
        rows,
        _("An evaluation is shown once the approving unit has published it."),
    )


def _pools(person: Person) -> Section:
    entries = (
        PoolEntry.objects.filter(person=person, entered_in__published_at__isnull=False)
        .select_related("pool__unit", "pool__term", "left_in")
        .order_by("-entered_on")
    )
    rows = []
    for e in entries:
        # A removal is shown once its own review is published, like the entry.
        left = e.left_on is not None and (e.left_in is None or e.left_in.published_at)
        rows.append(
            [
                e.pool.get_post_display(),
                e.pool.unit.name,
                e.pool.term.name,
                e.entered_on,
                e.entry_reason,
                e.left_on if left else None,
                e.leave_reason if left else "",
            ]
        )
    return Section(
        "pools",
        _("Succession pools"),
        [
            _("Post"),
            _("Unit"),
            _("Term"),
            _("Entered on"),
            _head(PoolEntry, "entry_reason"),
            _("Left on"),
            _head(PoolEntry, "leave_reason"),
        ],
        rows,
        _("A place in a succession pool is shown once the review that made it is published."),
    )


def _notices(person: Person) -> Section:
    notices = Notice.objects.filter(person=person).order_by("-created_at", "-id")
    return Section(
        "notices",
        _("Notices"),
        [_("Sent at"), _("Text")],
        [[_local(n.created_at), n.text] for n in notices],
    )


def _courses(person: Person) -> Section:
    enrolments = {
        e.course_id: e
        for e in CourseEnrolment.objects.filter(person=person).select_related(
            "course__organiser", "last_lesson"
        )
    }
    assigned = {
        a.course_id: a
        for a in Assignment.objects.filter(person=person).select_related("course__organiser")
    }
    rows = []
    for course_id in sorted(enrolments.keys() | assigned.keys()):
        e, a = enrolments.get(course_id), assigned.get(course_id)
        course = (e or a).course
        rows.append(
            [
                course.code,
                course.title,
                course.organiser.name,
                _local(a.assigned_at) if a else None,
                _local(e.enrolled_at) if e else None,
                _local(e.last_activity_at) if e else None,
                e.last_lesson.title if e and e.last_lesson else "",
                _local(e.completed_at) if e else None,
            ]
        )
    return Section(
        "courses",
        _("Online courses"),
        [
            _("Course code"),
            _("Title"),
            _("Organiser"),
            _("Assigned at"),
            _("Enrolled at"),
            _("Last activity"),
            _("Last lesson"),
            _("Completed at"),
        ],
        rows,
    )


def _lessons(person: Person) -> Section:
    progress = (
        LessonProgress.objects.filter(enrolment__person=person)
        .select_related("enrolment__course", "lesson")
        .order_by("enrolment__course__code", "lesson__module__rank", "lesson__rank")
    )
    rows = [
        [
            p.enrolment.course.code,
            p.lesson.title,
            p.percent,
            p.position_seconds,
            _local(p.done_at),
            _local(p.updated_at),
        ]
        for p in progress
    ]
    return Section(
        "lessons",
        _("Online lessons"),
        [
            _("Course code"),
            _("Lesson"),
            _("Progress (%)"),
            _("Position (seconds)"),
            _("Done at"),
            _("Updated at"),
        ],
        rows,
    )


def _scorm(person: Person) -> Section:
    attempts = (
        ScormAttempt.objects.filter(enrolment__person=person)
        .select_related("enrolment__course", "lesson")
        .order_by("enrolment__course__code", "lesson__rank", "id")
    )
    rows = [
        [
            a.enrolment.course.code,
            a.lesson.title,
            a.status,
            a.score_raw,
            a.total_seconds,
            _local(a.updated_at),
        ]
        for a in attempts
    ]
    return Section(
        "scorm",
        _("SCORM lessons"),
        [
            _("Course code"),
            _("Lesson"),
            _("Status"),
            _("Score"),
            _("Time (seconds)"),
            _("Updated at"),
        ],
        rows,
    )


def _sessions(person: Person) -> Section:
    """The sessions the person attended (or missed) and those they taught."""
    attended = (
        SessionAttendance.objects.filter(enrolment__person=person)
        .select_related("session__training_class")
        .order_by("session__date", "session__starts_at", "id")
    )
    taught = (
        ClassSession.objects.filter(lecturer__person=person)
        .select_related("training_class")
        .order_by("date", "starts_at", "id")
    )
    rows = [
        [
            a.session.training_class.code,
            a.session.date,
            f"{a.session.starts_at:%H:%M}–{a.session.ends_at:%H:%M}",
            _("Present") if a.present else _("Absent"),
            a.get_how_display(),
        ]
        for a in attended
    ] + [
        [
            s.training_class.code,
            s.date,
            f"{s.starts_at:%H:%M}–{s.ends_at:%H:%M}",
            _("Taught"),
            "",
        ]
        for s in taught
    ]
    return Section(
        "sessions",
        _("Class sessions"),
        [_("Class code"), _("Date"), _("Time"), _("Attendance"), _("Checked in by")],
        rows,
    )


def _quizzes(person: Person) -> Section:
    attempts = (
        QuizAttempt.objects.filter(enrolment__person=person)
        .select_related("enrolment__course", "lesson")
        .order_by("started_at", "id")
    )
    rows = [
        [
            a.enrolment.course.code,
            a.lesson.title,
            _local(a.started_at),
            _local(a.submitted_at),
            a.score_percent,
            _yes_no(a.passed),
            len(a.answers or {}),
        ]
        for a in attempts
    ]
    return Section(
        "quizzes",
        _("Quiz attempts"),
        [
            _("Course code"),
            _("Quiz"),
            _("Started at"),
            _("Submitted at"),
            _("Score (%)"),
            _("Passed"),
            _("Questions answered"),
        ],
        rows,
    )


def _reminders(person: Person) -> Section:
    reminders = (
        Reminder.objects.filter(person=person).select_related("course").order_by("-sent_at", "-id")
    )
    rows = [
        [r.course.code, r.text, _yes_no(r.emailed), _local(r.sent_at), _local(r.read_at)]
        for r in reminders
    ]
    return Section(
        "reminders",
        _("Reminders"),
        [_("Course code"), _("Text"), _("Also by email"), _("Sent at"), _("Read at")],
        rows,
    )


ACTIONS = {
    "create": gettext_lazy("Created"),
    "update": gettext_lazy("Changed"),
    "delete": gettext_lazy("Deleted"),
}


def _history(person: Person) -> Section:
    """The change history of the person's record and of what it owns (positions, training
    records, enrolments), as its 'Lịch sử thay đổi' page shows it (citizen ID and contacts
    masked there too). Pool entries are left out: before their review is published they are
    not the person's to see, and the section above shows the published ones."""
    pool_entries = ContentType.objects.get_for_model(PoolEntry)
    entries = history_of(person).exclude(content_type=pool_entries)[:HISTORY_SHOWN]
    rows = [
        [
            _local(e.entry.timestamp),
            e.actor_name,
            str(ACTIONS[e.action]),
            " ".join(filter(None, [e.kind, e.entry.object_repr])),
            "; ".join(_change_text(c) for c in e.changes),
        ]
        for e in describe(entries, page_model=Person)
    ]
    return Section(
        "history",
        _("Change history"),
        [_("When"), _("By"), _("Action"), _("What"), _("Changes")],
        rows,
        _("Changes to your record and what it holds, the latest %(n)s.") % {"n": HISTORY_SHOWN},
    )


def _change_text(change) -> str:
    if change.added or change.removed:
        return (
            f"{change.label}: +{change.added}"
            if change.added
            else f"{change.label}: −{change.removed}"
        )
    return f"{change.label}: {change.old} → {change.new}"


def _accesses(person: Person) -> Section:
    rows = [
        [
            _local(a.at),
            a.username,
            a.get_action_display(),
            a.get_source_display(),
            a.unit.name if a.unit else "",
            a.count,
        ]
        for a in accesses_about(person)
    ]
    return Section(
        "accesses",
        _("Who viewed or exported your data"),
        [_("When"), _("User"), _("Action"), _("Through"), _("Unit"), _("Rows of people")],
        rows,
        _(
            "Every full view of your citizen ID and contacts, your own exports, and the "
            "exports of lists covering your unit or a unit above it (they may hold your "
            "name). The latest 200."
        ),
    )


SECTIONS = (
    _profile,
    _accounts,
    _positions,
    _records,
    _enrolments,
    _sessions,
    _feedback,
    _lecturer,
    _teaching,
    _evaluations,
    _pools,
    _notices,
    _courses,
    _lessons,
    _quizzes,
    _scorm,
    _reminders,
    _history,
    _accesses,
)


def collect(person: Person) -> list[Section]:
    """Every section, in the order of the page (a fixed number of queries)."""
    return [section(person) for section in SECTIONS]


# --- the download ---------------------------------------------------------------------------


def _json_value(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def as_json(person: Person, sections: list[Section]) -> bytes:
    """One object: a key per section (its Vietnamese title), each a list of rows keyed by the
    column headings."""
    data = {
        _("Exported on"): timezone.localtime().replace(microsecond=0).isoformat(),
        _("Person"): person.full_name,
    }
    for s in sections:
        data[s.title] = [dict(zip(s.headers, map(_json_value, row), strict=True)) for row in s.rows]
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def as_xlsx(person: Person, sections: list[Section]) -> bytes:
    handle = io.BytesIO()
    book, styles = new_book(handle)
    for n, s in enumerate(sections, start=1):
        # Sheet names: at most 31 characters, unique, so numbered.
        write_table(
            book,
            styles,
            f"{n}. {s.title}"[:31],
            s.headers,
            s.rows,
            title=f"{s.title} — {person.full_name}",
            subtitle=s.note,
        )
    book.close()
    return handle.getvalue()


def archive_name(person: Person) -> str:
    return f"du-lieu-ca-nhan-{person.pk}.zip"


def as_zip(person: Person, sections: list[Section]) -> bytes:
    """The workbook (to read) and the JSON file (to take elsewhere) in one ZIP."""
    handle = io.BytesIO()
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("du-lieu-ca-nhan.xlsx", as_xlsx(person, sections))
        archive.writestr("du-lieu-ca-nhan.json", as_json(person, sections))
    return handle.getvalue()
