from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.decorators import officer_required, writer_required
from accounts.scope import get_scoped_or_404, scope_q
from lib.dates import as_of, date_refused, query_date, today
from lib.downloads import csv_response
from lib.forms import REFUSED, form_errors_to_messages, run_service
from lib.xlsx import Table, wants_xlsx, xlsx_response, xlsx_tables_response
from people.selectors import profile_person_or_404
from privacy.models import Source
from privacy.services import Counted, export_count_set, log_export
from targets import explain as explained
from targets import selectors, services, snapshots
from targets.engine import STATUS_LABELS, due_on, person_obligations
from targets.forms import AdoptForm, AllocationForm, OwnGoalForm, TargetForm
from targets.measures import Measure, allocatable_targets, allocation, holds, unit_measures
from targets.models import Target
from targets.selectors import Standing
from training.lapsing import LIST_DAYS
from units.models import Unit
from units.selectors import ancestors_on, version_on


def _node(request: HttpRequest, day):
    """The unit asked for (default: the user's), in scope, and its version on `day`."""
    unit_id = request.GET.get("unit") or request.user.unit_id
    if not str(unit_id).isdigit():
        raise Http404
    unit = get_scoped_or_404(
        Unit.objects.select_related("kind__level"), request.user, pk=int(unit_id)
    )
    return unit, version_on(unit, day)


def _crumbs(request: HttpRequest, node, day) -> list:
    scope_depth = request.user.unit.depth
    return [a for a in ancestors_on(node, day) if a.depth >= scope_depth]


def _pending_page(request, template: str, context: dict) -> HttpResponse:
    context["pending"] = snapshots.pending(context["day"])
    return render(request, template, context)


@officer_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """An officer's landing page: the unit's targets, its children ranked, drill-down."""
    day = as_of(request)
    unit, node = _node(request, day)
    context = {"unit": unit, "node": node, "day": day, "today": today()}
    if node is None:
        return render(request, "targets/dashboard.html", context)
    context["ancestors"] = _crumbs(request, node, day)
    snapshot = snapshots.ready(day)
    if snapshot is None:
        return _pending_page(request, "targets/dashboard.html", context)
    targets = selectors.targets_for(node, day)
    rank_by = next((t for t in targets if t.code == request.GET.get("rank")), None)
    results = selectors.unit_targets(node, day, snapshot, targets)
    if rank_by is None:
        rank_by = next((r.target for r in results if r.eligible), None)
    context.update(
        snapshot=snapshot,
        results=results,
        targets=targets,
        rank_by=rank_by,
        children=selectors.children_ranked(node, day, snapshot, targets, rank_by),
        people=selectors.unit_people(node, day, targets, snapshot),
        measures=unit_measures(node, day),
    )
    if wants_xlsx(request):
        # The sheet names the unit's post-holders with their status per target.
        log_export(
            request,
            Source.TARGETS_DASHBOARD,
            unit=node.unit,
            params={"on": day, "rank": rank_by.code if rank_by else ""},
            count=len(context["people"]),
        )
        return _dashboard_xlsx(context)
    return render(request, "targets/dashboard.html", context)


STANDINGS = {
    Standing.ACHIEVED: gettext_lazy("Achieved"),
    Standing.AT_RISK: gettext_lazy("At risk"),
    Standing.MISSED: gettext_lazy("Missed"),
    Standing.NONE: gettext_lazy("No one concerned"),
}
# A unit target with no figures reported reads so, not as "no one concerned".
MEASURE_STANDINGS = {**STANDINGS, Standing.NONE: gettext_lazy("No figures reported")}


def _measure_row(measure: Measure) -> list:
    """A unit target's row of the export: its figure and goal as numbers, in % or a count."""
    target = measure.target
    return [
        target.code,
        target.name,
        measure.value,
        measure.goal,
        "%" if measure.is_percent else _("number"),
        measure.reporting,
        measure.reaching,
        MEASURE_STANDINGS[measure.standing],
    ]


def _dashboard_xlsx(context: dict) -> HttpResponse:
    """The dashboard's tables stacked on one sheet: the unit's targets, the units below in the
    page's ranking, the unit's own post-holders with their status per target, and the targets
    measured on unit figures (spending, member growth, coverage) when any is in force."""
    node, day, targets, rank_by = (context[k] for k in ("node", "day", "targets", "rank_by"))
    heads = [
        _("Target code"),
        _("Target"),
        _("Threshold (%)"),
        _("Concerned"),
        _("Met"),
        _("Percent (%)"),
        _("Standing"),
        _("Overdue"),
        _("Trained late"),
        _("Level responsible"),
    ]
    head_rows = [
        [
            r.target.code,
            r.target.name,
            r.target.threshold,
            r.eligible,
            r.met,
            r.percent,
            STANDINGS[r.standing],
            r.overdue,
            r.late,
            r.target.responsible_level.name if r.target.responsible_level else "",
        ]
        for r in context["results"]
    ]
    figures = [
        f"{t.code} – {label}"
        for t in targets
        for label in (_("Concerned"), _("Met"), _("Percent (%)"))
    ]
    children = [
        [
            row["version"].unit.code,
            row["version"].name,
            *(x for r in row["results"] for x in (r.eligible, r.met, r.percent)),
        ]
        for row in context["children"]
    ]
    people = [
        [
            row["position"].person.full_name,
            row["position"].role.name,
            _("Yes") if row["position"].full_time else _("No"),
            *(STATUS_LABELS.get(status, "") for status in row["statuses"]),
        ]
        for row in context["people"]
    ]
    ranked = _("Units below, ranked") + (f" — {rank_by.code}" if rank_by else "")
    tables = [
        Table(heads, head_rows, _("Targets")),
        Table([_("Unit code"), _("Unit"), *figures], children, ranked),
        Table(
            [_("Full name"), _("Role"), _("Full-time"), *(t.code for t in targets)],
            people,
            _("Post-holders of this unit"),
        ),
    ]
    if context["measures"]:
        tables.append(
            Table(
                [
                    _("Code"),
                    _("Target"),
                    _("Figure"),
                    _("Goal"),
                    _("Unit of measure"),
                    _("Units reporting"),
                    _("Units reaching it"),
                    _("Standing"),
                ],
                [_measure_row(m) for m in context["measures"]],
                _("Targets measured on unit figures"),
            )
        )
    return xlsx_tables_response(
        f"chi-tieu-{node.unit.code}-{day:%Y%m%d}.xlsx",
        _("Targets"),
        tables,
        title=_("Targets of %(name)s as of %(day)s")
        % {"name": node.name, "day": f"{day:%d/%m/%Y}"},
    )


@officer_required
def charts(request: HttpRequest) -> HttpResponse:
    """Every target's percentage at the end of each of the last five years, for the unit.

    One request for all the charts (swapped into their cells out of band), so the year-end
    snapshots a page needs are computed once, one after the other."""
    day = as_of(request)
    unit, node = _node(request, day)
    if node is None:
        raise Http404
    charts = selectors.year_series(node, selectors.targets_for(node, day), day)
    return render(
        request,
        "targets/_charts.html",
        {
            "charts": charts,
            "unit": unit,
            "day": day,
            "pending": any(p.get("pending") for _, series in charts for p in series),
        },
    )


@officer_required
def progress(request: HttpRequest) -> HttpResponse:
    """Progress of the snapshot being computed; tells the page to reload when it is done."""
    day = as_of(request)
    if snapshots.ready(day, start=False):
        response = HttpResponse("")
        response["HX-Refresh"] = "true"
        return response
    return render(
        request, "targets/_progress.html", {"pending": snapshots.pending(day), "day": day}
    )


@officer_required
def needs(request: HttpRequest) -> HttpResponse:
    """Training-needs list: who must still be trained, by target, consolidated per child."""
    day = as_of(request)
    unit, node = _node(request, day)
    context = {"unit": unit, "node": node, "day": day}
    if node is None:
        return render(request, "targets/needs.html", context)
    if request.GET.get("lapsing") == "1" and request.GET.get("format") in ("csv", "xlsx"):
        return _lapsing_export(request, node, day)
    targets = selectors.targets_for(node, day)
    chosen = next((t for t in targets if str(t.pk) == request.GET.get("target")), None)
    if request.GET.get("format") == "csv":
        return _needs_csv(request, node, day, chosen, targets)
    if wants_xlsx(request):
        return _needs_xlsx(request, node, day, chosen, targets)
    context["ancestors"] = _crumbs(request, node, day)
    snapshot = snapshots.ready(day)
    if snapshot is None:
        return _pending_page(request, "targets/needs.html", context)
    context.update(
        targets=targets,
        chosen=chosen,
        results=selectors.unit_targets(node, day, snapshot, targets),
        own=selectors.own_results(node, snapshot, targets),
        children=selectors.needs_by_child(node, day, snapshot, targets),
    )
    if chosen:
        page = Paginator(selectors.needs(chosen, node, day), 50).get_page(request.GET.get("page"))
        for position in page:
            position.due = due_on(chosen, position, day)
        context["page"] = page
    # Issue 24 §5: who lapses in the next 90 days (the same selector as the export).
    context["lapsing"] = Paginator(selectors.lapsing(node, day), 50).get_page(
        request.GET.get("lapsing_page")
    )
    context["lapsing_days"] = LIST_DAYS
    return render(request, "targets/needs.html", context)


@officer_required
def explain(request: HttpRequest) -> HttpResponse:
    """A figure explained: the seed's sentence, the reading, the people the figure counts
    with the record that met it or the day it falls due, and what changed since a day."""
    day = as_of(request)
    unit, node = _node(request, day)
    context = {"unit": unit, "node": node, "day": day}
    if node is None:
        raise Http404
    target = next(
        (t for t in selectors.targets_for(node, day) if t.code == request.GET.get("target")),
        None,
    )
    if target is None:
        raise Http404
    context.update(target=target, ancestors=_crumbs(request, node, day))
    snapshot = snapshots.ready(day)
    if snapshot is None:
        return _pending_page(request, "targets/explain.html", context)
    since = query_date(request, "since")
    if request.GET.get("since") and since is None:
        messages.warning(request, date_refused())
    page = Paginator(explained.people(target, node, day), 100).get_page(request.GET.get("page"))
    context.update(
        result=selectors.unit_targets(node, day, snapshot, [target])[0],
        reading=explained.reading(target),
        page=page,
        lines=list(explained.lines(target, node, day, page.object_list)),
        since=since,
        changes=explained.changes(target, node, day, since) if since else None,
    )
    return render(request, "targets/explain.html", context)


def _needs_params(request, day, chosen) -> dict:
    return {
        "on": day,
        "target": chosen.code if chosen else "",
        "format": request.GET.get("format", ""),
    }


def _needs_csv(request, node, day, chosen, targets) -> StreamingHttpResponse:
    """The whole list as CSV. Logged when the download starts; the number of rows once the
    last one has gone."""
    entry = log_export(
        request, Source.NEEDS_LIST, unit=node.unit, params=_needs_params(request, day, chosen)
    )
    return csv_response(
        f"nhu-cau-dao-tao-{node.unit.code}-{day:%Y%m%d}.csv",
        selectors.needs_headers(),
        selectors.needs_rows(node, day, [chosen] if chosen else targets),
        done=lambda count: export_count_set(entry, count),
    )


def _needs_xlsx(request, node, day, chosen, targets) -> HttpResponse:
    """The same rows as the CSV, as a workbook."""
    which = f"{chosen.code} {chosen.name}" if chosen else _("all targets")
    rows = Counted(selectors.needs_rows(node, day, [chosen] if chosen else targets))
    response = xlsx_response(
        f"nhu-cau-dao-tao-{node.unit.code}-{day:%Y%m%d}.xlsx",
        _("Training needs"),
        selectors.needs_headers(),
        rows,
        title=_("Training needs — %(name)s") % {"name": node.name},
        subtitle=_("As of %(day)s · %(targets)s") % {"day": f"{day:%d/%m/%Y}", "targets": which},
    )
    log_export(
        request,
        Source.NEEDS_LIST,
        unit=node.unit,
        params=_needs_params(request, day, chosen),
        count=rows.count,
    )
    return response


def _lapsing_export(request, node, day) -> HttpResponse:
    """Training about to expire under the node, as CSV or a workbook (logged as the needs
    list is: it names people)."""
    params = {"on": day, "lapsing": LIST_DAYS, "format": request.GET.get("format", "")}
    name = f"sap-het-hieu-luc-{node.unit.code}-{day:%Y%m%d}"
    if request.GET.get("format") == "csv":
        entry = log_export(request, Source.NEEDS_LIST, unit=node.unit, params=params)
        return csv_response(
            f"{name}.csv",
            selectors.lapsing_headers(),
            selectors.lapsing_rows(node, day),
            done=lambda count: export_count_set(entry, count),
        )
    rows = Counted(selectors.lapsing_rows(node, day))
    title = _("Training expiring within %(n)s days") % {"n": LIST_DAYS}
    response = xlsx_response(
        f"{name}.xlsx",
        _("Expiring training"),
        selectors.lapsing_headers(),
        rows,
        title=f"{title} — {node.name}",
        subtitle=_("As of %(day)s") % {"day": f"{day:%d/%m/%Y}"},
    )
    log_export(request, Source.NEEDS_LIST, unit=node.unit, params=params, count=rows.count)
    return response


@writer_required
@require_POST
def adopt(request: HttpRequest, pk: int) -> HttpResponse:
    """The user's unit adopts a target for its subtree with a stricter threshold."""
    node = version_on(request.user.unit, today())
    target = (
        next((t for t in selectors.targets_for(node, today()) if t.pk == pk), None)
        if node
        else None
    )
    if target is None:
        raise Http404
    form = AdoptForm(request.POST, target=target)
    if form.is_valid():
        adopted = run_service(
            request,
            lambda: services.target_adopt(
                target=target, unit=request.user.unit, threshold=form.cleaned_data["threshold"]
            ),
            _("The target now applies to your unit's subtree."),
            form,
        )
        if adopted is not REFUSED:
            return redirect("targets:dashboard")
    form_errors_to_messages(request, form)
    return redirect("targets:dashboard")


@login_required
def person_obligations_view(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's obligations and how each is met (part of their profile page)."""
    person = profile_person_or_404(request.user, person_id)
    day = as_of(request)
    # Only the targets that may concern the person: the others would be dropped here anyway.
    obligations = [
        o
        for o in person_obligations(person, day, selectors.targets_concerning(person, day))
        if o.status != "not_applicable"
    ]
    return render(
        request,
        "targets/_obligations.html",
        {"person": person, "day": day, "obligations": obligations},
    )


@login_required
@require_POST
def recompute(request: HttpRequest) -> HttpResponse:
    """Queue a full recomputation of today's figures (system administrators)."""
    if not request.user.is_staff:
        raise Http404
    snapshots.invalidate(today(), keep_today=False)
    snapshots.ready(today())
    messages.info(request, _("The figures are being recomputed."))
    return redirect("targets:dashboard")


@officer_required
def allocate(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit target's goal given to the units directly below (004: "chỉ tiêu được giao"):
    by hand or in proportion to members or workers, with what the parts lack or exceed; and
    the unit's own higher goal, for a target held above it."""
    day = today()
    unit, node = _node(request, day)
    target = next((t for t in allocatable_targets(node, day) if t.pk == pk), None) if node else None
    if target is None:
        raise Http404
    table = allocation(target, node, day)
    form = AllocationForm(None, rows=table.rows)
    own_form = OwnGoalForm(initial={"own": None})
    if request.method == "POST":
        if not request.user.can_write:
            raise Http404
        back = redirect(f"{request.path}?unit={unit.pk}")
        divide = request.POST.get("divide")
        if divide:  # refused or done, the page shows the message and the table as it is
            run_service(
                request,
                lambda: services.goals_allocate_in_proportion(
                    user=request.user, target=target, unit=unit, by=divide
                ),
                _("The goal was divided among the units below."),
            )
            return back
        if "own" in request.POST:
            own_form = OwnGoalForm(request.POST)
            if (
                own_form.is_valid()
                and run_service(
                    request,
                    lambda: services.goal_set_own(
                        user=request.user,
                        target=target,
                        unit=unit,
                        own=own_form.cleaned_data["own"],
                    ),
                    _("Your unit's own goal was saved."),
                    own_form,
                )
                is not REFUSED
            ):
                return back
        else:
            form = AllocationForm(request.POST, rows=table.rows)
            if (
                form.is_valid()
                and run_service(
                    request,
                    lambda: services.goals_allocate(
                        user=request.user, target=target, unit=unit, goals=form.goals()
                    ),
                    _("The goals given to the units below were saved."),
                    form,
                )
                is not REFUSED
            ):
                return back
    return render(
        request,
        "targets/allocate.html",
        {
            "unit": unit,
            "node": node,
            "target": target,
            "table": table,
            "form": form,
            "own_form": own_form,
            "holds": holds(target, node),
            "divisible": table.additive and table.whole is not None,
        },
    )


# --- targets edited in the system (no longer in the Django admin) ---------------------------


def _editable(user) -> QuerySet:
    """The targets the user may change (services.may_edit_target, as one filter): those
    issued by a unit of their subtree, and for a system administrator the whole system's."""
    mine = scope_q(user, "scope_unit")
    if user.is_staff:
        mine |= Q(scope_unit=None)
    return Target.objects.filter(mine)


@writer_required
def target_list(request: HttpRequest) -> HttpResponse:
    """The targets the user may change, by document, each with its page."""
    targets = _editable(request.user).select_related(
        "document", "scope_unit", "adopted_from", "responsible_level"
    )
    return render(
        request,
        "targets/target_list.html",
        {
            "targets": targets.order_by("document__code", "rank", "code"),
            "may_create": services.may_create_targets(request.user),
        },
    )


@writer_required
def target_new(request: HttpRequest) -> HttpResponse:
    """A new target (system administrators; an officer adopts one for their unit)."""
    if not services.may_create_targets(request.user):
        raise PermissionDenied
    return _target_page(request, None)


@writer_required
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A target's page: what it is, who is concerned, what counts, by when — and a preview
    of whom it would count before it is saved."""
    target = (
        Target.objects.select_related("document", "scope_unit", "adopted_from")
        .filter(pk=pk)
        .first()
    )
    if target is None or not services.may_edit_target(request.user, target):
        raise Http404
    return _target_page(request, target)


def _target_page(request: HttpRequest, target: Target | None) -> HttpResponse:
    """Shown, previewed ("preview" in the form sent) or saved."""
    data = request.POST if request.method == "POST" else None
    form = TargetForm(data, instance=target or Target(), user=request.user)
    preview = None
    if data is not None and form.is_valid():
        if "preview" in data:
            preview = run_service(
                request,
                lambda: services.target_preview(
                    user=request.user, target=target, values=form.values()
                ),
                form=form,
            )
        else:
            saved = run_service(
                request,
                lambda: services.target_save(
                    user=request.user, target=target, values=form.values()
                ),
                _("The target was saved: its figures are being computed again."),
                form,
            )
            if saved is not REFUSED:
                return redirect("targets:target_edit", saved.pk)
    return render(
        request,
        "targets/target_form.html",
        {
            "form": form,
            "target": target,
            "reading": explained.reading(target) if target else None,
            "preview": None if preview is REFUSED else preview,
        },
    )
