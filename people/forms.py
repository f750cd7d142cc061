from django import forms
from django.utils.translation import gettext_lazy as _

from lib.forms import DateField
from people.models import (
    EducationLevel,
    EndReason,
    Gender,
    Person,
    PoliticalTheory,
    Role,
    StartReason,
)
from people.selectors import AGE_BAND_LABELS
from units.fields import UnitCodeField


class PersonForm(forms.ModelForm):
    unit = UnitCodeField(label=_("unit"))
    # Checked by the model's validator in the service: one message for every wrong length.
    citizen_id = forms.CharField(label=_("citizen ID"), max_length=30, required=False)
    birth_date = DateField(label=_("birth date"), required=False)

    class Meta:
        model = Person
        fields = [
            "family_name",
            "middle_name",
            "given_name",
            "gender",
            "birth_date",
            "citizen_id",
            "ethnicity",
            "phone",
            "email",
            "address",
            "education_level",
            "political_theory",
            "foreign_language",
            "it_skill",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].user = user
        if self.instance.pk:
            self.fields["unit"].initial = self.instance.unit.code
        # Uniqueness is checked by the service (full_clean) so its message is the one shown.
        self.fields["citizen_id"].widget.attrs.update({"inputmode": "numeric"})

    def _post_clean(self):
        # Model validation runs in the service, inside its transaction.
        pass


class PositionForm(forms.Form):
    unit = UnitCodeField(label=_("unit"))
    role = forms.ModelChoiceField(label=_("role"), queryset=Role.objects.all())
    full_time = forms.BooleanField(label=_("full-time"), required=False)
    start_date = DateField(label=_("start date"))
    end_date = DateField(label=_("end date"), required=False)
    first_time_on_committee = forms.BooleanField(
        label=_("first time on the executive committee"), required=False
    )
    start_reason = forms.ChoiceField(label=_("how it started"), choices=StartReason.choices)
    end_reason = forms.ChoiceField(
        label=_("how it ended"), required=False, choices=[("", "—")] + list(EndReason.choices)
    )
    appointment_reason = forms.CharField(
        label=_("reason for the appointment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Needed when the unit keeps a succession pool for the post and the person "
            "is not in it, not trained for it or not rated at least 'completed' last "
            "year."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].user = user


def _choices(choices):
    return [("", _("All"))] + list(choices)


class PeopleFilterForm(forms.Form):
    """GET filters of the people list; invalid values are ignored rather than refused."""

    q = forms.CharField(label=_("Search"), required=False)
    unit = UnitCodeField(label=_("unit (with sub-units)"), required=False)
    role = forms.ModelChoiceField(
        label=_("role"), queryset=Role.objects.all(), required=False, empty_label=_("All")
    )
    full_time = forms.ChoiceField(
        label=_("full-time"),
        required=False,
        choices=[("", _("All")), ("1", _("Full-time")), ("0", _("Part-time"))],
    )
    gender = forms.ChoiceField(label=_("gender"), required=False, choices=_choices(Gender.choices))
    age = forms.ChoiceField(
        label=_("age"), required=False, choices=_choices(AGE_BAND_LABELS.items())
    )
    education = forms.TypedChoiceField(
        label=_("education level"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=_choices(EducationLevel.choices),
    )
    theory = forms.TypedChoiceField(
        label=_("political theory"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=_choices(PoliticalTheory.choices),
    )
    on = DateField(label=_("as of"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].user = user
