from django import forms
from django.utils.translation import gettext_lazy as _

from lib.forms import DateField
from planning.models import TargetGroup
from training.models import FundingSource, Programme, Topic
from units.fields import UnitCodeField


def money(label, required=True, help_text=""):
    """An amount in đồng as users type it: 15.000.000 (Vietnamese) or 15,000,000."""
    return forms.DecimalField(
        label=label,
        required=required,
        help_text=help_text,
        min_value=0,
        max_digits=16,
        decimal_places=0,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


def count(label, required=True):
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class PlanCreateForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)


class PlanLineForm(forms.Form):
    name = forms.CharField(label=_("content"), max_length=255)
    topic = forms.ModelChoiceField(label=_("topic"), queryset=Topic.objects.all(), required=False)
    programme = forms.ModelChoiceField(
        label=_("framework programme"), queryset=Programme.objects.all(), required=False
    )
    target_group = forms.ChoiceField(label=_("target group"), choices=TargetGroup.choices)
    classes = count(_("classes"))
    trainees = count(_("trainees"))
    quarter = forms.TypedChoiceField(
        label=_("quarter"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), (1, "I"), (2, "II"), (3, "III"), (4, "IV")],
    )
    budget = money(_("budget estimate (VND)"))
    funding_source = forms.ChoiceField(label=_("funding source"), choices=FundingSource.choices)
    reason = forms.CharField(
        label=_("reason for the revision"),
        required=False,
        max_length=500,
        help_text=_("Required once the plan is approved."),
    )

    def line_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), required=False, max_length=500)


class DeadlineForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    due_on = DateField(label=_("submit by"))


class ClassLinkForm(forms.Form):
    training_class = forms.CharField(label=_("class code"), max_length=40)


class SpendingForm(forms.Form):
    operating_total = money(_("total operating spending (VND)"))
    other_training = money(
        _("other training costs (VND)"),
        help_text=_("Paid from union funds, outside the classes (which count on their own)."),
    )
    note = forms.CharField(label=_("note"), required=False, max_length=500)


class GrowthForm(forms.Form):
    unit = UnitCodeField(label=_("unit"))
    period_start = DateField(label=_("from"))
    period_end = DateField(label=_("to"))
    admitted = count(_("members admitted"))
    other_decreases = count(_("other decreases"))
    transfers_in = count(_("transferred in"), required=False)
    transfers_out = count(_("transferred out"), required=False)
    unions_founded = count(_("grassroots unions founded"), required=False)
    unions_dissolved = count(_("grassroots unions dissolved"), required=False)
    enterprises_30plus = count(_("enterprises with 30 workers or more"), required=False)
    enterprises_with_union = count(_("of which with a grassroots union"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].user = user

    def figures(self) -> dict:
        data = self.cleaned_data
        return {
            k: data[k] or 0 for k in self.fields if k not in ("unit", "period_start", "period_end")
        }


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=255)
    year = forms.IntegerField(label=_("plan year"), min_value=2000, max_value=2100)
    deadline = DateField(label=_("answer by"))
    topics = forms.ModelMultipleChoiceField(
        label=_("topics asked"), queryset=Topic.objects.all(), widget=forms.CheckboxSelectMultiple
    )


class AnswerForm(forms.Form):
    """A grid: for each topic asked and each target group, how many cadres need it."""

    comment = forms.CharField(
        label=_("comments"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, topics, answer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.topics = list(topics)
        given = (
            {(n.topic_id, n.target_group): n.count for n in answer.needs.all()} if answer else {}
        )
        if answer:
            self.initial["comment"] = answer.comment
        self.grid = []
        for topic in self.topics:
            row = []
            for group, label in TargetGroup.choices:
                name = f"n_{topic.pk}_{group}"
                self.fields[name] = count(f"{topic} — {label}", required=False)
                self.fields[name].widget.attrs["aria-label"] = f"{topic} — {label}"
                self.initial[name] = given.get((topic.pk, group))
                row.append(name)
            self.grid.append((topic, row))

    def rows(self):
        """The grid as (topic, [bound fields]) for the template."""
        return [(topic, [self[name] for name in names]) for topic, names in self.grid]

    def needs(self) -> dict:
        return {
            (topic, group): self.cleaned_data[f"n_{topic.pk}_{group}"] or 0
            for topic in self.topics
            for group in TargetGroup.values
        }


class ClassGoalsForm(forms.Form):
    """Classes and trainees for each unit directly below (empty: none given); fields
    `classes_<unit id>` and `trainees_<unit id>`."""

    FIELDS = ("classes", "trainees")

    def __init__(self, *args, rows: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            for field in self.FIELDS:
                name = f"{field}_{row['unit'].pk}"
                label = _("classes") if field == "classes" else _("trainees")
                self.fields[name] = count(f"{row['unit'].name}: {label}", required=False)
                self.fields[name].max_value = 10_000_000
                self.initial[name] = row[field]["given"]

    def goals(self) -> dict:
        return {
            row["unit"]: {f: self.cleaned_data[f"{f}_{row['unit'].pk}"] for f in self.FIELDS}
            for row in self.rows
        }

    def bound_rows(self) -> list[tuple]:
        return [
            (row, self[f"classes_{row['unit'].pk}"], self[f"trainees_{row['unit'].pk}"])
            for row in self.rows
        ]


class OwnClassGoalForm(forms.Form):
    classes = count(_("own goal: classes"), required=False)
    trainees = count(_("own goal: trainees"), required=False)
