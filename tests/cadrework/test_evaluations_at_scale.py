"""The evaluations list of the units at the top of the tree reads its figures stored
(cadrework.evaluation_store, issue 22: a national year's were a second of grouped queries in
each request): the distribution, by unit and by role and level, the posts without a yearly
evaluation and the list's length equal the live reading — when computed, and after a change
(the store is marked changed and computed again)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.access import SYSTEM
from cadrework import evaluation_store
from cadrework import evaluations as rules
from cadrework.models import Evaluation, EvaluationFigure, EvaluationStore
from tests.cadrework.test_evaluations import LIST, YEAR, build, record
from tests.conftest import make_user


@pytest.fixture
def w(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        w = build(tree)
        # An officer of the confederation with a post and an unpublished evaluation of their
        # own: the list leaves it out of what they see.
        w.officer = make_user("vgcl_officer", tree.vgcl, person=tree.nguyen)
        rules.evaluation_publish(user=SYSTEM, evaluation=w.dung_eval)
        record(tree.hanoi_officer, tree.nguyen, "good", (1, 1, 1, 1), year=YEAR - 1)
    return w


def _live(unit, year, occasion="yearly") -> dict:
    return {
        "distribution": rules.distribution(unit, year, occasion),
        "by_unit": rules.distribution_by_unit(unit, year, occasion),
        "by_role": rules.by_role_and_level(unit, year, occasion),
        "missing": rules.not_evaluated(unit, year).count(),
    }


def _same(stored: dict, live: dict) -> None:
    assert stored["distribution"] == live["distribution"]
    assert [(r.unit.pk, r.own, r.distribution) for r in stored["by_unit"]] == [
        (r.unit.pk, r.own, r.distribution) for r in live["by_unit"]
    ]
    assert [
        (r.role.pk, r.level.pk, r.count, r.average_share, r.distribution) for r in stored["by_role"]
    ] == [
        (r.role.pk, r.level.pk, r.count, r.average_share, r.distribution) for r in live["by_role"]
    ]
    assert stored["missing"] == live["missing"]


def _pages(client, user, unit) -> list:
    client.force_login(user)
    response = client.get(LIST, {"unit": unit.pk, "year": YEAR})
    assert response.status_code == 200
    c = response.context
    return [
        c["distribution"],
        [(r.unit.pk, r.distribution) for r in c["by_unit"]],
        [(r.role.pk, r.level.pk, r.count, r.average_share) for r in c["by_role"]],
        c["missing_count"],
        c["page"].paginator.count,
        [e.pk for e in c["page"].object_list],
    ]


def test_stored_figures_equal_the_live_ones(w):
    t = w.tree
    assert evaluation_store.usable() is not None  # a small tree: computed at once
    assert EvaluationFigure.objects.exists()
    for unit in (t.vgcl, t.hanoi, t.ninhthuan):
        for year in (YEAR, YEAR - 1):
            stored = evaluation_store.year(unit, year, "yearly")
            assert stored is not None
            _same(stored, _live(unit, year))
    assert _live(t.vgcl, YEAR - 1)["missing"] > 0  # the year before, most posts had none
    assert evaluation_store.year(t.melinh, YEAR, "yearly") is None  # lower down: live
    assert evaluation_store.latest_year(t.vgcl) == YEAR


def test_the_page_reads_the_same_stored_and_live(client, w, monkeypatch):
    t = w.tree
    stored = [
        _pages(client, user, unit)
        for user, unit in ((t.admin, t.vgcl), (w.officer, t.vgcl), (t.hanoi_officer, t.hanoi))
    ]
    monkeypatch.setattr(evaluation_store, "year", lambda *args: None)
    live = [
        _pages(client, user, unit)
        for user, unit in ((t.admin, t.vgcl), (w.officer, t.vgcl), (t.hanoi_officer, t.hanoi))
    ]
    assert stored == live
    # The officer's own unpublished evaluation is not listed for them.
    assert stored[1][4] == stored[0][4] - 1


def test_a_change_marks_the_store_and_the_figures_follow(
    client, w, django_capture_on_commit_callbacks
):
    t = w.tree
    first = evaluation_store.usable()
    with django_capture_on_commit_callbacks(execute=True):
        Evaluation.objects.get(pk=w.tran.pk).delete()
    assert EvaluationStore.objects.get(pk=first.pk).changed_at is not None
    with CaptureQueriesContext(connection):
        stored = evaluation_store.year(t.hanoi, YEAR, "yearly")  # computed again
    _same(stored, _live(t.hanoi, YEAR))
    assert not EvaluationStore.objects.filter(pk=first.pk).exists()


def test_the_daily_job_computes_the_figures_unless_they_are_current(w):
    from django.utils import timezone

    from cadrework.apps import keep_evaluations

    assert not EvaluationStore.objects.exists()
    keep_evaluations(None, timezone.now())
    first = EvaluationStore.objects.get()
    assert first.status == EvaluationStore.Status.DONE
    keep_evaluations(None, timezone.now())
    assert list(EvaluationStore.objects.all()) == [first]
    _same(evaluation_store.year(w.tree.vgcl, YEAR, "yearly"), _live(w.tree.vgcl, YEAR))


def test_a_change_while_the_figures_are_computed_leaves_them_marked(
    w, django_capture_on_commit_callbacks
):
    computing = EvaluationStore.objects.create()  # queued or running: not done yet
    with django_capture_on_commit_callbacks(execute=True):
        Evaluation.objects.get(pk=w.tran.pk).delete()
    done = evaluation_store.build(computing)
    assert done.status == EvaluationStore.Status.DONE and done.changed_at is not None
    # Not read as current: computed again (a small tree: at once), then equal to the live.
    _same(evaluation_store.year(w.tree.hanoi, YEAR, "yearly"), _live(w.tree.hanoi, YEAR))
    assert evaluation_store.usable().pk != done.pk


def test_a_post_imported_in_bulk_marks_the_store_as_one_saved_does(
    w, django_capture_on_commit_callbacks
):
    """A people file writes its posts in bulk, with no signal: the import's follow-up marks the
    stored figures (a post with no yearly evaluation yet), and they follow."""
    from imports.models import ImportStatus
    from tests.imports.helpers import import_file, xlsx_bytes
    from tests.imports.test_people_posts_bulk import HEADER

    t = w.tree
    first = evaluation_store.usable()
    missing = _live(t.hanoi, YEAR)["missing"]
    with django_capture_on_commit_callbacks(execute=True):
        job = import_file(
            t.melinh_officer,
            "people",
            xlsx_bytes([HEADER, ["Đỗ Thị Lan", "Nữ", "HN-ML-01", "Phó Chủ tịch", "01/03/2020"]]),
        )
    assert job.status == ImportStatus.DONE, job.problems
    assert EvaluationStore.objects.get(pk=first.pk).changed_at is not None
    stored = evaluation_store.year(t.hanoi, YEAR, "yearly")  # computed again
    live = _live(t.hanoi, YEAR)
    assert live["missing"] == missing + 1
    _same(stored, live)
