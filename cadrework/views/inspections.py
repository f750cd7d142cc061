"""Inspection pages: the inspections of a unit's subtree with their open and overdue
follow-ups (and its Excel export), recording an inspection, and one inspection with its
follow-ups. Thin: the forms parse, cadrework.inspections decides and reads."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import officer_required, writer_required
from accounts.scope import get_scoped_or_404
from cadrework import inspections as rules
from cadrework.forms_inspections import DoneForm, FollowUpForm, InspectionEditForm, InspectionForm
from cadrework.models import FollowUp, Inspection
from lib.dates import today
from lib.forms import REFUSED, run_service
from lib.xlsx import Table, wants_xlsx, xlsx_tables_response
from units.models import Unit
from units.places import under

PAGE_SIZE = 50
OVERDUE_SHOWN = 200


def _unit(request: HttpRequest) -> Unit:
    """The unit asked for (?unit=, default the user's), in scope."""
    unit_id = request.GET.get("unit") or request.user.unit_id
    if not str(unit_id).isdigit():
        raise Http404
    return get_scoped_or_404(Unit.objects.all(), request.user, pk=int(unit_id))


def _inspection(request: HttpRequest, pk: int) -> Inspection:
    return get_scoped_or_404(
        Inspection.objects.select_related("inspecting", "inspected"), request.user, pk=pk
    )


def _follow_up(request: HttpRequest, pk: int) -> FollowUp:
    return get_scoped_or_404(
        FollowUp.objects.select_related("inspection__inspecting", "inspection__inspected"),
        request.user,
        pk=pk,
    )


def _labelled(inspections) -> list[Inspection]:
    rows = list(inspections)
    for inspection in rows:
        inspection.area_labels = rules.area_labels(inspection.areas)
    return rows


# --- the list -----------------------------------------------------------------------------


@officer_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    unit, day = _unit(request), today()
    inspections = rules.inspections_under(request.user, unit, day)
    overdue = rules.overdue_follow_ups(request.user, unit, day)
    if wants_xlsx(request):
        return _xlsx(request.user, unit, inspections, day)
    page = Paginator(inspections, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _labelled(page.object_list)
    return render(
        request,
        "cadrework/inspection_list.html",
        {
            "unit": unit,
            "page": page,
            "day": day,
            "overdue": overdue[:OVERDUE_SHOWN],
            "overdue_total": overdue.count(),
            "may_inspect": request.user.can_write,
        },
    )


def _xlsx(user, unit: Unit, inspections, day) -> HttpResponse:
    """Every inspection of the list (all its pages) and every follow-up they require."""
    inspection_rows = (
        [
            i.held_on,
            i.inspecting.name,
            i.inspected.code,
            i.inspected.name,
            ", ".join(rules.area_labels(i.areas)),
            i.findings,
            i.follow_up_count,
            i.open_count,
            i.overdue_count,
        ]
        for i in inspections.iterator(chunk_size=2000)
    )
    follow_ups = (
        rules.follow_ups_visible_to(user)
        .filter(under(unit, "inspection__inspected"))
        .order_by("-inspection__held_on", "-inspection_id", "deadline", "id")
    )
    follow_up_rows = (
        [
            f.inspection.held_on,
            f.inspection.inspected.code,
            f.inspection.inspected.name,
            f.action,
            f.deadline,
            f.done_on,
            rules.FollowUpStatus(rules.status_of(f, day)).label,
        ]
        for f in follow_ups.iterator(chunk_size=2000)
    )
    return xlsx_tables_response(
        f"kiem-tra-cong-tac-can-bo-{unit.code}.xlsx",
        _("Inspections"),
        [
            Table(
                [
                    _("Held on"),
                    _("Inspecting unit"),
                    _("Unit code"),
                    _("Inspected unit"),
                    _("Areas"),
                    _("Findings"),
                    _("Follow-ups"),
                    _("Open"),
                    _("Overdue"),
                ],
                inspection_rows,
                _("Inspections"),
            ),
            Table(
                [
                    _("Inspection held on"),
                    _("Unit code"),
                    _("Inspected unit"),
                    _("Follow-up action"),
                    _("Deadline"),
                    _("Done on"),
                    _("Status"),
                ],
                follow_up_rows,
                _("Follow-up actions"),
            ),
        ],
        title=_("Inspections of cadre work — %(unit)s") % {"unit": unit.name},
        subtitle=_("Exported on %(day)s") % {"day": f"{day:%d/%m/%Y}"},
    )


# --- recording and correcting an inspection -----------------------------------------------


@writer_required
def inspection_create(request: HttpRequest) -> HttpResponse:
    form = InspectionForm(request.POST or None, user=request.user, initial={"held_on": today()})
    if request.method == "POST" and form.is_valid():
        inspection = run_service(
            request,
            lambda: rules.inspection_create(user=request.user, **form.cleaned_data),
            _("The inspection was recorded: add the follow-up actions it requires."),
            form,
        )
        if inspection is not REFUSED:
            return redirect("cadrework:inspection_detail", inspection.pk)
    return render(
        request,
        "cadrework/inspection_form.html",
        {"form": form, "title": _("Record an inspection of cadre work")},
    )


@writer_required
def inspection_edit(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    if not rules.can_change(request.user, inspection):
        raise PermissionDenied
    form = InspectionEditForm(
        request.POST or None,
        initial={
            "held_on": inspection.held_on,
            "areas": rules.area_codes(inspection.areas),
            "findings": inspection.findings,
        },
    )
    if request.method == "POST" and form.is_valid():
        if (
            run_service(
                request,
                lambda: rules.inspection_update(
                    user=request.user, inspection=inspection, **form.cleaned_data
                ),
                _("The inspection was saved."),
                form,
            )
            is not REFUSED
        ):
            return redirect("cadrework:inspection_detail", inspection.pk)
    return render(
        request,
        "cadrework/inspection_form.html",
        {
            "form": form,
            "inspection": inspection,
            "title": _("Inspection of %(unit)s") % {"unit": inspection.inspected.name},
        },
    )


# --- one inspection and its follow-ups ----------------------------------------------------


def _detail(request: HttpRequest, inspection: Inspection, follow_up_form=None) -> HttpResponse:
    day = today()
    return render(
        request,
        "cadrework/inspection_detail.html",
        {
            "inspection": inspection,
            "day": day,
            "area_labels": rules.area_labels(inspection.areas),
            "follow_ups": rules.with_status(inspection.follow_ups.all(), day),
            "may_change": rules.can_change(request.user, inspection),
            "may_mark_done": rules.can_mark_done(request.user, inspection),
            "follow_up_form": follow_up_form or FollowUpForm(),
        },
    )


@officer_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _inspection(request, pk))


@writer_required
@require_POST
def inspection_follow_up_add(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    form = FollowUpForm(request.POST)
    if (
        form.is_valid()
        and run_service(
            request,
            lambda: rules.follow_up_add(
                user=request.user, inspection=inspection, **form.cleaned_data
            ),
            _("The follow-up action was added."),
            form,
        )
        is not REFUSED
    ):
        return redirect("cadrework:inspection_detail", inspection.pk)
    return _detail(request, inspection, form)


@writer_required
@require_POST
def inspection_follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = _follow_up(request, pk)
    form = DoneForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: rules.follow_up_done(
                user=request.user, follow_up=follow_up, done_on=form.cleaned_data["done_on"]
            ),
            _("The follow-up action was marked done."),
        )
    else:
        for error in form.errors.get("done_on", []):
            messages.error(request, f"{_('Done on')}: {error}")
    return redirect("cadrework:inspection_detail", follow_up.inspection_id)


urlpatterns = [
    path("inspections/", inspection_list, name="inspection_list"),
    path("inspections/new/", inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/edit/", inspection_edit, name="inspection_edit"),
    path(
        "inspections/<int:pk>/follow-ups/new/",
        inspection_follow_up_add,
        name="inspection_follow_up_add",
    ),
    path(
        "inspections/follow-ups/<int:pk>/done/",
        inspection_follow_up_done,
        name="inspection_follow_up_done",
    ),
]
