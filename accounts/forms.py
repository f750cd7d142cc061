import re

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """The 6 digits an authenticator app shows (spaces allowed, as apps display them)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autofocus": True,
                "pattern": r"[0-9 ]*",
            }
        ),
    )

    def clean_code(self) -> str:
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError(_("Type the 6 digits your authenticator app shows."))
        return code


class EnrolmentCodeForm(forms.Form):
    """The one-time code a system administrator is given to set up their first device."""

    enrolment_code = forms.CharField(
        label=_("Enrolment code"),
        max_length=30,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autofocus": True,
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )
