"""On the demo data (provinces with their districts, two terms, the 2025 reorganisation —
districts merged into area unions, Ninh Thuận into Khánh Hòa —, people holding posts at several
levels), each officer's exported people import back without a single change: a province's, the
merged province's (posts held in the units that ended), an area union's."""

import pytest

from accounts.models import User
from imports.models import ImportStatus
from tests.imports.helpers import counts, import_file


# Each officer's round trip runs the same export and import over another scope: CI shares them
# out between its SQLite and PostgreSQL runs (tests/databases.py), as the scope probe's personas.
@pytest.mark.alternate_databases
@pytest.mark.parametrize("username", ["hanoi", "khanhhoa", "melinh"])
def test_each_officers_export_of_the_demo_imports_back_unchanged(client, demo_data, username):
    officer = User.objects.get(username=username)
    client.force_login(officer)
    response = client.get("/people/", {"format": "xlsx"})
    data = b"".join(response.streaming_content)
    before = counts()
    job = import_file(officer, "people", data, "can-bo.xlsx")
    assert job.status == ImportStatus.DONE, job.problems[:5]
    assert job.rows_total > 500
    assert set(job.summary) == {"people_unchanged", "positions_unchanged"}
    assert counts() == before
