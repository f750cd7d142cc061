"""Views of reports (placeholder index until the report pages land)."""

from django.http import HttpRequest, HttpResponse

from accounts.decorators import officer_required


@officer_required
def index(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
