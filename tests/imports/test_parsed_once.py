"""The commit takes the values the check parsed from the cells (issue 22 goal 3: the commit
no longer parses the file again), for the columns whose parser reads nothing but the cell;
what it reads from the database it reads again. Values kept by anyone but the check (a file
put in their place) are not taken: the commit parses the cells again. And lib.bulk's helpers
the imports write and look up with."""

import dataclasses
import gc
import pickle
import uuid

from imports import employers, pipeline
from imports.models import ImportStatus
from imports.services import job_commit, job_create
from lib import bulk
from people.models import Person
from planning.models import Employer
from tests.imports.helpers import upload, xlsx_bytes
from tests.planning.test_enterprise_register import HEADER, employer_row


def checked(user, rows):
    job = job_create(user=user, kind="employers", upload=upload(xlsx_bytes([HEADER, *rows])))
    assert job.status == ImportStatus.CHECKED and job.can_commit, job.problems
    return job


def test_the_commit_takes_the_values_the_check_parsed(tree, monkeypatch):
    job = checked(tree.hanoi_officer, [employer_row(1, "HN-ML", 50), employer_row(2, "HN-ML", 7)])
    kept = tuple(employers.CELLS_ONLY)
    assert pipeline._load_parsed(job, kept) is not None  # plain data, signed

    def parse(value):
        raise AssertionError("a cell parsed again")

    columns = [dataclasses.replace(c, parse=parse) for c in employers.columns()]
    monkeypatch.setattr(employers, "columns", lambda: columns)
    job = job_commit(user=tree.hanoi_officer, job=job)
    assert job.status == ImportStatus.DONE, job.problems
    assert job.summary == {"employers_created": 2}
    assert Employer.objects.get(tax_code="0100000002").workers == 7
    assert not pipeline._parsed_path(job).exists()  # gone with the job's cache


def test_values_not_signed_by_the_check_are_parsed_again(tree):
    job = checked(tree.hanoi_officer, [employer_row(1, "HN-ML", 50)])
    path = pipeline._parsed_path(job)
    kept = tuple(pipeline.IMPORTERS[job.kind].CELLS_ONLY)
    # Someone else's values for the same file: 9,999 workers and a name too long to store.
    rows = [(4, {"tax_code": "0100000001", "name": "X" * 300, "workers": 9999}, {})]
    fields = (3, {}, [], {})
    data = pickle.dumps((pipeline._parsed_stamp(job, kept), fields, rows))
    path.write_bytes(b"\0" * 32 + data)
    job = job_commit(user=tree.hanoi_officer, job=job)
    assert job.status == ImportStatus.DONE, job.problems
    employer = Employer.objects.get(tax_code="0100000001")
    assert (employer.name, employer.workers) == ("Công ty TNHH Sản xuất 1", 50)


def test_values_of_another_file_are_parsed_again(tree):
    job = checked(tree.hanoi_officer, [employer_row(1, "HN-ML", 50)])
    path = pipeline._parsed_path(job)
    kept = tuple(pipeline.IMPORTERS[job.kind].CELLS_ONLY)
    stamp = (*pipeline._parsed_stamp(job, kept)[:-1], ("workers",))  # kept for other columns
    rows = [(4, {"workers": 9999}, {})]
    data = pickle.dumps((stamp, (3, {}, [], {}), rows))
    path.write_bytes(pipeline._signature(data) + data)
    job = job_commit(user=tree.hanoi_officer, job=job)
    assert job.status == ImportStatus.DONE, job.problems
    assert Employer.objects.get(tax_code="0100000001").workers == 50


def test_a_check_that_cannot_keep_its_values_still_ends(tree, monkeypatch, tmp_path):
    (tmp_path / "a file").write_text("")  # no folder can be made there
    monkeypatch.setattr(pipeline, "_parsed_path", lambda job: tmp_path / "a file" / "kept")
    job = job_create(
        user=tree.hanoi_officer,
        kind="employers",
        upload=upload(xlsx_bytes([HEADER, employer_row(1, "HN-ML", 50)])),
    )
    assert job.status == ImportStatus.CHECKED and job.can_commit, job.problems
    monkeypatch.undo()
    job = job_commit(user=tree.hanoi_officer, job=job)
    assert job.status == ImportStatus.DONE, job.problems
    assert Employer.objects.get(tax_code="0100000001").workers == 50


def test_a_check_with_problems_keeps_nothing(tree):
    rows = [employer_row(1, "HN-ML", 50), employer_row(2, "NOWHERE", 7)]
    job = job_create(
        user=tree.hanoi_officer, kind="employers", upload=upload(xlsx_bytes([HEADER, *rows]))
    )
    assert job.problems and not pipeline._parsed_path(job).exists()


def test_a_job_gives_back_what_it_froze(tree):
    """The objects alive before a job are kept out of the collector's passes while it runs,
    and given back after, whether it ends well or not."""
    frozen = gc.get_freeze_count()
    checked(tree.hanoi_officer, [employer_row(1, "HN-ML", 50)])
    job_create(user=tree.hanoi_officer, kind="employers", upload=upload(b"not a spreadsheet"))
    assert gc.get_freeze_count() == frozen


def test_kept_columns_are_columns():
    for kind, importer in pipeline.IMPORTERS.items():
        keys = {c.key for c in importer.columns()}
        assert set(getattr(importer, "CELLS_ONLY", ())) <= keys, kind


def test_random_uuids_are_version_4():
    codes = bulk.random_uuids(500)
    assert len(set(codes)) == 500
    for code in codes:
        value = uuid.UUID(hex=code)
        assert (value.version, value.variant, value.hex) == (4, uuid.RFC_4122, code)


def test_lookups_in_find_texts_and_numbers(tree):
    people = list(Person.objects.order_by("pk")[:3])
    assert people

    def found(field, values):
        return sorted(
            pk
            for lookup in bulk.lookups_in(field, values, chunk=2)
            for pk in Person.objects.filter(**lookup).values_list("pk", flat=True)
        )

    pks = [p.pk for p in people]
    assert found("pk", pks) == pks
    assert found("pk", [*pks, 10**12]) == pks
    ids = [p.citizen_id for p in people if p.citizen_id]
    assert found("citizen_id", [*ids, "000000000000"]) == sorted(
        p.pk for p in people if p.citizen_id
    )
    assert found("pk", []) == []
