import datetime as dt

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lib.periods import in_force, in_force_q
from lib.validators import validate_one_line
from lib.vntext import clean_spaces, collation_key, fold
from units.models import LocalisedName, Term, Unit


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class EducationLevel(models.IntegerChoices):
    """General and professional education, ordered so that 'at least X' is a comparison."""

    NONE = 0, _("Not stated")
    LOWER_SECONDARY = 1, _("Lower secondary")
    UPPER_SECONDARY = 2, _("Upper secondary")
    VOCATIONAL = 3, _("Vocational")
    COLLEGE = 4, _("College")
    UNIVERSITY = 5, _("University")
    MASTER = 6, _("Master")
    DOCTORATE = 7, _("Doctorate")


class PoliticalTheory(models.IntegerChoices):
    NONE = 0, _("None")
    ELEMENTARY = 1, _("Elementary")
    INTERMEDIATE = 2, _("Intermediate")
    ADVANCED = 3, _("Advanced")
    BACHELOR = 4, _("Bachelor")


citizen_id_validator = RegexValidator(
    r"^\d{12}$", _("A citizen ID has exactly 12 digits."), code="citizen_id"
)


class PersonQuerySet(models.QuerySet):
    def search(self, text: str) -> "PersonQuerySet":
        """Accent- and case-insensitive: 'nguyen van' finds 'Nguyễn Văn ...'; digits match IDs."""
        key = fold(text)
        if not key:
            return self
        if key.isdigit():
            return self.filter(Q(citizen_id__startswith=key) | Q(search_name__contains=key))
        return self.filter(search_name__contains=key)

    def vietnamese_order(self) -> "PersonQuerySet":
        return self.order_by("sort_key", "id")


class Person(models.Model):
    """Anyone who can attend a class: cadres, members, workers. Home unit decides who sees them."""

    SCOPE_UNIT_FIELDS = ("unit",)
    SCOPE_IDS_FIRST = True  # a million people, listed by name (accounts.scope.scoped)

    family_name = models.CharField(
        _("family name"), max_length=50, blank=True, validators=[validate_one_line]
    )
    middle_name = models.CharField(
        _("middle name"), max_length=100, blank=True, validators=[validate_one_line]
    )
    given_name = models.CharField(_("given name"), max_length=50, validators=[validate_one_line])
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    citizen_id = models.CharField(
        _("citizen ID"),
        max_length=12,
        null=True,
        blank=True,
        unique=True,
        validators=[citizen_id_validator],
    )
    ethnicity = models.CharField(_("ethnicity"), max_length=50, default="Kinh", blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    education_level = models.PositiveSmallIntegerField(
        _("education level"), choices=EducationLevel.choices, default=EducationLevel.NONE
    )
    political_theory = models.PositiveSmallIntegerField(
        _("political theory"), choices=PoliticalTheory.choices, default=PoliticalTheory.NONE
    )
    foreign_language = models.CharField(_("foreign language"), max_length=100, blank=True)
    it_skill = models.CharField(_("IT skill"), max_length=100, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="people", verbose_name=_("unit")
    )
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    sort_key = models.CharField(max_length=255, editable=False, db_index=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)

    def clean(self) -> None:
        self.family_name = clean_spaces(self.family_name)
        self.middle_name = clean_spaces(self.middle_name)
        self.given_name = clean_spaces(self.given_name)
        self.citizen_id = (self.citizen_id or "").strip() or None

    def save(self, *args, **kwargs):
        self.fill_keys()
        super().save(*args, **kwargs)

    def fill_keys(self) -> None:
        """Derived search and sort keys; bulk writers call this before bulk_create."""
        self.search_name = fold(self.full_name)
        self.sort_key = collation_key(self.given_name, self.middle_name, self.family_name)

    def age_on(self, day: dt.date) -> int | None:
        if self.birth_date is None:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


class Role(LocalisedName):
    """A union post (chair, vice-chair, ...). Data, not code: a unit can add its own."""

    is_key_leader = models.BooleanField(_("key leader"), default=False)
    is_committee_member = models.BooleanField(_("executive committee member"), default=False)
    rank = models.PositiveSmallIntegerField(_("order"), default=100)
    # A chair is one person in a unit at a time, vice-chairs are several: checked by
    # people.services.check_post_free on every write of a position.
    max_holders = models.PositiveSmallIntegerField(
        _("holders at once"),
        null=True,
        blank=True,
        help_text=_(
            "How many people may hold this post in one unit at the same time; empty: no limit."
        ),
    )

    class Meta:
        ordering = ["rank", "name"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_holders__isnull=True) | Q(max_holders__gte=1),
                name="role_max_holders_positive",
            ),
        ]


class StartReason(models.TextChoices):
    ELECTED = "elected", _("Elected")
    APPOINTED = "appointed", _("Appointed")
    TRANSFERRED_IN = "transferred_in", _("Transferred in")
    REORGANISED = "reorganised", _("Reorganisation")


class EndReason(models.TextChoices):
    TERM_ENDED = "term_ended", _("Term ended")
    ROTATED = "rotated", _("Rotated")
    TRANSFERRED = "transferred", _("Transferred")
    RETIRED = "retired", _("Retired")
    LEFT = "left", _("Left")
    REORGANISED = "reorganised", _("Reorganisation")


def active_on(day, prefix: str = "") -> Q:
    """Q for a position held on `day` (both ends inclusive, lib.periods)."""
    return in_force_q(day, prefix=prefix)


class PositionQuerySet(models.QuerySet):
    def active_on(self, day: dt.date) -> "PositionQuerySet":
        return self.filter(active_on(day))


class Position(models.Model):
    """A post a person holds in a unit over a period. A cadre is a person holding one on a date."""

    SCOPE_UNIT_FIELDS = ("unit", "person__unit")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="positions", verbose_name=_("person")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="positions", verbose_name=_("unit")
    )
    role = models.ForeignKey(
        Role, on_delete=models.PROTECT, related_name="positions", verbose_name=_("role")
    )
    full_time = models.BooleanField(_("full-time"), default=False)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    term = models.ForeignKey(
        Term,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="positions",
        verbose_name=_("term"),
    )
    first_time_on_committee = models.BooleanField(
        _("first time on the executive committee"), default=False
    )
    start_reason = models.CharField(
        _("how it started"), max_length=20, choices=StartReason.choices, default=StartReason.ELECTED
    )
    end_reason = models.CharField(
        _("how it ended"), max_length=20, choices=EndReason.choices, blank=True
    )

    objects = PositionQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "role__rank"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        indexes = [
            models.Index(fields=["unit", "start_date", "end_date"], name="position_unit_dates"),
            models.Index(fields=["person", "start_date"], name="position_person_start"),
            # The positions list's order (API /positions).
            models.Index(fields=["-start_date", "id"], name="position_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="position_end_not_before_start",
            ),
            # The same post twice at once is one post recorded twice. The database holds the
            # open case (two open periods always overlap); people.services.check_post_free
            # holds every overlap, and how many may hold a post in a unit (Role.max_holders).
            models.UniqueConstraint(
                fields=["person", "unit", "role"],
                condition=Q(end_date__isnull=True),
                name="position_one_open_per_post",
                violation_error_message=_(
                    "This person already holds this post in this unit, with no end date."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} — {self.unit}"

    @property
    def is_key_leader(self) -> bool:
        return self.role.is_key_leader

    def is_active_on(self, day: dt.date) -> bool:
        return in_force(self.start_date, self.end_date, day)
