"""Cadre work around training (`001`): yearly evaluations, succession pools reviewed every
year, appointments checked against the pool, inspections of lower units' cadre work."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lib.stores import StoredFigures
from people.models import Person, Position, Role
from units.models import Term, Unit, UnitLevel


class Rating(models.TextChoices):
    EXCELLENT = "excellent", _("Excellently completed the duties")
    GOOD = "good", _("Well completed the duties")
    COMPLETED = "completed", _("Completed the duties")
    NOT_COMPLETED = "not_completed", _("Did not complete the duties")


# Higher is better: "rated at least completed" is a comparison.
RATING_RANK = {Rating.EXCELLENT: 4, Rating.GOOD: 3, Rating.COMPLETED: 2, Rating.NOT_COMPLETED: 1}
VOTES = [MaxValueValidator(100_000)]


class Occasion(models.TextChoices):
    YEARLY = "yearly", _("Yearly")
    PROMOTION = "promotion", _("Before a promotion")
    ROTATION = "rotation", _("Before a rotation")


class Evaluation(models.Model):
    """A cadre's evaluation for a year or before a move: the rating approved by the unit
    above, the self-assessment, the collective's votes per rating. The cadre sees it once
    published."""

    SCOPE_UNIT_FIELDS = ("unit",)

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("person")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    role = models.ForeignKey(
        Role, on_delete=models.PROTECT, related_name="+", verbose_name=_("role")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    occasion = models.CharField(
        _("occasion"), max_length=10, choices=Occasion.choices, default=Occasion.YEARLY
    )
    rating = models.CharField(_("rating"), max_length=15, choices=Rating.choices)
    self_assessment = models.TextField(_("self-assessment"), blank=True)
    votes_excellent = models.PositiveIntegerField(
        _("votes: excellent"), default=0, validators=VOTES
    )
    votes_good = models.PositiveIntegerField(_("votes: good"), default=0, validators=VOTES)
    votes_completed = models.PositiveIntegerField(
        _("votes: completed"), default=0, validators=VOTES
    )
    votes_not_completed = models.PositiveIntegerField(
        _("votes: not completed"), default=0, validators=VOTES
    )
    approved_by = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("approving unit")
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "unit__path", "person__sort_key"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        # The newest year (the API's year before) and the lists' first key: without it a
        # MAX(year) read every evaluation of the country (12,000 blocks at 1,000,000 people).
        indexes = [models.Index(fields=["year"], name="evaluation_year")]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year", "occasion"],
                condition=Q(occasion="yearly"),
                name="evaluation_once_a_year",
            ),
        ]

    @property
    def votes(self) -> int:
        return (
            self.votes_excellent + self.votes_good + self.votes_completed + self.votes_not_completed
        )


class PoolPost(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    STANDING = "standing", _("Standing committee member")
    EXECUTIVE = "executive", _("Executive committee member")


# Which roles a pool prepares for (role codes of the people app).
POST_ROLES = {
    PoolPost.CHAIR: "chair",
    PoolPost.VICE_CHAIR: "vice_chair",
    PoolPost.STANDING: "standing_member",
    PoolPost.EXECUTIVE: "executive_member",
}


class Pool(models.Model):
    """A succession pool (quy hoạch): candidates for one leadership post of a unit, for a
    term."""

    SCOPE_UNIT_FIELDS = ("unit",)

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="pools", verbose_name=_("unit")
    )
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="pools", verbose_name=_("term")
    )
    post = models.CharField(_("post"), max_length=10, choices=PoolPost.choices)

    class Meta:
        ordering = ["unit__path", "term__start_date", "post"]
        verbose_name = _("succession pool")
        verbose_name_plural = _("succession pools")
        constraints = [models.UniqueConstraint(fields=["unit", "term", "post"], name="pool_unique")]

    def __str__(self) -> str:
        return f"{self.get_post_display()} — {self.unit} ({self.term})"


class PoolReview(models.Model):
    """The yearly review of a pool: who stays, enters and leaves. Once published, the lists
    of entries and removals are public to the subtree and each person concerned is told."""

    SCOPE_UNIT_FIELDS = ("pool__unit",)

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="reviews")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    held_on = models.DateField(_("held on"))
    note = models.TextField(_("note"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["pool", "year"], name="poolreview_once_a_year")
        ]


class PoolEntry(models.Model):
    """A person's time in a pool: entered on a day for a reason, left on a day for one."""

    SCOPE_UNIT_FIELDS = ("pool__unit",)

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="entries")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="pool_entries", verbose_name=_("person")
    )
    entered_on = models.DateField(_("entered on"))
    entry_reason = models.CharField(_("reason for entry"), max_length=500)
    entered_in = models.ForeignKey(
        PoolReview, on_delete=models.SET_NULL, null=True, blank=True, related_name="entries"
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_reason = models.CharField(_("reason for leaving"), max_length=500, blank=True)
    left_in = models.ForeignKey(
        PoolReview, on_delete=models.SET_NULL, null=True, blank=True, related_name="removals"
    )

    class Meta:
        ordering = ["pool", "entered_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("entered_on")),
                name="poolentry_leaves_after_entering",
            ),
        ]


class StructureMeasure(models.TextChoices):
    WOMEN = "women", _("Women")
    UNDER_40 = "under_40", _("Under 40")
    DEGREE = "degree", _("University degree or higher")
    POLITICAL_THEORY = "political_theory", _("Intermediate political theory or higher")
    TRAINED = "trained", _("Meets the title standard of the post")


class StructureGoal(models.Model):
    """A share of a pool's candidates a unit sets for the pools of its subtree."""

    SCOPE_UNIT_FIELDS = ("unit",)

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="structure_goals", verbose_name=_("unit")
    )
    measure = models.CharField(_("measure"), max_length=20, choices=StructureMeasure.choices)
    min_percent = models.DecimalField(
        _("at least (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "measure"], name="structuregoal_unique")
        ]


class Notice(models.Model):
    """A message to a person in the system (they read it on their profile)."""

    SCOPE_UNIT_FIELDS = ("person__unit",)

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notices")
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class Appointment(models.Model):
    """What was known when a post was filled: pool, training, last rating; and, when the
    person did not meet all three, the reason given."""

    SCOPE_UNIT_FIELDS = ("position__unit",)

    position = models.OneToOneField(Position, on_delete=models.CASCADE, related_name="appointment")
    in_pool = models.BooleanField()
    trained = models.BooleanField()
    rated = models.BooleanField()
    reason = models.TextField(blank=True)
    user = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)


class Inspection(models.Model):
    """An upper unit's inspection of a lower unit's cadre work."""

    SCOPE_UNIT_FIELDS = ("inspected",)

    inspecting = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspecting unit")
    )
    inspected = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("inspected unit")
    )
    held_on = models.DateField(_("held on"))
    areas = models.CharField(
        _("areas"), max_length=255, help_text=_("Planning, training, evaluation, appointments.")
    )
    findings = models.TextField(_("findings"))

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")


class FollowUp(models.Model):
    """An action an inspection requires, with its deadline and when it was done."""

    SCOPE_UNIT_FIELDS = ("inspection__inspected",)

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="follow_ups")
    action = models.CharField(_("action"), max_length=500)
    deadline = models.DateField(_("deadline"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["deadline", "id"]


class RetentionStore(StoredFigures):
    """The retention figures (cadrework.retention) of every unit for the default question —
    trained in the 3 years up to `as_of`, as of that day, unnarrowed — computed in full by
    cadrework.retention_store, as the targets' snapshots are: a national cohort over ten years
    is too much for a request. `changed_at`: a record or a post changed after the figures
    were computed (they are computed again)."""

    as_of = models.DateField()

    class Meta:
        verbose_name = _("stored retention figures")
        verbose_name_plural = _("stored retention figures")


class RetentionFigure(models.Model):
    """One unit's figures of one kind in a store: its subtree's total, its own posts
    (`direct`), one group (programme, topic or organiser: `key` its id, 0 for none) or one
    year of the trend (`key` the year)."""

    class Kind(models.TextChoices):
        TOTAL = "total"
        DIRECT = "direct"
        PROGRAMME = "programme"
        TOPIC = "topic"
        ORGANISER = "organiser"
        YEAR = "year"

    store = models.ForeignKey(RetentionStore, on_delete=models.CASCADE, related_name="figures")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.PositiveIntegerField(default=0)
    trained = models.PositiveIntegerField(default=0)
    known_6 = models.PositiveIntegerField(default=0)
    left_6 = models.PositiveIntegerField(default=0)
    moved_6 = models.PositiveIntegerField(default=0)
    known_12 = models.PositiveIntegerField(default=0)
    left_12 = models.PositiveIntegerField(default=0)
    moved_12 = models.PositiveIntegerField(default=0)
    known_24 = models.PositiveIntegerField(default=0)
    left_24 = models.PositiveIntegerField(default=0)
    moved_24 = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["store", "unit", "kind", "key"], name="retention_figure_once"
            )
        ]


class EvaluationStore(StoredFigures):
    """The evaluations list's figures (cadrework.evaluations: the distribution of ratings, by
    unit below and by role and level, and the posts without a yearly evaluation) of the units
    at the top of the tree, every year and occasion, computed in full by
    cadrework.evaluation_store: a national year's were a second of grouped queries in each
    request. `changed_at`: an evaluation, a post or a unit changed since (read live then, and
    computed again)."""

    class Meta:
        verbose_name = _("stored evaluation figures")
        verbose_name_plural = _("stored evaluation figures")


class EvaluationFigure(models.Model):
    """One unit's evaluations of a year and occasion in a store, for one role, unit level and
    rating: of its subtree (`total`) or of its own posts (`direct`), with the sum and number
    of their shares of excellent + good votes; or (`missing`: no role, level or rating) the
    posts held at the year's end without a yearly evaluation."""

    class Kind(models.TextChoices):
        TOTAL = "total", "total"
        DIRECT = "direct", "direct"
        MISSING = "missing", "missing"

    store = models.ForeignKey(EvaluationStore, on_delete=models.CASCADE, related_name="figures")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    occasion = models.CharField(max_length=10)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    role = models.ForeignKey(Role, on_delete=models.CASCADE, null=True, related_name="+")
    level = models.ForeignKey(UnitLevel, on_delete=models.CASCADE, null=True, related_name="+")
    rating = models.CharField(max_length=20, blank=True)
    n = models.PositiveIntegerField()
    share_sum = models.FloatField(default=0.0)
    shares = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["store", "unit", "year"], name="evaluationfigure_unit"),
        ]
