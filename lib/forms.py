"""Glue between services (which raise ValidationError) and Django forms."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _lazy

from lib.dates import FORMATS, date_refused, in_range


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's errors on the matching fields, others at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


# A number field's bounds said plainly (Django's own reads "…nhỏ hơn hoặc bằng với 100 ."):
# error_messages=BOUNDS.
BOUNDS = {
    "min_value": _lazy("Must be at least %(limit_value)s."),
    "max_value": _lazy("Must be at most %(limit_value)s."),
}

# What run_service returns when the service refused (a service may itself return None).
REFUSED = object()


def run_service(request, action, success: str | None = None, form: forms.Form | None = None):
    """The one way a view calls a service: return what it returns, with the success message
    if one is given; a refusal (ValidationError) becomes the form's errors (or messages on
    the next page) and REFUSED, never a crash."""
    try:
        result = action()
    except ValidationError as exc:
        if form is not None:
            add_service_errors(form, exc)
        else:
            for message in exc.messages:
                messages.error(request, message)
        return REFUSED
    if success:
        messages.success(request, success)
    return result


def form_errors_to_messages(request, form: forms.Form) -> None:
    """For small forms posted from another page: their errors shown as messages there."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


class DateField(forms.DateField):
    """A dd/mm/yyyy text box: predictable in every browser and locale, within the years the
    system works with (lib.dates: a day such as 31/12/9999 broke the pages' arithmetic)."""

    widget = forms.DateInput(
        format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", list(FORMATS))
        super().__init__(**kwargs)

    def validate(self, value) -> None:
        super().validate(value)
        if value is not None and not in_range(value):
            raise ValidationError(date_refused(), code="out_of_range")
