"""Cells naming a choice of a model (gender, education, form, ...) in either language."""

from django.utils import translation

from lib.spreadsheets import choice_parser


def choices_parser(choices, what, extra: dict | None = None):
    """Accepts the Vietnamese label, the English label or the stored value of each choice.

    `choices` is a Django Choices class; the Vietnamese labels are what templates show."""
    options: dict = dict(extra or {})
    with translation.override("vi"):
        shown = ", ".join(str(label) for _value, label in choices.choices)
        for value, label in choices.choices:
            options[str(label)] = value
    with translation.override("en"):
        for value, label in choices.choices:
            options.setdefault(str(label), value)
    for value, _label in choices.choices:
        options.setdefault(str(value), value)
    return choice_parser(options, what, shown=shown)


def vietnamese_label(choices, value) -> str:
    if value in (None, ""):
        return ""
    with translation.override("vi"):
        return str(choices(value).label)
