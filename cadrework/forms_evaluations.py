"""Forms of the evaluation pages: they parse; cadrework.evaluations decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cadrework.evaluations import FIRST_YEAR, MAX_VOTES
from cadrework.models import Occasion, Rating
from lib.forms import DateField


def votes(label):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_VOTES,
        initial=0,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class EvaluationForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=FIRST_YEAR, max_value=2100)
    occasion = forms.ChoiceField(
        label=_("occasion"), choices=Occasion.choices, initial=Occasion.YEARLY
    )
    on = DateField(
        label=_("day of the evaluation"),
        required=False,
        help_text=_(
            "Before a promotion or rotation: the post held on this day is "
            "evaluated. A yearly evaluation takes the post held on 31 "
            "December."
        ),
    )
    rating = forms.ChoiceField(label=_("rating"), choices=Rating.choices, widget=forms.RadioSelect)
    votes_excellent = votes(_("votes: excellent"))
    votes_good = votes(_("votes: good"))
    votes_completed = votes(_("votes: completed"))
    votes_not_completed = votes(_("votes: not completed"))
    self_assessment = forms.CharField(
        label=_("self-assessment"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
