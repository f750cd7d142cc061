"""The page of the scheduled jobs: what ran when, how it went, what comes next."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.access import Data, may
from schedule import selectors


@login_required
@require_GET
def jobs(request: HttpRequest) -> HttpResponse:
    # The route is the system logs' (accounts.access.ROUTES); asked again here, as the audit
    # log does, so that the page never depends on the middleware alone.
    if not may(request.user, Data.LOGS):
        raise PermissionDenied
    return render(request, "schedule/jobs.html", {"rows": selectors.job_rows()})
