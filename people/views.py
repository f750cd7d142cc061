from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.access import Data, may
from accounts.decorators import officer_required, writer_required
from accounts.scope import get_scoped_or_404
from lib.dates import as_of
from lib.forms import REFUSED, add_service_errors, run_service
from lib.pagination import CappedPaginator
from lib.xlsx import xlsx_response
from people import services, sheets
from people.forms import PeopleFilterForm, PersonForm, PositionForm
from people.models import Person, Position
from people.selectors import current_positions, person_list
from privacy import selectors as privacy_selectors
from privacy.models import Source
from privacy.services import Counted, log_export, log_full_view, query_params

PAGE_SIZE = 50
# Past this many people a list says "more than": counting a province's took most of the page.
COUNT_CAP = 10_000


def _person_or_404(request: HttpRequest, pk: int) -> Person:
    return get_scoped_or_404(Person.objects.select_related("unit"), request.user, pk=pk)


def _position_or_404(request: HttpRequest, pk: int) -> Position:
    return get_scoped_or_404(
        Position.objects.select_related("person", "unit", "role"), request.user, pk=pk
    )


@officer_required
def people_list(request: HttpRequest) -> HttpResponse:
    form = PeopleFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    day = filters.get("on") or as_of(request)
    full_time = {"1": True, "0": False}.get(filters.get("full_time") or "")
    people = person_list(
        user=request.user,
        day=day,
        unit=filters.get("unit"),
        role=filters.get("role"),
        full_time=full_time,
        gender=filters.get("gender", ""),
        age_band=filters.get("age", ""),
        education=filters.get("education"),
        political_theory=filters.get("theory"),
        search=filters.get("q", ""),
    )
    if request.GET.get("format") == "xlsx":
        # The spreadsheet holds citizen IDs and contacts in full (accounts.access).
        if not may(request.user, Data.PERSONAL_DATA):
            raise PermissionDenied
        return _export(request, people, day, filters.get("unit"))
    page = CappedPaginator(people, PAGE_SIZE, cap=COUNT_CAP).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "day": day,
        "query": query.urlencode(),
        "positions": current_positions([p.pk for p in page.object_list], day),
        "may_export": may(request.user, Data.PERSONAL_DATA),
    }
    template = "people/_results.html" if request.htmx else "people/list.html"
    return render(request, template, context)


def _export(request, people, day, unit) -> HttpResponse:
    """The list as the people import template reads it: re-importing it changes nothing.
    It holds citizen IDs and contacts in full (a list sent up or re-imported needs them), so
    it is logged."""
    rows = Counted(sheets.export_rows(people))
    response = xlsx_response(
        f"can-bo-{day:%Y%m%d}.xlsx",
        _("People"),
        sheets.headers(),
        rows,
        title=_("People and positions as of %(day)s") % {"day": day.strftime("%d/%m/%Y")},
    )
    log_export(
        request,
        Source.PEOPLE_LIST,
        unit=unit or request.user.unit,
        params=query_params(request),
        count=rows.count,
    )
    return response


def render_profile(request: HttpRequest, person: Person) -> HttpResponse:
    day = as_of(request)
    positions = person.positions.select_related("unit", "role", "term").order_by("-start_date")
    # Records and enrolments through reverse relations: people does not import training.
    records = person.records.select_related("organiser", "institution")
    enrolments = person.enrolments.select_related("training_class", "feedback")
    own = request.user.person_id == person.pk
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "day": day,
            "positions": positions,
            "records": records,
            "enrolments": enrolments,
            "own": own,
            "age": person.age_on(day),
            "can_edit": request.user.can_write and request.user.role != "cadre",
            # Citizen ID and contacts: masked, shown in full on request (logged); one's own in full.
            "may_reveal": not own
            and request.user.can_browse
            and may(request.user, Data.PERSONAL_DATA),
            "recent_accesses": [] if own else privacy_selectors.recent_full_views(person),
            "may_read_log": not own and privacy_selectors.may_read_access_log(request.user),
        },
    )


@officer_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_profile(request, _person_or_404(request, pk))


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    """A cadre's own record: the only page a self-service account has."""
    if request.user.person_id is None:
        return render(request, "people/no_person.html")
    return render_profile(request, request.user.person)


def _save_person(request, form, person=None):
    data = dict(form.cleaned_data)
    unit = data.pop("unit")
    if person is None:
        return services.person_create(user=request.user, unit=unit, **data)
    return services.person_update(user=request.user, person=person, unit=unit, **data)


@writer_required
def create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(
        request.POST or None, user=request.user, initial={"unit": request.user.unit.code}
    )
    return _person_form(request, form, None, _("New person"))


@writer_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request, pk)
    form = PersonForm(request.POST or None, user=request.user, instance=person)
    if request.method == "GET":
        # The form holds the citizen ID and contacts in full: opening it is a full view.
        log_full_view(request, person, Source.PERSON_EDIT)
    return _person_form(request, form, person, _("Edit person"))


def _person_form(request, form, person, title):
    holder = None  # who already has the citizen ID typed, when the user may see them
    if request.method == "POST" and form.is_valid():
        try:
            person = _save_person(request, form, person)
        except ValidationError as e:
            add_service_errors(form, e)
            holder = services.citizen_id_holder(e)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": person.full_name})
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/form.html",
        {"form": form, "title": title, "person": person, "holder": holder},
    )


@writer_required
def position_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request, pk)
    form = PositionForm(request.POST or None, user=request.user, initial={"unit": person.unit.code})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        saved = run_service(
            request,
            lambda: services.position_create(user=request.user, person=person, **data),
            _("Position added."),
            form,
        )
        if saved is not REFUSED:
            return redirect("people:detail", pk=person.pk)
    return render(
        request, "people/form.html", {"form": form, "title": _("New position"), "person": person}
    )


@writer_required
def position_edit(request: HttpRequest, pk: int) -> HttpResponse:
    position = _position_or_404(request, pk)
    initial = {
        f: getattr(position, f)
        for f in PositionForm.base_fields
        if f not in ("unit", "appointment_reason")
    }
    initial["unit"] = position.unit.code
    form = PositionForm(request.POST or None, user=request.user, initial=initial)
    del form.fields["appointment_reason"]  # asked only when a post is filled
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            request,
            lambda: services.position_update(
                user=request.user, position=position, **form.cleaned_data
            ),
            _("Changes saved."),
            form,
        )
        if saved is not REFUSED:
            return redirect("people:detail", pk=position.person_id)
    return render(
        request,
        "people/form.html",
        {"form": form, "title": _("Edit position"), "person": position.person},
    )
