"""The dashboard's figure cells, in Python: a province's dashboard has hundreds of them (units
below × targets), and an `{% include %}` per cell cost more than the rest of the page."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

register = template.Library()

NONE = mark_safe('<span class="muted">—</span>')  # noqa: S308 (a constant)


@register.simple_tag
def bar(r) -> str:
    """A target's progress bar with its percentage and counts (`r`: a selectors.Result)."""
    if not r.eligible:
        return NONE
    met, eligible = intcomma(r.met), intcomma(r.eligible)
    return format_html(
        '<div class="bar {}" title="{}/{}"><span style="width: {}%"></span></div>\n'
        "<small>{}% · {}/{}</small>",
        r.standing, met, eligible, str(r.percent), localize(r.percent), met, eligible)


STANDINGS = {"achieved": gettext_lazy("Achieved"), "at_risk": gettext_lazy("At risk"),
             "missed": gettext_lazy("Missed")}


@register.simple_tag
def standing(r) -> str:
    """A target's standing as a tag (achieved, at risk, missed, no one concerned)."""
    if r.standing in STANDINGS:
        return format_html('<span class="tag {}">{}</span>', r.standing, STANDINGS[r.standing])
    return format_html('<span class="tag none">{}</span>', gettext_lazy("No one concerned"))
