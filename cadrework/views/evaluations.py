"""Evaluation pages. Thin: the form parses, cadrework.evaluations decides and reads."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import officer_required, writer_required
from accounts.scope import get_scoped_or_404, scoped
from cadrework import evaluation_store
from cadrework import evaluations as rules
from cadrework.forms_evaluations import EvaluationForm
from cadrework.models import Evaluation, Occasion, Rating
from lib.dates import parse_year, query_year, today
from lib.forms import REFUSED, run_service
from lib.xlsx import Table, wants_xlsx, xlsx_tables_response
from people.models import Person
from privacy.models import Source
from privacy.services import Counted, log_export
from units.models import Unit
from units.places import is_within, under

PAGE_SIZE = 50
NOT_EVALUATED_SHOWN = 50


def _unit_year_occasion(request: HttpRequest) -> tuple[Unit, int, str]:
    """?unit= (default the user's, in scope), ?year= (default the latest year evaluated in
    the subtree) and ?occasion= (default yearly)."""
    unit_id = request.GET.get("unit") or request.user.unit_id
    year = query_year(request, first=rules.FIRST_YEAR)  # a bad one is named, then the default
    occasion = request.GET.get("occasion") or Occasion.YEARLY
    if not str(unit_id).isdigit() or occasion not in Occasion.values:
        raise Http404
    unit = get_scoped_or_404(
        Unit.objects.select_related("kind__level", "parent"), request.user, pk=int(unit_id)
    )
    if year is None:
        latest = evaluation_store.latest_year(unit) or (
            Evaluation.objects.filter(under(unit, "unit"))
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )
        year = latest or today().year
    return unit, year, occasion


def _evaluation(request: HttpRequest, pk: int) -> Evaluation:
    evaluation = (
        rules.evaluations_visible_to(request.user)
        .select_related(*rules.RELATED, "unit__parent")
        .filter(pk=pk)
        .first()
    )
    if evaluation is None:
        raise Http404
    return evaluation


def _list_url(unit: Unit, year: int, occasion: str) -> str:
    return f"{reverse('cadrework:evaluation_list')}?unit={unit.pk}&year={year}" + (
        f"&occasion={occasion}" if occasion != Occasion.YEARLY else ""
    )


@officer_required
def evaluation_list(request: HttpRequest) -> HttpResponse:
    """A unit's evaluations of a year: the distribution of ratings, per unit below and per
    role and level (equivalent posts side by side), each evaluation against its equivalent
    posts, and who still has no yearly evaluation."""
    unit, year, occasion = _unit_year_occasion(request)
    rows = rules.with_comparison(
        rules.evaluations_visible_to(request.user).filter(
            rules.in_subtree(unit), year=year, occasion=occasion
        )
    )
    # The top of the tree reads its figures stored (cadrework.evaluation_store), if current.
    stored = evaluation_store.year(unit, year, occasion)
    context = {
        "unit": unit,
        "year": year,
        "occasion": occasion,
        "occasions": Occasion.choices,
        "distribution": stored["distribution"]
        if stored
        else rules.distribution(unit, year, occasion),
        "by_unit": stored["by_unit"]
        if stored
        else rules.distribution_by_unit(unit, year, occasion),
        "by_role": stored["by_role"] if stored else rules.by_role_and_level(unit, year, occasion),
    }
    if wants_xlsx(request):
        return _list_xlsx(request, context, rows)
    # The page's ids first, in the list's order, then only its rows read with what they show.
    ids = rows.values_list("pk", flat=True)
    if stored:
        ids = _Listed(
            ids, rules.listed_count(request.user, unit, year, occasion, stored["distribution"])
        )
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = rules.compared_in_order(list(page.object_list))
    missing = rules.not_evaluated(unit, year) if occasion == Occasion.YEARLY else None
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cadrework/evaluation_list.html",
        {
            **context,
            "page": page,
            "query": query.urlencode(),
            "missing": rules.first_not_evaluated(unit, year, NOT_EVALUATED_SHOWN)
            if missing is not None
            else [],
            "missing_count": (stored["missing"] if stored else missing.count())
            if missing is not None
            else 0,
            "parent_in_scope": _parent_in_scope(request, unit),
        },
    )


class _Listed:
    """The list's ids, counted already (a sequence for Django's paginator)."""

    def __init__(self, ids, count: int):
        self.ids, self.n = ids, count

    def count(self) -> int:
        return self.n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, index):
        return self.ids[index]


def _parent_in_scope(request: HttpRequest, unit: Unit) -> Unit | None:
    """The unit above, for the way back up, when the user may see it."""
    mine = request.user.unit.path
    parent = unit.parent
    if parent is None or unit.path == mine or not is_within(parent, mine):
        return None
    return parent


def _pct(value) -> float | None:
    return None if value is None else round(float(value), 1)


def head(field: str) -> str:
    """A column named as the model names the field."""
    return capfirst(Evaluation._meta.get_field(field).verbose_name)


def _list_xlsx(request, context, rows) -> HttpResponse:
    """The page's tables, and every evaluation listed by name (logged: personal data)."""
    unit, year = context["unit"], context["year"]
    rating_heads = [str(label) for _value, label in Rating.choices]
    dist = context["distribution"]
    by_rating = [[r.label, r.count, r.percent] for r in dist.rows] + [
        [_("Total"), dist.total, None]
    ]
    by_unit = [
        [r.unit.code, r.unit.name, *[c.count for c in r.distribution.rows], r.distribution.total]
        for r in context["by_unit"]
    ]
    by_role = [
        [
            str(r.role),
            str(r.level),
            r.count,
            r.average_share,
            *[c.count for c in r.distribution.rows],
        ]
        for r in context["by_role"]
    ]
    listed = Counted(
        [
            e.person.full_name,
            e.unit.code,
            e.unit.name,
            str(e.role),
            e.get_occasion_display(),
            e.get_rating_display(),
            e.votes_excellent,
            e.votes_good,
            e.votes_completed,
            e.votes_not_completed,
            e.votes,
            _pct(e.share),
            _pct(e.peer_share),
            e.peer_count,
            e.approved_by.name,
            e.published_at,
        ]
        for e in rows.iterator(chunk_size=2000)
    )
    occasion = dict(Occasion.choices)[context["occasion"]]
    response = xlsx_tables_response(
        f"danh-gia-{unit.code}-{year}.xlsx",
        _("Evaluations"),
        [
            Table([head("rating"), _("Evaluations"), "%"], by_rating, _("Ratings")),
            Table([_("Unit code"), _("Unit"), *rating_heads, _("Total")], by_unit, _("By unit")),
            Table(
                [
                    _("Role"),
                    _("Unit level"),
                    _("Evaluations"),
                    _("Average share of excellent and good votes (%)"),
                    *rating_heads,
                ],
                by_role,
                _("Equivalent posts: by role and unit level"),
            ),
            Table(
                [
                    _("Full name"),
                    _("Unit code"),
                    _("Unit"),
                    _("Role"),
                    head("occasion"),
                    head("rating"),
                    *[head(f) for f in rules.VOTE_FIELDS],
                    _("Votes"),
                    _("Share of excellent and good votes (%)"),
                    _("Average of equivalent posts (%)"),
                    _("Equivalent posts"),
                    head("approved_by"),
                    _("Published"),
                ],
                listed,
                _("Evaluations"),
            ),
        ],
        title=_("Evaluations %(year)s — %(name)s") % {"year": year, "name": unit.name},
        subtitle=str(occasion),
    )
    log_export(
        request,
        Source.EVALUATIONS,
        unit=unit,
        params={"year": year, "occasion": context["occasion"]},
        count=listed.count,
    )
    return response


@officer_required
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    return render(
        request,
        "cadrework/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "comparison": rules.equivalents(evaluation),
            "may_change": request.user.can_write
            and not evaluation.published_at
            and evaluation.person_id != request.user.person_id,
        },
    )


def _form_page(
    request: HttpRequest, person: Person, evaluation: Evaluation | None, initial: dict
) -> HttpResponse:
    form = EvaluationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            request,
            lambda: rules.evaluation_save(
                user=request.user, person=person, evaluation=evaluation, **form.cleaned_data
            ),
            _("The evaluation of %(name)s was saved.") % {"name": person.full_name},
            form,
        )
        if saved is not REFUSED:
            return redirect("cadrework:evaluation_detail", saved.pk)
    return render(
        request,
        "cadrework/evaluation_form.html",
        {
            "form": form,
            "person": person,
            "evaluation": evaluation,
            "positions": person.positions.select_related("unit", "role").order_by("-start_date")[
                :10
            ],
        },
    )


@writer_required
def evaluation_create(request: HttpRequest) -> HttpResponse:
    """Reached from the list with ?person=; without it, find the person (within scope)."""
    person_id = request.GET.get("person", "")
    year = parse_year(request.GET.get("year"), first=rules.FIRST_YEAR) or today().year
    if not person_id:
        search = request.GET.get("q", "").strip()
        people = (
            scoped(Person.objects.select_related("unit"), request.user)
            .search(search)
            .vietnamese_order()[:20]
            if search
            else []
        )
        return render(
            request,
            "cadrework/evaluation_form.html",
            {"form": None, "people": people, "q": search, "year": year},
        )
    if not person_id.isdigit():
        raise Http404
    person = get_scoped_or_404(
        Person.objects.select_related("unit"), request.user, pk=int(person_id)
    )
    occasion = request.GET.get("occasion", Occasion.YEARLY)
    return _form_page(
        request,
        person,
        None,
        {
            "year": year,
            "occasion": occasion if occasion in Occasion.values else Occasion.YEARLY,
            **{f: 0 for f in rules.VOTE_FIELDS},
        },
    )


@writer_required
def evaluation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    if evaluation.published_at:
        messages.error(request, _("This evaluation is published: it cannot change."))
        return redirect("cadrework:evaluation_detail", evaluation.pk)
    fields = ("year", "occasion", "rating", "self_assessment", *rules.VOTE_FIELDS)
    return _form_page(
        request, evaluation.person, evaluation, {f: getattr(evaluation, f) for f in fields}
    )


@writer_required
@require_POST
def evaluation_publish(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    run_service(
        request,
        lambda: rules.evaluation_publish(user=request.user, evaluation=evaluation),
        _("The evaluation is published: %(name)s can now see it.")
        % {"name": evaluation.person.full_name},
    )
    return redirect("cadrework:evaluation_detail", evaluation.pk)


urlpatterns = [
    path("evaluations/", evaluation_list, name="evaluation_list"),
    path("evaluations/new/", evaluation_create, name="evaluation_create"),
    path("evaluations/<int:pk>/", evaluation_detail, name="evaluation_detail"),
    path("evaluations/<int:pk>/edit/", evaluation_edit, name="evaluation_edit"),
    path("evaluations/<int:pk>/publish/", evaluation_publish, name="evaluation_publish"),
]
