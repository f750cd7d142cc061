import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lib.periods import in_force_q, overlaps_q
from lib.stores import StoredFigures
from lib.tree import PATH_WIDTH
from lib.validators import validate_code, validate_one_line
from lib.vntext import fold


def path_segment(unit_id: int) -> str:
    return f"{unit_id:0{PATH_WIDTH}d}"


class LocalisedName(models.Model):
    """Reference rows named in Vietnamese with an English name for the English interface."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, validators=[validate_one_line])
    name_en = models.CharField(
        _("English name"), max_length=200, blank=True, validators=[validate_one_line]
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


class UnitLevel(LocalisedName):
    """A level of the hierarchy (confederation, province/sector, upper-grassroots, ...)."""

    rank = models.PositiveSmallIntegerField(
        _("rank"), unique=True, help_text=_("0 is the top of the hierarchy.")
    )

    class Meta:
        ordering = ["rank"]
        verbose_name = _("unit level")
        verbose_name_plural = _("unit levels")


class UnitKind(LocalisedName):
    level = models.ForeignKey(
        UnitLevel, on_delete=models.PROTECT, related_name="kinds", verbose_name=_("level")
    )

    class Meta:
        ordering = ["level__rank", "name"]
        verbose_name = _("unit kind")
        verbose_name_plural = _("unit kinds")


class Sector(models.TextChoices):
    STATE = "state", _("State sector")
    NON_STATE = "non_state", _("Non-state sector")


class Unit(models.Model):
    """A union unit. name/kind/parent/path hold its latest placement; UnitVersion its history."""

    SCOPE_UNIT_FIELDS = ("",)

    code = models.CharField(_("unit code"), max_length=32, unique=True, validators=[validate_code])
    name = models.CharField(_("name"), max_length=255, validators=[validate_one_line])
    kind = models.ForeignKey(
        UnitKind, on_delete=models.PROTECT, related_name="units", verbose_name=_("kind")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    sector = models.CharField(
        _("employer sector"), max_length=10, choices=Sector.choices, blank=True
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    search_name = models.CharField(max_length=255, editable=False, db_index=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = self.searched_as()
        super().save(*args, **kwargs)

    def searched_as(self) -> str:
        """What a search for the unit is matched against (its code and name, folded)."""
        return fold(f"{self.code} {self.name}")

    def is_alive_on(self, day: dt.date) -> bool:
        return (self.founded_on is None or self.founded_on <= day) and (
            self.dissolved_on is None or self.dissolved_on > day
        )

    @property
    def is_grassroots(self) -> bool:
        return self.kind.level.code == "grassroots"


def valid_on(day, prefix: str = "") -> Q:
    """Q for a unit version (valid_from and valid_to both inclusive, lib.periods) in force on
    `day`."""
    return in_force_q(day, prefix=prefix, start="valid_from", end="valid_to")


class UnitVersionQuerySet(models.QuerySet):
    def on(self, day: dt.date) -> "UnitVersionQuerySet":
        return self.filter(valid_on(day))


class UnitVersion(models.Model):
    """The placement and name of a unit over a period: the structure 'as of' any date."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="versions")
    valid_from = models.DateField(null=True, blank=True)  # None: since the unit began
    valid_to = models.DateField(null=True, blank=True)  # its last day; None: still in force
    name = models.CharField(max_length=255, validators=[validate_one_line])
    kind = models.ForeignKey(UnitKind, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # db_index on the field (not Meta.indexes): on PostgreSQL Django then adds the
    # varchar_pattern_ops index that prefix LIKE needs under a non-C collation.
    path = models.CharField(max_length=255, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0)

    objects = UnitVersionQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "valid_from"]
        verbose_name = _("unit version")
        verbose_name_plural = _("unit versions")
        indexes = [
            models.Index(fields=["unit", "valid_to"], name="unitversion_unit_to"),
            models.Index(fields=["parent", "valid_to"], name="unitversion_parent_to"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unitversion_period_positive",
            ),
        ]


# The largest member or worker count a form or the API takes: well above the largest union (the
# confederation has about 11 million members), below what the integer column holds.
MAX_COUNT = 50_000_000


class UnitFiguresQuerySet(models.QuerySet):
    def in_force_on(self, day: dt.date) -> "UnitFiguresQuerySet":
        """For each unit, the latest figures dated on or before `day` (one row per unit)."""
        return self.filter(pk=_figures_on(day, "unit", "pk"))


class UnitFigures(models.Model):
    """Member and worker counts from a date until the next figures of the unit.

    A yearly report uses the figures in force at the end of the year; a rule that depends on
    the size of a union (who trains its chair) uses those in force on the day asked."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="figures", verbose_name=_("unit")
    )
    effective_on = models.DateField(_("effective on"))
    member_count = models.PositiveIntegerField(_("member count"))
    worker_count = models.PositiveIntegerField(_("worker count"), null=True, blank=True)

    objects = UnitFiguresQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "-effective_on"]
        verbose_name = _("members and workers")
        verbose_name_plural = _("members and workers")
        constraints = [
            models.UniqueConstraint(fields=["unit", "effective_on"], name="unitfigures_unique"),
        ]


def _figures_on(day, unit_ref: str, field: str) -> models.Subquery:
    """One field of the figures in force on `day` for the unit `OuterRef(unit_ref)`: the latest
    dated on or before that day (figures hold from their date until the next ones)."""
    return models.Subquery(
        UnitFigures.objects.filter(unit=models.OuterRef(unit_ref), effective_on__lte=day)
        .order_by("-effective_on")
        .values(field)[:1]
    )


def figures_in_force(figures: list["UnitFigures"], day) -> "UnitFigures | None":
    """_figures_on's rule for one unit's figures already read: the latest dated on or before
    `day` (an import compares a whole file's counts with those in force)."""
    held = [f for f in figures if f.effective_on <= day]
    return max(held, key=lambda f: f.effective_on, default=None)


def member_count_subquery(day, unit_ref: str = "unit") -> models.Subquery:
    """The member count in force on `day` of the unit `OuterRef(unit_ref)` (None: no figures),
    to annotate a queryset with. The one definition of "member count on D": every page, target
    and report asks it here (or member_count_on for one unit)."""
    return _figures_on(day, unit_ref, "member_count")


def worker_count_subquery(day, unit_ref: str = "unit") -> models.Subquery:
    """The worker count in force on `day` of the unit `OuterRef(unit_ref)` (None: none)."""
    return _figures_on(day, unit_ref, "worker_count")


def member_count_on(unit: Unit, day: dt.date) -> int | None:
    """The member count of one unit in force on `day` (None: no figures yet)."""
    return (
        Unit.objects.filter(pk=unit.pk)
        .annotate(members=member_count_subquery(day, "pk"))
        .values_list("members", flat=True)
        .first()
    )


class TermQuerySet(models.QuerySet):
    def in_force_on(self, day) -> "TermQuerySet":
        """Terms running on `day` (both ends inclusive, lib.periods)."""
        return self.filter(in_force_q(day))

    def overlapping(self, first: dt.date, last: dt.date) -> "TermQuerySet":
        return self.filter(overlaps_q(first, last))


class Term(models.Model):
    """A term (nhiệm kỳ) of a unit's executive committee, e.g. 2023–2028. Its end date is its
    last day."""

    SCOPE_UNIT_FIELDS = ("unit",)

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="terms", verbose_name=_("unit")
    )
    name = models.CharField(_("term"), max_length=50, validators=[validate_one_line])
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "start_date"]
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="term_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReorganisationKind(models.TextChoices):
    CREATE = "create", _("Founded")
    MOVE = "move", _("Moved")
    MERGE = "merge", _("Merged")
    SPLIT = "split", _("Split")
    RENAME = "rename", _("Renamed")
    DISSOLVE = "dissolve", _("Dissolved")


class Reorganisation(models.Model):
    """A dated change of the structure, kept so history can be read and explained."""

    SCOPE_UNIT_FIELDS = ("unit",)

    kind = models.CharField(_("kind"), max_length=10, choices=ReorganisationKind.choices)
    effective_on = models.DateField(_("effective on"))
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="reorganisations", verbose_name=_("unit")
    )
    other_unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("related unit"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_on", "-id"]
        verbose_name = _("reorganisation")
        verbose_name_plural = _("reorganisations")


class CountStore(StoredFigures):
    """The unit tree's counts (sub-units, cadres, full-time cadres of every unit's subtree)
    as of `as_of`, computed in full by units.counts_store: a national officer's tree counted
    distinct holders over every post of the country in each request. `changed_at`: a post or
    the structure changed after (or while) the counts were computed; they are not read then."""

    as_of = models.DateField()
    # No unit's placement started after `as_of` when the counts were computed: they are
    # then what every officer's page counts, not only a root's (units.counts_store).
    exact_below = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("stored unit counts")
        verbose_name_plural = _("stored unit counts")


class SubtreeCount(models.Model):
    """One unit's counts in a store: its subtree as the officer of its tree's root sees it."""

    store = models.ForeignKey(CountStore, on_delete=models.CASCADE, related_name="counts")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    units = models.PositiveIntegerField()  # the unit itself included
    cadres = models.PositiveIntegerField()
    full_time = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["store", "unit"], name="subtreecount_unique"),
        ]
