from django import forms
from django.utils.translation import gettext_lazy as _

from lib.forms import BOUNDS, DateField
from lib.vntext import nfc
from training.models import (
    CertificateTemplate,
    ClassSession,
    Feedback,
    Form,
    Institution,
    LecturerKind,
    Programme,
    Topic,
    TrainingClass,
)
from units.fields import UnitCodeField, UnitsPickField


class ClassForm(forms.ModelForm):
    organiser = UnitCodeField(label=_("organiser"))
    start_date = DateField(label=_("start date"))
    end_date = DateField(label=_("end date"))
    topics = forms.ModelMultipleChoiceField(
        label=_("topics"), queryset=Topic.objects.all(), widget=forms.CheckboxSelectMultiple
    )

    co_organisers = UnitsPickField(label=_("co-organising units"))
    invited_units = UnitsPickField(label=_("units invited from outside the organiser"))

    class Meta:
        model = TrainingClass
        widgets = {"partners": forms.CheckboxSelectMultiple}
        fields = [
            "code",
            "name",
            "organiser",
            "co_organisers",
            "partners",
            "invited_units",
            "programme",
            "topics",
            "kind",
            "form",
            "start_date",
            "end_date",
            "venue",
            "hours",
            "capacity",
            "audience",
            "target_group",
            "budget_planned",
            "budget_actual",
            "funding_source",
            "auto_promote",
        ]
        # Amounts and counts as typed in Vietnamese: 45.000.000 (tests/test_numbers_as_typed.py).
        localized_fields = ["hours", "capacity", "budget_planned", "budget_actual"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].user = user
        if self.instance.pk:
            self.initial["organiser"] = self.instance.organiser.code
            for name in ("co_organisers", "invited_units"):
                self.initial[name] = list(getattr(self.instance, name).all())

    def _post_clean(self):
        pass  # validated by the service, inside its transaction


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=255)


class ResultsForm(forms.Form):
    attendance_percent = forms.IntegerField(
        label=_("attendance (%)"),
        min_value=0,
        max_value=100,
        required=False,
        localize=True,
        error_messages=BOUNDS,
    )
    score = forms.DecimalField(
        label=_("score"),
        min_value=0,
        max_value=10,
        decimal_places=1,
        localize=True,
        required=False,
        error_messages=BOUNDS,
    )
    passed = forms.TypedChoiceField(
        label=_("passed"),
        coerce=lambda v: {"1": True, "0": False}[v],
        empty_value=None,
        required=False,
        choices=[("", "—"), ("1", _("Passed")), ("0", _("Not passed"))],
    )


class ExternalRecordForm(forms.Form):
    title = forms.CharField(label=_("course"), max_length=255)
    topics = forms.ModelMultipleChoiceField(
        label=_("topics"), queryset=Topic.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    hours = forms.IntegerField(label=_("hours"), min_value=1, max_value=5000, localize=True)
    completed_on = DateField(label=_("completed on"))
    form = forms.ChoiceField(label=_("form"), choices=Form.choices)
    institution = forms.ModelChoiceField(
        label=_("outside body (school, academy, partner)"),
        queryset=Institution.objects.all(),
        required=False,
        empty_label=_("— none of these —"),
    )
    certificate_number = forms.CharField(label=_("certificate number"), required=False)
    # Issue 24 §5: its validity comes from the programme and topics chosen, unless the body's
    # own certificate states a day (a partner's OSH card, say).
    programme = forms.ModelChoiceField(
        label=_("framework programme"),
        queryset=Programme.objects.all(),
        required=False,
        empty_label=_("— none of these —"),
    )
    expires_on = DateField(
        label=_("valid until"),
        required=False,
        help_text=_(
            "As the certificate states it. Empty: as long as the programme or topics chosen "
            "say (empty for training that does not expire)."
        ),
    )
    scan = forms.FileField(label=_("scan"), required=False)


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = Feedback
        fields = [
            "content",
            "lecturers",
            "organisation",
            "usefulness",
            "comment",
            "pre_test",
            "post_test",
        ]
        # Ratings and test scores as typed in Vietnamese (7,5).
        localized_fields = [
            "content",
            "lecturers",
            "organisation",
            "usefulness",
            "pre_test",
            "post_test",
        ]

    def _post_clean(self):
        pass


class LecturerForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput, required=False)
    citizen_id = forms.CharField(label=_("citizen ID of the person"), max_length=12)
    kind = forms.ChoiceField(label=_("kind"), choices=LecturerKind.choices)
    topics = forms.ModelMultipleChoiceField(
        label=_("topics"),
        queryset=Topic.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    pedagogy_trained_on = DateField(label=_("pedagogy training on"), required=False)
    hours = forms.IntegerField(
        label=_("teaching hours"), min_value=1, max_value=1000, localize=True
    )

    def __init__(self, *args, for_class: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not for_class:  # the hours are a class's: asked only when opened from one
            del self.fields["hours"]


class ClassLecturerForm(forms.Form):
    lecturer = forms.IntegerField(label=_("lecturer"))
    hours = forms.IntegerField(
        label=_("teaching hours"), min_value=1, max_value=1000, localize=True
    )


class PercentField(forms.IntegerField):
    """A percentage as a spreadsheet shows it: "95%" or "95"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removesuffix("%").strip()
        return super().to_python(value)


# What a results grid's "result" cell may hold, as typed or pasted from a spreadsheet.
PASSED_WORDS = {
    "": None,
    "đạt": True,
    "không đạt": False,
    "chưa đạt": False,
    "passed": True,
    "not passed": False,
    "1": True,
    "0": False,
    "x": True,
}


class ResultsRowForm(ResultsForm):
    """One row of the class's results grid: what an officer pastes from Excel — "95%",
    "8,5", "Đạt" — is taken as typed."""

    attendance_percent = PercentField(
        label=_("attendance (%)"),
        min_value=0,
        max_value=100,
        required=False,
        localize=True,
        error_messages=BOUNDS,
    )
    passed = forms.CharField(label=_("result"), required=False)

    def clean_passed(self):
        typed = " ".join(nfc(self.cleaned_data["passed"]).split()).lower()
        if typed not in PASSED_WORDS:
            raise forms.ValidationError(
                _("“%(value)s” is not a result: write Đạt or Không đạt."),
                params={"value": self.cleaned_data["passed"]},
            )
        return PASSED_WORDS[typed]


class CertificateTemplateForm(forms.ModelForm):
    logo = forms.FileField(
        label=_("logo (PNG or JPEG, at most 1 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("remove the logo"), required=False)

    class Meta:
        model = CertificateTemplate
        fields = [
            "layout",
            "governing_body",
            "symbol",
            "place",
            "title",
            "wording",
            "signer_authority",
            "signer_title",
            "signer_name",
        ]


class TimeField(forms.TimeField):
    """A time of day as typed in Vietnam: 07:30, 7:30, 7h30 or 7g30 (24-hour clock)."""

    # A text box, as DateField's: a browser's time picker shows AM/PM in some locales.
    widget = forms.TimeInput(format="%H:%M", attrs={"placeholder": "hh:mm"})

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%H:%M", "%H:%M:%S", "%Hh%M", "%Hg%M", "%H.%M"])
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().lower()
        return super().to_python(value)


class SessionForm(forms.ModelForm):
    """A session of a class: its day, time, place, lecturer and topic (training.sessions
    checks it against the class)."""

    date = DateField(label=_("date"))
    starts_at = TimeField(label=_("from"))
    ends_at = TimeField(label=_("to"))

    class Meta:
        model = ClassSession
        fields = ["date", "starts_at", "ends_at", "venue", "lecturer", "topic"]

    def __init__(self, *args, training_class, lecturers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lecturer"].queryset = lecturers
        self.fields["lecturer"].label_from_instance = lambda lecturer: lecturer.person.full_name
        self.fields["topic"].queryset = training_class.topics.all()

    def _post_clean(self):
        pass  # validated by the service, inside its transaction
