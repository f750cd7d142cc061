"""The change history pages: one per kind of object that has a page (each reached from that
page, seen by whoever may see the object: 404 for anyone else), and the audit log of
system administrators."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.decorators import officer_required
from accounts.scope import get_scoped_or_404, scope_ancestor_paths, scope_path
from audit import display, selectors
from audit.forms import LogFilterForm
from cadrework.evaluations import evaluations_visible_to
from people.models import Person
from planning.models import Plan
from targets.models import Target
from training.models import TrainingClass
from units.models import Unit
from units.places import under

PAGE_SIZE = 50


def _page(request: HttpRequest, entries):
    return Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))


def _history(request: HttpRequest, obj, back: str) -> HttpResponse:
    page = _page(request, selectors.history_of(obj))
    return render(
        request,
        "audit/history.html",
        {
            "object": obj,
            "kind": obj._meta.verbose_name,
            "back": back,
            "page": page,
            "entries": display.describe(page.object_list, page_model=type(obj)),
        },
    )


@officer_required
@require_GET
def unit_history(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_scoped_or_404(Unit.objects.all(), request.user, pk=pk)
    return _history(request, unit, reverse("units:detail", args=[pk]))


@officer_required
@require_GET
def person_history(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_scoped_or_404(Person.objects.all(), request.user, pk=pk)
    return _history(request, person, reverse("people:detail", args=[pk]))


@officer_required
@require_GET
def class_history(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser's side only (as for editing): a class offered from above lists the
    participants of every unit, which an invited unit does not see."""
    training_class = get_scoped_or_404(TrainingClass.objects.all(), request.user, pk=pk)
    return _history(request, training_class, reverse("training:class_detail", args=[pk]))


@officer_required
@require_GET
def plan_history(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_scoped_or_404(Plan.objects.select_related("unit"), request.user, pk=pk)
    return _history(request, plan, reverse("planning:plan_detail", args=[pk]))


@officer_required
@require_GET
def evaluation_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Whoever may open the evaluation (not its own subject while unpublished)."""
    evaluation = evaluations_visible_to(request.user).select_related("person").filter(pk=pk).first()
    if evaluation is None:
        raise Http404
    return _history(request, evaluation, reverse("cadrework:evaluation_detail", args=[pk]))


@officer_required
@require_GET
def target_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Targets that apply to the user's subtree (system-wide, or issued by their unit or one
    above) or that a unit of their subtree adopted."""
    path = scope_path(request.user)
    target = Target.objects.filter(
        Q(scope_unit__isnull=True)
        | Q(scope_unit__path__in=scope_ancestor_paths(request.user))
        | under(path, "scope_unit"),
        pk=pk,
    ).first()
    if target is None:
        raise Http404
    return _history(request, target, reverse("targets:dashboard"))


@login_required
@require_GET
def log(request: HttpRequest) -> HttpResponse:
    """Every change the administrator may see, newest first, with filters."""
    if not selectors.may_read_log(request.user):
        raise PermissionDenied
    form = LogFilterForm(request.GET or None)
    entries = selectors.log_search(
        selectors.log_visible_to(request.user).select_related("unit"), **form.filters()
    )
    page = _page(request, entries)
    query = request.GET.copy()
    query.pop("page", None)
    described = display.describe(page.object_list)
    for item in described:
        model = item.entry.content_type.model_class()
        name = display.subject_url_name(model) if model is not None else None
        item.url = (
            reverse(name, args=[item.entry.subject_id]) if name and item.entry.subject_id else ""
        )
    return render(
        request,
        "audit/log.html",
        {"form": form, "page": page, "entries": described, "query": query.urlencode()},
    )
