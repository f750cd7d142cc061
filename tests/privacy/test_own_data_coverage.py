"""Nothing the system holds about a person is left out of their own data: every model that
points at a person, or at one of the rows about a person, is either read by a section of
privacy/own_data.py (COVERED) or left out with a reason (EXCLUDED). A new model pointing at
a person fails here until someone decides which.

Accounts are followed one step only: what points at an account (report and import jobs, the
access entries an officer made, ...) is the record of the account's work, not data about its
person."""

from django.apps import apps

from people.models import Person
from privacy.own_data import COVERED, EXCLUDED, collect


def pointing_at(targets: set) -> set:
    """Labels of the concrete models with a relation to one of `targets`."""
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            # Forward relations only (foreign keys, one-to-one, many-to-many): the reverse
            # ones are auto-created.
            if field.is_relation and not field.auto_created and field.related_model in targets:
                found.add(model)
    return found


def holding_personal_data() -> set[str]:
    direct = pointing_at({Person})
    followed = {m for m in direct if m._meta.label_lower != "accounts.user"}
    second = pointing_at(followed)
    return {m._meta.label_lower for m in direct | second | {Person}}


def test_every_model_about_a_person_is_covered_or_excluded_with_a_reason():
    unclassified = holding_personal_data() - COVERED.keys() - EXCLUDED.keys()
    assert not unclassified, (
        f"{sorted(unclassified)} hold data about a person: read them in a section of "
        "privacy/own_data.py (COVERED) or say in EXCLUDED why a person's own data leaves "
        "them out"
    )


def test_the_lists_name_real_models_and_do_not_overlap():
    labels = {m._meta.label_lower for m in apps.get_models()}
    assert COVERED.keys() <= labels and EXCLUDED.keys() <= labels
    assert not COVERED.keys() & EXCLUDED.keys()
    assert all(reason.strip() for reason in EXCLUDED.values())


def test_it_finds_the_models_it_must(db):
    """The walk itself: direct relations, one step further, and not past an account."""
    found = holding_personal_data()
    assert {
        "people.position",
        "training.enrolment",
        "training.lecturer",
        "elearning.reminder",
    } <= found  # point at a person
    assert {
        "training.feedback",
        "elearning.quizattempt",
        "training.classlecturer",
        "cadrework.appointment",
    } <= found  # point at rows about a person
    assert "accounts.apitoken" not in found and "reports.reportjob" not in found


def test_every_covered_section_exists(tree):
    keys = {s.key for s in collect(tree.nguyen)}
    assert set(COVERED.values()) <= keys
