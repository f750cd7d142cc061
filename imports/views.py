"""Views of imports (placeholder index until the import pages land)."""

from django.http import HttpRequest, HttpResponse

from accounts.decorators import writer_required


@writer_required
def index(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
