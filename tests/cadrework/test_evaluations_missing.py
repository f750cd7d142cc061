"""Who has no yearly evaluation yet, read unit by unit (issue 22): the list page's first
posts are found a batch of the subtree's units at a time, in path order, and are exactly the
first of the whole list — whatever the size of a batch."""

import pytest

from cadrework import evaluations as rules
from tests.cadrework.test_evaluations import build

LIST = "/cadrework/evaluations/"


@pytest.mark.parametrize("batch", [1, 2, 256])
def test_the_first_posts_without_evaluation_are_those_of_the_whole_list(
    client, tree, monkeypatch, batch
):
    build(tree)
    monkeypatch.setattr(rules, "FIRST_UNITS", batch)
    whole = list(rules.not_evaluated(tree.hanoi, 2023))
    assert len(whole) >= 4
    for n in (1, 3, len(whole), len(whole) + 5):
        first = rules.first_not_evaluated(tree.hanoi, 2023, n)
        assert [p.pk for p in first] == [p.pk for p in whole[:n]], n
    client.force_login(tree.hanoi_officer)
    page = client.get(LIST, {"year": 2023})
    assert [p.pk for p in page.context["missing"]] == [p.pk for p in whole[:50]]
    assert page.context["missing_count"] == len(whole)
