"""Security review, finding "control characters": a unit code with CR/LF gave a 500 on an
export, one with a quote broke the download's file name. Codes now refuse them
(tests/units/test_control_characters.py), but the database may hold such codes from before:
every download built from them is still answered, under a name safe to save."""

import pytest

from reports.models import ReportJob
from tests.targets.pages_world import build
from units.models import Unit

# The names the downloads are given, not which rows a query found (tests/databases.py): the
# SQLite run only; the same exports' queries run on both databases in the other export tests.
pytestmark = pytest.mark.one_database

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CODES = {'HN"ML': "HN-ML", "HN\r\nML": "HN--ML", "HN/ML": "HN-ML", "HN\u202eML": "HN-ML"}


@pytest.fixture
def old_code(request, tree):
    """Mê Linh's code as the database may hold it (written before the rule on codes)."""
    world = build(tree)
    Unit.objects.filter(pk=tree.melinh.pk).update(code=request.param)
    return world


@pytest.mark.parametrize("old_code", CODES, indirect=True)
@pytest.mark.parametrize(
    ("url", "fmt", "name"),
    [
        ("/targets/needs/", "csv", "nhu-cau-dao-tao-{code}-{day}.csv"),
        ("/targets/needs/", "xlsx", "nhu-cau-dao-tao-{code}-{day}.xlsx"),
        ("/units/", "xlsx", "co-cau-{code}-{day}.xlsx"),
    ],
)
def test_an_export_named_after_an_old_code_is_answered_under_a_safe_name(
    client, old_code, url, fmt, name
):
    """Finding "control characters": no 500, one header, a name without the quote, the line
    break or the slash."""
    tree = old_code.tree
    code = Unit.objects.get(pk=tree.melinh.pk).code
    client.force_login(tree.hanoi_officer)
    client.get(url, {"unit": tree.melinh.pk})  # the page computes today's figures
    response = client.get(url, {"unit": tree.melinh.pk, "format": fmt})
    assert response.status_code == 200
    expected = name.format(code=CODES[code], day=old_code.today.strftime("%Y%m%d"))
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'


@pytest.mark.parametrize("old_code", ["HN/../ML"], indirect=True)
def test_a_report_built_in_the_background_keeps_its_file_under_a_safe_name(
    client, old_code, settings, tmp_path
):
    """Finding "control characters": a slash in the code put the job's file in folders of
    its own (or, with "..", failed the job)."""
    tree = old_code.tree
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORTS_INLINE_UNITS = 0
    settings.TASKS = IMMEDIATE
    client.force_login(tree.hanoi_officer)
    client.post("/reports/structure/", {"unit": "HN/../ML", "on": "01/06/2024", "format": "xlsx"})
    job = ReportJob.objects.get()
    assert (job.status, job.error) == ("done", "")
    assert job.file.name.rsplit("/", 1)[-1].startswith("co-cau-can-bo-20240601-HN-..-ML")
    response = client.get(f"/reports/jobs/{job.pk}/download/")
    assert response.status_code == 200
    assert 'filename="co-cau-can-bo-20240601-HN-..-ML' in response["Content-Disposition"]
