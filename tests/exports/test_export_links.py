"""Every list page links to its Excel export with the query it was opened with."""

import html as htmllib
import re

import pytest
from django.utils.translation import gettext as _

from tests.targets.pages_world import build


def export_links(content: str) -> list[str]:
    label = re.escape(_("Export to Excel"))
    return [
        htmllib.unescape(href)
        for href in re.findall(rf'<a [^>]*href="([^"]*)"[^>]*>{label}</a>', content)
    ]


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/units/", "unit={hanoi}&on=01%2F03%2F2025"),
        ("/training/classes/", "status=running&year=2024&page=1"),
        ("/training/classes/{ml_class}/", ""),
        ("/training/lecturers/", ""),
        ("/training/chairs/", "unit={hanoi}&on=31%2F12%2F2025"),
        ("/training/statistics/", "unit={hanoi}&from=01%2F01%2F2024&to=31%2F12%2F2024"),
        ("/targets/", "unit={melinh}&rank=T-003-3"),
    ],
)
def test_the_page_links_to_its_export_with_its_query(client, tree, url, query):
    build(tree)
    ids = {"hanoi": tree.hanoi.pk, "melinh": tree.melinh.pk, "ml_class": tree.ml_class.pk}
    url, query = url.format(**ids), query.format(**ids)
    client.force_login(tree.hanoi_officer)
    content = client.get(f"{url}?{query}" if query else url).content.decode()
    assert export_links(content) == [f"?{query}&format=xlsx" if query else "?format=xlsx"]
    assert client.get(url + export_links(content)[0]).status_code == 200


def test_the_needs_list_links_to_its_export_beside_the_csv(client, tree):
    world = build(tree)
    client.force_login(tree.hanoi_officer)
    query = f"unit={tree.hanoi.pk}&on={world.today.isoformat()}&target={world.t2.pk}"
    content = client.get(f"/targets/needs/?{query}").content.decode()
    assert export_links(content) == [f"?{query}&format=xlsx"]
    assert f"?{query}&format=csv" in content
