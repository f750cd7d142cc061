from django import forms
from django.utils.translation import gettext_lazy as _

from lib.dates import today, year_range_errors
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
    # Report 1 may cover several years (000 is a ten-year report) and the unit's own classes.
    to_year = forms.IntegerField(
        label=_("To year"),
        min_value=2000,
        required=False,
        help_text=_("For a report over several years; leave empty for one year."),
    )
    own = forms.BooleanField(
        label=_("Only the classes the unit itself organised"),
        required=False,
        help_text=_("Otherwise the classes of the whole subtree."),
    )
    on = DateField(label=_("As of"))
    document = forms.ModelChoiceField(
        label=_("Resolution or plan"), queryset=None, empty_label=None
    )
    format = forms.ChoiceField(label=_("Format"), choices=ReportFormat.choices)

    def __init__(self, *args, user, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["unit"].user = user
        if kind != ReportKind.TRAINING:
            del self.fields["to_year"], self.fields["own"]
        else:
            self.fields["year"].label = _("Year (or first year)")
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

    def clean(self):
        data = super().clean()
        first, last = data.get("year"), data.get("to_year")
        if self.kind == ReportKind.TRAINING and first and last:
            for name, message in year_range_errors(first, last).items():
                self.add_error(name, message)
        return data

    def params(self) -> dict:
        data = self.cleaned_data
        if self.kind == ReportKind.TRAINING:
            return {
                "year": data["year"],
                "to_year": data.get("to_year") or data["year"],
                "own": bool(data.get("own")),
            }
        if self.kind in self.YEARLY:
            return {"year": data["year"]}
        params = {"on": data["on"].isoformat()}
        if self.kind == ReportKind.RESOLUTION:
            params["document"] = data["document"].pk
        return params
