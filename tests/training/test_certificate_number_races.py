"""Certificate numbers are unique per organiser and year, also when two officers number at the
same moment (issue 23's leftover: the first certificates of an organiser's year, numbered at
once on PostgreSQL, both took 00001 and the second failed with a server error on the unique
constraint — there was no numbered certificate yet to lock). Real concurrent connections;
SQLite runs the same test (its writers are serialised) and must hold too."""

import pytest

from tests.training.test_capacity_races import a_class, in_threads, nominated
from training.models import TrainingRecord
from training.services import (
    certificate_issue,
    certificates_issue_class,
    class_set_status,
    enrolment_accept,
    results_record,
)


def passed_records(tree, code: str, n: int) -> list[TrainingRecord]:
    c = a_class(tree, capacity=n, status="open", code=code)
    enrolments = nominated(tree, c, n)
    for enrolment in enrolments:
        enrolment_accept(user=tree.melinh_officer, enrolment=enrolment)
    class_set_status(user=tree.melinh_officer, training_class=c, status="running")
    for enrolment in enrolments:
        results_record(
            user=tree.melinh_officer,
            enrolment=enrolment,
            attendance_percent=100,
            score=None,
            passed=True,
        )
    return list(TrainingRecord.objects.filter(training_class=c).order_by("pk")), c


@pytest.mark.django_db(transaction=True)
def test_officers_numbering_at_once_get_distinct_numbers(tree):
    """Six single numberings at once, then a class's and a single one at once."""
    records, _ = passed_records(tree, "CERT-RACE-1", 6)
    year = records[0].completed_on.year
    before = set(
        TrainingRecord.objects.filter(organiser=tree.melinh, certificate_year=year)
        .exclude(certificate_number="")
        .values_list("certificate_number", flat=True)
    )
    results = in_threads(
        *(
            lambda record=record: certificate_issue(user=tree.melinh_officer, record=record)
            for record in records
        )
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = [
        r.certificate_number for r in TrainingRecord.objects.filter(pk__in=[r.pk for r in records])
    ]
    assert len(set(numbers)) == 6 and not set(numbers) & before
    last = max((int(n) for n in before if n.isdigit()), default=0)
    assert sorted(numbers) == [f"{last + i:05d}" for i in range(1, 7)]

    # A whole class and a single certificate numbered at once do not collide either.
    first, _ = passed_records(tree, "CERT-RACE-2", 1)
    rest, c = passed_records(tree, "CERT-RACE-3", 5)
    results = in_threads(
        lambda: certificate_issue(user=tree.melinh_officer, record=first[0]),
        lambda: certificates_issue_class(user=tree.melinh_officer, training_class=c),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = list(
        TrainingRecord.objects.filter(pk__in=[r.pk for r in first + rest]).values_list(
            "certificate_number", flat=True
        )
    )
    assert len(set(numbers)) == 6 and "" not in numbers
