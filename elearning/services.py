"""Writes of e-learning: courses and their content (by the organiser's subtree), enrolment
(by the learner, in a course open to them), progress, and completion — which writes the
training record (form online, the course's hours and topics) with its certificate, so it
counts toward the targets at once. Quiz attempts live in `elearning/quizzes.py`."""

from functools import partial

import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import SYSTEM, Data, check_may_write, is_system
from elearning import scorm, selectors, tasks
from elearning.forms import MB, max_upload_bytes
from elearning.models import (
    Assignment,
    Course,
    CourseEnrolment,
    CourseStatus,
    Lesson,
    LessonKind,
    LessonProgress,
    Module,
    ScormAttempt,
)
from lib import uploads
from lib.dates import today
from notifications.selectors import accounts_of
from notifications.services import announce
from training import validity
from training.models import Form, TrainingRecord
from training.services import certificate_issue
from units.places import is_within

VIDEO_DONE_PERCENT = 90  # a video counts as watched from 90%
PDF_MAX_MB = 50  # a lesson's PDF: a book of a few hundred pages
# What rich text may hold: formatting, lists, links, tables, images — never scripts or styles.
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
    "hr",
}


def clean_html(html: str) -> str:
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "img": {"src", "alt"}},
        url_schemes={"http", "https", "mailto"},
    )


def check_organiser(user, course_or_unit) -> None:
    """Courses are written by writers of the organiser's subtree (None: a system job)."""
    unit = course_or_unit.organiser if isinstance(course_or_unit, Course) else course_or_unit
    check_may_write(user, unit, Data.ELEARNING, "organiser")


# --- content ------------------------------------------------------------------------------


@transaction.atomic
def course_save(
    *, user, course: Course | None = None, topics=None, audience_roles=None, **fields
) -> Course:
    course = course or Course()
    for name, value in fields.items():
        setattr(course, name, value)
    check_organiser(user, course.organiser)
    course.description = clean_html(course.description)
    if topics is not None and not list(topics):
        raise ValidationError({"topics": _("Choose at least one topic.")})
    course.full_clean()
    course.save()
    if topics is not None:
        course.topics.set(topics)
    if audience_roles is not None:
        course.audience_roles.set(audience_roles)
    return course


@transaction.atomic
def course_publish(*, user, course: Course, published: bool = True) -> Course:
    check_organiser(user, course)
    if published and not Lesson.objects.filter(module__course=course).exists():
        raise ValidationError(_("Add at least one lesson before publishing the course."))
    for lesson in (
        Lesson.objects.filter(module__course=course, kind=LessonKind.QUIZ) if published else []
    ):
        if course.questions.count() < lesson.question_count:
            raise ValidationError(
                _("The quiz “%(title)s” draws %(n)s questions but the bank holds %(held)s.")
                % {
                    "title": lesson.title,
                    "n": lesson.question_count,
                    "held": course.questions.count(),
                }
            )
    was_published = course.status == CourseStatus.PUBLISHED
    course.status = CourseStatus.PUBLISHED if published else CourseStatus.DRAFT
    course.save(update_fields=["status"])
    if published and not was_published:  # those assigned to the draft can start now
        _tell_assigned(user, course, list(course.assignments.values_list("person_id", flat=True)))
    return course


@transaction.atomic
def module_save(*, user, course: Course, module: Module | None = None, **fields) -> Module:
    check_organiser(user, course)
    module = module or Module(course=course)
    for name, value in fields.items():
        setattr(module, name, value)
    module.full_clean()
    module.save()
    return module


@transaction.atomic
def lesson_save(*, user, module: Module, lesson: Lesson | None = None, **fields) -> Lesson:
    check_organiser(user, module.course)
    lesson = lesson or Lesson(module=module)
    kind_before = lesson.kind if lesson.pk else None
    file_before = lesson.file.name if lesson.pk else None
    for name, value in fields.items():
        setattr(lesson, name, value)
    lesson.body = clean_html(lesson.body)
    errors = {}
    if lesson.kind in (LessonKind.PDF, LessonKind.VIDEO) and not lesson.file:
        errors["file"] = _("Attach the file of the lesson.")
    elif lesson.kind in (LessonKind.PDF, LessonKind.VIDEO):
        try:
            _check_lesson_file(lesson, fields.get("file"), kind_before)
        except ValidationError as error:
            errors["file"] = error.messages
    if lesson.kind == LessonKind.EMBED and not lesson.embed_url:
        errors["embed_url"] = _("Give the link of the video.")
    if lesson.kind == LessonKind.SCORM:
        _check_scorm_package(lesson, fields.get("file"), errors)
    else:
        lesson.scorm_version, lesson.scorm_launch = "", ""
    if errors:
        raise ValidationError(errors)
    lesson.full_clean()
    lesson.save()
    if lesson.kind == LessonKind.SCORM:
        _scorm_package_lessons(lesson)
    tasks.lesson_saved(lesson, kind_before=kind_before, file_before=file_before)
    return lesson


def _check_scorm_package(lesson: Lesson, new, errors: dict) -> None:
    """A package uploaded now is checked and its manifest read (elearning.scorm): what it
    opens and the runtime it speaks are kept on the lesson. One kept from before was read
    when it was uploaded; a file of another kind of lesson never was."""
    if hasattr(new, "read"):
        try:
            package = scorm.read_package(new)
        except ValidationError as error:
            errors["file"] = error.messages
            return
        lesson.scorm_version, lesson.scorm_launch = package.version, package.launch
        if len(package.scos) > 1:  # a lesson per SCO, the others made once this one is saved
            lesson.title = package.scos[0].title
            lesson.scorm_package = package
            lesson.scorm_replaced = (
                Lesson.objects.filter(pk=lesson.pk).values_list("file", flat=True).first()
                if lesson.pk
                else None
            )
    elif not lesson.file or not lesson.scorm_launch:
        errors["file"] = _("Attach the SCORM package (.zip) of the lesson.")


def _scorm_package_lessons(lesson: Lesson) -> None:
    """A package of several SCOs (elearning.scorm.read_manifest) is a lesson per SCO: the
    saved lesson opens the first, and a lesson sharing the stored package opens each other
    one, right after it in the module, titled from its item, required as the first is, so
    the course completes when every required SCO has reported completed or passed. A package
    uploaded again over such a lesson updates, in order, the lessons of the package it
    replaces (their learners' attempts kept) and makes more when it has more SCOs; lessons
    of the old package past its count stay on the old package."""
    package = getattr(lesson, "scorm_package", None)
    if package is None:
        return
    more = package.scos[1:]
    replaced = getattr(lesson, "scorm_replaced", None)
    kept = (
        list(
            Lesson.objects.filter(module=lesson.module_id, kind=LessonKind.SCORM, file=replaced)
            .exclude(pk=lesson.pk)
            .order_by("rank", "id")[: len(more)]
        )
        if replaced
        else []
    )
    Lesson.objects.filter(module=lesson.module_id, rank__gt=lesson.rank).exclude(
        pk__in=[k.pk for k in kept]
    ).update(rank=F("rank") + len(more))
    for number, sco in enumerate(more, 1):
        sibling = kept[number - 1] if number <= len(kept) else Lesson(module=lesson.module)
        sibling.kind, sibling.title, sibling.required = LessonKind.SCORM, sco.title, lesson.required
        sibling.rank, sibling.file = lesson.rank + number, lesson.file.name
        sibling.scorm_version, sibling.scorm_launch = package.version, sco.launch
        sibling.full_clean()
        sibling.save()


def lesson_file_kinds(kind: str) -> dict[str, int]:
    """What a lesson of this kind may carry, by content, and the size of each."""
    if kind == LessonKind.PDF:
        return {"pdf": min(PDF_MAX_MB * MB, max_upload_bytes())}
    if kind == LessonKind.VIDEO:
        return dict.fromkeys(("mp4", "webm", "ogg"), max_upload_bytes())
    return {}


def lesson_file_check(kind: str, head: bytes, size: int) -> str:
    """The kind of a lesson's file (uploaded, in an archive or stored), or ValidationError."""
    return uploads.check(
        head, size, kinds=lesson_file_kinds(kind), what=_("The file of the lesson")
    )


def _check_lesson_file(lesson: Lesson, new, kind_before: str | None) -> None:
    """A file uploaded now is read from the upload; one kept from before is read from storage
    when the lesson changes kind. A course archive names a file not written yet: the archive
    checks its content itself (elearning.exchange)."""
    if hasattr(new, "read"):
        lesson_file_check(lesson.kind, uploads.head_of(new), new.size)
        return
    storage, name = lesson.file.storage, lesson.file.name
    if new is not None or kind_before == lesson.kind or not storage.exists(name):
        return
    with storage.open(name, "rb") as stored:
        lesson_file_check(lesson.kind, stored.read(uploads.HEAD), storage.size(name))


# --- learning -----------------------------------------------------------------------------


@transaction.atomic
def enrol(*, user, course: Course) -> CourseEnrolment:
    """The learner enrols in a course open to them (once; enrolling again resumes)."""
    person = user.person if not is_system(user) else None
    if person is None:
        raise ValidationError(_("Only a person's own account can enrol in a course."))
    if not selectors.courses_open_to(person).filter(pk=course.pk).exists():
        raise ValidationError(_("This course is not open to you."))
    enrolment, _created = CourseEnrolment.objects.get_or_create(course=course, person=person)
    return enrolment


def _own(user, enrolment: CourseEnrolment) -> None:
    if is_system(user) or user.person_id != enrolment.person_id:
        raise ValidationError(_("Only the learner can do this."))


@transaction.atomic
def progress_report(
    *, user, enrolment: CourseEnrolment, lesson: Lesson, percent: int, position_seconds: int = 0
) -> LessonProgress:
    """What the lesson page reports: how far the text was read or the video watched. Text is
    done at 100% (opened to its end), a video from 90%, a PDF once opened; a quiz is done
    only by passing it (see quizzes)."""
    _own(user, enrolment)
    if lesson.module.course_id != enrolment.course_id:
        raise ValidationError(_("This lesson belongs to another course."))
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        raise ValidationError({"percent": _("A percentage is from 0 to 100.")})
    progress, _created = LessonProgress.objects.select_for_update().get_or_create(
        enrolment=enrolment, lesson=lesson
    )
    progress.percent = max(progress.percent, percent)
    progress.position_seconds = max(0, int(position_seconds or 0))
    threshold = {
        LessonKind.VIDEO: VIDEO_DONE_PERCENT,
        LessonKind.EMBED: VIDEO_DONE_PERCENT,
        LessonKind.PDF: 0,
        LessonKind.TEXT: 100,
    }.get(lesson.kind)
    if progress.done_at is None and threshold is not None and progress.percent >= threshold:
        progress.done_at = timezone.now()
    progress.save()
    enrolment.last_lesson, enrolment.last_activity_at = lesson, timezone.now()
    enrolment.save(update_fields=["last_lesson", "last_activity_at"])
    complete_if_done(enrolment)
    return progress


@transaction.atomic
def complete_if_done(enrolment: CourseEnrolment) -> bool:
    """Every required lesson done and every quiz passed: the course is complete, once. The
    record it writes has the course's organiser, hours and topics, form online, and a
    certificate number, so the verification page shows it like a class's. The enrolment is
    locked and read again: two reports arriving together complete it once."""
    given = enrolment
    enrolment = CourseEnrolment.objects.select_for_update().get(pk=given.pk)
    if enrolment.completed_at is not None:
        given.completed_at, given.record_id = enrolment.completed_at, enrolment.record_id
        return True
    required = set(
        Lesson.objects.filter(module__course=enrolment.course_id, required=True).values_list(
            "pk", flat=True
        )
    )
    if not required <= selectors.done_lessons(enrolment):
        return False
    course = enrolment.course
    topics = list(course.topics.all())
    record = TrainingRecord.objects.create(
        person=enrolment.person,
        title=course.title,
        programme=course.programme,
        hours=course.hours,
        completed_on=today(),
        form=Form.ONLINE,
        organiser=course.organiser,
        expires_on=validity.expires_on(today(), course.programme, topics),
    )
    record.topics.set(topics)
    certificate_issue(user=SYSTEM, record=record)
    enrolment.completed_at, enrolment.record = timezone.now(), record
    enrolment.save(update_fields=["completed_at", "record"])
    given.completed_at, given.record = enrolment.completed_at, record
    return True


# --- SCORM packages -----------------------------------------------------------------------


@transaction.atomic
def scorm_attempt(*, user, lesson: Lesson) -> ScormAttempt:
    """The learner's attempt at a SCORM lesson, made when they first open it (its key goes
    into the content origin's URLs: elearning.scorm.make_token)."""
    if lesson.kind != LessonKind.SCORM:
        raise ValidationError(_("This lesson is not a SCORM package."))
    enrolment = CourseEnrolment.objects.filter(
        course=lesson.module.course_id, person=user.person_id
    ).first()
    if enrolment is None:
        raise Http404
    _own(user, enrolment)
    attempt, _created = ScormAttempt.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    enrolment.last_lesson, enrolment.last_activity_at = lesson, timezone.now()
    enrolment.save(update_fields=["last_lesson", "last_activity_at"])
    return attempt


class NotThisAttempt(Exception):
    """A commit's key does not name the attempt it claims (or the attempt is gone)."""


@transaction.atomic
def scorm_commit(*, key: dict, data) -> ScormAttempt:
    """What the runtime commits for an attempt, `key` being its signed key's content
    (elearning.scorm.read_token: attempt, person, lesson). The package's status, score, time
    and resume data are kept; completed or passed marks the lesson done, which completes the
    course (and writes its training record) when it was the last one, as any lesson does.
    The key is the learner's only credential here: the content origin has no session."""
    attempt = (
        ScormAttempt.objects.select_for_update()
        .select_related("enrolment", "lesson")
        .filter(pk=key["a"])
        .first()
    )
    if (
        attempt is None
        or attempt.enrolment.person_id != key["p"]
        or attempt.lesson_id != key["l"]
        or attempt.lesson.kind != LessonKind.SCORM
    ):
        raise NotThisAttempt
    commit = scorm.read_commit(
        data, attempt.lesson.scorm_version, mastery=partial(scorm.mastery_score, attempt.lesson)
    )
    attempt.cmi = {**(attempt.cmi if isinstance(attempt.cmi, dict) else {}), **commit.cmi}
    if commit.status:
        attempt.status = commit.status
    for name in ("score_raw", "score_min", "score_max"):
        if getattr(commit, name) is not None:
            setattr(attempt, name, getattr(commit, name))
    if commit.total_seconds is not None:
        attempt.total_seconds = commit.total_seconds
    attempt.commits += 1
    attempt.save()
    enrolment = attempt.enrolment
    progress, _created = LessonProgress.objects.select_for_update().get_or_create(
        enrolment=enrolment, lesson=attempt.lesson
    )
    if commit.done and progress.done_at is None:  # once done, a later commit never undoes it
        progress.done_at, progress.percent = timezone.now(), 100
        progress.save()
    enrolment.last_lesson, enrolment.last_activity_at = attempt.lesson, timezone.now()
    enrolment.save(update_fields=["last_lesson", "last_activity_at"])
    if progress.done_at is not None:
        complete_if_done(enrolment)
    # What the commit's answer tells the lesson page (elearning.views.scorm.commit).
    attempt.lesson_done = progress.done_at is not None
    attempt.course_completed = enrolment.completed_at is not None
    attempt.completed_record_id = enrolment.record_id
    return attempt


def report_progress(
    user, lesson: Lesson, percent, position
) -> tuple[LessonProgress, CourseEnrolment]:
    """progress_report for the user's own enrolment in the lesson's course (404 if none);
    complete_if_done locks the enrolment, so two reports arriving together complete it
    once."""
    enrolment = CourseEnrolment.objects.filter(
        course=lesson.module.course_id, person=user.person_id
    ).first()
    if enrolment is None:
        raise Http404
    progress = progress_report(
        user=user, enrolment=enrolment, lesson=lesson, percent=percent, position_seconds=position
    )
    return progress, enrolment


# --- assignments ---------------------------------------------------------------------------


@transaction.atomic
def assignments_add(*, user, course: Course, people) -> int:
    """Assign the course to people of the organiser's subtree; returns how many were new."""
    check_organiser(user, course)
    people = list(people)
    outside = [p for p in people if not is_within(p.unit, course.organiser)]
    if outside:
        raise ValidationError(
            {
                "person": _("%(name)s is not in the organiser's subtree.")
                % {"name": outside[0].full_name}
            }
        )
    have = set(
        Assignment.objects.filter(course=course, person__in=people).values_list(
            "person_id", flat=True
        )
    )
    new = [Assignment(course=course, person=p) for p in people if p.pk not in have]
    Assignment.objects.bulk_create(new)
    _tell_assigned(user, course, [a.person_id for a in new])
    return len(new)


def _tell_assigned(user, course: Course, person_ids: list[int]) -> None:
    """Each newly assigned person with an account, in their inbox and by mail (issue 24 §1);
    not the officer who assigned themselves."""
    if not person_ids or course.status != CourseStatus.PUBLISHED:
        return  # a draft's assignees are told when they can start it: see course_publish
    recipients = accounts_of(person_ids)
    if not is_system(user):
        recipients = recipients.exclude(pk=user.pk)
    announce(
        recipients=recipients,
        kind="course_assigned",
        url=reverse("elearning:learn_course", args=[course.pk]),
        unless_repeated=True,  # a course published again tells no one twice
        title=course.title,
        unit=course.organiser.name,
    )


@transaction.atomic
def assignment_remove(*, user, assignment: Assignment) -> None:
    check_organiser(user, assignment.course)
    assignment.delete()


@transaction.atomic
def assignments_set(*, user, course: Course, people) -> None:
    """Exactly these people assigned (the API's PATCH)."""
    people = list(people)
    assignments_add(user=user, course=course, people=people)
    Assignment.objects.filter(course=course).exclude(person__in=[p.pk for p in people]).delete()
