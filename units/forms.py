from django import forms
from django.utils.translation import gettext_lazy as _

from lib.forms import DateField
from units.fields import UnitCodeField
from units.models import MAX_COUNT, Sector, UnitKind


class UnitCreateForm(forms.Form):
    code = forms.CharField(label=_("unit code"), max_length=32)
    name = forms.CharField(label=_("name"), max_length=255)
    kind = forms.ModelChoiceField(
        label=_("kind"), queryset=UnitKind.objects.select_related("level")
    )
    parent = UnitCodeField(label=_("parent unit"), required=False)
    sector = forms.ChoiceField(
        label=_("employer sector"), required=False, choices=[("", "—")] + list(Sector.choices)
    )
    founded_on = DateField(label=_("founded on"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].user = user


class UnitEditForm(forms.Form):
    code = forms.CharField(label=_("unit code"), max_length=32)
    sector = forms.ChoiceField(
        label=_("employer sector"), required=False, choices=[("", "—")] + list(Sector.choices)
    )
    founded_on = DateField(label=_("founded on"), required=False)


class RenameForm(forms.Form):
    name = forms.CharField(label=_("new name"), max_length=255)
    effective_on = DateField(label=_("effective on"))
    note = forms.CharField(label=_("note"), max_length=500, required=False)


class MoveForm(forms.Form):
    parent = UnitCodeField(label=_("new parent unit"))
    effective_on = DateField(label=_("effective on"))
    note = forms.CharField(label=_("note"), max_length=500, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].user = user


class DissolveForm(forms.Form):
    effective_on = DateField(
        label=_("effective on"), help_text=_("The first day on which the unit no longer exists.")
    )
    note = forms.CharField(label=_("note"), max_length=500, required=False)


class MergeForm(forms.Form):
    sources = forms.CharField(
        label=_("units merged into this one (codes, comma-separated)"), max_length=500
    )
    effective_on = DateField(label=_("effective on"))
    note = forms.CharField(label=_("note"), max_length=500, required=False)


class TermForm(forms.Form):
    name = forms.CharField(label=_("term"), max_length=50, help_text=_("e.g. 2023-2028"))
    start_date = DateField(label=_("start date"))
    end_date = DateField(label=_("end date"))


class FiguresForm(forms.Form):
    effective_on = DateField(label=_("effective on"))
    # Bounded (units.models.MAX_COUNT): a larger number was a server error on PostgreSQL.
    member_count = forms.IntegerField(
        label=_("member count"), min_value=0, max_value=MAX_COUNT, localize=True
    )
    worker_count = forms.IntegerField(
        label=_("worker count"), min_value=0, max_value=MAX_COUNT, required=False, localize=True
    )
