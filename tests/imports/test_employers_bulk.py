"""The enterprise register from a spreadsheet, written in bulk with its history (issue 22 goal 3:
"the audit log kept"): each employer created or changed by an import has the entry
django-auditlog writes for one save of it, on its area union's history, attributed to the
officer who imported the file; an employer the file leaves as it was has none."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from audit.context import acting_as
from audit.models import LogEntry
from imports.models import ImportStatus
from planning.models import Employer
from tests.imports.helpers import import_file, xlsx_bytes
from tests.planning.test_enterprise_register import HEADER, employer_row
from units.models import Unit


def entries(employer: Employer) -> list[tuple]:
    return [
        (e.action, e.changes, e.object_repr, e.actor_id, e.unit_id, e.subject_type_id, e.subject_id)
        for e in LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Employer), object_id=employer.pk
        ).order_by("pk")
    ]


def saved_one_by_one(officer, employer: Employer, changes: dict) -> list[tuple]:
    """The entries of the same employer created, then changed, by single saves, in place of
    the imported one (rolled back)."""
    with transaction.atomic():
        Employer.objects.filter(tax_code=employer.tax_code).delete()
        with acting_as(officer):
            one = Employer.objects.create(
                **{
                    f.attname: getattr(employer, f.attname)
                    for f in Employer._meta.concrete_fields
                    if not f.primary_key
                }
            )
            for name, value in changes.items():
                setattr(one, name, value)
            if changes:
                one.save()
        found = entries(one)
        transaction.set_rollback(True)
    return found


def test_an_imported_employer_has_the_history_of_one_saved_by_hand(tree):
    rows = [employer_row(1, "HN-ML", 50), employer_row(2, "HN-ML", 40, "HN-ML-01")]
    rows[0][4:7] = ["", "", ""]  # no commune, province nor sector
    rows.append(employer_row(3, "HN-DA", 45))
    rows[2][7] = None  # workers not known
    job = import_file(tree.hanoi_officer, "employers", xlsx_bytes([HEADER, *rows]))
    assert job.summary == {"employers_created": 3}, job.problems
    for code in ("0100000001", "0100000002", "0100000003"):
        employer = Employer.objects.get(tax_code=code)
        assert entries(employer) == saved_one_by_one(tree.hanoi_officer, employer, {}), code
        [(action, _c, label, actor, unit, subject_type, subject)] = entries(employer)
        assert (action, label, actor) == (
            LogEntry.Action.CREATE,
            str(employer),
            tree.hanoi_officer.pk,
        )
        assert (unit, subject) == (employer.area_id, employer.area_id)
        assert subject_type == ContentType.objects.get_for_model(Unit).pk
    assert Employer.objects.get(tax_code="0100000002").updated_on == dt.date.today()


def test_an_employer_changed_by_a_file_has_the_entry_of_one_change_by_hand(tree):
    rows = [employer_row(1, "HN-ML", 50), employer_row(2, "HN-ML", 40)]
    import_file(tree.hanoi_officer, "employers", xlsx_bytes([HEADER, *rows]))
    Employer.objects.update(updated_on=dt.date(2020, 1, 1))
    before = Employer.objects.get(tax_code="0100000001")
    first = entries(before)
    rows[0][7] = 120  # grew past 30 workers…
    rows[0][9] = "HN-ML-01"  # …and found its grassroots union
    job = import_file(tree.hanoi_officer, "employers", xlsx_bytes([HEADER, *rows]))
    assert job.summary == {"employers_updated": 1, "employers_unchanged": 1}, job.problems
    after = Employer.objects.get(tax_code="0100000001")
    assert (after.workers, after.union, after.updated_on) == (120, tree.school, dt.date.today())
    by_hand = saved_one_by_one(
        tree.hanoi_officer, before, {"workers": 120, "union_id": tree.school.pk}
    )
    assert entries(after) == [*first, by_hand[1]]
    assert by_hand[1][1] == {"workers": ["50", "120"], "union": ["None", str(tree.school.pk)]}
    # The one the file left as it was: no entry, its date as it was.
    unchanged = Employer.objects.get(tax_code="0100000002")
    assert (len(entries(unchanged)), unchanged.updated_on) == (1, dt.date(2020, 1, 1))


def queries_of_a_check(officer, rows: list) -> int:
    with CaptureQueriesContext(connection) as queries:
        job = import_file(officer, "employers", xlsx_bytes([HEADER, *rows]), commit=False)
    assert job.status == ImportStatus.CHECKED and job.can_commit, job.problems
    return len(queries)


def test_a_check_reads_no_more_for_thirty_rows_than_for_three(tree):
    rows = [employer_row(n, "HN-ML" if n % 2 else "HN-DA", 40, "HN-ML-01") for n in range(30)]
    import_file(tree.hanoi_officer, "employers", xlsx_bytes([HEADER, *rows[10:]]))  # stored
    assert queries_of_a_check(tree.hanoi_officer, rows) == queries_of_a_check(
        tree.hanoi_officer, rows[:3]
    )
