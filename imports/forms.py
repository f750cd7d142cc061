from django import forms
from django.utils.translation import gettext_lazy as _

from imports.models import ImportKind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"), choices=ImportKind.choices)
    file = forms.FileField(label=_("File (.xlsx, .xls or .csv)"))


class ReplaceForm(forms.Form):
    file = forms.FileField(label=_("Corrected file"))
