"""The GET filters of the retention pages. A bad value is reported by field and its default
used instead, so a mistyped date never costs the page."""

import datetime as dt

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cadrework import retention
from lib.dates import today
from lib.forms import DateField
from training.models import Programme, Topic
from units.models import Unit

EARLIEST, LATEST = dt.date(1950, 1, 1), dt.date(2100, 12, 31)
GROUP_CHOICES = [
    ("programme", _("By programme")),
    ("topic", _("By topic")),
    ("organiser", _("By organiser")),
]


class RetentionFilterForm(forms.Form):
    # "from" is a Python keyword: the field is added in __init__.
    to = DateField(label=_("To"), required=False)
    on = DateField(label=_("As of"), required=False)
    by = forms.ChoiceField(label=_("Group by"), choices=GROUP_CHOICES, required=False)
    programme = forms.ChoiceField(label=_("Programme"), required=False)
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All"),
    )
    organiser = forms.CharField(label=_("Organiser"), required=False, widget=forms.HiddenInput)
    months = forms.ChoiceField(label=_("Figure"), required=False)
    direct = forms.BooleanField(
        label=_("Posts in the unit itself only"), required=False, widget=forms.HiddenInput
    )
    moved = forms.BooleanField(
        label=_("Moved within the union instead"), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields = {"from": DateField(label=_("From"), required=False), **self.fields}
        self.fields["programme"].choices = [
            ("", _("All")),
            (retention.NONE, _("No programme")),
            *((str(p.pk), p.name) for p in Programme.objects.order_by("name")),
        ]
        self.fields["months"].choices = [
            ("", gettext("Trained")),
            *((str(n), gettext("Left within %(n)s months") % {"n": n}) for n in retention.WINDOWS),
        ]

    def _clean_day(self, name: str) -> dt.date | None:
        day = self.cleaned_data.get(name)
        if day is not None and not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(
                _("Enter a date between %(first)s and %(last)s.")
                % {"first": EARLIEST.strftime("%d/%m/%Y"), "last": LATEST.strftime("%d/%m/%Y")},
                code="out_of_range",
            )
        return day

    def clean_from(self):
        return self._clean_day("from")

    def clean_to(self):
        return self._clean_day("to")

    def clean_on(self):
        return self._clean_day("on")

    def clean_organiser(self):
        value = (self.cleaned_data.get("organiser") or "").strip()
        if not value or value == retention.NONE:
            return value or None
        unit = retention.organisers_visible_to(self.user).filter(pk=retention.as_id(value)).first()
        if unit is None:
            raise forms.ValidationError(
                _("No organiser with this id in your scope."), code="unknown"
            )
        return unit

    def clean_months(self):
        value = self.cleaned_data.get("months")
        return int(value) if value else None

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and end < start:
            self.add_error("to", _("The end date cannot be before the start date."))
        return data

    def cohort(self, unit: Unit) -> retention.Cohort:
        """The question asked, each bad or missing value replaced by its default: today for the
        as-of day, the last 3 years up to it for the period."""
        self.is_valid()
        data = self.cleaned_data
        as_of = data.get("on") or today()
        default_start, default_end = retention.default_period(as_of)
        end = data.get("to") or default_end
        start = data.get("from") or (
            default_start if end == default_end else retention.default_period(end)[0]
        )
        if end < start:
            start, end = default_start, default_end
        programme = data.get("programme") or None
        if programme and programme != retention.NONE:
            programme = Programme.objects.filter(pk=int(programme)).first()
        return retention.Cohort(
            unit=unit,
            start=start,
            end=end,
            as_of=as_of,
            programme=programme,
            topic=data.get("topic"),
            organiser=data.get("organiser"),
            direct=bool(data.get("direct")),
        )

    def error_lines(self) -> list[str]:
        """'From: Enter a valid date.' — one line per error, naming the field."""
        return [
            f"{self.fields[name].label}: {message}" if name in self.fields else message
            for name, messages in self.errors.items()
            for message in messages
        ]
