"""Form fields of the unit tree that every app's forms use."""

import re

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


class UnitsPickWidget(forms.Widget):
    """Units picked from the tree by searching their name or code: the chosen ones as ticked
    boxes, a search box whose matches come as boxes to tick (static/js/units_picker.js moves a
    ticked match up among the chosen). Without scripts, a ticked match is sent all the same."""

    template_name = "units/widgets/pick.html"

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        if isinstance(values, str):
            values = [values]
        # A list of codes typed as before ("HN-DA, NT") is still understood.
        return [code.strip() for v in values for code in re.split(r"[,;]", v) if code.strip()]

    def value_omitted_from_data(self, data, files, name):
        return False  # nothing ticked: none chosen

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = [v for v in value or [] if isinstance(v, Unit)]
        codes = [v for v in value or [] if isinstance(v, str)]
        if codes:
            found = {u.code: u for u in Unit.objects.filter(code__in=codes)}
            chosen += [found[c] for c in codes if c in found]
        context["widget"]["chosen"] = chosen
        return context


class UnitsPickField(forms.Field):
    """Any units of the tree (inviting and co-organising cross the user's scope), picked by
    search; unknown codes are named."""

    widget = UnitsPickWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        codes = list(dict.fromkeys(value or []))
        units = list(Unit.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {u.code for u in units})
        if missing:
            raise ValidationError(
                _("Unknown unit codes: %(codes)s") % {"codes": ", ".join(missing)}
            )
        if self.required and not units:
            raise ValidationError(self.error_messages["required"], code="required")
        return units
