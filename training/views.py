import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import officer_required, writer_required
from accounts.scope import get_scoped_or_404, in_scope, scope_ancestor_paths, scoped
from lib.dates import as_of, parse_year, query_date, today, year_refused
from lib.downloads import attach
from lib.forms import REFUSED, run_service
from lib.xlsx import Table, wants_xlsx, xlsx_response, xlsx_tables_response
from people.models import Person
from privacy.models import Source
from privacy.services import Counted, log_export
from training import basic_store, calendar, services
from training.certificates import (
    MAX_PAGES,
    certificates_pdf,
    decree30_date,
    number_of,
    signed_text,
    template_for,
    text_of,
)
from training.forms import (
    CertificateTemplateForm,
    ClassForm,
    ClassLecturerForm,
    ExternalRecordForm,
    FeedbackForm,
    LecturerForm,
    RejectForm,
    ResultsForm,
    ResultsRowForm,
)
from training.models import (
    Audience,
    ClassStatus,
    Enrolment,
    EnrolmentStatus,
    Feedback,
    Form,
    Lecturer,
    Topic,
    TrainingClass,
    TrainingRecord,
)
from training.selectors import (
    chair_duty,
    class_statistics,
    classes_visible_to,
    lecturers_with_figures,
)
from training.validity import in_force
from units.models import Unit, UnitLevel


def _visible(request, pk: int) -> TrainingClass:
    training_class = (
        classes_visible_to(request.user)
        .select_related("organiser", "programme")
        .filter(pk=pk)
        .first()
    )
    if training_class is None:
        raise Http404
    return training_class


def _enrolment_or_404(request, pk: int) -> Enrolment:
    return get_scoped_or_404(
        Enrolment.objects.select_related("training_class__organiser", "person"), request.user, pk=pk
    )


def _is_organiser_side(user, training_class) -> bool:
    return in_scope(user, training_class.organiser)


@officer_required
def class_list(request: HttpRequest) -> HttpResponse:
    classes = classes_visible_to(request.user).select_related("organiser")
    status = request.GET.get("status", "")
    if status in ClassStatus.values:
        classes = classes.filter(status=status)
    asked = request.GET.get("year", "").strip()
    year = parse_year(asked)
    if year is not None:
        classes = classes.filter(start_date__year=year)
    classes = classes.order_by("-start_date", "code")
    if wants_xlsx(request):
        return _class_list_xlsx(request.user, classes, status, year)
    if asked and year is None:
        messages.error(request, year_refused())  # and the list is shown unfiltered
    page = Paginator(classes, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "training/class_list.html",
        {"page": page, "statuses": ClassStatus.choices, "status": status, "year": year or ""},
    )


def _exported_on() -> str:
    return _("Exported on %(day)s") % {"day": f"{today():%d/%m/%Y}"}


def _class_list_xlsx(user, classes, status: str, year: int | None) -> HttpResponse:
    """Every class of the filtered list (all its pages), as a workbook."""
    headers = [
        _("Class code"),
        _("Name"),
        _("Organiser"),
        _("Start date"),
        _("End date"),
        _("Status"),
    ]
    rows = (
        [c.code, c.name, c.organiser.name, c.start_date, c.end_date, c.get_status_display()]
        for c in classes.iterator(chunk_size=2000)
    )
    filters = [
        _("Status: %(status)s")
        % {"status": ClassStatus(status).label if status in ClassStatus.values else _("All")},
        _("Year: %(year)s") % {"year": year or _("All")},
        _exported_on(),
    ]
    return xlsx_response(
        f"lop-hoc-{user.unit.code}.xlsx",
        _("Classes"),
        headers,
        rows,
        title=_("Classes — %(unit)s") % {"unit": user.unit.name},
        subtitle=" · ".join(str(f) for f in filters),
    )


def _class_form(request, form, training_class=None):
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if training_class is None:
            saved = run_service(
                request,
                lambda: services.class_create(user=request.user, **data),
                _("Changes saved."),
                form,
            )
        else:
            data.pop("organiser")
            saved = run_service(
                request,
                lambda: services.class_update(
                    user=request.user, training_class=training_class, **data
                ),
                _("Changes saved."),
                form,
            )
        if saved is not REFUSED:
            return redirect("training:class_detail", pk=saved.pk)
    return render(
        request,
        "training/form.html",
        {
            "form": form,
            "title": _("Edit class") if training_class else _("New class"),
            "back": training_class,
        },
    )


@writer_required
def class_create(request: HttpRequest) -> HttpResponse:
    form = ClassForm(
        request.POST or None, user=request.user, initial={"organiser": request.user.unit.code}
    )
    return _class_form(request, form)


@writer_required
def class_edit(request: HttpRequest, pk: int) -> HttpResponse:
    training_class = get_scoped_or_404(
        TrainingClass.objects.select_related("organiser"), request.user, pk=pk
    )
    form = ClassForm(
        request.POST or None,
        user=request.user,
        instance=training_class,
        initial={"topics": training_class.topics.all()},
    )
    return _class_form(request, form, training_class)


@officer_required
def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    training_class = _visible(request, pk)
    organiser_side = _is_organiser_side(request.user, training_class)
    enrolments = scoped(
        training_class.enrolments.select_related("person", "nominating_unit", "record"),
        request.user,
    ).order_by("status", "person__sort_key")
    if wants_xlsx(request):
        return _participants_xlsx(request, training_class, enrolments)
    return render(
        request,
        "training/class_detail.html",
        {
            "c": training_class,
            "enrolments": enrolments,
            "organiser_side": organiser_side,
            # Ticking many and deciding once: while the class takes people.
            "bulk": organiser_side
            and request.user.can_write
            and training_class.status == ClassStatus.OPEN,
            "next_statuses": [ClassStatus(s) for s in services.NEXT_STATUS[training_class.status]],
            "next_status_values": services.NEXT_STATUS[training_class.status],
            "withdrawable": services.WITHDRAWABLE,
            "accepted": training_class.enrolments.filter(status="accepted").count(),
            "certificates": training_class.records.aggregate(
                numbered=Count("id", filter=~Q(certificate_number="")),
                unnumbered=Count("id", filter=Q(certificate_number="")),
            )
            if organiser_side
            else {},
            "lecturers": training_class.class_lecturers.select_related("lecturer__person"),
            "lecturer_choices": lecturers_with_figures(request.user)[:200]
            if organiser_side
            else [],
            "corrections": training_class.corrections.all()[:20] if organiser_side else [],
            "feedback": Feedback.objects.filter(enrolment__training_class=training_class).aggregate(
                n=Count("id"),
                content=Avg("content"),
                lecturers=Avg("lecturers"),
                organisation=Avg("organisation"),
                usefulness=Avg("usefulness"),
            ),
        },
    )


def _participants_xlsx(request, training_class: TrainingClass, enrolments) -> HttpResponse:
    """The participants of a class as the page lists them, as a workbook (logged: names
    with results are personal data)."""
    headers = [
        _("Full name"),
        _("Nominating unit"),
        _("Status"),
        _("Reason"),
        _("Attendance (%)"),
        _("Score"),
        _("Result"),
    ]
    results = {True: _("Passed"), False: _("Not passed"), None: ""}
    rows = Counted(
        [
            e.person.full_name,
            e.nominating_unit.name,
            e.get_status_display(),
            e.reason,
            e.attendance_percent,
            e.score,
            results[e.passed],
        ]
        for e in enrolments.iterator(chunk_size=2000)
    )
    c = training_class
    subtitle = " · ".join(
        [
            _("Organiser: %(unit)s") % {"unit": c.organiser.name},
            f"{c.start_date:%d/%m/%Y} – {c.end_date:%d/%m/%Y}",
            str(c.get_status_display()),
            _exported_on(),
        ]
    )
    response = xlsx_response(
        f"hoc-vien-{c.code}.xlsx",
        _("Participants"),
        headers,
        rows,
        title=_("Participants of %(name)s (%(code)s)") % {"name": c.name, "code": c.code},
        subtitle=subtitle,
    )
    log_export(
        request,
        Source.CLASS_PARTICIPANTS,
        unit=c.organiser,
        params={"class": c.code},
        count=rows.count,
    )
    return response


@writer_required
@require_POST
def class_status(request: HttpRequest, pk: int) -> HttpResponse:
    training_class = get_scoped_or_404(
        TrainingClass.objects.select_related("organiser"), request.user, pk=pk
    )
    status = request.POST.get("status", "")
    if status not in ClassStatus.values:
        raise Http404
    run_service(
        request,
        lambda: services.class_set_status(
            user=request.user,
            training_class=training_class,
            status=status,
            reason=request.POST.get("reason", "")[:255],
        ),
        _("Status changed."),
    )
    return redirect("training:class_detail", pk=pk)


@writer_required
def candidates(request: HttpRequest, pk: int) -> HttpResponse:
    """People of the user's own subtree matching the search, to nominate (htmx partial)."""
    training_class = _visible(request, pk)
    people = (
        scoped(Person.objects.select_related("unit"), request.user)
        .search(request.GET.get("q", ""))
        .vietnamese_order()[:20]
        if request.GET.get("q")
        else []
    )
    return render(request, "training/_candidates.html", {"c": training_class, "people": people})


@writer_required
@require_POST
def nominate(request: HttpRequest, pk: int) -> HttpResponse:
    training_class = _visible(request, pk)
    person_id = request.POST.get("person", "")
    person = (
        scoped(Person.objects.select_related("unit"), request.user)
        .filter(pk=int(person_id) if person_id.isdigit() else 0)
        .first()
    )
    if person is None:
        messages.error(request, _("Choose a person of your unit."))
    else:
        result = run_service(
            request,
            lambda: services.enrolment_nominate(
                user=request.user, training_class=training_class, person=person
            ),
            _("%(name)s nominated.") % {"name": person.full_name},
        )
        for warning in result[1] if result is not REFUSED else []:
            messages.warning(request, warning)
    return redirect("training:class_detail", pk=pk)


@writer_required
@require_POST
def enrolment_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    enrolment = _enrolment_or_404(request, pk)
    name = enrolment.person.full_name
    if decision == "accept":
        decided = run_service(
            request, lambda: services.enrolment_accept(user=request.user, enrolment=enrolment)
        )
        if decided is not REFUSED and decided.status == EnrolmentStatus.ACCEPTED:
            messages.success(request, _("%(name)s is accepted into the class.") % {"name": name})
        elif decided is not REFUSED:  # say it: the officer asked for a seat
            messages.warning(
                request,
                _("The class is full: %(name)s is on the waiting list, number %(n)s.")
                % {"name": name, "n": services.waiting_position(decided)},
            )
    else:
        form = RejectForm(request.POST)
        reason = form.data.get("reason", "")
        decided = run_service(
            request,
            lambda: services.enrolment_reject(
                user=request.user, enrolment=enrolment, reason=reason
            ),
            _("The nomination of %(name)s is rejected.") % {"name": name},
        )
        for moved in decided.promoted if decided is not REFUSED else []:
            messages.success(
                request,
                _("%(name)s moved up from the waiting list into the freed seat.")
                % {"name": moved.person.full_name},
            )
    return redirect("training:class_detail", pk=enrolment.training_class_id)


@writer_required
@require_POST
def enrolment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment_or_404(request, pk)
    withdrawn = run_service(
        request,
        lambda: services.enrolment_withdraw(
            user=request.user, enrolment=enrolment, reason=request.POST.get("reason", "")
        ),
        _("The nomination of %(name)s is withdrawn.") % {"name": enrolment.person.full_name},
    )
    for moved in withdrawn.promoted if withdrawn is not REFUSED else []:
        messages.success(
            request,
            _("%(name)s moved up from the waiting list into the freed seat.")
            % {"name": moved.person.full_name},
        )
    return redirect("training:class_detail", pk=enrolment.training_class_id)


@writer_required
@require_POST
def class_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """One decision on the nominations ticked in the class's list."""
    training_class = get_scoped_or_404(
        TrainingClass.objects.select_related("organiser"), request.user, pk=pk
    )
    ticked = [int(x) for x in request.POST.getlist("enrolment") if x.isdigit()]
    enrolments = scoped(training_class.enrolments.all(), request.user).filter(pk__in=ticked)
    decided = run_service(
        request,
        lambda: services.enrolments_decide(
            user=request.user,
            training_class=training_class,
            enrolments=enrolments,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
        ),
    )
    if decided is not REFUSED:
        _say_decided(request, decided)
    return redirect("training:class_detail", pk=pk)


def _say_decided(request, decided: services.Decided) -> None:
    """What a decision on many did, counted, and who moved up into freed seats by name."""
    if decided.accepted:
        messages.success(
            request, _("Accepted into the class: %(n)s.") % {"n": intcomma(len(decided.accepted))}
        )
    if decided.waitlisted:
        messages.warning(
            request,
            _("On the waiting list: %(n)s (%(names)s).")
            % {
                "n": intcomma(len(decided.waitlisted)),
                "names": ", ".join(e.person.full_name for e in decided.waitlisted[:10])
                + (" …" if len(decided.waitlisted) > 10 else ""),
            },
        )
    if decided.rejected:
        messages.success(request, _("Rejected: %(n)s.") % {"n": intcomma(len(decided.rejected))})
    for moved in decided.promoted:
        messages.success(
            request,
            _("%(name)s moved up from the waiting list into the freed seat.")
            % {"name": moved.person.full_name},
        )


@writer_required
def class_results(request: HttpRequest, pk: int) -> HttpResponse:
    """The results of the whole class as one grid: typed, or a column pasted from Excel; saved
    all at once, or nothing, with every refused cell named by its person."""
    training_class = get_scoped_or_404(
        TrainingClass.objects.select_related("organiser"), request.user, pk=pk
    )
    # Issue 24 §4: with sessions, attendance comes from them (shown, not typed).
    from training.attendance import attendance_percentages

    from_sessions = attendance_percentages(training_class)
    rows = [
        (
            e,
            ResultsRowForm(
                request.POST or None, prefix=str(e.pk), initial=_results_initial(e, from_sessions)
            ),
        )
        for e in training_class.enrolments.filter(status=EnrolmentStatus.ACCEPTED)
        .select_related("person", "nominating_unit")
        .order_by("person__sort_key", "pk")
    ]
    problems = []
    if request.method == "POST":
        problems = [
            (
                f"id_{form.prefix}-{name}",
                f"{e.person.full_name} — {capfirst(form.fields[name].label)}: {m}",
            )
            for e, form in rows
            for name, errors in form.errors.items()
            for m in errors
        ]
        if not problems:
            changed = [(e, form.cleaned_data) for e, form in rows if form.has_changed()]
            saved = run_service(
                request,
                lambda: services.results_record_many(
                    user=request.user, training_class=training_class, results=changed
                ),
            )
            if saved is not REFUSED:
                messages.success(
                    request, _("Results saved: %(n)s rows.") % {"n": intcomma(len(saved))}
                )
                return redirect("training:class_detail", pk=pk)
    return render(
        request,
        "training/results.html",
        {
            "c": training_class,
            "rows": rows,
            "problems": problems,
            "columns": [capfirst(f.label) for f in ResultsRowForm().fields.values()],
            "from_sessions": bool(from_sessions),
        },
    )


def _results_initial(enrolment: Enrolment, from_sessions: dict[int, int]) -> dict:
    passed = {True: _("Passed"), False: _("Not passed"), None: ""}[enrolment.passed]
    return {
        "attendance_percent": from_sessions.get(enrolment.pk, enrolment.attendance_percent),
        "score": enrolment.score,
        "passed": passed,
    }


@writer_required
@require_POST
def results(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment_or_404(request, pk)
    form = ResultsForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    else:
        run_service(
            request,
            lambda: services.results_record(
                user=request.user, enrolment=enrolment, **form.cleaned_data
            ),
            _("Results saved."),
        )
    return redirect("training:class_detail", pk=enrolment.training_class_id)


def _record_or_404(request, pk: int) -> TrainingRecord:
    record = (
        TrainingRecord.objects.select_related("person", "organiser", "training_class")
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise Http404
    user = request.user
    own = user.person_id == record.person_id
    visible = user.can_browse and (
        in_scope(user, record.person.unit) or in_scope(user, record.organiser)
    )
    if not (own or visible):
        raise Http404
    return record


@login_required
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable certificate; the organiser numbers it on first issue."""
    record = _record_or_404(request, pk)
    if request.method == "POST" and request.user.can_write:
        run_service(
            request,
            lambda: services.certificate_issue(
                user=request.user, record=record, number=request.POST.get("number", "")
            ),
            _("Certificate numbered."),
        )
        return redirect("training:certificate", pk=pk)
    verify_url = _verify_url(request)(record)
    text = text_of(record)
    return render(
        request,
        "training/certificate.html",
        {
            "record": record,
            "verify_url": verify_url,
            "qr_svg": _qr_svg(verify_url),
            "text": text,
            "number": number_of(record, text["symbol"]) if record.certificate_number else "",
            "issued": decree30_date(record.certificate_issued_on or record.completed_on),
            "no_template": template_for(record.organiser).pk is None,
        },
    )


def _verify_url(request):
    return lambda record: request.build_absolute_uri(f"/verify/{record.verification_code}/")


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    return attach(HttpResponse(data, content_type="application/pdf"), filename, inline=True)


@login_required
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One certificate as the PDF to print and sign."""
    record = _record_or_404(request, pk)
    if not record.certificate_number:
        raise Http404
    data = certificates_pdf([record], _verify_url(request))
    return _pdf_response(data, f"giay-chung-nhan-{record.certificate_number}.pdf")


@officer_required
def class_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    """The class's certificates: POST numbers every one not numbered yet (one signing);
    GET is every numbered one as one PDF, a page each, in the order of names."""
    training_class = get_scoped_or_404(
        TrainingClass.objects.select_related("organiser"), request.user, pk=pk
    )
    if request.method == "POST":
        if not request.user.can_write:
            raise Http404
        numbered = run_service(
            request,
            lambda: services.certificates_issue_class(
                user=request.user, training_class=training_class
            ),
        )
        if numbered is not REFUSED:
            messages.success(
                request,
                _("Certificates numbered: %(n)s, from %(first)s to %(last)s.")
                % {
                    "n": intcomma(len(numbered)),
                    "first": number_of(numbered[0]),
                    "last": number_of(numbered[-1]),
                },
            )
        return redirect("training:class_detail", pk=pk)
    records = (
        training_class.records.exclude(certificate_number="")
        .select_related("person", "organiser__parent", "training_class")
        .order_by("person__sort_key", "pk")
    )
    count = records.count()
    if not count:
        messages.error(request, _("No certificate of this class is numbered yet."))
        return redirect("training:class_detail", pk=pk)
    if count > MAX_PAGES:
        messages.error(request, _("At most %(n)s certificates in one PDF.") % {"n": MAX_PAGES})
        return redirect("training:class_detail", pk=pk)
    data = certificates_pdf(records.iterator(chunk_size=500), _verify_url(request))
    log_export(
        request,
        Source.CLASS_PARTICIPANTS,
        unit=training_class.organiser,
        params={"class": training_class.code, "file": "certificates"},
        count=count,
    )
    return _pdf_response(data, f"giay-chung-nhan-{training_class.code}.pdf")


@writer_required
def certificate_template(request: HttpRequest) -> HttpResponse:
    """The certificate template of the user's unit (or of a unit below, ?unit=)."""
    unit_id = request.GET.get("unit") or request.user.unit_id
    unit = get_scoped_or_404(
        Unit.objects.select_related("parent"),
        request.user,
        pk=int(unit_id) if str(unit_id).isdigit() else 0,
    )
    template = template_for(unit)
    form = CertificateTemplateForm(request.POST or None, request.FILES or None, instance=template)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in form.Meta.fields}
        saved = run_service(
            request,
            lambda: services.certificate_template_save(
                user=request.user,
                unit=unit,
                logo=form.cleaned_data["logo"],
                remove_logo=form.cleaned_data["remove_logo"],
                **data,
            ),
            _("Changes saved."),
            form,
        )
        if saved is not REFUSED:
            return redirect(f"{request.path}?unit={unit.pk}")
    if request.GET.get("preview") == "pdf" and template.pk is not None:
        return _pdf_response(
            certificates_pdf(
                [_sample_record(template)], lambda r: request.build_absolute_uri("/verify/")
            ),
            "mau-giay-chung-nhan.pdf",
        )
    return render(
        request,
        "training/certificate_template.html",
        {"form": form, "unit": unit, "template": template},
    )


def _sample_record(template) -> TrainingRecord:
    """A made-up certificate (saved nowhere) to see a template before signing with it."""
    day = today()
    person = Person(
        family_name="Nguyễn",
        middle_name="Văn",
        given_name="A",
        gender="male",
        birth_date=dt.date(1980, 1, 1),
    )
    return TrainingRecord(
        person=person,
        title="Bồi dưỡng nghiệp vụ công tác công đoàn",
        hours=24,
        completed_on=day,
        organiser=template.organiser,
        certificate_number="00001",
        certificate_year=day.year,
        certificate_issued_on=day,
        certificate_signed=signed_text(template),
    )


def _qr_svg(url: str) -> str:
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: anyone holding the QR code sees only name, class, organiser, date, validity."""
    record = (
        TrainingRecord.objects.filter(verification_code=code)
        .select_related("person", "organiser")
        .first()
    )
    if record is None or not record.certificate_number:
        # Said plainly to whoever scanned it (not the signed-in user's "outside your unit").
        return render(request, "training/verify.html", {"record": None}, status=404)
    # Training that must be renewed: past its last valid day it says so (issue 24 §5).
    expired = not in_force(record.expires_on, today())
    return render(request, "training/verify.html", {"record": record, "expired": expired})


@writer_required
def external_record(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = get_scoped_or_404(Person.objects.select_related("unit"), request.user, pk=person_pk)
    form = ExternalRecordForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            request,
            lambda: services.external_record_create(
                user=request.user, person=person, **form.cleaned_data
            ),
            _("Training record added."),
            form,
        )
        if saved is not REFUSED:
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "training/form.html",
        {
            "form": form,
            "title": _("External training of %(name)s") % {"name": person.full_name},
            "multipart": True,
        },
    )


@login_required
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_object_or_404(Enrolment.objects.select_related("training_class"), pk=pk)
    if request.user.person_id != enrolment.person_id:
        raise Http404
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            request,
            lambda: services.feedback_submit(
                user=request.user, enrolment=enrolment, **form.cleaned_data
            ),
            _("Thank you for your feedback."),
            form,
        )
        if saved is not REFUSED:
            return redirect("my_profile")
    return render(
        request,
        "training/form.html",
        {"form": form, "title": _("Feedback on %(name)s") % {"name": enrolment.training_class}},
    )


CHAIRS_PAGE = 100  # chairs listed a page


@officer_required
def chairs(request: HttpRequest) -> HttpResponse:
    """T-003-4: the grassroots chairs whose training is this unit's duty, each with its status
    under the target it falls under — the engine's, as on the dashboard, the needs list and
    the chair's profile — and per target "x / y trained", the dashboard's figure."""
    day = as_of(request)
    unit_id = request.GET.get("unit") or request.user.unit_id
    unit = get_scoped_or_404(
        Unit.objects.all(), request.user, pk=int(unit_id) if str(unit_id).isdigit() else 0
    )
    duty = chair_duty(unit, day)
    rows = duty.rows
    if wants_xlsx(request):
        log_export(request, Source.CHAIRS, unit=unit, params={"on": day}, count=len(rows))
        return _chairs_xlsx(unit, day, duty)
    # A page of chairs at a time (the confederation's run to thousands); the counts and the
    # export hold them all.
    page = Paginator(rows, CHAIRS_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "training/chairs.html",
        {
            "unit": unit,
            "day": day,
            "duty": duty,
            "rows": page.object_list,
            "page": page,
            "bands": [(t, chair_band(t)) for t in duty.targets],
        },
    )


def chair_band(target) -> str:
    """A T-003-4 target's member band as the resolution words it, from the target's data."""
    low, high = target.min_members, target.max_members
    numbers = {"min": intcomma(low), "max": intcomma(high)}
    if low is not None and high is not None:
        return _("from %(min)s to under %(max)s members") % numbers
    if low is not None:
        return _("%(min)s members or more") % numbers
    return _("under %(max)s members") % numbers


# targets.engine.STATUS_LABELS, which this app may not import (training sits below targets).
CHAIR_STATUSES = {
    "met": _lazy("Met"),
    "due": _lazy("Due"),
    "overdue": _lazy("Overdue"),
    "late": _lazy("Trained late"),
}


def _chairs_xlsx(unit: Unit, day: dt.date, duty) -> HttpResponse:
    headers = [
        _("Full name"),
        _("Unit code"),
        _("Grassroots union"),
        _("Members"),
        _("Target"),
        _("Trained"),
        _("Status"),
        _("Due by"),
    ]
    values = (
        [
            p.person.full_name,
            p.unit.code,
            p.unit.name,
            p.members,
            p.target.code if p.target else "",
            "" if p.trained is None else _("Yes") if p.trained else _("Not yet"),
            (
                str(CHAIR_STATUSES[p.status])
                + (f" — {_('trained by another level: not counted')}" if p.elsewhere else "")
                if p.status
                else _("No member count")
            ),
            p.due_on,
        ]
        for p in duty.rows
    )
    counts = [
        _("%(code)s: %(met)s / %(eligible)s trained")
        % {"code": g.target.code, "met": intcomma(g.met), "eligible": intcomma(g.eligible)}
        for g in duty.groups
    ]
    subtitle = " · ".join([_("As of %(day)s") % {"day": f"{day:%d/%m/%Y}"}, *counts])
    return xlsx_response(
        f"chu-tich-cdcs-{unit.code}-{day:%Y%m%d}.xlsx",
        _("Chairs"),
        headers,
        values,
        title=_("Chairs we must train — %(unit)s") % {"unit": unit.name},
        subtitle=subtitle,
    )


@officer_required
def statistics(request: HttpRequest) -> HttpResponse:
    on = as_of(request)
    start = query_date(request, "from") or dt.date(on.year, 1, 1)
    end = query_date(request, "to") or dt.date(on.year, 12, 31)
    unit_id = request.GET.get("unit") or request.user.unit_id
    unit = get_scoped_or_404(
        Unit.objects.all(), request.user, pk=int(unit_id) if str(unit_id).isdigit() else 0
    )
    if end < start:
        messages.error(request, _("The end date cannot be before the start date."))
        end = start
    own = request.GET.get("own") == "1"
    stats = class_statistics(unit=unit, start=start, end=end, own=own)
    splits = _statistics_splits(stats)
    basic_day = min(end, today())
    basic = basic_store.shares(unit=unit, day=basic_day)  # stored figures of today
    if wants_xlsx(request):
        return _statistics_xlsx(unit, start, end, stats, splits, basic, basic_day)
    return render(
        request,
        "training/statistics.html",
        {
            "unit": unit,
            "start": start,
            "end": end,
            "own": own,
            "stats": stats,
            "audiences": _by_audience(stats),
            "attendees": _by_attendee(stats),
            "splits": splits,
            "basic": _basic_rows(basic),
            "basic_day": basic_day,
        },
    )


def _by_audience(stats: dict) -> list[tuple[str, dict]]:
    """The classes and their attendances by whom each class was for (training.models.Audience)."""
    return [(label, stats["by_category"][key]) for key, label in Audience.choices]


def _by_attendee(stats: dict) -> list[tuple[str, int]]:
    labels = {
        "full_time": _("Full-time cadres"),
        "part_time": _("Part-time cadres"),
        "member": _("Members and workers"),
    }
    return [(labels[key], n) for key, n in stats["attendees"].items()]


def _basic_rows(basic: dict) -> list[tuple[str, str, object]]:
    """(key, label, Share) for full-time cadres and grassroots unions' cadres."""
    return [
        ("full_time", _("Full-time cadres"), basic["full_time"]),
        ("grassroots", _("Cadres of grassroots unions"), basic["grassroots"]),
    ]


def _statistics_splits(stats: dict) -> list[tuple[str, list]]:
    """The split tables of the statistics page: (caption, [(label, figures)])."""
    forms = dict(Form.choices)
    levels = {level.rank: str(level) for level in UnitLevel.objects.all()}
    topics = {t.code: str(t) for t in Topic.objects.all()}
    return [
        (_("By form"), [(forms.get(r["training_class__form"], "—"), r) for r in stats["by_form"]]),
        (
            _("By organiser level"),
            [
                (levels.get(r["training_class__organiser__kind__level__rank"], "—"), r)
                for r in stats["by_level"]
            ],
        ),
        (
            _("By topic"),
            [(topics.get(r["training_class__topics__code"], "—"), r) for r in stats["by_topic"]],
        ),
    ]


def _statistics_xlsx(
    unit: Unit, start: dt.date, end: dt.date, stats: dict, splits: list, basic, basic_day
) -> HttpResponse:
    """The page's tables stacked on one sheet: total, by audience, by who attended, then each
    split (each table's first header names it), and basic training in union work."""
    total = [(_("Total"), {**stats["totals"], "classes": stats["classes"]})]
    tables = [
        Table(
            [caption, _("Classes"), _("Attendances"), _("Distinct people")],
            [
                [label, r.get("classes") or 0, r.get("attendances") or 0, r.get("people") or 0]
                for label, r in rows
            ],
        )
        for caption, rows in [
            (_("Total"), total),
            (_("By audience of the class"), _by_audience(stats)),
            *splits,
        ]
    ]
    tables.insert(
        2, Table([_("By who attended"), _("Attendances")], [list(r) for r in _by_attendee(stats)])
    )
    tables.append(
        Table(
            [
                _("Basic training in union work, as of %(day)s") % {"day": f"{basic_day:%d/%m/%Y}"},
                _("Cadres"),
                _("Trained"),
                _("Percentage"),
            ],
            [
                [label, share.of, share.trained, share.percent]
                for _key, label, share in _basic_rows(basic)
            ],
        )
    )
    return xlsx_tables_response(
        f"thong-ke-dao-tao-{unit.code}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
        _("Statistics"),
        tables,
        title=_("Training statistics — %(unit)s") % {"unit": unit.name},
        subtitle=_("Classes that started from %(start)s to %(end)s")
        % {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"},
    )


@officer_required
def lecturer_list(request: HttpRequest) -> HttpResponse:
    lecturers = lecturers_with_figures(request.user)
    if wants_xlsx(request):
        return _lecturers_xlsx(request, lecturers)
    return render(request, "training/lecturer_list.html", {"lecturers": lecturers[:500]})


def _lecturers_xlsx(request, lecturers) -> HttpResponse:
    user = request.user
    headers = [_("Full name"), _("Kind"), _("Unit"), _("Classes"), _("Hours"), _("Average rating")]
    rows = Counted(
        [
            lec.person.full_name,
            lec.get_kind_display(),
            lec.unit.name,
            lec.classes,
            lec.hours,
            lec.rating,
        ]
        for lec in lecturers.iterator(chunk_size=2000)
    )
    response = xlsx_response(
        f"giang-vien-{user.unit.code}.xlsx",
        _("Lecturers"),
        headers,
        rows,
        title=_("Lecturers — %(unit)s") % {"unit": user.unit.name},
        subtitle=_exported_on(),
    )
    log_export(request, Source.LECTURERS, unit=user.unit, count=rows.count)
    return response


@officer_required
def lecturer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lecturer = get_scoped_or_404(lecturers_with_figures(request.user), request.user, pk=pk)
    teaching = lecturer.teaching.select_related("training_class__organiser").order_by(
        "-training_class__start_date"
    )
    return render(
        request, "training/lecturer_detail.html", {"lecturer": lecturer, "teaching": teaching}
    )


@writer_required
def lecturer_create(request: HttpRequest) -> HttpResponse:
    """A new lecturer; opened from a class (?class=), they are also given its teaching hours
    and the officer is back on the class."""
    class_id = request.GET.get("class", "")
    training_class = (
        get_scoped_or_404(TrainingClass.objects.all(), request.user, pk=int(class_id))
        if class_id.isdigit()
        else None
    )
    form = LecturerForm(request.POST or None, for_class=training_class is not None)
    if request.method == "POST" and form.is_valid():
        person = (
            scoped(Person.objects.select_related("unit"), request.user)
            .filter(citizen_id=form.cleaned_data["citizen_id"].strip())
            .first()
        )
        if person is None:
            form.add_error("citizen_id", _("Nobody with this citizen ID in your scope."))
        else:
            data = {
                k: v
                for k, v in form.cleaned_data.items()
                if k not in ("person", "citizen_id", "hours")
            }
            lecturer = run_service(
                request,
                lambda: _lecturer_for(request.user, person, data, training_class, form),
                form=form,
            )
            if lecturer is not REFUSED and training_class is not None:
                messages.success(
                    request,
                    _("%(name)s is a lecturer of the class.") % {"name": person.full_name},
                )
                return redirect("training:class_detail", pk=training_class.pk)
            if lecturer is not REFUSED:
                return redirect("training:lecturer_detail", pk=lecturer.pk)
    title = (
        _("New lecturer of %(name)s") % {"name": training_class.name}
        if training_class
        else _("New lecturer")
    )
    return render(request, "training/form.html", {"form": form, "title": title})


def _lecturer_for(user, person, data: dict, training_class, form) -> Lecturer:
    """Save the lecturer, and when opened from a class give them its hours, in one go."""
    with transaction.atomic():
        lecturer = services.lecturer_save(user=user, person=person, **data)
        if training_class is not None:
            services.class_lecturer_add(
                user=user,
                training_class=training_class,
                lecturer=lecturer,
                hours=form.cleaned_data["hours"],
            )
    return lecturer


@writer_required
@require_POST
def class_lecturer_add(request: HttpRequest, pk: int) -> HttpResponse:
    training_class = get_scoped_or_404(
        TrainingClass.objects.select_related("organiser"), request.user, pk=pk
    )
    form = ClassLecturerForm(request.POST)
    lecturer = None
    if form.is_valid():
        lecturer = (
            scoped(Lecturer.objects.all(), request.user)
            .filter(pk=form.cleaned_data["lecturer"])
            .first()
            or Lecturer.objects.filter(
                pk=form.cleaned_data["lecturer"], unit__path__in=scope_ancestor_paths(request.user)
            ).first()
        )
    if lecturer is None:
        messages.error(request, _("Choose a lecturer."))
    else:
        run_service(
            request,
            lambda: services.class_lecturer_add(
                user=request.user,
                training_class=training_class,
                lecturer=lecturer,
                hours=form.cleaned_data["hours"],
            ),
            _("Lecturer added."),
        )
    return redirect("training:class_detail", pk=pk)


@login_required
@require_GET
def class_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The class as an .ics file (its sessions, or its days) for whoever may open the class:
    a learner or lecturer theirs, an officer those of their subtree and those offered to it."""
    training_class = _visible(request, pk)
    data = calendar.class_calendar(training_class, base_url=request.build_absolute_uri("/")[:-1])
    return calendar.ics_response(data, calendar.file_name(training_class))
