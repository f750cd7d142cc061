from decimal import Decimal

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from targets.models import Target


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
