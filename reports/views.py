"""Report pages: the list, a form per report, the files, and the background jobs."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import acts_for
from accounts.decorators import officer_required
from accounts.scope import get_scoped_or_404, scoped
from lib.dates import query_year, today
from lib.forms import run_service
from reports import filing, services, tasks
from reports.forms import ReportForm
from reports.models import ImplementationReport, ReportJob, ReportKind
from reports.selectors import ReportError, documents_for
from units.models import Unit
from units.selectors import version_on

DESCRIPTIONS = {
    ReportKind.TRAINING: gettext_lazy(
        "Classes and attendances of the year by full-time cadres, part-time cadres and "
        "members, by organiser level, form and topic, and the people trained."
    ),
    ReportKind.RESOLUTION: gettext_lazy(
        "Every target of a resolution: eligible, met, percentage and result, for the unit "
        "and each unit below, as on the targets dashboard."
    ),
    ReportKind.STRUCTURE: gettext_lazy(
        "Cadres holding a post on a day by gender, age, education, political theory, "
        "full-time or part-time, and level."
    ),
    ReportKind.NEEDS: gettext_lazy(
        "Who must still be trained, per target and per unit below, with the list of names."
    ),
    ReportKind.PLAN: gettext_lazy(
        "The consolidated plan of the year (classes, trainees and budget planned against "
        "those delivered), each unit's plan, the units that have not submitted theirs, and "
        "training spending against the share of operating spending to reach."
    ),
}


@officer_required
def index(request: HttpRequest) -> HttpResponse:
    reports = [
        (kind, reverse(f"reports:{kind}"), label, DESCRIPTIONS[kind])
        for kind, label in ReportKind.choices
    ]
    jobs = scoped(ReportJob.objects.select_related("unit"), request.user)[:20]
    return render(request, "reports/index.html", {"reports": reports, "jobs": jobs})


def _initial_unit(request: HttpRequest) -> Unit:
    unit_id = request.GET.get("unit")
    if unit_id is None:
        return request.user.unit
    if not unit_id.isdigit():
        raise Http404
    return get_scoped_or_404(Unit.objects.all(), request.user, pk=int(unit_id))


@officer_required
def report(request: HttpRequest, kind: str) -> HttpResponse:
    """The form of one report; a valid submission answers with the file, or with the page of
    a background job when the subtree is large."""
    initial = {"unit": _initial_unit(request), "year": today().year - 1, "on": today()}
    form = ReportForm(request.POST or None, user=request.user, kind=kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        unit, fmt, params = form.cleaned_data["unit"], form.cleaned_data["format"], form.params()
        day = services.report_day(kind, params)
        node = version_on(unit, day)
        if node is None:
            form.add_error(
                None,
                _("%(unit)s did not exist on %(day)s.")
                % {"unit": unit.name, "day": day.strftime("%d/%m/%Y")},
            )
        elif services.runs_in_background(kind, node, day):
            job = tasks.report_job_create(
                user=request.user, unit=unit, kind=kind, fmt=fmt, params=params
            )
            return redirect(job)
        else:
            try:
                built = services.report_build(kind=kind, unit=unit, params=params, fmt=fmt)
            except ReportError as exc:
                form.add_error(None, str(exc))
            else:
                services.log_if_personal(
                    request, kind=kind, unit=unit, params={**params, "format": fmt}
                )
                return FileResponse(
                    built.file,
                    as_attachment=True,
                    filename=built.filename,
                    content_type=built.content_type,
                )
    return render(
        request,
        "reports/report.html",
        {
            "kind": kind,
            "title": ReportKind(kind).label,
            "description": DESCRIPTIONS[kind],
            "form": form,
        },
    )


def _job(request: HttpRequest, pk: int) -> ReportJob:
    return get_scoped_or_404(ReportJob.objects.select_related("unit"), request.user, pk=pk)


@officer_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "reports/job.html", {"job": _job(request, pk)})


@officer_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's progress bar (polled by the job page), or its file once built."""
    return render(request, "reports/_job_progress.html", {"job": _job(request, pk)})


@officer_required
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    return services.job_file_response(request, _job(request, pk))


# --- the yearly implementation report, filed up --------------------------------------------


@officer_required
def implementation(request: HttpRequest) -> HttpResponse:
    """A unit's yearly report on a resolution: file it (the figures of the day), see it
    accepted or returned; and, for the units directly below, accept or return theirs and see
    who has not filed."""
    unit = _initial_unit(request)
    year = query_year(request) or today().year - 1
    documents = list(documents_for(request.user))
    wanted = request.GET.get("document")
    document = next(
        (d for d in documents if str(d.pk) == wanted), documents[0] if documents else None
    )
    if document is None:
        raise Http404
    back = redirect(
        f"{reverse('reports:implementation')}?unit={unit.pk}&year={year}&document={document.pk}"
    )
    if request.method == "POST":
        if not request.user.can_write:
            raise Http404
        action = request.POST.get("action")
        if action == "file":
            run_service(
                request,
                lambda: filing.report_file(
                    user=request.user,
                    unit=unit,
                    year=year,
                    document=document,
                    note=request.POST.get("note", ""),
                ),
                _("The report was filed."),
            )
        elif action in ("accept", "return"):
            filed = get_scoped_or_404(
                ImplementationReport.objects.select_related("unit__parent"),
                request.user,
                pk=int(request.POST.get("report") or 0),
            )
            if action == "accept":
                run_service(
                    request,
                    lambda: filing.report_accept(user=request.user, filed=filed),
                    _("The report was accepted."),
                )
            else:
                run_service(
                    request,
                    lambda: filing.report_return(
                        user=request.user, filed=filed, comment=request.POST.get("comment", "")
                    ),
                    _("The report was returned with your comment."),
                )
        return back
    own = ImplementationReport.objects.filter(unit=unit, year=year, document=document).first()
    return render(
        request,
        "reports/implementation.html",
        {
            "unit": unit,
            "year": year,
            "document": document,
            "documents": documents,
            "own": own,
            "below": filing.filings_below(unit, year, document),
            "may_file": request.user.can_write and acts_for(request.user, unit),
            # The units below are this unit's: it accepts or returns their reports.
            "may_decide": request.user.can_write and acts_for(request.user, unit),
        },
    )
