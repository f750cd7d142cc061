"""Every amount, count and decimal typed into a form is read as Vietnamese users write it, as
the imports already read it (issue 23 §4): "“45.000.000” in Dự toán kinh phí is refused
(“Hãy chắc chắn rằng không có nhiều hơn 0 chữ số thập phân”) although imports accept “1.234”:
every money, count and decimal input takes the Vietnamese forms, everywhere." Years and ids
are not quantities: they are shown and read as written ("years and ids never formatted as
numbers")."""

import importlib
import inspect
from decimal import Decimal
from pathlib import Path

from django import forms

from tests.training.test_class_life import CLASS
from training.models import TrainingClass
from units.models import UnitFigures

ROOT = Path(__file__).resolve().parent.parent
NOT_QUANTITIES = {"year", "to_year", "lecturer"}  # a year, and an id picked from a list


def number_fields():
    """(form, field name, field) for every number field of every form class of the apps."""
    for path in sorted(ROOT.glob("*/forms.py")):
        module = importlib.import_module(f"{path.parent.name}.forms")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                for field_name, field in cls.base_fields.items():
                    if isinstance(field, forms.IntegerField | forms.FloatField):
                        yield f"{module.__name__}.{name}", field_name, field


def test_every_quantity_in_every_form_takes_the_vietnamese_forms_and_years_do_not():
    quantities = 0
    for form, name, field in number_fields():
        if isinstance(field.widget, forms.HiddenInput):
            continue  # an id carried by the page
        if name in NOT_QUANTITIES:
            assert not field.localize, f"{form}.{name} would show 2026 as 2.026"
            continue
        quantities += 1
        assert field.localize, f"{form}.{name} refuses 45.000.000"
        # A browser's number box refuses "45.000.000" before the server sees it.
        assert field.widget.input_type == "text", f"{form}.{name} is a number box"
    assert quantities > 40  # the class form's budget, the unit's members, the plans, ...


def test_a_class_budget_and_capacity_typed_in_vietnamese_are_saved(client, tree):
    client.force_login(tree.melinh_officer)
    sent = {**CLASS, "budget_planned": "45.000.000", "capacity": "1.000", "hours": "24"}
    response = client.post("/training/classes/new/", {**sent, "topics": [tree.topic.pk]})
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = TrainingClass.objects.get(code=CLASS["code"])
    assert (saved.budget_planned, saved.capacity) == (Decimal(45_000_000), 1000)
    # Shown back the same way in the edit form.
    page = client.get(f"/training/classes/{saved.pk}/edit/").content.decode()
    assert 'value="45.000.000"' in page


def test_a_member_count_typed_in_vietnamese_is_saved(client, tree):
    client.force_login(tree.melinh_officer)
    client.post(
        f"/units/{tree.school.pk}/figures/",
        {"effective_on": "01/01/2025", "member_count": "2.500", "worker_count": "3.120"},
    )
    figures = UnitFigures.objects.get(unit=tree.school)
    assert (figures.member_count, figures.worker_count) == (2500, 3120)
