"""The dashboard's figure cells, in Python: a province's dashboard has hundreds of them (units
below × targets), and an `{% include %}` per cell cost more than the rest of the page."""

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from lib.numbers import formats, number
from targets.engine import STATUS_LABELS

register = template.Library()

NONE = mark_safe('<span class="muted">—</span>')  # noqa: S308 (a constant)


@register.simple_tag
def bar(r) -> str:
    """A target's progress bar with its percentage and counts (`r`: a selectors.Result)."""
    if not r.eligible:
        return NONE
    return mark_safe(_bar(r, formats()))  # noqa: S308 (escaped in _bar)


def _bar(r, language_formats: tuple) -> str:
    # An f-string, not format_html: a national union's table has thousands of cells. Numbers
    # as lib.numbers writes them hold no markup; the standing is escaped.
    met = number(r.met, True, language_formats)
    eligible = number(r.eligible, True, language_formats)
    percent = number(r.percent, False, language_formats)
    return (
        f'<div class="bar {escape(r.standing)}" title="{met}/{eligible}"><span style="width: '
        f'{r.percent}%"></span></div>\n<small>{percent}% · {met}/{eligible}</small>'
    )


@register.simple_tag
def bar_cells(results) -> str:
    """A row of bars, one cell per target (one tag per row: the units-below table of a
    province or a national union has thousands of cells)."""
    language_formats = formats()
    return mark_safe(
        "".join(  # noqa: S308 (escaped in _bar)
            f"<td>{_bar(r, language_formats) if r.eligible else NONE}</td>" for r in results
        )
    )


STANDINGS = {
    "achieved": gettext_lazy("Achieved"),
    "at_risk": gettext_lazy("At risk"),
    "missed": gettext_lazy("Missed"),
}


@register.simple_tag
def standing(r) -> str:
    """A target's standing as a tag (achieved, at risk, missed, no one concerned)."""
    if r.standing in STANDINGS:
        return format_html('<span class="tag {}">{}</span>', r.standing, STANDINGS[r.standing])
    return format_html('<span class="tag none">{}</span>', gettext_lazy("No one concerned"))


@register.simple_tag
def status_tag(status) -> str:
    """A person's standing on a target (targets.engine.Status) as a tag; "—" for none."""
    if status in STATUS_LABELS:
        return format_html('<span class="tag {}">{}</span>', status, STATUS_LABELS[status])
    return NONE
