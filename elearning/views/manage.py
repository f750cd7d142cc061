"""Organisers' pages: courses of the subtree, their modules and lessons, publication,
assignments, learners' progress per person and per unit below, reminders, and the exchange of
a course as one archive. Thin: forms parse, elearning.services decides, the figures come from
elearning.reminders, the archive from elearning.exchange."""

import tempfile

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.decorators import officer_required, writer_required
from accounts.scope import get_scoped_or_404, scoped
from elearning import exchange, reminders, scorm, scorm_export, selectors, services
from elearning.forms import (
    MB,
    AssignForm,
    CourseForm,
    ImportForm,
    LessonForm,
    ModuleForm,
    RemindForm,
    max_upload_bytes,
    too_large_message,
)
from elearning.models import (
    Assignment,
    Course,
    CourseEnrolment,
    CourseStatus,
    Lesson,
    LessonKind,
    Module,
)
from lib.dates import today
from lib.downloads import attach
from lib.forms import REFUSED, form_errors_to_messages, run_service
from lib.xlsx import Table, wants_xlsx, xlsx_response, xlsx_tables_response
from people.models import Person
from privacy.models import Source
from privacy.services import Counted, log_export
from units.models import Unit
from units.places import is_within, under

COURSES = Course.objects.select_related("organiser", "programme")
PAGE_SIZE = 50
LEARNERS_PAGE_SIZE = 100


def _course(request, pk: int) -> Course:
    return get_scoped_or_404(COURSES, request.user, pk=pk)


def _module(request, pk: int) -> Module:
    return get_scoped_or_404(
        Module.objects.select_related("course__organiser"), request.user, pk=pk
    )


def _lesson(request, pk: int) -> Lesson:
    return get_scoped_or_404(
        Lesson.objects.select_related("module__course__organiser"), request.user, pk=pk
    )


def _unit_param(request, within: Unit | None = None) -> Unit | None:
    """?unit= (an id or a code) in the user's subtree (and `within`'s), else 404."""
    value = (request.GET.get("unit") or "").strip()
    if not value:
        return None
    lookup = {"pk": int(value)} if value.isdigit() else {"code__iexact": value}
    unit = scoped(Unit.objects.select_related("parent"), request.user).filter(**lookup).first()
    if unit is None or (within is not None and not is_within(unit, within)):
        raise Http404
    return unit


def _too_large(request, limit: int) -> bool:
    """A request whose body is larger than the limit is refused before it is read."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > limit + MB
    except ValueError:
        return False


def _count(queryset, field: str = "course") -> Coalesce:
    grouped = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(grouped, output_field=IntegerField()), Value(0))


def _exported_on() -> str:
    return _("Exported on %(day)s") % {"day": f"{today():%d/%m/%Y}"}


def _local_day(moment):
    return timezone.localtime(moment).date() if moment else None


# --- the list of courses ------------------------------------------------------------------


@officer_required
def course_list(request: HttpRequest) -> HttpResponse:
    unit = _unit_param(request)
    courses = scoped(COURSES, request.user)
    if unit is not None:
        courses = courses.filter(under(unit, "organiser"))
    status = request.GET.get("status", "")
    if status in CourseStatus.values:
        courses = courses.filter(status=status)
    courses = (
        courses.annotate(
            lesson_count=_count(Lesson.objects.all(), "module__course"),
            enrolled=_count(CourseEnrolment.objects.all()),
            completed=_count(CourseEnrolment.objects.filter(completed_at__isnull=False)),
        )
        .prefetch_related("topics")
        .order_by("title", "id")
    )
    if wants_xlsx(request):
        headers = [
            _("Course code"),
            _("Title"),
            _("Organiser"),
            _("Status"),
            _("Hours"),
            _("Topics"),
            _("Lessons"),
            _("Enrolled"),
            _("Completed"),
        ]
        rows = (
            [
                c.code,
                c.title,
                c.organiser.name,
                c.get_status_display(),
                c.hours,
                ", ".join(str(t) for t in c.topics.all()),
                c.lesson_count,
                c.enrolled,
                c.completed,
            ]
            for c in courses.iterator(chunk_size=500)
        )
        where = unit or request.user.unit
        return xlsx_response(
            f"khoa-hoc-truc-tuyen-{where.code}.xlsx",
            _("Online courses"),
            headers,
            rows,
            title=_("Online courses — %(unit)s") % {"unit": where.name},
            subtitle=_exported_on(),
        )
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "elearning/manage_course_list.html",
        {"page": page, "unit": unit, "status": status, "statuses": CourseStatus.choices},
    )


# --- a course -----------------------------------------------------------------------------


def _quiz_bank_url(course: Course) -> str | None:
    try:
        return reverse("elearning:quiz_bank", args=[course.pk])
    except NoReverseMatch:  # the question bank's pages are not installed
        return None


@officer_required
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    modules = list(course.modules.order_by("rank", "id").prefetch_related("lessons"))
    for module in modules:
        module.ordered = sorted(module.lessons.all(), key=lambda x: (x.rank, x.id))
    figures = CourseEnrolment.objects.filter(course=course).aggregate(
        enrolled=Count("id"), completed=Count("id", filter=Q(completed_at__isnull=False))
    )
    assignments = (
        Assignment.objects.filter(course=course)
        .select_related("person__unit")
        .order_by("person__sort_key", "person_id")
    )
    search = request.GET.get("q", "").strip()
    found = selectors.person_choices(request.user, course, search)[:20] if search else []
    return render(
        request,
        "elearning/manage_course_detail.html",
        {
            "course": course,
            "modules": modules,
            "figures": figures,
            "topics": course.topics.all(),
            "roles": course.audience_roles.all(),
            "questions": course.questions.count(),
            "assignments": assignments[:50],
            "assignment_count": assignments.count(),
            "search": search,
            "found": found,
            "may_edit": request.user.can_write,
            "quiz_bank_url": _quiz_bank_url(course),
            "remind_form": RemindForm(initial={"days": reminders.DEFAULT_STALLED_DAYS}),
        },
    )


def _course_form(request, course: Course | None) -> HttpResponse:
    form = CourseForm(request.POST or None, user=request.user, course=course)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            request,
            lambda: services.course_save(user=request.user, course=course, **form.service_fields()),
            _("The course was saved."),
            form,
        )
        if saved is not REFUSED:
            return redirect("elearning:course_detail", saved.pk)
    return render(
        request,
        "elearning/manage_form.html",
        {
            "form": form,
            "course": course,
            "title": _("Edit the course") if course else _("New online course"),
        },
    )


@writer_required
def course_create(request: HttpRequest) -> HttpResponse:
    return _course_form(request, None)


@writer_required
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _course_form(request, _course(request, pk))


@writer_required
@require_POST
def course_publish(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    published = request.POST.get("published", "1") != "0"
    run_service(
        request,
        lambda: services.course_publish(user=request.user, course=course, published=published),
        _("The course was published.")
        if published
        else _("The course is a draft again: learners cannot enrol any more."),
    )
    return redirect("elearning:course_detail", course.pk)


# --- modules and lessons ------------------------------------------------------------------


def _next_rank(queryset) -> int:
    return (queryset.aggregate(m=Max("rank"))["m"] or 0) + 1


def _module_form(request, course: Course, module: Module | None) -> HttpResponse:
    initial = (
        {"title": module.title, "rank": module.rank}
        if module
        else {"rank": _next_rank(course.modules.all())}
    )
    form = ModuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if (
            run_service(
                request,
                lambda: services.module_save(
                    user=request.user, course=course, module=module, **form.cleaned_data
                ),
                _("The module was saved."),
                form,
            )
            is not REFUSED
        ):
            return redirect("elearning:course_detail", course.pk)
    return render(
        request,
        "elearning/manage_form.html",
        {
            "form": form,
            "course": course,
            "title": (_("Edit the module") if module else _("New module")) + f" — {course}",
        },
    )


@writer_required
def module_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _module_form(request, _course(request, pk), None)


@writer_required
def module_edit(request: HttpRequest, pk: int) -> HttpResponse:
    module = _module(request, pk)
    return _module_form(request, module.course, module)


LESSON_FIELDS = (
    "title",
    "rank",
    "kind",
    "required",
    "body",
    "embed_url",
    "question_count",
    "pass_percent",
    "max_attempts",
    "time_limit_minutes",
)


def _package_notes(lesson: Lesson | None) -> list[str]:
    """What a SCORM lesson's stored package asks for and this system does not do (hidden
    items, assets, prerequisites, time limits, sequencing: elearning.scorm), in the user's
    language; read again from the package's manifest, which is the one truth."""
    if lesson is None or lesson.kind != LessonKind.SCORM or not lesson.file:
        return []
    try:
        with lesson.file.storage.open(lesson.file.name, "rb") as handle:
            return scorm.read_package(handle).notes
    except (OSError, ValidationError):
        return []


def _lesson_form(request, module: Module, lesson: Lesson | None) -> HttpResponse:
    course = module.course
    initial = (
        {f: getattr(lesson, f) for f in LESSON_FIELDS}
        if lesson
        else {
            "rank": _next_rank(module.lessons.all()),
            "kind": LessonKind.TEXT,
            "required": True,
            "question_count": 10,
            "pass_percent": 70,
            "max_attempts": 3,
        }
    )
    has_file = bool(lesson and lesson.file)
    context = {
        "course": course,
        "lesson": lesson,
        "multipart": True,
        "title": (_("Edit the lesson") if lesson else _("New lesson")) + f" — {module.title}",
        "scorm_notes": _package_notes(lesson) if request.method == "GET" else [],
    }
    if request.method == "POST" and _too_large(request, max_upload_bytes()):
        form = LessonForm(initial=initial, has_file=has_file)
        return render(
            request,
            "elearning/manage_form.html",
            {**context, "form": form, "page_error": too_large_message()},
            status=413,
        )
    form = LessonForm(
        request.POST or None, request.FILES or None, initial=initial, has_file=has_file
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            request,
            lambda: services.lesson_save(
                user=request.user, module=module, lesson=lesson, **form.service_fields()
            ),
            _("The lesson was saved."),
            form,
        )
        if saved is not REFUSED:
            if request.FILES.get("file"):  # a package uploaded now: what of it is not done
                for note in _package_notes(saved):
                    messages.warning(request, note)
            return redirect(
                f"{reverse('elearning:course_detail', args=[course.pk])}#module-{module.pk}"
            )
    return render(request, "elearning/manage_form.html", {**context, "form": form})


@writer_required
def lesson_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _lesson_form(request, _module(request, pk), None)


@writer_required
def lesson_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = _lesson(request, pk)
    return _lesson_form(request, lesson.module, lesson)


def _move(request, item, siblings, save) -> None:
    """Up or down one place among its siblings; the ranks become 1, 2, 3, ..."""
    ordered = list(siblings.order_by("rank", "id"))
    index = next(i for i, s in enumerate(ordered) if s.pk == item.pk)
    step = -1 if request.POST.get("direction") == "up" else 1
    if not 0 <= index + step < len(ordered):
        return
    ordered[index], ordered[index + step] = ordered[index + step], ordered[index]

    def renumber():
        for rank, sibling in enumerate(ordered, 1):
            if sibling.rank != rank:
                save(sibling, rank)

    run_service(request, renumber, _("The order was changed."))


@writer_required
@require_POST
def module_move(request: HttpRequest, pk: int) -> HttpResponse:
    module = _module(request, pk)
    _move(
        request,
        module,
        module.course.modules.all(),
        lambda m, rank: services.module_save(
            user=request.user, course=module.course, module=m, rank=rank
        ),
    )
    return redirect("elearning:course_detail", module.course_id)


@writer_required
@require_POST
def lesson_move(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = _lesson(request, pk)
    module = lesson.module
    _move(
        request,
        lesson,
        module.lessons.all(),
        lambda x, rank: services.lesson_save(user=request.user, module=module, lesson=x, rank=rank),
    )
    return redirect(
        f"{reverse('elearning:course_detail', args=[module.course_id])}#module-{module.pk}"
    )


# --- assignments --------------------------------------------------------------------------


@writer_required
@require_POST
def course_assign(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    form = AssignForm(request.POST)
    back = reverse("elearning:course_detail", args=[course.pk])
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect(back)
    person = get_scoped_or_404(
        Person.objects.select_related("unit"), request.user, pk=form.cleaned_data["person"]
    )
    run_service(
        request,
        lambda: services.assignments_add(user=request.user, course=course, people=[person]),
        _("The course was assigned to %(name)s.") % {"name": person.full_name},
    )
    search = request.POST.get("q", "")
    return redirect(f"{back}?q={search}#assignments" if search else f"{back}#assignments")


@writer_required
@require_POST
def assignment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_scoped_or_404(
        Assignment.objects.select_related("course__organiser", "person"), request.user, pk=pk
    )
    _course(request, assignment.course_id)  # and the course's organiser in scope, or 404
    run_service(
        request,
        lambda: services.assignment_remove(user=request.user, assignment=assignment),
        _("The assignment was removed."),
    )
    return redirect(
        f"{reverse('elearning:course_detail', args=[assignment.course_id])}#assignments"
    )


# --- progress and reminders ---------------------------------------------------------------

STATUS_LABELS = {
    "completed": gettext_lazy("Completed"),
    "started": gettext_lazy("In progress"),
    "not_started": gettext_lazy("Not started"),
}


@officer_required
def course_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Learners with their progress, and enrolled / started / completed per unit below."""
    course = _course(request, pk)
    unit = _unit_param(request, within=course.organiser) or course.organiser
    required = selectors.required_lessons(course)
    enrolments = reminders.learners(course, unit=unit)
    units = reminders.unit_totals(course, unit)
    total = reminders.totals(units, unit)
    if wants_xlsx(request):
        return _progress_xlsx(request, course, unit, required, enrolments, units, total)
    page = Paginator(enrolments, LEARNERS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "elearning/manage_progress.html",
        {
            "course": course,
            "unit": unit,
            "required": required,
            "page": page,
            "rows": reminders.learner_rows(page.object_list, required),
            "units": units,
            "total": total,
            "labels": {k: str(v) for k, v in STATUS_LABELS.items()},
            "crumbs": _crumbs(course.organiser, unit),
            "remind_form": RemindForm(initial={"days": reminders.DEFAULT_STALLED_DAYS}),
            "may_edit": request.user.can_write,
        },
    )


def _crumbs(top: Unit, unit: Unit) -> list[Unit]:
    """The units from the organiser down to `unit` (for the breadcrumb)."""
    if unit.pk == top.pk:
        return []
    ids = [int(unit.path[i : i + 8]) for i in range(len(top.path), len(unit.path), 8)]
    found = Unit.objects.in_bulk(ids)
    return [top] + [found[i] for i in ids if i in found and i != unit.pk]


def _progress_xlsx(request, course, unit, required, enrolments, units, total) -> HttpResponse:
    """Progress by unit, and by learner (by name: logged)."""
    labels = {k: str(v) for k, v in STATUS_LABELS.items()}
    people = Counted(
        [
            r.person.full_name,
            r.person.unit.code,
            r.person.unit.name,
            _local_day(r.enrolment.enrolled_at),
            r.percent,
            _local_day(r.last_activity),
            r.best_score,
            _local_day(r.enrolment.completed_at),
            labels[r.status],
        ]
        for r in (reminders.learner_row(e, required) for e in enrolments.iterator(chunk_size=2000))
    )
    own = _("its own learners")
    by_unit = [
        [
            r.unit.code,
            r.unit.name + (f" ({own})" if r.own else ""),
            r.enrolled,
            r.started,
            r.completed,
            r.completed_percent,
        ]
        for r in units
    ]
    by_unit.append(
        ["", _("Total"), total.enrolled, total.started, total.completed, total.completed_percent]
    )
    response = xlsx_tables_response(
        f"tien-do-{course.code}-{unit.code}.xlsx",
        _("Progress"),
        [
            Table(
                [
                    _("Unit code"),
                    _("Unit"),
                    _("Enrolled"),
                    _("Started"),
                    _("Completed"),
                    _("Completed (%)"),
                ],
                by_unit,
                _("By unit"),
            ),
            Table(
                [
                    _("Full name"),
                    _("Unit code"),
                    _("Unit"),
                    _("Enrolled on"),
                    _("Required lessons done (%)"),
                    _("Last activity"),
                    _("Best quiz score (%)"),
                    _("Completed on"),
                    _("Status"),
                ],
                people,
                _("By learner"),
            ),
        ],
        title=_("Progress in the online course %(code)s — %(title)s")
        % {"code": course.code, "title": course.title},
        subtitle=f"{unit.name} · {_exported_on()}",
    )
    log_export(
        request,
        Source.COURSE_PROGRESS,
        unit=unit,
        params={"course": course.code},
        count=people.count,
    )
    return response


@writer_required
@require_POST
def course_remind(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    form = RemindForm(request.POST)
    if form.is_valid():
        made = run_service(
            request,
            lambda: reminders.send_reminders(
                user=request.user,
                course=course,
                days=form.cleaned_data["days"] or reminders.DEFAULT_STALLED_DAYS,
                include_assigned=form.cleaned_data["include_assigned"],
            ),
        )
        if made is not REFUSED:
            if made:
                messages.success(
                    request,
                    _("%(n)s reminders sent, %(emailed)s of them also by email.")
                    % {"n": len(made), "emailed": sum(r.emailed for r in made)},
                )
            else:
                messages.info(
                    request,
                    _(
                        "Nobody to remind: every learner is active, has "
                        "completed, or was reminded recently."
                    ),
                )
    else:
        form_errors_to_messages(request, form)
    page = (
        "elearning:course_progress"
        if request.POST.get("back") == "progress"
        else "elearning:course_detail"
    )
    return redirect(page, course.pk)


# --- exchange -----------------------------------------------------------------------------


@officer_required
def course_export(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    handle = tempfile.TemporaryFile(suffix=".zip")
    try:
        exchange.export_course(course, handle)
    except ValidationError as exc:
        handle.close()
        for message in exc.messages:
            messages.error(request, message)
        return redirect("elearning:course_detail", course.pk)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=exchange.archive_name(course),
        content_type="application/zip",
    )


@writer_required
def course_import(request: HttpRequest) -> HttpResponse:
    limit = exchange.max_archive_bytes()
    context = {"limit_mb": limit // MB, "file_limit_mb": max_upload_bytes() // MB}
    if request.method == "POST" and _too_large(request, limit):
        return render(
            request,
            "elearning/manage_import.html",
            {
                **context,
                "form": ImportForm(user=request.user),
                "page_error": _("The archive is larger than the limit of %(mb)s MB.")
                % {"mb": limit // MB},
            },
            status=413,
        )
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        course = run_service(
            request,
            lambda: exchange.import_course(
                user=request.user,
                archive=form.cleaned_data["archive"],
                unit=form.cleaned_data["unit"],
            ),
            _("The course was imported as a draft: check it, then publish it."),
            form,
        )
        if course is not REFUSED:
            return redirect("elearning:course_detail", course.pk)
    return render(request, "elearning/manage_import.html", {**context, "form": form})


# --- export to the standards (issue 25 §2) ------------------------------------------------


def _package(request, pk: int, write, name, content_type: str) -> HttpResponse:
    """A course as a standard package. Writers only: a SCORM package carries the quiz bank
    with its right answers (marked in the learner's browser), which read-only accounts do
    not see."""
    course = _course(request, pk)
    handle = tempfile.TemporaryFile(suffix=".zip")
    try:
        write(course, handle)
    except ValidationError as exc:
        handle.close()
        for message in exc.messages:
            messages.error(request, message)
        return redirect("elearning:course_detail", course.pk)
    handle.seek(0)
    return attach(FileResponse(handle, content_type=content_type), name(course))


@writer_required
def course_export_scorm12(request: HttpRequest, pk: int) -> HttpResponse:
    return _package(
        request, pk, scorm_export.write_scorm12, scorm_export.scorm12_name, "application/zip"
    )


@writer_required
def course_export_cc(request: HttpRequest, pk: int) -> HttpResponse:
    return _package(
        request,
        pk,
        scorm_export.write_common_cartridge,
        scorm_export.cc_name,
        "application/vnd.ims.imsccv1p1",
    )


urlpatterns = [
    path("courses/", course_list, name="course_list"),
    path("courses/new/", course_create, name="course_create"),
    path("courses/import/", course_import, name="course_import"),
    path("courses/<int:pk>/", course_detail, name="course_detail"),
    path("courses/<int:pk>/edit/", course_edit, name="course_edit"),
    path("courses/<int:pk>/publish/", course_publish, name="course_publish"),
    path("courses/<int:pk>/progress/", course_progress, name="course_progress"),
    path("courses/<int:pk>/remind/", course_remind, name="course_remind"),
    path("courses/<int:pk>/export/", course_export, name="course_export"),
    path("courses/<int:pk>/export/scorm12/", course_export_scorm12, name="course_export_scorm12"),
    path("courses/<int:pk>/export/cc/", course_export_cc, name="course_export_cc"),
    path("courses/<int:pk>/assign/", course_assign, name="course_assign"),
    path("courses/<int:pk>/modules/new/", module_create, name="manage_module_create"),
    path("modules/<int:pk>/edit/", module_edit, name="manage_module_edit"),
    path("modules/<int:pk>/move/", module_move, name="manage_module_move"),
    path("modules/<int:pk>/lessons/new/", lesson_create, name="manage_lesson_create"),
    path("lessons/<int:pk>/edit/", lesson_edit, name="manage_lesson_edit"),
    path("lessons/<int:pk>/move/", lesson_move, name="manage_lesson_move"),
    path("assignments/<int:pk>/remove/", assignment_delete, name="manage_assignment_remove"),
]
