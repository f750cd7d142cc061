from django import forms
from django.utils.translation import gettext_lazy as _

from cadrework.models import PoolPost, StructureMeasure
from lib.forms import DateField


class PoolForm(forms.Form):
    post = forms.ChoiceField(label=_("post"), choices=PoolPost.choices)
    term = forms.ModelChoiceField(label=_("term"), queryset=None)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = unit.terms.order_by("-start_date")


class ReviewForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    held_on = DateField(label=_("held on"))
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class EntryForm(forms.Form):
    """Add a candidate (chosen from the search results) or remove one: reason and date."""

    reason = forms.CharField(label=_("reason"), max_length=500)
    on = DateField(label=_("on"))


class GoalForm(forms.Form):
    measure = forms.ChoiceField(label=_("measure"), choices=StructureMeasure.choices)
    min_percent = forms.DecimalField(
        label=_("at least (%)"), min_value=0, max_value=100, decimal_places=2, localize=True
    )
