from decimal import Decimal

from django import forms
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from lib.forms import BOUNDS, DateField
from targets.models import Target
from targets.services import COPY_FIELDS
from units.fields import UnitCodeField
from units.models import MAX_COUNT


class AdoptForm(forms.Form):
    threshold = forms.DecimalField(
        label=_("threshold (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
        localize=True,  # 92,5 as typed in Vietnamese
    )

    def __init__(self, *args, target: Target, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target

    def clean_threshold(self) -> Decimal:
        value = self.cleaned_data["threshold"]
        if value < self.target.threshold:
            raise forms.ValidationError(
                _("An adopted target may only be stricter than its source (at least %(value)s%%)."),
                params={"value": number_format(self.target.threshold.normalize())},
            )
        return value


def _goal_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10}),
    )


class AllocationForm(forms.Form):
    """A goal for each unit directly below (empty: none given); field `goal_<unit id>`."""

    def __init__(self, *args, rows: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            name = f"goal_{row['unit'].pk}"
            self.fields[name] = _goal_field(row["unit"].name)
            self.initial[name] = row["allocated"]

    def goals(self) -> dict:
        return {row["unit"]: self.cleaned_data[f"goal_{row['unit'].pk}"] for row in self.rows}

    def bound_rows(self) -> list[tuple[dict, forms.BoundField]]:
        return [(row, self[f"goal_{row['unit'].pk}"]) for row in self.rows]


class OwnGoalForm(forms.Form):
    own = _goal_field(_("own goal"))


# The target page's fields, in the four parts a resolution's target is read in.
GENERAL = [
    "document",
    "code",
    "name",
    "name_en",
    "wording",
    "kind",
    "scope_unit",
    "responsible_level",
    "threshold",
    "goal",
    "active",
    "valid_from",
    "valid_to",
    "rank",
]
POPULATION = [
    "roles",
    "key_leaders_only",
    "full_time",
    "levels",
    "unit_kinds",
    "sector",
    "min_members",
    "max_members",
    "newly_elected",
    "new_to_full_time",
    "first_time_on_committee",
    "position_started_from",
    "position_started_to",
]
REQUIREMENT = [
    "topics",
    "all_topics",
    "programmes",
    "organised_by_responsible",
    "min_hours",
    "min_education",
    "min_political_theory",
    "standard_education",
    "standard_political_theory",
    "standard_topics",
]
WINDOW = [
    "window",
    "window_count",
    "window_start",
    "deadline",
    "records_before_post_months",
    "obligations_due_from",
]
PARTS = [
    (_("Target"), GENERAL),
    (_("Who is concerned"), POPULATION),
    (_("What counts as met"), REQUIREMENT),
    (_("By when"), WINDOW),
]


def _count_field(name: str) -> forms.IntegerField:
    """A count typed as in Vietnamese (30.000), within what its column holds (members and
    goals up to any count of the union)."""
    model_field = Target._meta.get_field(name)
    small = isinstance(model_field, models.PositiveSmallIntegerField)
    return forms.IntegerField(
        label=model_field.verbose_name,
        help_text=model_field.help_text,
        required=not model_field.null,
        min_value=0,
        max_value=32_767 if small else MAX_COUNT,
        localize=True,
        error_messages=BOUNDS,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 10}),
    )


def _date_field(name: str) -> DateField:
    model_field = Target._meta.get_field(name)
    return DateField(
        label=model_field.verbose_name, help_text=model_field.help_text, required=False
    )


class TargetForm(forms.ModelForm):
    """A target as an officer reads a resolution: what it is, who is concerned, what counts
    as met, by when. Filters are picked from the lists the union keeps (roles, levels, unit
    kinds, topics, programmes), the issuing unit from the user's subtree (empty: the whole
    system, for system administrators only). The service checks it (targets.services)."""

    threshold = forms.DecimalField(
        label=_("threshold (%)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        localize=True,  # 92,5 as typed in Vietnamese
        error_messages=BOUNDS,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
    )
    scope_unit = UnitCodeField(
        label=_("issuing unit"),
        required=False,
        help_text=_("The target applies to this unit's subtree; empty: the whole system."),
    )
    full_time = forms.TypedChoiceField(
        label=_("full-time"),
        choices=[
            ("", _("Full-time and part-time")),
            ("1", _("Full-time cadres only")),
            ("0", _("Part-time cadres only")),
        ],
        coerce=lambda value: value == "1",
        empty_value=None,
        required=False,
    )
    goal = _count_field("goal")
    rank = _count_field("rank")
    min_members = _count_field("min_members")
    max_members = _count_field("max_members")
    min_hours = _count_field("min_hours")
    window_count = _count_field("window_count")
    records_before_post_months = _count_field("records_before_post_months")
    valid_from = _date_field("valid_from")
    valid_to = _date_field("valid_to")
    position_started_from = _date_field("position_started_from")
    position_started_to = _date_field("position_started_to")
    window_start = _date_field("window_start")
    deadline = _date_field("deadline")
    obligations_due_from = _date_field("obligations_due_from")

    class Meta:
        model = Target
        fields = GENERAL + POPULATION + REQUIREMENT + WINDOW
        widgets = {
            "wording": forms.Textarea(attrs={"rows": 3}),
            **{
                name: forms.CheckboxSelectMultiple
                for name in ("roles", "levels", "unit_kinds", "topics", "programmes")
            },
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        fields = self.fields
        fields["scope_unit"].user = user
        fields["scope_unit"].required = not user.is_staff  # an officer's own subtree only
        fields["document"].empty_label = _("— choose —")
        fields["responsible_level"].empty_label = _("— none —")
        for name in ("sector", "min_education", "min_political_theory"):
            fields[name].choices = [("", _("— any —")), *fields[name].choices[1:]]
        target = self.instance
        if target.pk:
            self.initial["scope_unit"] = target.scope_unit.code if target.scope_unit_id else ""
            self.initial["full_time"] = {True: "1", False: "0"}.get(target.full_time, "")
        if target.builtin:  # docs, reports and the demo name the built-in targets by code
            fields["code"].disabled = True
        if target.adopted_from_id:  # what it adopted stays its source's
            for name, field in fields.items():
                field.disabled = field.disabled or name not in COPY_FIELDS

    def _post_clean(self):
        pass  # validated by the service, inside its transaction

    def values(self) -> dict:
        """What the service saves: every field of the page, cleaned."""
        return {name: self.cleaned_data[name] for name in self.fields}

    def parts(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in PARTS]
