from django import forms
from django.utils.translation import gettext_lazy as _

from lib.forms import DateField
from privacy.models import Action


class AccessLogFilterForm(forms.Form):
    """GET filters of the access log; invalid values are shown as errors, the list unfiltered
    by them."""

    who = forms.CharField(label=_("User"), required=False, max_length=150)
    whose = forms.CharField(
        label=_("Whose data (name or citizen ID)"), required=False, max_length=100
    )
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All")), *Action.choices]
    )
    start = DateField(label=_("From"), required=False)
    end = DateField(label=_("To"), required=False)
    person = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date cannot be before the start date."))
        return data
