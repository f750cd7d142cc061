"""Resolution targets as data, and the stored figures of their evaluation.

A target says who must have what by when: a population of post-holders (filters on the
position and its unit), a requirement (a qualifying training record, or a qualification), a
window (term, calendar year, fixed date, N years from the term's start, N months from taking
the post) and a threshold for units. The engine in `targets/engine.py` evaluates it.
"""

import datetime as dt
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lib.periods import in_force_q
from lib.validators import validate_code, validate_one_line
from people.models import EducationLevel, PoliticalTheory, Role
from training.models import Programme, Topic
from units.models import Sector, Unit, UnitKind, UnitLevel, UnitVersion
from units.places import is_within


class SavedWithToken:
    """A save that moves the definitions token (targets.signals, on post_save) commits the
    row and the token together, even in autocommit (a delete already does)."""

    def save(self, *args, **kwargs):
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)


class SourceDocument(SavedWithToken, models.Model):
    """A resolution, plan or report whose targets are held here (e.g. source 003)."""

    code = models.CharField(_("code"), max_length=20, unique=True, validators=[validate_code])
    number = models.CharField(
        _("document number"), max_length=60, blank=True, validators=[validate_one_line]
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issuer = models.CharField(_("issuing body"), max_length=255, validators=[validate_one_line])
    title = models.CharField(_("title"), max_length=500, validators=[validate_one_line])

    class Meta:
        ordering = ["code"]
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


class TargetKind(models.TextChoices):
    TRAINING = "training", _("Training")
    QUALIFICATION = "qualification", _("Qualification")
    TITLE_STANDARD = "title_standard", _("Title standard")
    SPENDING_SHARE = "spending_share", _("Spending share")
    MEMBER_GROWTH = "member_growth", _("Member growth")
    FOUNDED_UNIONS = "founded_unions", _("Grassroots unions founded")
    COVERAGE = "coverage", _("Coverage")


# Kinds evaluated per person; the others are unit figures that the planning work supplies.
PERSON_KINDS = {TargetKind.TRAINING, TargetKind.QUALIFICATION, TargetKind.TITLE_STANDARD}
# Unit targets whose goal is a number to reach (its parts add up to the whole), and those
# whose goal is a percentage (each unit has one of its own; parts do not add up).
COUNT_KINDS = {TargetKind.MEMBER_GROWTH, TargetKind.FOUNDED_UNIONS}
PERCENT_KINDS = {TargetKind.SPENDING_SHARE, TargetKind.COVERAGE}


class WindowKind(models.TextChoices):
    TERM = "term", _("Within the current term")
    YEARLY = "yearly", _("Every calendar year")
    FIXED_DATE = "fixed_date", _("By a fixed date")
    YEARS_FROM_TERM_START = "term_years", _("Within N years of the term's start")
    MONTHS_FROM_POSITION_START = "position_months", _("Within N months of taking the post")


class Revision(models.Model):
    """A token that changes with every write to what it names, in the same transaction.

    `definitions`: the targets and what they carry (filters, document, level responsible).
    Each process keeps the targets it read in memory (`engine.person_targets`, asked for by
    nearly every targets page) and reads them again when the token it finds differs."""

    DEFINITIONS = "definitions"

    name = models.CharField(max_length=40, primary_key=True)
    token = models.CharField(max_length=32)

    @classmethod
    def bump(cls, name: str) -> None:
        cls.objects.update_or_create(name=name, defaults={"token": secrets.token_hex(16)})

    @classmethod
    def current(cls, name: str) -> str | None:
        """The token, or None when there is no row (then nothing may be kept: a flushed
        database, say)."""
        return cls.objects.filter(name=name).values_list("token", flat=True).first()


class TargetQuerySet(models.QuerySet):
    def in_force_on(self, day: dt.date) -> "TargetQuerySet":
        return self.filter(Q(active=True), in_force_q(day, start="valid_from", end="valid_to"))

    # Writes that send no signal still change the definitions (targets.signals covers the
    # others), in the same transaction as the write even in autocommit.
    def update(self, **kwargs) -> int:
        with transaction.atomic(using=self.db):
            changed = super().update(**kwargs)
            Revision.bump(Revision.DEFINITIONS)
        return changed

    def bulk_create(self, *args, **kwargs):
        with transaction.atomic(using=self.db):
            made = super().bulk_create(*args, **kwargs)
            Revision.bump(Revision.DEFINITIONS)
        return made

    def bulk_update(self, *args, **kwargs):
        with transaction.atomic(using=self.db):
            changed = super().bulk_update(*args, **kwargs)
            Revision.bump(Revision.DEFINITIONS)
        return changed

    def delete(self):
        with transaction.atomic(using=self.db):
            deleted = super().delete()
            Revision.bump(Revision.DEFINITIONS)
        return deleted


class Target(SavedWithToken, models.Model):
    document = models.ForeignKey(
        SourceDocument,
        on_delete=models.PROTECT,
        related_name="targets",
        verbose_name=_("source document"),
    )
    code = models.CharField(_("code"), max_length=30, unique=True, validators=[validate_code])
    name = models.CharField(_("short name"), max_length=200, validators=[validate_one_line])
    name_en = models.CharField(
        _("English name"), max_length=200, blank=True, validators=[validate_one_line]
    )
    wording = models.TextField(_("wording in the source"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=TargetKind.choices, default=TargetKind.TRAINING
    )
    scope_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("issuing unit"),
        help_text=_("The target applies to this unit's subtree; empty: the whole system."),
    )
    responsible_level = models.ForeignKey(
        UnitLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("level responsible"),
    )
    adopted_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adoptions",
        verbose_name=_("adopted from"),
    )
    threshold = models.DecimalField(
        _("threshold (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(100),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    goal = models.PositiveIntegerField(
        _("figure to reach"),
        null=True,
        blank=True,
        help_text=_("For member growth and founded unions: e.g. 30000 members net, 490 unions."),
    )
    active = models.BooleanField(_("active"), default=True)
    valid_from = models.DateField(_("in force from"), null=True, blank=True)
    valid_to = models.DateField(_("in force until"), null=True, blank=True)
    builtin = models.BooleanField(_("built in"), default=False, editable=False)
    rank = models.PositiveSmallIntegerField(_("order"), default=100)

    # Population: post-holders on the day asked, narrowed by every filter that is set.
    roles = models.ManyToManyField(Role, blank=True, related_name="+", verbose_name=_("roles"))
    key_leaders_only = models.BooleanField(_("key leaders only"), default=False)
    full_time = models.BooleanField(
        _("full-time"), null=True, blank=True, help_text=_("Empty: full-time and part-time.")
    )
    levels = models.ManyToManyField(
        UnitLevel, blank=True, related_name="+", verbose_name=_("unit levels")
    )
    unit_kinds = models.ManyToManyField(
        UnitKind, blank=True, related_name="+", verbose_name=_("unit kinds")
    )
    sector = models.CharField(
        _("employer sector"), max_length=10, choices=Sector.choices, blank=True
    )
    min_members = models.PositiveIntegerField(_("members at least"), null=True, blank=True)
    max_members = models.PositiveIntegerField(
        _("members fewer than"),
        null=True,
        blank=True,
        help_text=_("Member count of the union in force on the day asked."),
    )
    newly_elected = models.BooleanField(_("newly elected only"), default=False)
    new_to_full_time = models.BooleanField(
        _("new full-time cadres only"),
        default=False,
        help_text=_("Only those whose full-time post is their first one (newly added staff)."),
    )
    first_time_on_committee = models.BooleanField(
        _("first time on the committee only"), default=False
    )
    position_started_from = models.DateField(_("post taken from"), null=True, blank=True)
    position_started_to = models.DateField(_("post taken until"), null=True, blank=True)

    # Requirement.
    organised_by_responsible = models.BooleanField(
        _("only training the level responsible organised counts"),
        default=False,
        help_text=_(
            "Met only by a class organised by the unit at the level responsible above the "
            "person's union (its parent when there is none at that level); training by others "
            "is shown, not counted."
        ),
    )
    all_topics = models.BooleanField(
        _("every topic required"),
        default=False,
        help_text=_(
            "Met only when the person has been trained in every topic listed (by one record or "
            "several); otherwise one record in any of them meets it."
        ),
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="+", verbose_name=_("qualifying topics")
    )
    programmes = models.ManyToManyField(
        Programme, blank=True, related_name="+", verbose_name=_("qualifying programmes")
    )
    min_hours = models.PositiveSmallIntegerField(_("minimum hours of the record"), default=0)
    min_education = models.PositiveSmallIntegerField(
        _("education at least"), choices=EducationLevel.choices, null=True, blank=True
    )
    min_political_theory = models.PositiveSmallIntegerField(
        _("political theory at least"), choices=PoliticalTheory.choices, null=True, blank=True
    )

    # A title-standard target: which parts of the standard of the person's title it reads
    # (standards.TitleStandard; its topics narrowed to the target's own topics, when set).
    standard_education = models.BooleanField(_("the standard's education"), default=True)
    standard_political_theory = models.BooleanField(
        _("the standard's political theory"), default=True
    )
    standard_topics = models.BooleanField(_("the standard's required training"), default=True)

    # Window.
    window = models.CharField(
        _("time window"), max_length=20, choices=WindowKind.choices, default=WindowKind.TERM
    )
    window_count = models.PositiveSmallIntegerField(_("N (years or months)"), null=True, blank=True)
    window_start = models.DateField(_("records counted from"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    records_before_post_months = models.PositiveSmallIntegerField(
        _("records before taking the post count (months)"),
        null=True,
        blank=True,
        help_text=_(
            "A record made up to this many months before the person took the post counts "
            "(e.g. a general course attended just before the election). Empty: none."
        ),
    )
    obligations_due_from = models.DateField(
        _("obligations falling due from"),
        null=True,
        blank=True,
        help_text=_(
            "Only obligations whose deadline falls on or after this day count (usually the day "
            "the resolution took effect). Empty: all."
        ),
    )

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["rank", "code"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__gte=0) & Q(threshold__lte=100),
                name="target_threshold_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def judged_on(self, day: dt.date) -> dt.date:
        """The day whose people and records a figure asked on `day` judges. A target with a
        fixed deadline judges those in post on its deadline, with the training done by then,
        and then stands closed with that result: a chair elected after 31/12/2023 is not born
        overdue for a target that closed then, and a class of 2024 does not meet it."""
        if self.window == WindowKind.FIXED_DATE and self.deadline and day > self.deadline:
            return self.deadline
        return day

    @property
    def is_person_based(self) -> bool:
        return self.kind in PERSON_KINDS

    def clean(self) -> None:
        errors = {}
        if self.window == WindowKind.FIXED_DATE and not self.deadline:
            errors["deadline"] = _("A fixed-date window needs a deadline.")
        if (
            self.window in (WindowKind.YEARS_FROM_TERM_START, WindowKind.MONTHS_FROM_POSITION_START)
            and not self.window_count
        ):
            errors["window_count"] = _("Say how many years or months.")
        if (
            self.min_members is not None
            and self.max_members is not None
            and self.max_members <= self.min_members
        ):
            errors["max_members"] = _("The upper bound must be above the lower bound.")
        if self.kind == TargetKind.QUALIFICATION and (
            self.min_education is None and self.min_political_theory is None
        ):
            errors["min_education"] = _("A qualification target needs a level to reach.")
        if self.kind == TargetKind.TITLE_STANDARD and not (
            self.standard_education or self.standard_political_theory or self.standard_topics
        ):
            errors["standard_topics"] = _("Say which parts of the title standard the target reads.")
        if self.adopted_from_id and self.threshold < self.adopted_from.threshold:
            errors["threshold"] = _(
                "An adopted target may only be stricter than its source (at least %(value)s%%)."
            ) % {"value": number_format(self.adopted_from.threshold.normalize())}
        if errors:
            raise ValidationError(errors)


class Snapshot(models.Model):
    """The evaluated figures of every target for every unit, as of one day.

    Today's snapshot is kept current by the signals (incremental); any other day is computed
    on request and dropped when a change dated on or before it arrives."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        # "Running" alone is a class's status ("Đang học"): a computation's is "Đang chạy".
        RUNNING = "running", pgettext_lazy("Task", "Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    as_of = models.DateField(unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    steps_total = models.PositiveIntegerField(default=0)
    steps_done = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    message = models.CharField(max_length=500, blank=True)
    # Moved by every computation and every incremental update, even one that changes no
    # figure: what is read alongside the figures (the post-holders' statuses on the
    # dashboard) may be kept while it stays the same.
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("snapshot of the targets")
        verbose_name_plural = _("snapshots of the targets")

    @property
    def percent_done(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.steps_done / self.steps_total) if self.steps_total else 0


class TargetFigure(models.Model):
    """One target in one unit on the snapshot's day: its own post-holders and its subtree."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="figures")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="figures")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    own_eligible = models.PositiveIntegerField(default=0)
    own_met = models.PositiveIntegerField(default=0)
    own_overdue = models.PositiveIntegerField(default=0)
    own_late = models.PositiveIntegerField(default=0)
    eligible = models.PositiveIntegerField(default=0)
    met = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    # Of the overdue, those trained after the deadline ("đạt muộn"): not met, shown beside.
    late = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "target", "unit"], name="targetfigure_unique"
            ),
        ]
        indexes = [models.Index(fields=["snapshot", "unit"], name="targetfigure_unit")]


class MemberFigure(models.Model):
    """One unit's members and workers on the snapshot's day, as units.selectors
    .children_with_figures counts them for dividing a goal: the figures in force of the
    grassroots unions of its subtree (itself included), summed, and how many of them reported
    one (none: no figure). `own_*`: the unit's own figures when it is a grassroots union, to
    move its ancestors' sums by the difference when they change (targets.snapshots)."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="members")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    own_members = models.PositiveIntegerField(null=True)
    own_workers = models.PositiveIntegerField(null=True)
    members = models.PositiveBigIntegerField(default=0)
    members_reported = models.PositiveIntegerField(default=0)
    workers = models.PositiveBigIntegerField(default=0)
    workers_reported = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "unit"], name="memberfigure_unique"),
        ]


class AllocationMethod(models.TextChoices):
    BY_HAND = "by_hand", _("By hand")
    MEMBERS = "members", _("In proportion to members")
    WORKERS = "workers", _("In proportion to workers")
    TO_TRAIN = "to_train", _("In proportion to people still to train")


class GoalAllocation(models.Model):
    """A target's goal given to a unit below the one that holds it (004: "chỉ tiêu được
    giao"; 001: districts and sectors set their yearly targets): the unit is judged against
    it, not against the whole. The unit may set itself a higher goal (`own`).

    For a unit target the goal is in the target's own terms (members, unions, a percentage).
    For a target on people it is a number of people to train: the unit is judged on those
    of its population who met the target after the goal was given (`met_when_given`)."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="allocations")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    given_by = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    allocated = models.DecimalField(
        _("goal given"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    own = models.DecimalField(
        _("own goal"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("A goal the unit sets itself, at least the one given."),
    )
    method = models.CharField(
        _("how it was divided"),
        max_length=10,
        choices=AllocationMethod.choices,
        default=AllocationMethod.BY_HAND,
    )
    met_when_given = models.PositiveIntegerField(
        _("met when given"),
        null=True,
        blank=True,
        help_text=_("For a target on people: how many had met it when the goal was given."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target", "unit"], name="goalallocation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.target.code} — {self.unit.name}"

    @property
    def goal(self) -> Decimal | None:
        """The goal the unit is judged against: its own when it set a higher one."""
        if self.own is not None:
            return self.own
        return self.allocated


def covering(targets, node, day: dt.date) -> list["Target"]:
    """The targets whose issuing unit covers the node (a unit version of `day`): issued for the
    whole system, or by a unit the node stood under on that day — the tree of the day asked,
    as every figure of that day (units.places)."""
    targets = list(targets)
    issuers = {t.scope_unit_id for t in targets if t.scope_unit_id is not None}
    paths = dict(
        UnitVersion.objects.on(day).filter(unit_id__in=issuers).values_list("unit_id", "path")
    )
    return [
        t
        for t in targets
        if t.scope_unit_id is None
        or (t.scope_unit_id in paths and is_within(node.path, paths[t.scope_unit_id]))
    ]
