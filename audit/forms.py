from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from audit import selectors
from audit.models import LogEntry
from lib.forms import DateField

ACTION_CHOICES = [
    ("", _("All")),
    (str(LogEntry.Action.CREATE), pgettext_lazy("audit action", "Created")),
    (str(LogEntry.Action.UPDATE), pgettext_lazy("audit action", "Changed")),
    (str(LogEntry.Action.DELETE), pgettext_lazy("audit action", "Deleted")),
]


class LogFilterForm(forms.Form):
    """GET filters of the audit log; invalid values are shown as errors, the list unfiltered
    by them."""

    who = forms.CharField(label=_("User"), required=False, max_length=150)
    kind = forms.ChoiceField(label=_("Kind of record"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=ACTION_CHOICES)
    start = DateField(label=_("From"), required=False)
    end = DateField(label=_("To"), required=False)
    text = forms.CharField(label=_("Contains"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All")), *selectors.kinds()]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error(
                "end", ValidationError(_("The end date cannot be before the start date."))
            )
        return data

    def filters(self) -> dict:
        """The valid filters, as selectors.log_search takes them."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "who": data.get("who") or "",
            "kind": data.get("kind") or "",
            "action": int(data["action"]) if data.get("action") else None,
            "start": data.get("start"),
            "end": data.get("end"),
            "text": data.get("text") or "",
        }
