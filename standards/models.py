"""The standard of each union title (chức danh): what a holder of a role at a level must have.

001 §III asks the union to "ban hành quy định về tiêu chuẩn chức danh" and to "công khai các
tiêu chuẩn chung và tiêu chuẩn cụ thể của từng chức danh"; 003 trains full-time cadres "đáp ứng
tiêu chuẩn, chức danh, khung năng lực vị trí việc làm"; 004 standardises "ngạch công chức, lãnh
đạo quản lý". A standard is data, issued and revised by the union (one in force per title on a
day), read by the targets (T-003-2, T-001-2b, T-004-1b), the succession pools, the checks made
when a post is filled and the person's profile (what they still lack).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lib.periods import in_force_q, overlaps_q
from lib.validators import validate_one_line
from people.models import EducationLevel, PoliticalTheory, Role
from training.models import Topic
from units.models import UnitLevel

# The built-in topic whose training a civil-service rank asks for ("bồi dưỡng tiêu chuẩn ngạch").
RANK_TOPIC = "civil_service_rank"


class CivilServiceRank(models.TextChoices):
    """The state civil-service rank (ngạch) a title requires, where it applies."""

    OFFICER = "officer", _("Officer")
    PRINCIPAL = "principal", _("Principal officer")
    SENIOR = "senior", _("Senior officer")


class TitleStandardQuerySet(models.QuerySet):
    def in_force_on(self, day: dt.date) -> "TitleStandardQuerySet":
        return self.filter(in_force_q(day, start="valid_from", end="valid_to"))


class TitleStandard(models.Model):
    """The standard of one title — a role at a unit level — over a period."""

    role = models.ForeignKey(
        Role, on_delete=models.PROTECT, related_name="+", verbose_name=_("role")
    )
    level = models.ForeignKey(
        UnitLevel, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit level")
    )
    valid_from = models.DateField(_("in force from"), null=True, blank=True)
    valid_to = models.DateField(_("in force until"), null=True, blank=True)
    min_education = models.PositiveSmallIntegerField(
        _("education at least"), choices=EducationLevel.choices, null=True, blank=True
    )
    min_political_theory = models.PositiveSmallIntegerField(
        _("political theory at least"), choices=PoliticalTheory.choices, null=True, blank=True
    )
    civil_service_rank = models.CharField(
        _("civil-service rank"),
        max_length=10,
        choices=CivilServiceRank.choices,
        blank=True,
        help_text=_("Where it applies; its training is then one of the required topics."),
    )
    topics = models.ManyToManyField(
        Topic,
        blank=True,
        related_name="+",
        verbose_name=_("required training"),
        help_text=_("Each of them, by a valid training record (at any time)."),
    )
    other_requirements = models.TextField(
        _("other requirements"),
        blank=True,
        help_text=_("Requirements the system does not check (age, experience, …), in words."),
    )
    document = models.CharField(
        _("issued by"), max_length=255, blank=True, validators=[validate_one_line]
    )
    example = models.BooleanField(
        _("example"),
        default=False,
        help_text=_("An example set shipped with the system, to be reviewed and adopted."),
    )
    published = models.BooleanField(
        _("published to cadres"), default=True, help_text=_("Shown to every cadre (001 §III).")
    )

    objects = TitleStandardQuerySet.as_manager()

    class Meta:
        ordering = ["level__rank", "role__rank", "valid_from"]
        verbose_name = _("title standard")
        verbose_name_plural = _("title standards")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="titlestandard_period_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} — {self.level}"

    def clean(self) -> None:
        if self.role_id is None or self.level_id is None:
            return
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end is before the start.")})
        # One standard per title on any day: the targets and the checks read exactly one.
        clash = (
            TitleStandard.objects.filter(role_id=self.role_id, level_id=self.level_id)
            .exclude(pk=self.pk)
            .filter(overlaps_q(self.valid_from, self.valid_to, start="valid_from", end="valid_to"))
        )
        if clash.exists():
            raise ValidationError(
                _("This title already has a standard in force in that period: end it first.")
            )
