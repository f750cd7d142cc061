"""Which writes mark which stores of precomputed figures is said once (lib.stores.follow, in
each store's `connect`): a row saved one by one marks, through its signals, exactly the stores
registered for its model, and rows written in bulk (which send no signal) mark the same ones
(lib.stores.written_in_bulk). Before, each bulk import named the stores it thought it moved,
and the units import marked only the unit tree's counts: after it added or corrected units,
basic training, the new cadres, the evaluations and retention were read from figures computed
before."""

import datetime as dt

import pytest

from cadrework.models import Evaluation, EvaluationStore, Rating, RetentionStore
from imports.models import ImportStatus
from lib.stores import followers
from people.models import Person, Position, Role
from planning.models import NewCadreStore
from tests.imports.helpers import import_file, xlsx_bytes
from tests.imports.test_units_bulk import HEADER  # the units template's columns
from training.models import BasicTrainingStore, Topic, TrainingRecord
from units.models import CountStore, Term, Unit, UnitVersion

STORES = {
    model._meta.label: model
    for model in (CountStore, BasicTrainingStore, NewCadreStore, EvaluationStore, RetentionStore)
}
MODELS = (Position, Person, Role, Unit, UnitVersion, Term, Topic, TrainingRecord, Evaluation)


def stores_done(day: dt.date) -> None:
    for model in STORES.values():
        fields = {"as_of": day} if any(f.name == "as_of" for f in model._meta.fields) else {}
        model.objects.create(status="done", **fields)


def marked() -> set[str]:
    return {
        name
        for name, model in STORES.items()
        if model.objects.filter(changed_at__isnull=False).exists()
    }


def _unmark() -> None:
    for model in STORES.values():
        model.objects.update(changed_at=None)


def _an_evaluation() -> Evaluation:
    post = Position.objects.select_related("unit").order_by("pk").first()
    return Evaluation.objects.create(
        person_id=post.person_id,
        unit=post.unit,
        role_id=post.role_id,
        year=2025,
        rating=Rating.values[0],
        approved_by=post.unit.parent or post.unit,
    )


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_a_row_saved_one_by_one_marks_the_stores_registered_for_its_model(
    model, tree, django_capture_on_commit_callbacks
):
    row = _an_evaluation() if model is Evaluation else model.objects.order_by("pk").first()
    assert row is not None, model
    # Every store as of the day the row bears on (a record marks those as of its day on).
    day = getattr(row, "completed_on", None) or dt.date(2026, 1, 1)
    stores_done(day)
    _unmark()
    with django_capture_on_commit_callbacks(execute=True):
        row.save()
    assert marked() == followers(model._meta.label)
    assert followers(model._meta.label), "every model listed here moves some store"


NEW_UNIT = ["HN-ML-22", "Công đoàn Trường Mầm non Tiền Phong", "Công đoàn cơ sở", "HN-ML"]


def test_units_imported_in_bulk_mark_what_units_saved_one_by_one_would(
    tree, django_capture_on_commit_callbacks
):
    stores_done(dt.date(2026, 1, 1))
    data = xlsx_bytes([HEADER, NEW_UNIT + [None, "01/02/2022", None, None, None]])
    with django_capture_on_commit_callbacks(execute=True):
        job = import_file(tree.melinh_officer, "units", data, commit=False)
    assert job.status == ImportStatus.CHECKED and job.can_commit, job.problems
    assert marked() == set()  # a check writes nothing, and marks nothing
    with django_capture_on_commit_callbacks(execute=True):
        job = import_file(tree.melinh_officer, "units", data)
    assert job.status == ImportStatus.DONE, job.problems
    assert Unit.objects.filter(code="HN-ML-22").exists()
    expected = followers("units.Unit") | followers("units.UnitVersion")
    assert marked() == expected
    # What the stores themselves say they follow: the unit tree's counts, basic training, the
    # new cadres, the evaluations, and retention (a unit may have moved).
    assert expected == set(STORES)


def test_the_documentation_shows_the_same_table():
    """docs/so-lieu-tinh-san.md shows which writes mark which store: the table the code
    builds from the stores' own declarations, not a copy kept by hand."""
    import re
    from pathlib import Path

    from django.conf import settings
    from django.utils import translation

    from lib.stores import followers_table

    text = (Path(settings.BASE_DIR) / "docs" / "so-lieu-tinh-san.md").read_text(encoding="utf-8")
    shown = re.search(r"<!-- followers:start -->\n(.*)<!-- followers:end -->", text, re.S)
    assert shown, "docs/so-lieu-tinh-san.md lost the markers around its table"
    with translation.override("vi"):
        table = followers_table()
    assert shown.group(1) == table, "copy lib.stores.followers_table() into the docs"


def test_a_model_no_store_follows_marks_nothing_and_stays_out_of_the_table(
    db, django_capture_on_commit_callbacks
):
    """Asking about a model no store follows (an account) changes nothing: no store is
    marked, and the table of the documentation does not grow a row for it."""
    from lib.stores import followers_table, written_in_bulk

    before = followers_table()
    stores_done(dt.date(2026, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert followers("accounts.User") == set()
        written_in_bulk(("accounts.User",))
    assert marked() == set()
    assert followers_table() == before
