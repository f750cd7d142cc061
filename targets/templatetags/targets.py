"""The dashboard's figure cells, in Python: a province's dashboard has hundreds of them (units
below × targets), and an `{% include %}` per cell cost more than the rest of the page."""

from decimal import Decimal

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy

register = template.Library()

# The number formats of each language, looked up once (Django looks them up for every number:
# three lookups per number, most of a cell's cost).
_FORMATS: dict[str, tuple] = {}


@receiver(setting_changed)
def _forget_formats(**kwargs) -> None:
    _FORMATS.clear()


def _number(value, grouped: bool) -> str:
    """`value` as `{{ value }}` (grouped=False) or `{{ value|intcomma }}` (True) write it."""
    language = get_language()
    formats = _FORMATS.get(language)
    if formats is None:
        formats = _FORMATS[language] = tuple(get_format(name) for name in (
            "DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR"))
    decimal_sep, grouping, thousand_sep = formats
    # The common cases straight (what numberformat.format gives them, several times faster):
    # a count grouped by threes, a percentage below a thousand.
    if grouped and type(value) is int and grouping == 3:
        return f"{value:,}".replace(",", thousand_sep)
    if not grouped and isinstance(value, Decimal) and value.is_finite() and abs(value) < 1000:
        return str(value).replace(".", decimal_sep)
    return numberformat.format(value, decimal_sep, None, grouping, thousand_sep,
                               force_grouping=grouped)

NONE = mark_safe('<span class="muted">—</span>')  # noqa: S308 (a constant)


@register.simple_tag
def bar(r) -> str:
    """A target's progress bar with its percentage and counts (`r`: a selectors.Result)."""
    if not r.eligible:
        return NONE
    met, eligible = _number(r.met, True), _number(r.eligible, True)
    return format_html(
        '<div class="bar {}" title="{}/{}"><span style="width: {}%"></span></div>\n'
        "<small>{}% · {}/{}</small>",
        r.standing, met, eligible, str(r.percent), _number(r.percent, False), met, eligible)


@register.simple_tag
def bar_cells(results) -> str:
    """A row of bars, one cell per target (one tag per row: the units-below table of a
    province or a national union has thousands of cells)."""
    return format_html_join("", "<td>{}</td>", ((bar(r),) for r in results))


STANDINGS = {"achieved": gettext_lazy("Achieved"), "at_risk": gettext_lazy("At risk"),
             "missed": gettext_lazy("Missed")}


@register.simple_tag
def standing(r) -> str:
    """A target's standing as a tag (achieved, at risk, missed, no one concerned)."""
    if r.standing in STANDINGS:
        return format_html('<span class="tag {}">{}</span>', r.standing, STANDINGS[r.standing])
    return format_html('<span class="tag none">{}</span>', gettext_lazy("No one concerned"))
