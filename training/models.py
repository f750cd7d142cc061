import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lib.stores import StoredFigures
from lib.validators import validate_code, validate_one_line
from people.models import Person, Role
from units.models import LocalisedName, Sector, Unit, UnitLevel

VALIDITY_HELP = _(
    "Training in it must be renewed after this many months (an OSH refresher, for example). "
    "Empty: it does not expire."
)


class Topic(LocalisedName):
    """A subject of training (labour law, collective bargaining, ...). Built-in set, editable."""

    builtin = models.BooleanField(default=False, editable=False)
    rank = models.PositiveSmallIntegerField(_("order"), default=100)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=VALIDITY_HELP,
    )

    class Meta:
        ordering = ["rank", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class Programme(models.Model):
    """A framework programme (chương trình khung) and the target group it is meant for."""

    name = models.CharField(_("name"), max_length=255, validators=[validate_one_line])
    issuing_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issuing unit"),
    )
    topics = models.ManyToManyField(Topic, related_name="programmes", verbose_name=_("topics"))
    hours = models.PositiveSmallIntegerField(_("hours"), default=0)
    target_roles = models.ManyToManyField(
        Role, blank=True, related_name="+", verbose_name=_("target roles")
    )
    target_levels = models.ManyToManyField(
        UnitLevel, blank=True, related_name="+", verbose_name=_("target levels")
    )
    target_full_time = models.BooleanField(_("for full-time cadres only"), null=True, blank=True)
    target_sector = models.CharField(
        _("employer sector"), max_length=10, blank=True, choices=Sector.choices
    )
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=VALIDITY_HELP,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("framework programme")
        verbose_name_plural = _("framework programmes")

    def __str__(self) -> str:
        return self.name


class InstitutionKind(models.TextChoices):
    UNION_SCHOOL = "union_school", _("Union college or university")
    POLITICAL_CENTRE = "political_centre", _("Political training centre")
    LEGAL_CENTRE = "legal_centre", _("Legal-advice centre")
    PARTY_FRONT = "party_front", _("Party or Front body")
    INTERNATIONAL = "international", _("International partner")
    OTHER = "other", _("Other")


class Institution(models.Model):
    name = models.CharField(_("name"), max_length=255, unique=True, validators=[validate_one_line])
    kind = models.CharField(_("kind"), max_length=20, choices=InstitutionKind.choices)
    # 003 §III: a level trains its chairs itself — or through a school it owns (the
    # confederation's Trade Union University, a province's cadre school).
    owner = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="institutions",
        verbose_name=_("owned by the union unit"),
        help_text=_("A school of a union level: its courses count as that level's own."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("training institution or partner")
        verbose_name_plural = _("training institutions and partners")

    def __str__(self) -> str:
        return self.name


class ClassKind(models.TextChoices):
    TRAINING = "training", _("Training")
    REFRESHER = "refresher", _("Refresher")
    WORKSHOP = "workshop", _("Workshop")


class Form(models.TextChoices):
    ON_SITE = "on_site", _("On-site")
    IN_SERVICE = "in_service", _("In-service")
    DISTANCE = "distance", _("Distance")
    ONLINE = "online", _("Online")
    BLENDED = "blended", _("Blended")


class FundingSource(models.TextChoices):
    UNION = "union", _("Union funds")
    STATE = "state", _("State budget")
    INTERNATIONAL = "international", _("International project")


class Audience(models.TextChoices):
    """Whom a class is for — decided when it is planned, whoever then attends. The sources
    count classes this way (000: "10 lớp … cho 934 lượt cán bộ công đoàn chuyên trách, 93 lớp
    cho 9.551 lượt cán bộ công đoàn không chuyên trách"; 002: classes "cho cán bộ và đoàn
    viên")."""

    FULL_TIME = "full_time", _("Full-time union cadres")
    PART_TIME = "part_time", _("Part-time union cadres")
    MEMBER = "member", _("Members and workers")
    MIXED = "mixed", _("Cadres and members")


class ClassStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open for nominations")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")
    # Called off before it ran: kept (who was nominated, who was told) but never counted.
    CANCELLED = "cancelled", _("Cancelled")


class TrainingClass(models.Model):
    """One delivered training event (lớp)."""

    SCOPE_UNIT_FIELDS = ("organiser",)

    code = models.CharField(_("class code"), max_length=40, unique=True, validators=[validate_code])
    name = models.CharField(_("name"), max_length=255, validators=[validate_one_line])
    organiser = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="classes", verbose_name=_("organiser")
    )
    co_organisers = models.ManyToManyField(
        Unit, blank=True, related_name="co_organised_classes", verbose_name=_("co-organising units")
    )
    partners = models.ManyToManyField(
        Institution, blank=True, related_name="classes", verbose_name=_("institutions and partners")
    )
    invited_units = models.ManyToManyField(
        Unit, blank=True, related_name="invited_classes", verbose_name=_("invited units")
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="classes",
        verbose_name=_("framework programme"),
    )
    topics = models.ManyToManyField(Topic, related_name="classes", verbose_name=_("topics"))
    kind = models.CharField(
        _("kind"), max_length=10, choices=ClassKind.choices, default=ClassKind.REFRESHER
    )
    form = models.CharField(_("form"), max_length=12, choices=Form.choices, default=Form.ON_SITE)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    venue = models.CharField(_("venue"), max_length=255, blank=True, validators=[validate_one_line])
    hours = models.PositiveSmallIntegerField(_("hours"))
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.MIXED
    )
    # Who exactly, in words ("Chủ tịch CĐCS dưới 1.000 đoàn viên"); the counts use `audience`.
    target_group = models.CharField(
        _("target group"), max_length=255, blank=True, validators=[validate_one_line]
    )
    budget_planned = models.DecimalField(
        _("planned budget"), max_digits=14, decimal_places=0, default=0
    )
    budget_actual = models.DecimalField(
        _("actual cost"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    funding_source = models.CharField(
        _("funding source"),
        max_length=15,
        choices=FundingSource.choices,
        default=FundingSource.UNION,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ClassStatus.choices, default=ClassStatus.PLANNED
    )
    # Issue 24 §6: a seat that frees goes to the first on the waiting list unless the organiser
    # turns this off (to choose by hand, e.g. a seat kept for a unit's chair).
    auto_promote = models.BooleanField(
        _("fill a freed seat from the waiting list automatically"), default=True
    )

    class Meta:
        ordering = ["-start_date", "code"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        indexes = [models.Index(fields=["organiser", "start_date"], name="class_org_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="class_end_not_before_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ClassSession(models.Model):
    """One sitting of a class (buổi học): a day, a time, a place, who teaches what. Attendance
    is taken per session; a class's attendance percentage and its lecturers' hours come from
    its sessions once it has any."""

    SCOPE_UNIT_FIELDS = ("training_class__organiser",)

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("class")
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("to"))
    venue = models.CharField(_("venue"), max_length=255, blank=True, validators=[validate_one_line])
    lecturer = models.ForeignKey(
        "Lecturer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("lecturer"),
    )
    topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("topic"),
    )

    class Meta:
        ordering = ["training_class", "date", "starts_at"]
        # Not "session": Django's own sessions app translates that word ("phiên").
        verbose_name = _("class session")
        verbose_name_plural = _("class sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class CheckIn(models.TextChoices):
    OFFICER = "officer", _("Marked by the officer")
    QR = "qr", _("Scanned the session's QR code")


class SessionAttendance(models.Model):
    """Whether one accepted person was at one session, and how that was recorded."""

    SCOPE_UNIT_FIELDS = ("session__training_class__organiser",)

    session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(
        "Enrolment", on_delete=models.CASCADE, related_name="session_attendance"
    )
    present = models.BooleanField(_("present"), default=True)
    how = models.CharField(max_length=10, choices=CheckIn.choices, default=CheckIn.OFFICER)
    at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_once")
        ]


class LecturerKind(models.TextChoices):
    PART_TIME = "part_time", _("Part-time lecturer")
    RAPPORTEUR = "rapporteur", _("Rapporteur")
    EXPERT = "expert", _("External expert")


class Lecturer(models.Model):
    SCOPE_UNIT_FIELDS = ("unit",)

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="lecturer", verbose_name=_("person")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="lecturers", verbose_name=_("unit")
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=LecturerKind.choices, default=LecturerKind.PART_TIME
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="lecturers", verbose_name=_("topics")
    )
    pedagogy_trained_on = models.DateField(_("pedagogy training on"), null=True, blank=True)

    class Meta:
        verbose_name = _("lecturer")
        verbose_name_plural = _("lecturers")

    def __str__(self) -> str:
        return str(self.person)


class ClassLecturer(models.Model):
    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.CASCADE, related_name="class_lecturers"
    )
    lecturer = models.ForeignKey(Lecturer, on_delete=models.PROTECT, related_name="teaching")
    hours = models.PositiveSmallIntegerField(_("teaching hours"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "lecturer"], name="classlecturer_unique"
            )
        ]


class EnrolmentStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    ACCEPTED = "accepted", _("Accepted")
    WAITLISTED = "waitlisted", _("Waiting list")
    REJECTED = "rejected", _("Rejected")
    # Taken back by the nominating unit (or the organiser) before the class ran: frees a seat.
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Enrolment(models.Model):
    """A person nominated to a class, then accepted (an attendance, lượt), waitlisted or
    rejected; results are recorded on it once the class runs."""

    SCOPE_UNIT_FIELDS = ("training_class__organiser", "nominating_unit")

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("class")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("person")
    )
    nominating_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("nominating unit")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.NOMINATED,
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    nominated_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    attendance_percent = models.PositiveSmallIntegerField(
        _("attendance (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    score = models.DecimalField(
        _("score"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    class Meta:
        ordering = ["training_class", "person__sort_key"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "person"], name="enrolment_once_per_class"
            )
        ]


class TrainingRecord(models.Model):
    """That a person completed training: from a class, or entered from an outside body."""

    SCOPE_UNIT_FIELDS = ("person__unit",)
    SCOPE_IDS_FIRST = True  # millions of rows, listed newest first (accounts.scope.scoped)

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="records", verbose_name=_("person")
    )
    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, null=True, blank=True, related_name="record"
    )
    training_class = models.ForeignKey(
        TrainingClass,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
        verbose_name=_("class"),
    )
    title = models.CharField(_("course"), max_length=255, validators=[validate_one_line])
    topics = models.ManyToManyField(Topic, related_name="records", verbose_name=_("topics"))
    programme = models.ForeignKey(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="records",
        verbose_name=_("framework programme"),
    )
    hours = models.PositiveSmallIntegerField(_("hours"))
    completed_on = models.DateField(_("completed on"))
    form = models.CharField(_("form"), max_length=12, choices=Form.choices)
    organiser = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organiser"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
        verbose_name=_("outside body"),
    )
    scan = models.FileField(_("scan"), upload_to="records/%Y/", blank=True)
    certificate_number = models.CharField(
        _("certificate number"), max_length=30, blank=True, validators=[validate_one_line]
    )
    certificate_year = models.PositiveSmallIntegerField(null=True, blank=True)
    # When it was signed, and what it said then (place, signer, wording): a certificate printed
    # again years later shows who signed it, not who chairs the union today.
    certificate_issued_on = models.DateField(_("issued on"), null=True, blank=True)
    certificate_signed = models.JSONField(default=dict, blank=True, editable=False)
    verification_code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    valid = models.BooleanField(_("valid"), default=True)
    # Issue 24 §5: training that must be renewed (its programme's or a topic's validity) stops
    # counting after this day; fixed when the record is made, as the certificate prints it.
    expires_on = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["-completed_on"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        indexes = [
            # A person's records up to a day; `valid` and `expires_on` too, so "trained by
            # then" (the statistics' basic training, once per cadre of a subtree) reads the
            # index alone, not each record's row.
            models.Index(
                fields=["person", "completed_on", "valid", "expires_on"], name="record_person_date"
            ),
            # The records list's order (API /records): its first page without sorting millions.
            models.Index(fields=["-completed_on", "id"], name="record_recent"),
            # What lapses soon (the needs list's section, the daily notice): only records that
            # expire at all, a small share of millions.
            models.Index(
                fields=["expires_on"],
                condition=Q(expires_on__isnull=False),
                name="record_expires",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organiser", "certificate_year", "certificate_number"],
                condition=~Q(certificate_number=""),
                name="certificate_number_unique",
            ),
        ]


RATING = [
    MinValueValidator(1, _("A rating is from 1 to 5.")),
    MaxValueValidator(5, _("A rating is from 1 to 5.")),
]


class ClassCorrection(models.Model):
    """A change made to a closed class by its organiser: closed classes are otherwise frozen."""

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.CASCADE, related_name="corrections"
    )
    user = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    what = models.CharField(max_length=500)

    class Meta:
        ordering = ["-at"]


class Feedback(models.Model):
    """A learner's rating of a class, once."""

    SCOPE_UNIT_FIELDS = ("enrolment__training_class__organiser",)

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="feedback")
    content = models.PositiveSmallIntegerField(_("content"), validators=RATING)
    lecturers = models.PositiveSmallIntegerField(_("lecturers"), validators=RATING)
    organisation = models.PositiveSmallIntegerField(_("organisation"), validators=RATING)
    usefulness = models.PositiveSmallIntegerField(_("usefulness"), validators=RATING)
    comment = models.TextField(_("comment"), blank=True)
    pre_test = models.DecimalField(
        _("pre-test score"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    post_test = models.DecimalField(
        _("post-test score"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(content__range=(1, 5))
                & Q(lecturers__range=(1, 5))
                & Q(organisation__range=(1, 5))
                & Q(usefulness__range=(1, 5)),
                name="feedback_ratings_1_to_5",
            ),
        ]


class CertificateLayout(models.TextChoices):
    """The built-in layouts, each after Decree 30/2020's presentation of an administrative
    document: the body's name top left, the national motto top right, place and date under it,
    the title, the text, the signature block bottom right."""

    PORTRAIT = "portrait", _("A4 portrait")
    LANDSCAPE = "landscape", _("A4 landscape, framed")
    A5 = "a5", _("A5 landscape")


class CertificateTemplate(models.Model):
    """How an organiser's certificates look and who signs them; one per organiser (a unit
    without one prints with the defaults below)."""

    organiser = models.OneToOneField(
        Unit, on_delete=models.CASCADE, related_name="certificate_template"
    )
    layout = models.CharField(
        _("layout"), max_length=10, choices=CertificateLayout.choices, default="portrait"
    )
    governing_body = models.CharField(
        _("governing body (empty: the unit above)"),
        max_length=200,
        blank=True,
        validators=[validate_one_line],
    )
    symbol = models.CharField(
        _("symbol after the number"), max_length=30, blank=True, validators=[validate_one_line]
    )
    place = models.CharField(
        _("place written before the date"), max_length=60, validators=[validate_one_line]
    )
    title = models.CharField(
        _("title"), max_length=60, default="GIẤY CHỨNG NHẬN", validators=[validate_one_line]
    )
    wording = models.CharField(
        _("wording before the course"),
        max_length=200,
        default="Đã hoàn thành khóa đào tạo, bồi dưỡng",
        validators=[validate_one_line],
    )
    signer_authority = models.CharField(
        _("signing on behalf of (e.g. TM. BAN THƯỜNG VỤ)"),
        max_length=100,
        blank=True,
        validators=[validate_one_line],
    )
    signer_title = models.CharField(
        _("signer's title"), max_length=100, validators=[validate_one_line]
    )
    signer_name = models.CharField(
        _("signer's full name"), max_length=100, validators=[validate_one_line]
    )
    # A PNG made again by the system from what was uploaded (training.certificates.clean_logo):
    # kept in the database and only ever drawn into a PDF, never served as uploaded.
    logo = models.BinaryField(blank=True, default=b"", editable=False)

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")


class BasicTrainingStore(StoredFigures):
    """The figures of "trained in basic union work" (training.selectors.basic_training) of
    every unit as of `as_of`, computed in full by training.basic_store, as the retention
    store keeps its own: a national count judges a million cadres, too much for a request.
    `changed_at`: a record, a post or a unit changed after the figures were computed (they
    are computed again, and counted live meanwhile)."""

    as_of = models.DateField()

    class Meta:
        verbose_name = _("stored basic training figures")
        verbose_name_plural = _("stored basic training figures")


class BasicTrainingFigure(models.Model):
    """One unit's figures in a store: of its subtree's full-time cadres and cadres of
    grassroots unions on the store's day, how many there are and how many are trained in
    basic union work. A unit without a row has none."""

    store = models.ForeignKey(BasicTrainingStore, on_delete=models.CASCADE, related_name="figures")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    full_time = models.PositiveIntegerField(default=0)
    full_time_trained = models.PositiveIntegerField(default=0)
    grassroots = models.PositiveIntegerField(default=0)
    grassroots_trained = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["store", "unit"], name="basic_training_figure_once")
        ]
