"""Forms of the inspection pages: they parse what is typed; cadrework.inspections decides."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cadrework.inspections import Area, units_nameable_by
from lib.forms import DateField
from units.fields import UnitCodeField


class InspectedUnitField(UnitCodeField):
    """A unit of the user's subtree by its code; a unit above the user's is found too, so the
    rules can say why it cannot be inspected instead of calling it unknown."""

    def clean(self, value):
        code = forms.CharField.clean(self, value)
        if not code:
            return None
        code = code.strip()
        unit = units_nameable_by(self.user).filter(code__iexact=code).first()
        if unit is None:
            raise ValidationError(
                self.error_messages["unknown"], code="unknown", params={"code": code}
            )
        return unit


class InspectionEditForm(forms.Form):
    held_on = DateField(label=_("held on"))
    areas = forms.MultipleChoiceField(
        label=_("areas inspected"), choices=Area.choices, widget=forms.CheckboxSelectMultiple
    )
    findings = forms.CharField(label=_("findings"), widget=forms.Textarea(attrs={"rows": 6}))


class InspectionForm(InspectionEditForm):
    inspected = InspectedUnitField(
        label=_("inspected unit"), help_text=_("The code of a unit below yours.")
    )
    field_order = ["inspected", "held_on", "areas", "findings"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspected"].user = user


class FollowUpForm(forms.Form):
    action = forms.CharField(label=_("follow-up action"), max_length=500)
    deadline = DateField(label=_("deadline"))


class DoneForm(forms.Form):
    done_on = DateField(label=_("done on"))
