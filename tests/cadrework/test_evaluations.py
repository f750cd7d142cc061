"""Yearly evaluations (issue 7): recorded by the subtree's officers from the post the person
holds, compared with equivalent posts, published to the person — invisible to them before,
and to everyone outside the subtree always (acceptance 3)."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext

from accounts.access import SYSTEM
from accounts.models import UserRole
from cadrework import evaluations as rules
from cadrework.models import Evaluation, Notice
from people.services import person_create, position_create
from tests.conftest import make_unit, make_user
from tests.exports.sheets import row, sheet
from units.places import is_within

YEAR = 2024
LIST = "/cadrework/evaluations/"


def record(user, person, rating, votes, year=YEAR, **extra):
    excellent, good, completed, not_completed = votes
    return rules.evaluation_save(
        user=user,
        person=person,
        year=year,
        rating=rating,
        votes_excellent=excellent,
        votes_good=good,
        votes_completed=completed,
        votes_not_completed=not_completed,
        **extra,
    )


def chair_of(tree, code, name, parent, family, middle, given, gender="male"):
    unit = make_unit(code, name, "grassroots", parent, sector="state")
    person = person_create(
        user=SYSTEM,
        unit=unit,
        family_name=family,
        middle_name=middle,
        given_name=given,
        gender=gender,
        birth_date=dt.date(1985, 1, 1),
    )
    position_create(
        user=SYSTEM,
        person=person,
        unit=unit,
        role=tree.chair_role,
        full_time=False,
        start_date=dt.date(2020, 1, 1),
    )
    return unit, person


def build(tree):
    """Three grassroots chairs of Hà Nội (two in Mê Linh, one in Đông Anh) and an executive
    member, evaluated by Hà Nội for 2024 with known votes; a Ninh Thuận chair evaluated by
    Ninh Thuận. Shares of excellent + good votes: 80, 50, 20 (chairs), 10 (member), 100."""
    w = SimpleNamespace(tree=tree)
    w.school2, w.dung = chair_of(
        tree, "HN-ML-02", "Công đoàn Trường Tiểu học Tiền Phong", tree.melinh, "Phạm", "Văn", "Dũng"
    )
    w.plant, w.em = chair_of(
        tree,
        "HN-DA-02",
        "Công đoàn Công ty May Đông Anh",
        tree.donganh,
        "Hoàng",
        "Thị",
        "Em",
        "female",
    )
    hanoi = tree.hanoi_officer
    w.nguyen = record(
        hanoi,
        tree.nguyen,
        "excellent",
        (4, 4, 2, 0),
        self_assessment="Hoàn thành tốt các chỉ tiêu của Công đoàn trường.",
    )
    w.dung_eval = record(hanoi, w.dung, "good", (1, 4, 4, 1))
    w.em_eval = record(hanoi, w.em, "completed", (0, 2, 6, 2))
    w.tran = record(hanoi, tree.tran, "not_completed", (0, 1, 2, 7))
    w.le = record(tree.nt_officer, tree.le, "excellent", (10, 0, 0, 0))
    w.tran_user = make_user("tranbinh", tree.factory, UserRole.CADRE, person=tree.tran)
    return w


@pytest.fixture
def w(tree):
    return build(tree)


def panel_url(person):
    """The profile panel that includes _person_evaluations.html, once it is wired."""
    try:
        return reverse("cadrework:person_panel", args=[person.pk])
    except NoReverseMatch:
        return None


def fragment(user, person) -> str:
    request = RequestFactory().get("/me/")
    request.user = user
    return render_to_string(
        "cadrework/_person_evaluations.html",
        {"person": person, "evaluations": rules.visible_evaluations(user, person)},
        request=request,
    )


def marker(evaluation) -> str:
    return f'data-evaluation="{evaluation.pk}"'


# --- acceptance 3 -------------------------------------------------------------------------


def test_a_result_is_invisible_to_the_cadre_until_published(client, w):
    tree = w.tree
    assert not rules.visible_evaluations(tree.cadre, tree.nguyen).exists()
    assert marker(w.nguyen) not in fragment(tree.cadre, tree.nguyen)
    client.force_login(tree.cadre)
    url = panel_url(tree.nguyen)
    if url:
        assert marker(w.nguyen) not in client.get(url).content.decode()
    # The officers' pages are not the cadre's.
    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}{w.nguyen.pk}/").status_code == 403
    assert client.post(f"{LIST}{w.nguyen.pk}/publish/").status_code == 403
    # Hà Nội's officers see it, unpublished.
    assert marker(w.nguyen) in fragment(tree.hanoi_officer, tree.nguyen)
    client.force_login(tree.hanoi_officer)
    assert client.post(f"{LIST}{w.nguyen.pk}/publish/").status_code == 302

    w.nguyen.refresh_from_db()
    assert w.nguyen.published_at is not None
    shown = list(rules.visible_evaluations(tree.cadre, tree.nguyen))
    assert [e.pk for e in shown] == [w.nguyen.pk]
    # Compared with the published equivalent posts only: so far, itself.
    assert (shown[0].peer_count, round(shown[0].peer_share, 1)) == (1, 80.0)
    assert marker(w.nguyen) in fragment(tree.cadre, tree.nguyen)
    client.force_login(tree.cadre)
    if url:
        assert marker(w.nguyen) in client.get(url).content.decode()
    # ... and told on their profile.
    assert Notice.objects.filter(person=tree.nguyen, text__contains=str(YEAR)).count() == 1
    for other in (w.dung_eval, w.em_eval):
        rules.evaluation_publish(user=tree.hanoi_officer, evaluation=other)
    shown = rules.visible_evaluations(tree.cadre, tree.nguyen).get()
    assert (shown.peer_count, round(shown.peer_share, 1)) == (3, 50.0)


def test_an_officer_does_not_see_their_own_result_before_it_is_published(tree, w):
    officer_as_person = make_user("hanoi2", tree.hanoi, person=w.dung)
    assert w.dung_eval.pk not in rules.evaluations_visible_to(officer_as_person).values_list(
        "pk", flat=True
    )
    assert w.nguyen.pk in rules.evaluations_visible_to(officer_as_person).values_list(
        "pk", flat=True
    )
    with pytest.raises(ValidationError) as refused:
        record(officer_as_person, w.dung, "excellent", (1, 0, 0, 0), year=2023)
    assert "person" in refused.value.message_dict
    rules.evaluation_publish(user=tree.hanoi_officer, evaluation=w.dung_eval)
    assert rules.visible_evaluations(officer_as_person, w.dung).get().pk == w.dung_eval.pk


def test_results_are_invisible_outside_the_subtree_even_published(client, w):
    tree = w.tree
    for evaluation in (w.nguyen, w.dung_eval, w.em_eval, w.tran, w.le):
        rules.evaluation_publish(user=SYSTEM, evaluation=evaluation)
    hanoi_names = [tree.nguyen.full_name, w.dung.full_name, w.em.full_name, tree.tran.full_name]
    client.force_login(tree.nt_officer)
    body = client.get(LIST, {"year": YEAR}).content.decode()
    assert tree.le.full_name in body
    assert not [name for name in hanoi_names if name in body]
    assert client.get(LIST, {"unit": tree.hanoi.pk, "year": YEAR}).status_code == 404
    cells = str(sheet(client.get(LIST, {"year": YEAR, "format": "xlsx"})))
    assert tree.le.full_name in cells and tree.nguyen.full_name not in cells
    for path in (f"{w.nguyen.pk}/", f"{w.nguyen.pk}/edit/"):
        assert client.get(LIST + path).status_code == 404
    assert client.post(f"{LIST}{w.tran.pk}/edit/").status_code == 404
    assert (
        client.get(f"{reverse('cadrework:evaluation_create')}?person={tree.nguyen.pk}").status_code
        == 404
    )
    assert not rules.visible_evaluations(tree.nt_officer, tree.nguyen).exists()
    url = panel_url(tree.nguyen)
    if url:
        assert client.get(url).status_code == 404
    # A district sees its own subtree, not its neighbour's.
    client.force_login(tree.melinh_officer)
    body = client.get(LIST, {"year": YEAR}).content.decode()
    assert tree.nguyen.full_name in body and w.dung.full_name in body
    assert w.em.full_name not in body and tree.tran.full_name not in body
    assert client.get(f"{LIST}{w.tran.pk}/").status_code == 404
    assert client.get(LIST, {"unit": tree.donganh.pk}).status_code == 404
    # Another cadre sees their own result, not a colleague's.
    assert [e.pk for e in rules.visible_evaluations(w.tran_user, tree.tran)] == [w.tran.pk]
    assert not rules.visible_evaluations(w.tran_user, tree.nguyen).exists()


def test_nothing_outside_is_changed_through_the_pages(client, w):
    tree = w.tree
    client.force_login(tree.nt_officer)
    assert client.post(f"{LIST}{w.nguyen.pk}/publish/").status_code == 404
    before = Evaluation.objects.count()
    response = client.post(
        f"{reverse('cadrework:evaluation_create')}?person={tree.nguyen.pk}",
        {"year": 2023, "occasion": "yearly", "rating": "good"},
    )
    assert response.status_code == 404
    assert Evaluation.objects.count() == before
    w.nguyen.refresh_from_db()
    assert w.nguyen.published_at is None


# --- figures ------------------------------------------------------------------------------


def test_distribution_and_comparison_from_known_votes(client, w):
    tree = w.tree
    whole = rules.distribution(tree.hanoi, YEAR)
    assert whole.counts == {"excellent": 1, "good": 1, "completed": 1, "not_completed": 1}
    assert [r.percent for r in whole.rows] == [Decimal("25.0")] * 4
    assert whole.excellent_or_good == Decimal("50.0")
    assert rules.distribution(tree.melinh, YEAR).counts == {
        "excellent": 1,
        "good": 1,
        "completed": 0,
        "not_completed": 0,
    }
    assert rules.distribution(tree.hanoi, 2023).total == 0
    by_unit = {
        r.unit.code: r.distribution.counts for r in rules.distribution_by_unit(tree.hanoi, YEAR)
    }
    assert by_unit == {
        "HN-ML": {"excellent": 1, "good": 1, "completed": 0, "not_completed": 0},
        "HN-DA": {"excellent": 0, "good": 0, "completed": 1, "not_completed": 1},
    }
    by_role = {
        (r.role.code, r.level.code): (r.count, r.average_share, r.distribution.counts)
        for r in rules.by_role_and_level(tree.hanoi, YEAR)
    }
    assert by_role == {
        ("chair", "grassroots"): (
            3,
            Decimal("50.0"),
            {"excellent": 1, "good": 1, "completed": 1, "not_completed": 0},
        ),
        ("executive_member", "grassroots"): (
            1,
            Decimal("10.0"),
            {"excellent": 0, "good": 0, "completed": 0, "not_completed": 1},
        ),
    }

    # Equivalent posts (001: "công khai kết quả và so sánh với chức danh tương đương"): the
    # published evaluations of grassroots chairs of 2024 within the approving unit, Hà Nội
    # (Ninh Thuận's chair, rated 100%, is not one of them), and the evaluation itself. Before
    # anything is published, each is compared with itself alone.
    before = rules.equivalents(w.nguyen)
    assert (before.share, before.count, before.average_share) == (
        Decimal("80.0"),
        1,
        Decimal("80.0"),
    )
    for evaluation in (w.nguyen, w.dung_eval, w.em_eval, w.tran):
        rules.evaluation_publish(user=tree.hanoi_officer, evaluation=evaluation)
    hanoi = rules.equivalents(w.nguyen)
    assert (hanoi.share, hanoi.count, hanoi.average_share) == (Decimal("80.0"), 3, Decimal("50.0"))
    assert hanoi.distribution.counts == {
        "excellent": 1,
        "good": 1,
        "completed": 1,
        "not_completed": 0,
    }
    assert rules.equivalents(w.tran).average_share == Decimal("10.0")
    rows = {
        e.pk: (round(e.share, 1), e.peer_count, round(e.peer_share, 1))
        for e in rules.with_comparison(Evaluation.objects.all())
        if is_within(e.unit, tree.hanoi)
    }
    assert rows == {
        w.nguyen.pk: (80.0, 3, 50.0),
        w.dung_eval.pk: (50.0, 3, 50.0),
        w.em_eval.pk: (20.0, 3, 50.0),
        w.tran.pk: (10.0, 1, 10.0),
    }

    # One figure, whoever reads it: Mê Linh's officer, Hà Nội's and the person himself (issue
    # 19: it read "66,7% (12 chức danh)" to the officer and "71,9% (8 chức danh)" to him).
    for reader in (tree.melinh_officer, tree.hanoi_officer):
        client.force_login(reader)
        detail = client.get(f"{LIST}{w.nguyen.pk}/")
        assert detail.context["comparison"].count == 3
        assert detail.context["comparison"].average_share == Decimal("50.0")
        assert "50,0%" in detail.content.decode()  # Vietnamese decimal comma
    shown = rules.visible_evaluations(tree.cadre, tree.nguyen).get()
    assert (shown.peer_count, round(shown.peer_share, 1)) == (3, 50.0)
    client.force_login(tree.hanoi_officer)
    page = client.get(LIST, {"year": YEAR})
    assert page.context["distribution"].counts == whole.counts
    assert {e.pk: e.peer_count for e in page.context["page"].object_list} == {
        w.nguyen.pk: 3,
        w.dung_eval.pk: 3,
        w.em_eval.pk: 3,
        w.tran.pk: 1,
    }
    assert 'data-role="chair" data-level="grassroots"' in page.content.decode()


def test_the_list_exports_the_same_figures(client, w):
    tree = w.tree
    for evaluation in (w.nguyen, w.dung_eval, w.em_eval, w.tran):
        rules.evaluation_publish(user=tree.hanoi_officer, evaluation=evaluation)
    client.force_login(tree.hanoi_officer)
    rows = [row(r) for r in sheet(client.get(LIST, {"year": YEAR, "format": "xlsx"}))]
    assert rows[0][0].startswith(
        gettext("Evaluations %(year)s — %(name)s") % {"year": YEAR, "name": tree.hanoi.name}
    )
    flat = [r for r in rows if r]
    assert [str(tree.nguyen.full_name), "HN-ML-01"] == flat[
        [r[0] for r in flat].index(tree.nguyen.full_name)
    ][:2]
    nguyen = next(r for r in flat if r[0] == tree.nguyen.full_name)
    assert nguyen[6:14] == [4.0, 4.0, 2.0, 0.0, 10.0, 80.0, 50.0, 3.0]
    chairs = next(r for r in flat if r[:2] == [str(tree.chair_role), "Công đoàn cơ sở"])
    assert chairs[2:4] == [3.0, 50.0]


# --- the rules ----------------------------------------------------------------------------


def test_unit_role_and_approving_unit_come_from_the_post_and_the_user(tree):
    position_create(
        user=SYSTEM,
        person=tree.nguyen,
        unit=tree.school,
        role=tree.member_role,
        start_date=dt.date(2019, 1, 1),
        end_date=dt.date(2023, 5, 31),
        end_reason="term_ended",
    )
    before = record(
        tree.melinh_officer,
        tree.nguyen,
        "good",
        (1, 2, 0, 0),
        year=2023,
        occasion="rotation",
        on=dt.date(2023, 3, 1),
    )
    assert (before.unit, before.role.code, before.approved_by) == (
        tree.school,
        "executive_member",
        tree.melinh,
    )
    yearly = record(tree.melinh_officer, tree.nguyen, "good", (1, 2, 0, 0), year=2023)
    assert yearly.role.code == "chair" and yearly.published_at is None
    # Before a promotion or rotation, as often as needed; yearly, once.
    record(
        tree.melinh_officer,
        tree.nguyen,
        "good",
        (0, 0, 0, 0),
        year=2023,
        occasion="promotion",
        on=dt.date(2023, 9, 1),
    )
    assert Evaluation.objects.filter(person=tree.nguyen, year=2023).count() == 3


def test_an_unpublished_evaluation_can_be_corrected_a_published_one_cannot(client, w):
    tree = w.tree
    client.force_login(tree.hanoi_officer)
    response = client.post(
        f"{LIST}{w.dung_eval.pk}/edit/",
        {
            "year": YEAR,
            "occasion": "yearly",
            "rating": "excellent",
            "votes_excellent": 6,
            "votes_good": 4,
            "votes_completed": 0,
            "votes_not_completed": 0,
            "self_assessment": "Sửa sau họp",
        },
    )
    assert response.status_code == 302
    w.dung_eval.refresh_from_db()
    assert (w.dung_eval.rating, w.dung_eval.votes) == ("excellent", 10)
    rules.evaluation_publish(user=tree.hanoi_officer, evaluation=w.dung_eval)
    with pytest.raises(ValidationError, match=gettext("This evaluation is already published.")):
        rules.evaluation_publish(user=tree.hanoi_officer, evaluation=w.dung_eval)
    with pytest.raises(ValidationError):
        record(tree.hanoi_officer, w.dung, "good", (0, 0, 0, 0), evaluation=w.dung_eval)
    assert (
        client.post(
            f"{LIST}{w.dung_eval.pk}/edit/", {"year": YEAR, "occasion": "yearly", "rating": "good"}
        ).status_code
        == 302
    )
    w.dung_eval.refresh_from_db()
    assert w.dung_eval.rating == "excellent"
    assert Notice.objects.filter(person=w.dung).count() == 1


def test_read_only_accounts_cannot_record_or_publish(client, w):
    tree = w.tree
    client.force_login(tree.inspector)  # reads no evaluation (accounts.access)
    assert client.get(LIST, {"year": YEAR}).status_code == 403
    assert client.get(f"{LIST}{w.nguyen.pk}/").status_code == 403
    assert client.get(reverse("cadrework:evaluation_create")).status_code == 403
    assert client.post(f"{LIST}{w.nguyen.pk}/publish/").status_code == 403
    with pytest.raises(PermissionDenied):
        rules.evaluation_publish(user=tree.inspector, evaluation=w.nguyen)
    w.nguyen.refresh_from_db()
    assert w.nguyen.published_at is None


# --- bad input ----------------------------------------------------------------------------


def _no_post(tree):
    return person_create(
        user=SYSTEM,
        unit=tree.school,
        family_name="Vũ",
        middle_name="Thị",
        given_name="Giang",
        gender="female",
    )


BAD = {
    "person outside the subtree": (
        lambda w: dict(user=w.tree.melinh_officer, person=w.tree.tran),
        "person",
    ),
    "person of another province": (
        lambda w: dict(user=w.tree.hanoi_officer, person=w.tree.le),
        "person",
    ),
    "person holding no post": (lambda w: dict(person=_no_post(w.tree)), "person"),
    "second yearly evaluation": (lambda w: dict(person=w.tree.nguyen, year=YEAR), "year"),
    "negative votes": (lambda w: dict(votes_good=-3), "votes_good"),
    "absurd votes": (lambda w: dict(votes_completed=10**9), "votes_completed"),
    "votes not a number": (lambda w: dict(votes_excellent="7"), "votes_excellent"),
    "unknown rating": (lambda w: dict(rating="xuat_sac"), "rating"),
    "unknown occasion": (lambda w: dict(occasion="yearly_bonus"), "occasion"),
    "future year": (lambda w: dict(year=dt.date.today().year + 1), "year"),
    "rotation without a day": (lambda w: dict(occasion="rotation"), "on"),
    "rotation day in another year": (
        lambda w: dict(occasion="rotation", year=2023, on=dt.date(2024, 3, 1)),
        "on",
    ),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_refused_and_nothing_is_written(w, case):
    build, field = BAD[case]
    args = dict(
        user=w.tree.hanoi_officer,
        person=w.dung,
        year=2023,
        rating="good",
        votes_excellent=1,
        votes_good=2,
        votes_completed=0,
        votes_not_completed=0,
    )
    args.update(build(w))
    before = (Evaluation.objects.count(), Notice.objects.count())
    with pytest.raises(ValidationError) as refused:
        rules.evaluation_save(**args)
    assert field in refused.value.message_dict, refused.value.message_dict
    assert all(refused.value.message_dict[field])
    assert (Evaluation.objects.count(), Notice.objects.count()) == before


def test_the_duplicate_yearly_evaluation_message_names_person_and_year(w):
    with pytest.raises(ValidationError) as refused:
        record(w.tree.hanoi_officer, w.tree.nguyen, "good", (0, 0, 0, 0))
    assert refused.value.message_dict["year"] == [
        gettext("%(name)s already has a yearly evaluation for %(year)s.")
        % {"name": w.tree.nguyen.full_name, "year": YEAR}
    ]


def test_the_form_shows_refusals_and_writes_nothing(client, w):
    tree = w.tree
    client.force_login(tree.hanoi_officer)
    url = f"{reverse('cadrework:evaluation_create')}?person={tree.nguyen.pk}&year={YEAR}"
    assert client.get(url).status_code == 200
    before = Evaluation.objects.count()
    good = {
        "year": YEAR,
        "occasion": "yearly",
        "rating": "good",
        "votes_excellent": 1,
        "votes_good": 1,
        "votes_completed": 0,
        "votes_not_completed": 0,
    }
    duplicate = client.post(url, good)
    assert duplicate.status_code == 200
    assert (
        gettext("%(name)s already has a yearly evaluation for %(year)s.")
        % {"name": tree.nguyen.full_name, "year": YEAR}
        in duplicate.content.decode()
    )
    for bad in (
        {"votes_good": -1},
        {"rating": "best"},
        {"votes_completed": "nhiều"},
        {"year": 1999},
    ):
        response = client.post(url, {**good, "year": 2023, **bad})
        assert response.status_code == 200 and response.context["form"].errors, bad
    assert Evaluation.objects.count() == before
    created = client.post(url, {**good, "year": 2023})
    assert created.status_code == 302 and Evaluation.objects.count() == before + 1
    # The person is found within scope only.
    client.force_login(tree.melinh_officer)
    found = client.get(reverse("cadrework:evaluation_create"), {"q": "nguyen"})
    assert tree.nguyen.full_name in found.content.decode()
    found = client.get(reverse("cadrework:evaluation_create"), {"q": "le van cuong"})
    assert tree.le.full_name not in found.content.decode()
    assert (
        client.get(f"{reverse('cadrework:evaluation_create')}?person={tree.tran.pk}").status_code
        == 404
    )


def test_the_list_names_who_still_has_no_yearly_evaluation(client, w):
    tree = w.tree
    client.force_login(tree.hanoi_officer)
    page = client.get(LIST, {"year": 2023})
    missing = {p.person_id for p in page.context["missing"]}
    assert {tree.nguyen.pk, tree.tran.pk, w.dung.pk, w.em.pk} <= missing
    assert tree.le.pk not in missing
    assert {p.person_id for p in client.get(LIST, {"year": YEAR}).context["missing"]} == set()


# --- bounded queries ----------------------------------------------------------------------


def grow(tree, n: int, prefix: str) -> None:
    """n more chairs and members in Mê Linh, each evaluated for the year."""
    for i in range(n):
        unit, person = chair_of(
            tree,
            f"HN-ML-{prefix}{i:02d}",
            f"Công đoàn cơ sở {prefix}{i}",
            tree.melinh,
            "Ngô",
            "Văn",
            f"{prefix}{i}",
        )
        evaluation = record(
            tree.hanoi_officer,
            person,
            ["excellent", "good", "completed"][i % 3],
            (i % 5, 3, 1, i % 2),
        )
        if i % 2:
            rules.evaluation_publish(user=tree.hanoi_officer, evaluation=evaluation)


def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return len(captured)


@pytest.mark.parametrize(
    "params", [{"year": YEAR}, {"year": YEAR, "format": "xlsx"}, {"year": YEAR, "unit": "melinh"}]
)
def test_the_list_costs_the_same_queries_for_1_and_20_evaluations(client, tree, params):
    client.force_login(tree.hanoi_officer)
    if params.get("unit"):
        params = {**params, "unit": tree.melinh.pk}
    grow(tree, 1, "A")
    small = queries(client, LIST, params)
    grow(tree, 19, "B")
    assert queries(client, LIST, params) <= small


def test_the_profile_fragment_costs_two_queries(w):
    """The evaluations, then the equivalent posts of all their groups in one query."""
    tree = w.tree
    record(tree.hanoi_officer, tree.nguyen, "good", (1, 1, 1, 1), year=2023)
    for year, occasion in ((2023, "rotation"), (2024, "promotion")):
        record(
            tree.hanoi_officer,
            tree.nguyen,
            "good",
            (1, 1, 1, 1),
            year=year,
            occasion=occasion,
            on=dt.date(year, 7, 1),
        )
    with CaptureQueriesContext(connection) as captured:
        html = fragment(tree.hanoi_officer, tree.nguyen)
    assert html.count("data-evaluation=") == 4
    assert len(captured) == 2
