"""Personal data pages: the full view of a person's masked data, the access log for
administrators, and a person's own data with its download."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts.access import Data, may
from accounts.decorators import officer_required
from accounts.scope import get_scoped_or_404
from lib.downloads import attach
from people.models import Person
from privacy import own_data
from privacy.forms import AccessLogFilterForm
from privacy.models import Action, Source
from privacy.selectors import access_log_search, access_log_visible_to, may_read_access_log
from privacy.services import access_log, log_full_view

PAGE_SIZE = 50


@officer_required
@require_POST
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's citizen ID and contacts in full, logged. A role that may not see personal
    data in full (accounts.access: lecturers, inspectors) is refused (403); outside the
    user's subtree the person does not exist (404). Either way nothing is logged."""
    if not may(request.user, Data.PERSONAL_DATA):  # accounts.access: not for this role
        raise PermissionDenied
    person = get_scoped_or_404(Person.objects.select_related("unit"), request.user, pk=pk)
    log_full_view(request, person, Source.PERSON_PAGE)
    context = {"person": person, "revealed": True}
    if request.htmx:
        return render(request, "privacy/_personal.html", context)
    return render(request, "privacy/reveal.html", context)


@login_required
def access_log_page(request: HttpRequest) -> HttpResponse:
    if not may_read_access_log(request.user):
        raise PermissionDenied
    form = AccessLogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = access_log_visible_to(request.user)
    if filters.get("person"):
        entries = entries.filter(person_id=filters["person"])
    entries = access_log_search(
        entries,
        who=filters.get("who", ""),
        whose=filters.get("whose", ""),
        action=filters.get("action", ""),
        start=filters.get("start"),
        end=filters.get("end"),
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "privacy/access_log.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """Everything the system holds about the signed-in user's person, unmasked: it is theirs."""
    person = _own_person(request)
    if person is None:
        return render(request, "people/no_person.html")
    return render(
        request, "privacy/my_data.html", {"person": person, "sections": own_data.collect(person)}
    )


@login_required
def my_data_export(request: HttpRequest) -> HttpResponse:
    person = _own_person(request)
    if person is None:
        return render(request, "people/no_person.html")
    body = own_data.as_zip(person, own_data.collect(person))
    # One person in it: themselves. Logged like any export, and shown to them next time.
    access_log(
        user=request.user,
        action=Action.OWN_EXPORT,
        source=Source.OWN_DATA,
        request=request,
        person=person,
        count=1,
    )
    return attach(HttpResponse(body, content_type="application/zip"), own_data.archive_name(person))


def _own_person(request: HttpRequest) -> Person | None:
    if request.user.person_id is None:
        return None
    return Person.objects.select_related("unit").get(pk=request.user.person_id)
