"""Masking in templates: `{% load privacy %}{{ person.citizen_id|mask_citizen_id }}`."""

import datetime as dt

from django import template
from django.utils import formats, timezone

from lib.numbers import Plain
from privacy import masking

register = template.Library()

register.filter("mask_citizen_id", masking.mask_citizen_id)
register.filter("mask_phone", masking.mask_phone)
register.filter("mask_email", masking.mask_email)
register.filter("mask_text", masking.mask_text)


@register.filter
def cell(value) -> str:
    """A value of the own-data tables as the page shows it (dates as dd/mm/yyyy)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "d/m/Y H:i")
    if isinstance(value, dt.date):
        return formats.date_format(value, "d/m/Y")
    if isinstance(value, Plain):
        return str(value)  # a year: "2026", not "2.026"
    return formats.localize(value)
