"""Form fields of the unit tree that every app's forms use."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from accounts.scope import scoped
from units.models import Unit


class UnitCodeField(forms.CharField):
    """A unit typed by its code (with suggestions), resolved within the user's scope only."""

    default_error_messages = {"unknown": _("No unit with code %(code)s in your scope.")}

    def __init__(self, *, user=None, **kwargs):
        self.user = user
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {
                "list": "unit-suggestions",
                "autocomplete": "off",
                "hx-get": reverse_lazy("units:suggest"),
                "hx-trigger": "keyup changed delay:300ms",
                "hx-target": "#unit-suggestions",
                "hx-swap": "innerHTML",
            }
        )

    def prepare_value(self, value):
        if isinstance(value, Unit):
            return value.code
        return value

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        code = code.strip()
        unit = (
            scoped(Unit.objects.select_related("kind__level"), self.user)
            .filter(code__iexact=code)
            .first()
        )
        if unit is None:
            raise ValidationError(
                self.error_messages["unknown"], code="unknown", params={"code": code}
            )
        return unit
