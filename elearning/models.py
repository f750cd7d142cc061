"""Online courses (`003` §I.2.3, §II.3.3): modules of lessons (text, PDF, video, an embedded
link, a quiz), enrolments with their progress, quiz attempts drawn and marked on the server.
A completed course writes a training record (form online) that counts toward the targets."""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lib.validators import validate_code, validate_one_line
from people.models import Person, Role
from training.models import Programme, Topic, TrainingRecord
from units.models import Unit


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Course(models.Model):
    """An online course of an organiser unit. Published, it is open to the organiser's
    subtree (when `open_to_subtree`), to the roles of its target group there, and to the
    people assigned to it."""

    SCOPE_UNIT_FIELDS = ("organiser",)

    code = models.CharField(
        _("course code"), max_length=40, unique=True, validators=[validate_code]
    )
    title = models.CharField(_("title"), max_length=255, validators=[validate_one_line])
    description = models.TextField(_("description"), blank=True)
    organiser = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="courses", verbose_name=_("organiser")
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("framework programme"),
    )
    topics = models.ManyToManyField(Topic, related_name="courses", verbose_name=_("topics"))
    hours = models.PositiveSmallIntegerField(_("hours"), validators=[MinValueValidator(1)])
    status = models.CharField(
        _("status"), max_length=10, choices=CourseStatus.choices, default=CourseStatus.DRAFT
    )
    open_to_subtree = models.BooleanField(_("open to the whole subtree"), default=True)
    audience_roles = models.ManyToManyField(
        Role, blank=True, related_name="+", verbose_name=_("target group (roles)")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("online course")
        verbose_name_plural = _("online courses")

    def __str__(self) -> str:
        return self.title


class Module(models.Model):
    SCOPE_UNIT_FIELDS = ("course__organiser",)

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(_("title"), max_length=255, validators=[validate_one_line])
    rank = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["course", "rank", "id"]


class LessonKind(models.TextChoices):
    TEXT = "text", _("Text")
    PDF = "pdf", _("PDF document")
    VIDEO = "video", _("Video")
    EMBED = "embed", _("Embedded video link")
    QUIZ = "quiz", _("Quiz")
    SCORM = "scorm", _("SCORM package")


class ScormVersion(models.TextChoices):
    SCORM_12 = "1.2", "SCORM 1.2"
    SCORM_2004 = "2004", "SCORM 2004"


class PhoneVideo(models.TextChoices):
    """Where a video lesson's phone rendition (elearning.video) stands."""

    PENDING = "pending", _("Being made")
    READY = "ready", _("Ready to play")
    FAILED = "failed", _("Not made")


class Lesson(models.Model):
    """One step of a module. A quiz lesson draws `question_count` questions of the course's
    bank; passing it needs `pass_percent`, within `max_attempts` and `time_limit_minutes`."""

    SCOPE_UNIT_FIELDS = ("module__course__organiser",)

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(_("title"), max_length=255, validators=[validate_one_line])
    rank = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=5, choices=LessonKind.choices)
    required = models.BooleanField(_("required"), default=True)
    body = models.TextField(_("text"), blank=True, help_text=_("Sanitised HTML."))
    file = models.FileField(_("file"), upload_to="elearning/%Y/", blank=True)
    embed_url = models.URLField(_("video link"), blank=True)
    question_count = models.PositiveSmallIntegerField(_("questions drawn"), default=10)
    pass_percent = models.PositiveSmallIntegerField(
        _("passing score (%)"), default=70, validators=[MaxValueValidator(100)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=3, validators=[MinValueValidator(1)]
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True
    )
    # A SCORM lesson's package (`file`, the .zip) as its manifest describes it (elearning.scorm):
    # the runtime it speaks and the file its first SCO opens, a path inside the package.
    scorm_version = models.CharField(
        _("SCORM version"), max_length=4, choices=ScormVersion.choices, blank=True
    )
    scorm_launch = models.CharField(_("SCORM launch file"), max_length=1000, blank=True)
    # A video lesson's phone rendition (≤ 360p, ~460 kbit/s) made in the background from
    # `file` by elearning.video; its state, and why it was not made (shown to the organiser).
    phone_file = models.FileField(
        _("phone version"), upload_to="elearning/phone/%Y/", blank=True, editable=False
    )
    phone_status = models.CharField(
        _("phone version status"),
        max_length=7,
        choices=PhoneVideo.choices,
        blank=True,
        editable=False,
    )
    phone_reason = models.CharField(
        _("why no phone version"), max_length=255, blank=True, editable=False
    )

    class Meta:
        ordering = ["module__rank", "module_id", "rank", "id"]


class Question(models.Model):
    """A question of the course's bank: one right choice, or several (all must be given)."""

    SCOPE_UNIT_FIELDS = ("course__organiser",)

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(_("question"))
    multiple = models.BooleanField(_("several right answers"), default=False)

    class Meta:
        ordering = ["course", "id"]


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("answer"), max_length=500)
    correct = models.BooleanField(_("right"), default=False)

    class Meta:
        ordering = ["question", "id"]


class Assignment(models.Model):
    """A course assigned to a person by an officer of their subtree."""

    SCOPE_UNIT_FIELDS = ("person__unit",)

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "person"], name="assignment_once")]


class CourseEnrolment(models.Model):
    """A learner in a course: where they stopped, when they completed, the record it wrote."""

    SCOPE_UNIT_FIELDS = ("course__organiser", "person__unit")

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="course_enrolments")
    enrolled_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    last_lesson = models.ForeignKey(
        Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    record = models.OneToOneField(
        TrainingRecord,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="course_enrolment",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course", "person"], name="courseenrolment_once")
        ]


class LessonProgress(models.Model):
    """A learner's progress in a lesson: text read to the end, video watched to ≥ 90%."""

    enrolment = models.ForeignKey(
        CourseEnrolment, on_delete=models.CASCADE, related_name="progress"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    percent = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    position_seconds = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="lessonprogress_once")
        ]


class QuizAttempt(models.Model):
    """One attempt at a quiz lesson: the questions and choice order drawn on the server, its
    deadline, and the score the server computed from the answers given."""

    enrolment = models.ForeignKey(
        CourseEnrolment, on_delete=models.CASCADE, related_name="attempts"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="attempts")
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    drawn = models.JSONField(default=list)  # [{"question": id, "choices": [ids in order]}]
    started_at = models.DateTimeField(auto_now_add=True)
    deadline_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(default=dict)  # {question id: [choice ids]}
    score_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score_percent__isnull=True) | Q(score_percent__range=(0, 100)),
                name="quizattempt_score_percent",
            )
        ]


class ScormAttempt(models.Model):
    """A learner's run of a SCORM lesson, as the package reported it through the runtime's
    commits: what the learner resumes from (`cmi`, a few bounded elements), the status, the
    score and the time spent. The lesson is done (LessonProgress) once it reports completed
    or passed."""

    enrolment = models.ForeignKey(
        CourseEnrolment, on_delete=models.CASCADE, related_name="scorm_attempts"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="scorm_attempts")
    cmi = models.JSONField(default=dict)  # {"cmi.core.lesson_location": "...", ...}
    status = models.CharField(max_length=20, blank=True)
    score_raw = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    score_min = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    score_max = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    total_seconds = models.PositiveIntegerField(default=0)
    commits = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="scormattempt_once")
        ]


class Reminder(models.Model):
    """A reminder sent to a learner who has not started or has stalled (in-app and email)."""

    enrolment = models.ForeignKey(
        CourseEnrolment, on_delete=models.CASCADE, related_name="reminders", null=True, blank=True
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="reminders")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=500)
    emailed = models.BooleanField(default=False)
    sent_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]


class OfflineEvent(models.Model):
    """A progress event made on a phone without a connection and sent later (issue 25 §3),
    kept by its key so that sending it again changes nothing and gets the same answer."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    lesson_id_sent = models.BigIntegerField(null=True, blank=True)  # as sent: may name nothing
    made_at = models.DateTimeField(null=True, blank=True)  # the phone's clock, as sent
    received_at = models.DateTimeField(auto_now_add=True)
    accepted = models.BooleanField(default=False)
    reason = models.CharField(max_length=40, blank=True)  # the refusal's code (elearning.offline)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "key"], name="offlineevent_once")]
