from django import forms
from django.utils.translation import gettext_lazy as _

from lib.dates import today
from lib.forms import DateField
from reports.models import ReportFormat, ReportKind
from reports.selectors import documents_for
from units.fields import UnitCodeField


class ReportForm(forms.Form):
    """The unit and the period of a report (a year, or a day), the resolution for report 2,
    and the file format (the button pressed)."""

    YEARLY = (ReportKind.TRAINING, ReportKind.PLAN)

    unit = UnitCodeField(label=_("Unit code"))
    year = forms.IntegerField(label=_("Year"), min_value=2000)
    on = DateField(label=_("As of"))
    document = forms.ModelChoiceField(
        label=_("Resolution or plan"), queryset=None, empty_label=None
    )
    format = forms.ChoiceField(label=_("Format"), choices=ReportFormat.choices)

    def __init__(self, *args, user, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["unit"].user = user
        if kind in self.YEARLY:
            del self.fields["on"], self.fields["document"]
        else:
            del self.fields["year"]
            if kind == ReportKind.RESOLUTION:
                self.fields["document"].queryset = documents_for(user)
            else:
                del self.fields["document"]

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if self.kind == ReportKind.PLAN:
            if year > today().year + 1:  # plans are made the year before
                raise forms.ValidationError(_("Plans are made for next year at the latest."))
        elif year > today().year:
            raise forms.ValidationError(_("The year cannot be in the future."))
        return year

    def params(self) -> dict:
        data = self.cleaned_data
        if self.kind in self.YEARLY:
            return {"year": data["year"]}
        params = {"on": data["on"].isoformat()}
        if self.kind == ReportKind.RESOLUTION:
            params["document"] = data["document"].pk
        return params
