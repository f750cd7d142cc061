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
