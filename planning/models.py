"""The yearly cycle of `004` and `003`: needs surveys, annual training plans approved by the
unit above, the classes run against them, spending, and member-growth figures."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lib.stores import StoredFigures
from lib.validators import validate_one_line
from training.models import FundingSource, Programme, Topic, TrainingClass
from units.models import MAX_COUNT, Unit


class TargetGroup(models.TextChoices):
    """Who a plan line or a survey count is for (the categories of `004` and `003` §II.3.1)."""

    KEY_LEADERS = "key_leaders", _("Key leaders")
    FULL_TIME = "full_time", _("Full-time cadres")
    PART_TIME = "part_time", _("Part-time cadres")
    GROUP_LEADERS = "group_leaders", _("Union-group leaders and deputies")
    LECTURERS = "lecturers", _("Part-time lecturers")
    MEMBERS = "members", _("Union members")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")


MONEY = {"max_digits": 16, "decimal_places": 0, "validators": [MinValueValidator(0)]}


class CountField(models.PositiveIntegerField):
    """A count of people, classes or unions, bounded alike on SQLite and PostgreSQL (whose
    integers stop at 2,147,483,647); the whole union has about 11 million members."""

    default_validators = [MaxValueValidator(10_000_000)]


class PlanDeadline(models.Model):
    """The day by which the units directly under `unit` submit their plans for `year`."""

    SCOPE_UNIT_FIELDS = ("unit",)

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="plan_deadlines", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    due_on = models.DateField(_("submit by"))

    class Meta:
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="plandeadline_unique")]


class Plan(models.Model):
    """A unit's annual training plan (kế hoạch đào tạo, bồi dưỡng năm) with its budget."""

    SCOPE_UNIT_FIELDS = ("unit",)

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="plans", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    revision = models.PositiveSmallIntegerField(_("revision"), default=0)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "unit__path"]
        verbose_name = _("annual training plan")
        verbose_name_plural = _("annual training plans")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="plan_unique")]

    def __str__(self) -> str:
        return f"{self.unit} — {self.year}"


class PlanLine(models.Model):
    """One line of a plan: what, for whom, how many classes and trainees, when, what cost."""

    SCOPE_UNIT_FIELDS = ("plan__unit",)

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="lines", verbose_name=_("plan")
    )
    name = models.CharField(_("content"), max_length=255, validators=[validate_one_line])
    topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("topic"),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("framework programme"),
    )
    target_group = models.CharField(_("target group"), max_length=15, choices=TargetGroup.choices)
    classes = CountField(_("classes"))
    trainees = CountField(_("trainees"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    budget = models.DecimalField(_("budget estimate (VND)"), default=0, **MONEY)
    funding_source = models.CharField(
        _("funding source"),
        max_length=15,
        choices=FundingSource.choices,
        default=FundingSource.UNION,
    )

    class Meta:
        ordering = ["plan", "quarter", "id"]
        verbose_name = _("plan line")
        verbose_name_plural = _("plan lines")
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="planline_budget_positive"),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__range=(1, 4)),
                name="planline_quarter_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PlanEvent(models.Model):
    """The plan's history: submissions, returns with the comment, approvals, and every
    change made after approval (a revision) with the old and new values."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for changes")
        APPROVED = "approved", _("Approved")
        REVISED = "revised", _("Revised after approval")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=Action.choices)
    user = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)
    changes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-at", "-id"]


class ClassLink(models.Model):
    """A class run against a plan line: its classes, trainees and cost count as the actual."""

    SCOPE_UNIT_FIELDS = ("line__plan__unit",)

    line = models.ForeignKey(PlanLine, on_delete=models.CASCADE, related_name="class_links")
    training_class = models.OneToOneField(
        TrainingClass, on_delete=models.CASCADE, related_name="plan_link", verbose_name=_("class")
    )


class Spending(models.Model):
    """A unit's operating spending and the training costs outside classes, for a year."""

    SCOPE_UNIT_FIELDS = ("unit",)

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="spendings", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    operating_total = models.DecimalField(_("total operating spending (VND)"), **MONEY)
    other_training = models.DecimalField(_("other training costs (VND)"), default=0, **MONEY)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-year", "unit__path"]
        verbose_name = _("spending")
        verbose_name_plural = _("spending")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="spending_unique"),
            models.CheckConstraint(
                condition=Q(operating_total__gt=0) & Q(other_training__gte=0),
                name="spending_amounts_positive",
            ),
        ]


class MemberGrowth(models.Model):
    """A unit's member and grassroots-union figures for a period, as `004` reports them.

    Net growth counts admissions minus other decreases; transfers in and out are kept but
    excluded. Each row holds the unit's own figures; a subtree's are the sum of its rows."""

    SCOPE_UNIT_FIELDS = ("unit",)

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="member_growth", verbose_name=_("unit")
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    admitted = CountField(_("members admitted"), default=0)
    other_decreases = CountField(_("other decreases"), default=0)
    transfers_in = CountField(_("transferred in"), default=0)
    transfers_out = CountField(_("transferred out"), default=0)
    unions_founded = CountField(_("grassroots unions founded"), default=0)
    unions_dissolved = CountField(_("grassroots unions dissolved"), default=0)
    enterprises_30plus = CountField(_("enterprises with 30 workers or more"), default=0)
    enterprises_with_union = CountField(_("of which with a grassroots union"), default=0)

    class Meta:
        ordering = ["-period_end", "unit__path"]
        verbose_name = _("member growth")
        verbose_name_plural = _("member growth")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period_start", "period_end"], name="membergrowth_unique"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="membergrowth_period_positive",
            ),
            models.CheckConstraint(
                condition=Q(enterprises_with_union__lte=models.F("enterprises_30plus")),
                name="membergrowth_coverage_at_most_all",
            ),
        ]

    @property
    def net_growth(self) -> int:
        return self.admitted - self.other_decreases


class Survey(models.Model):
    """A training-needs survey (khảo sát nhu cầu) a unit opens to its subtree."""

    SCOPE_UNIT_FIELDS = ("unit",)

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(
        _("plan year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=255, validators=[validate_one_line])
    topics = models.ManyToManyField(Topic, related_name="+", verbose_name=_("topics asked"))
    deadline = models.DateField(_("answer by"))
    closed = models.BooleanField(_("closed early"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-deadline", "-id"]
        verbose_name = _("training-needs survey")
        verbose_name_plural = _("training-needs surveys")

    def __str__(self) -> str:
        return self.title

    def is_open_on(self, day) -> bool:
        return not self.closed and day <= self.deadline


class SurveyAnswer(models.Model):
    """One unit's answer to a survey (editable until the deadline)."""

    SCOPE_UNIT_FIELDS = ("unit",)

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    comment = models.TextField(_("comments"), blank=True)
    answered_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "unit"], name="surveyanswer_once_per_unit")
        ]


class SurveyNeed(models.Model):
    """How many of the answering unit's cadres of a category need a topic."""

    answer = models.ForeignKey(SurveyAnswer, on_delete=models.CASCADE, related_name="needs")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    target_group = models.CharField(max_length=15, choices=TargetGroup.choices)
    count = CountField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "topic", "target_group"], name="surveyneed_unique"
            )
        ]


tax_code_validator = RegexValidator(
    r"^\d{10}(-\d{3})?$",
    _("A tax code has 10 digits, or 10 digits, a hyphen and 3 digits (a branch)."),
    code="tax_code",
)


class Employer(models.Model):
    """An employer of the enterprise register (004: "rà soát nắm chắc số lượng các doanh
    nghiệp … có từ 30 lao động trở lên", with social insurance, tax and the communes): its tax
    code is its key; the area union is the union unit whose area it lies in (the district
    federation, the industrial-zone union…); `union` its grassroots union, if it has one."""

    SCOPE_UNIT_FIELDS = ("area",)

    tax_code = models.CharField(
        _("tax code"), max_length=14, unique=True, validators=[tax_code_validator]
    )
    name = models.CharField(_("name"), max_length=255, validators=[validate_one_line])
    address = models.CharField(
        _("address"), max_length=255, blank=True, validators=[validate_one_line]
    )
    # Ward or commune, and province, as they stand after the 2025 reorganisation.
    commune = models.CharField(
        _("ward or commune"), max_length=100, blank=True, validators=[validate_one_line]
    )
    province = models.CharField(
        _("province"), max_length=100, blank=True, validators=[validate_one_line]
    )
    sector = models.CharField(
        _("sector"), max_length=100, blank=True, validators=[validate_one_line]
    )
    workers = models.PositiveIntegerField(
        _("workers"), null=True, blank=True, validators=[MaxValueValidator(MAX_COUNT)]
    )
    area = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="employers", verbose_name=_("area union")
    )
    union = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employer_of",
        verbose_name=_("grassroots union"),
    )
    source = models.CharField(
        _("source"), max_length=100, blank=True, validators=[validate_one_line]
    )
    updated_on = models.DateField(_("updated on"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")

    def __str__(self) -> str:
        return f"{self.name} ({self.tax_code})"


class ClassGoal(models.Model):
    """Classes to open and trainees to train in a year, given by a unit to a unit directly
    below it (004: the city asks the units below it to plan "đảm bảo về nội dung, chỉ tiêu mở
    lớp cũng như đối tượng được đào tạo"): the unit's subtree is judged on the classes it held
    that year and their attendances. The unit may set itself higher goals (`own_*`)."""

    SCOPE_UNIT_FIELDS = ("unit",)

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    given_by = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    classes = CountField(_("classes"), null=True, blank=True)
    trainees = CountField(_("trainees"), null=True, blank=True)
    own_classes = CountField(_("own goal: classes"), null=True, blank=True)
    own_trainees = CountField(_("own goal: trainees"), null=True, blank=True)
    method = models.CharField(_("how it was divided"), max_length=10, default="by_hand")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "unit"], name="classgoal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.year}"

    @property
    def goal_classes(self) -> int | None:
        return self.own_classes if self.own_classes is not None else self.classes

    @property
    def goal_trainees(self) -> int | None:
        return self.own_trainees if self.own_trainees is not None else self.trainees


class NewCadreStore(StoredFigures):
    """The new cadres not yet trained in basic union work (planning.selectors.
    new_cadres_untrained) of every unit with units below it, as of `as_of`, for the posts
    taken since its congress, computed in full by planning.new_cadres_store: a national
    count judges a million posts, too much for a request. `changed_at`: a record, a post, a
    person, a unit or a term changed after the figures were computed (they are computed
    again, and counted live meanwhile)."""

    as_of = models.DateField()

    class Meta:
        verbose_name = _("stored new cadres")
        verbose_name_plural = _("stored new cadres")


class NewCadreEntry(models.Model):
    """One new cadre of a unit (`path`, its path on the store's day) in a store: the post
    that puts them there, its category (a place in NEW_CADRE_CATEGORIES), the row it counts
    in (`row`: the path of the unit directly below, or the unit's own path) and its place in
    the unit's list (`rank`, from 0), so that a page of the list is read by its ranks."""

    store = models.ForeignKey(NewCadreStore, on_delete=models.CASCADE, related_name="entries")
    path = models.CharField(max_length=255)
    rank = models.PositiveIntegerField()
    row = models.CharField(max_length=255)
    position_id = models.BigIntegerField()
    category = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["store", "path", "rank"], name="new_cadre_entry_rank_once"
            )
        ]


class NewCadreCount(models.Model):
    """How many new cadres of a unit (`path`) count in one row (`row`) and category."""

    store = models.ForeignKey(NewCadreStore, on_delete=models.CASCADE, related_name="counts")
    path = models.CharField(max_length=255)
    row = models.CharField(max_length=255)
    category = models.PositiveSmallIntegerField()
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["store", "path"], name="new_cadre_count_path")]
