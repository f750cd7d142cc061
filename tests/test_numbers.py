"""lib.numbers writes numbers as Django's `{{ n }}` and `{{ n|intcomma }}` do, faster."""

from decimal import Decimal

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import Context, Template
from django.utils import translation

from lib.numbers import number

VALUES = [
    0,
    7,
    999,
    1000,
    2500,
    9551,
    1234567,
    -1000,
    -1234567,
    Decimal("66.7"),
    Decimal("0.0"),
    Decimal("1234.5"),
    Decimal("-12.25"),
    Decimal("1E+2"),
    Decimal("100"),
    Decimal("5E-3"),
    12.5,
    1234567.891,
]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_grouped_numbers_read_as_intcomma_writes_them(language):
    with translation.override(language):
        template = Template("{% load numbers %}{{ n|grouped }}")
        for value in VALUES:
            assert template.render(Context({"n": value})) == str(intcomma(value)), value
            assert number(value, True) == str(intcomma(value)), value


@pytest.mark.parametrize("language", ["vi", "en"])
def test_plain_numbers_read_as_the_template_writes_them(language):
    with translation.override(language):
        template = Template("{{ n }}")
        for value in VALUES:
            assert number(value, False) == template.render(Context({"n": value})), value


def test_anything_but_a_number_is_written_as_intcomma_writes_it():
    template = Template(
        "{% load numbers %}{{ n|grouped }}|{{ b|grouped }}|{{ s|grouped }}|{{ t|grouped }}"
    )
    django = Template(
        "{% load humanize %}{{ n|intcomma }}|{{ b|intcomma }}|{{ s|intcomma }}|{{ t|intcomma }}"
    )
    context = {"n": None, "b": True, "s": "12345", "t": "abc"}
    assert template.render(Context(context)) == django.render(Context(context))
    assert "12.345|abc" in template.render(Context(context))
