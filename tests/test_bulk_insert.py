"""lib.bulk.insert_rows: every row given is written once, however the rows are sliced (on
SQLite they are inserted a slice at a time, so that a 100,000-row import does not hold every
row in memory at once)."""

import pytest

from lib import bulk
from training.models import Institution


@pytest.mark.parametrize("rows", [0, 1, 2, 3, 4, 7])
def test_every_row_is_written_once_across_slices(db, monkeypatch, rows):
    monkeypatch.setattr(bulk, "SQLITE_SLICE", 3)
    names = [f"Trường số {n}" for n in range(rows)]
    written = bulk.insert_rows(Institution, ("name", "kind"), ((n, "other") for n in names))
    assert written == rows
    assert sorted(
        Institution.objects.filter(name__startswith="Trường số ").values_list("name", flat=True)
    ) == sorted(names)
