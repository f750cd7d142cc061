"""Import pages: upload, preview of every problem, choices between look-alike people, the
corrected file, commit, and the progress of work running in the background."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import writer_required
from accounts.scope import get_scoped_or_404, scoped
from imports import services
from imports.blank import template_workbook
from imports.forms import ReplaceForm, UploadForm
from imports.models import SUMMARY_LABELS, ImportJob, ImportKind
from imports.pipeline import progress_key
from lib import progress
from lib.downloads import attach
from lib.forms import REFUSED, run_service
from lib.xlsx import XLSX_TYPE


def _job_or_404(request: HttpRequest, pk: int) -> ImportJob:
    """The job, marked failed first if the process running it has died."""
    return services.job_fail_if_stale(
        get_scoped_or_404(ImportJob.objects.select_related("user", "unit"), request.user, pk=pk)
    )


@writer_required
def index(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = run_service(
            request,
            lambda: services.job_create(
                user=request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
            ),
            form=form,
        )
        if job is not REFUSED:
            return redirect("imports:detail", job.pk)
    jobs = [
        services.job_fail_if_stale(job)
        for job in scoped(ImportJob.objects.select_related("user"), request.user)[:30]
    ]
    return render(
        request, "imports/index.html", {"form": form, "jobs": jobs, "kinds": ImportKind.choices}
    )


@writer_required
def template(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in ImportKind.values:
        raise Http404
    return attach(
        HttpResponse(template_workbook(kind, request.user), content_type=XLSX_TYPE),
        f"mau-nhap-{kind}.xlsx",
    )


@writer_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    summary = [(SUMMARY_LABELS.get(k, k), n) for k, n in sorted(job.summary.items()) if n]
    return render(
        request,
        "imports/detail.html",
        {
            "job": job,
            "replace_form": ReplaceForm(),
            "summary": summary,
            "progress": progress.read(progress_key(job)),
        },
    )


@writer_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled while the job runs; tells the page to reload once it has finished."""
    job = _job_or_404(request, pk)
    if not job.is_running:
        response = HttpResponse("")
        response["HX-Refresh"] = "true"
        return response
    return render(
        request,
        "imports/_progress.html",
        {"job": job, "progress": progress.read(progress_key(job))},
    )


def _act(request: HttpRequest, pk: int, action) -> HttpResponse:
    job = _job_or_404(request, pk)
    run_service(request, lambda: action(job))
    return redirect("imports:detail", job.pk)


@writer_required
@require_POST
def replace(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReplaceForm(request.POST, request.FILES)
    return _act(
        request,
        pk,
        lambda job: services.job_replace_file(
            user=request.user, job=job, upload=form.files.get("file")
        ),
    )


@writer_required
@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    choices = {k.removeprefix("row-"): v for k, v in request.POST.items() if k.startswith("row-")}
    return _act(
        request, pk, lambda job: services.job_resolve(user=request.user, job=job, choices=choices)
    )


@writer_required
@require_POST
def commit(request: HttpRequest, pk: int) -> HttpResponse:
    def run(job):
        job = services.job_commit(user=request.user, job=job)
        if job.status == "done":
            messages.success(request, _("The file has been imported."))

    return _act(request, pk, run)


@writer_required
@require_POST
def rerun(request: HttpRequest, pk: int) -> HttpResponse:
    def run(job):
        job = services.job_rerun(user=request.user, job=job)
        if job.status == "done":
            messages.success(request, _("The file has been imported."))

    return _act(request, pk, run)
