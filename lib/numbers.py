"""Numbers as the active language writes them, fast: the same text as `{{ n }}` and
`{{ n|intcomma }}`, for tables with hundreds of figures (Django looks the number formats up
three times per number, most of a cell's cost). In templates: `{% load numbers %}` and
`{{ n|grouped }}` in place of `{{ n|intcomma }}`."""

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import get_language

register = template.Library()


class Plain(int):
    """An integer that names rather than counts — a year, an id — where it sits among values
    written by their type (a table of a person's data, a workbook): written as it is ("2026"),
    never grouped as a quantity is ("2.026"). `lib.xlsx` gives it a "0" format; a template
    writes it through a filter that knows it (privacy's `cell`) or `|unlocalize`."""


# The number formats of each language, looked up once.
_FORMATS: dict[str, tuple] = {}


@receiver(setting_changed)
def _forget_formats(**kwargs) -> None:
    _FORMATS.clear()


def formats() -> tuple:
    """The active language's decimal separator, grouping and thousand separator."""
    language = get_language()
    found = _FORMATS.get(language)
    if found is None:
        found = _FORMATS[language] = tuple(
            get_format(name)
            for name in ("DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR")
        )
    return found


def number(value, grouped: bool, language_formats: tuple | None = None) -> str:
    """`value` as `{{ value }}` (grouped=False) or `{{ value|intcomma }}` (True) write it.
    A caller writing many numbers passes `formats()` once."""
    decimal_sep, grouping, thousand_sep = language_formats or formats()
    # The common cases straight (what numberformat.format gives them, several times faster):
    # a count grouped by threes, a percentage below a thousand.
    if grouped and type(value) is int and grouping == 3:
        return f"{value:,}".replace(",", thousand_sep)
    if (
        not grouped
        and isinstance(value, Decimal)
        and value.is_finite()
        and abs(value) < 1000
        and value.as_tuple().exponent <= 0
    ):  # not 1E+2, which Django writes 100
        return str(value).replace(".", decimal_sep)
    return numberformat.format(
        value, decimal_sep, None, grouping, thousand_sep, force_grouping=grouped
    )


@register.filter(is_safe=True)
def grouped(value) -> str:
    """`{{ n|intcomma }}`, faster for numbers; anything else goes to intcomma itself."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return intcomma(value)
    return number(value, True)
