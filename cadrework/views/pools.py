"""Succession pools: the pools of a unit, a pool's candidates and structure, its yearly
review (who enters and leaves), publication; and a person's panel on their profile."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import OWN, Data, may
from accounts.decorators import officer_required, writer_required
from accounts.scope import get_scoped_or_404, scoped
from cadrework import evaluations, selectors, services
from cadrework.forms import EntryForm, GoalForm, PoolForm, ReviewForm
from cadrework.models import Notice, Pool, PoolEntry, PoolReview, StructureGoal
from lib.dates import today
from lib.forms import REFUSED, form_errors_to_messages, run_service
from people.models import Person
from people.selectors import profile_person_or_404
from units.models import Unit
from units.places import under

PAGE_SIZE = 50


def _unit(request) -> Unit:
    unit_id = request.GET.get("unit") or request.user.unit_id
    if not str(unit_id).isdigit():
        raise Http404
    return get_scoped_or_404(Unit.objects.all(), request.user, pk=int(unit_id))


@officer_required
def index(request: HttpRequest) -> HttpResponse:
    """Cadre work of a unit: its pools and the links to evaluations, retention, inspections."""
    unit = _unit(request)
    pools = scoped(Pool.objects.filter(under(unit, "unit")), request.user)
    form = PoolForm(request.POST or None, unit=unit)
    if request.method == "POST":
        if not request.user.can_write:
            raise Http404
        pool = form.is_valid() and run_service(
            request,
            lambda: services.pool_create(user=request.user, unit=unit, **form.cleaned_data),
            _("The succession pool was opened."),
            form,
        )
        if pool and pool is not REFUSED:
            return redirect("cadrework:pool_detail", pool.pk)
    # A page of them: the confederation's subtree has a pool for most posts of its unions
    # (16,000 at national scale: 2.5 s to list them all).
    page = Paginator(
        pools.select_related("unit", "term").order_by("unit__path", "post", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "cadrework/index.html",
        {
            "unit": unit,
            "form": form,
            "page": page,
            "pools": page.object_list,
            "goals": StructureGoal.objects.filter(unit=unit),
            "goal_form": GoalForm(),
        },
    )


@writer_required
@require_POST
def goal_set(request: HttpRequest) -> HttpResponse:
    unit = _unit(request)
    form = GoalForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: services.structure_goal_set(user=request.user, unit=unit, **form.cleaned_data),
            _("The structure goal was saved."),
        )
    else:
        form_errors_to_messages(request, form)
    return redirect(f"{reverse('cadrework:index')}?unit={unit.pk}")


@officer_required
def pool_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pool = get_scoped_or_404(Pool.objects.select_related("unit", "term"), request.user, pk=pk)
    day = today()
    form = ReviewForm(request.POST or None, initial={"year": day.year, "held_on": day})
    if request.method == "POST":
        if not request.user.can_write:
            raise Http404
        review = form.is_valid() and run_service(
            request,
            lambda: services.review_open(user=request.user, pool=pool, **form.cleaned_data),
            _("The review is open: add and remove candidates, then publish."),
            form,
        )
        if review and review is not REFUSED:
            return redirect("cadrework:review_detail", review.pk)
    return render(
        request,
        "cadrework/pool_detail.html",
        {
            "pool": pool,
            "form": form,
            "day": day,
            "candidates": selectors.candidates(pool, day),
            "structure": selectors.structure(pool, day),
            "history": pool.entries.exclude(left_on=None).select_related("person"),
            "reviews": pool.reviews.all(),
        },
    )


@officer_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The year's review: entries and removals so far, adding from a search, removing."""
    review = get_scoped_or_404(
        PoolReview.objects.select_related("pool__unit", "pool__term"), request.user, pk=pk
    )
    pool, day = review.pool, today()
    query = request.GET.get("q", "").strip()
    found = []
    if query:
        found = (
            scoped(Person.objects.search(query), request.user)
            .filter(under(pool.unit, "unit"))
            .select_related("unit")
            .vietnamese_order()[:20]
        )
    return render(
        request,
        "cadrework/review_detail.html",
        {
            "review": review,
            "pool": pool,
            "query": query,
            "found": found,
            "entry_form": EntryForm(initial={"on": review.held_on}),
            "candidates": selectors.candidates(pool, day),
            "entered": review.entries.select_related("person__unit"),
            "removed": review.removals.select_related("person__unit"),
        },
    )


def _entry_form_or_back(request):
    form = EntryForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return None
    return form


@writer_required
@require_POST
def review_add(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    review = get_scoped_or_404(
        PoolReview.objects.select_related("pool__unit", "pool__term"), request.user, pk=pk
    )
    person = get_scoped_or_404(Person.objects.select_related("unit"), request.user, pk=person_pk)
    form = _entry_form_or_back(request)
    if form is not None:
        run_service(
            request,
            lambda: services.entry_add(
                user=request.user,
                pool=review.pool,
                person=person,
                review=review,
                **form.cleaned_data,
            ),
            _("%(name)s enters the pool.") % {"name": person.full_name},
        )
    return redirect("cadrework:review_detail", review.pk)


@writer_required
@require_POST
def review_remove(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    review = get_scoped_or_404(PoolReview.objects.select_related("pool__unit"), request.user, pk=pk)
    entry = get_scoped_or_404(
        PoolEntry.objects.select_related("person", "pool__unit"),
        request.user,
        pk=entry_pk,
        pool=review.pool,
    )
    form = _entry_form_or_back(request)
    if form is not None:
        run_service(
            request,
            lambda: services.entry_remove(
                user=request.user, entry=entry, review=review, **form.cleaned_data
            ),
            _("%(name)s leaves the pool.") % {"name": entry.person.full_name},
        )
    return redirect("cadrework:review_detail", review.pk)


@writer_required
@require_POST
def review_publish(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_scoped_or_404(
        PoolReview.objects.select_related("pool__unit", "pool__term"), request.user, pk=pk
    )
    run_service(
        request,
        lambda: services.review_publish(user=request.user, review=review),
        _("The review is published and the people concerned are told."),
    )
    return redirect("cadrework:review_detail", review.pk)


@login_required
def person_panel(request: HttpRequest, person_pk: int) -> HttpResponse:
    """On a profile: notices, pools and evaluations, each as the user's role may read them
    (accounts.access): all of a person of the subtree for an officer; one's own published ones
    for anyone else; no one else's pools or evaluations for a lecturer or an inspector."""
    user = request.user
    own = user.person_id == person_pk
    person = profile_person_or_404(user, person_pk)
    entries = selectors.person_pools(person)
    if user.can_browse and may(user, Data.POOLS):
        pass  # the person is in the user's subtree: every pool they are in
    elif own and may(user, Data.POOLS, OWN):
        entries = entries.filter(entered_in__published_at__isnull=False)
    else:
        entries = entries.none()
    return render(
        request,
        "cadrework/_person_panel.html",
        {
            "person": person,
            "entries": entries,
            "notices": Notice.objects.filter(person=person)[:20] if own else [],
            "evaluations": evaluations.visible_evaluations(user, person),
            # Links to the evaluation pages and their publication state: for those who
            # read the subtree's evaluations only.
            "reads_evaluations": user.can_browse and may(user, Data.EVALUATIONS),
        },
    )


urlpatterns = [
    path("", index, name="index"),
    path("goals/", goal_set, name="goal_set"),
    path("pools/<int:pk>/", pool_detail, name="pool_detail"),
    path("reviews/<int:pk>/", review_detail, name="review_detail"),
    path("reviews/<int:pk>/add/<int:person_pk>/", review_add, name="review_add"),
    path("reviews/<int:pk>/remove/<int:entry_pk>/", review_remove, name="review_remove"),
    path("reviews/<int:pk>/publish/", review_publish, name="review_publish"),
    path("people/<int:person_pk>/panel/", person_panel, name="person_panel"),
]
