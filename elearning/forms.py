"""Forms of the organisers' pages: a course, its modules and lessons (with the upload limit),
assignments, reminders and the import of a course archive. They parse; elearning.services
decides."""

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from elearning.models import Course, LessonKind
from people.models import Role
from training.models import Programme, Topic
from units.fields import UnitCodeField

MB = 1024 * 1024
VIDEO_EXTENSIONS = (".mp4", ".webm", ".ogv", ".ogg", ".m4v")


def max_upload_bytes() -> int:
    """The largest lesson file accepted (settings.ELEARNING_MAX_UPLOAD_MB, 200 by default)."""
    return int(getattr(settings, "ELEARNING_MAX_UPLOAD_MB", 200)) * MB


def too_large_message(limit_bytes: int | None = None) -> str:
    limit_bytes = max_upload_bytes() if limit_bytes is None else limit_bytes
    return _(
        "The file is larger than the limit of %(mb)s MB. Compress it or split it into "
        "several lessons."
    ) % {"mb": limit_bytes // MB}


def count_field(label, required=True, min_value=0, max_value=None):
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=min_value,
        max_value=max_value,
        localize=True,  # "1.000" as typed in Vietnamese; a browser's number box refuses it
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class CourseForm(forms.Form):
    organiser = UnitCodeField(label=_lazy("organiser (unit code)"))
    code = forms.CharField(label=_lazy("course code"), max_length=40)
    title = forms.CharField(label=_lazy("title"), max_length=255)
    description = forms.CharField(
        label=_lazy("description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_lazy(
            "HTML is allowed: paragraphs, lists, links, tables; scripts and styles are removed."
        ),
    )
    programme = forms.ModelChoiceField(
        label=_lazy("framework programme"), required=False, queryset=Programme.objects.all()
    )
    topics = forms.ModelMultipleChoiceField(
        label=_lazy("topics"), queryset=Topic.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    hours = count_field(_lazy("hours"), min_value=1, max_value=1000)
    open_to_subtree = forms.BooleanField(
        label=_lazy("open to the whole subtree"), required=False, initial=True
    )
    audience_roles = forms.ModelMultipleChoiceField(
        label=_lazy("target group (roles)"),
        required=False,
        queryset=Role.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_lazy(
            "People holding one of these roles in the organiser's subtree may "
            "enrol even when the course is not open to the whole subtree."
        ),
    )

    def __init__(self, *args, user, course: Course | None = None, **kwargs):
        if course is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "organiser": course.organiser.code,
                "code": course.code,
                "title": course.title,
                "description": course.description,
                "programme": course.programme_id,
                "topics": list(course.topics.all()),
                "hours": course.hours,
                "open_to_subtree": course.open_to_subtree,
                "audience_roles": list(course.audience_roles.all()),
            }
        super().__init__(*args, **kwargs)
        self.fields["organiser"].user = user

    def service_fields(self) -> dict:
        """What course_save takes."""
        return dict(self.cleaned_data)


class ModuleForm(forms.Form):
    title = forms.CharField(label=_lazy("title"), max_length=255)
    rank = count_field(_lazy("order"), max_value=32767)


class LessonForm(forms.Form):
    title = forms.CharField(label=_lazy("title"), max_length=255)
    rank = count_field(_lazy("order"), max_value=32767)
    kind = forms.ChoiceField(label=_lazy("kind"), choices=LessonKind.choices)
    required = forms.BooleanField(
        label=_lazy("required to complete the course"), required=False, initial=True
    )
    body = forms.CharField(
        label=_lazy("text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_lazy(
            "For a text lesson (HTML allowed), or an introduction to a file, video or quiz."
        ),
    )
    file = forms.FileField(label=_lazy("file (PDF, video or SCORM package)"), required=False)
    embed_url = forms.URLField(label=_lazy("video link"), required=False, assume_scheme="https")
    question_count = count_field(_lazy("questions drawn"), min_value=1, max_value=200)
    pass_percent = count_field(_lazy("passing score (%)"), max_value=100)
    max_attempts = count_field(_lazy("attempts allowed"), min_value=1, max_value=100)
    time_limit_minutes = count_field(
        _lazy("time limit (minutes)"), required=False, min_value=1, max_value=1440
    )

    def __init__(self, *args, has_file: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_file = has_file
        self.fields["file"].help_text = _("At most %(mb)s MB. Video: MP4 or WebM.") % {
            "mb": max_upload_bytes() // MB
        }

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > max_upload_bytes():
            raise ValidationError(too_large_message(), code="too_large")
        return upload

    def clean(self):
        data = super().clean()
        kind, upload = data.get("kind"), data.get("file")
        if "file" in self.errors:  # too large: said once
            return data
        if (
            kind == LessonKind.VIDEO
            and upload
            and PurePath(upload.name).suffix.lower() not in VIDEO_EXTENSIONS
        ):
            self.add_error("file", _("A video lesson needs an MP4, WebM or Ogg file."))
        if kind in (LessonKind.PDF, LessonKind.VIDEO) and not upload and not self.has_file:
            self.add_error("file", _("Attach the file of the lesson."))
        if kind == LessonKind.SCORM and upload and PurePath(upload.name).suffix.lower() != ".zip":
            self.add_error("file", _("A SCORM lesson needs the package as a .zip file."))
        return data

    def service_fields(self) -> dict:
        """What lesson_save takes: a new file when one was uploaded, the fields a kind does
        not use emptied."""
        data = dict(self.cleaned_data)
        upload = data.pop("file")
        kind = data["kind"]
        if kind in (LessonKind.PDF, LessonKind.VIDEO, LessonKind.SCORM):
            if upload:
                data["file"] = upload
        else:
            data["file"] = ""
        if kind != LessonKind.EMBED:
            data["embed_url"] = ""
        return data


class AssignForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)


class RemindForm(forms.Form):
    days = count_field(_lazy("stalled after (days)"), required=False, min_value=1, max_value=365)
    include_assigned = forms.BooleanField(
        label=_lazy("also people assigned but not enrolled"), required=False
    )


class ImportForm(forms.Form):
    archive = forms.FileField(label=_lazy("course archive (.zip)"))
    unit = UnitCodeField(label=_lazy("organiser of the imported course (unit code)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].user = user
        self.initial.setdefault("unit", user.unit.code if user.unit_id else "")
