"""Pages of the yearly cycle. Thin: forms parse, planning.services decide, selectors read."""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import acts_for, directly_above
from accounts.decorators import officer_required, writer_required
from accounts.scope import get_scoped_or_404
from lib.dates import as_of, query_date, query_year, today
from lib.forms import REFUSED, form_errors_to_messages, run_service
from lib.xlsx import Table, wants_xlsx, xlsx_response, xlsx_tables_response
from planning import new_cadres_store, selectors, services
from planning.forms import (
    AnswerForm,
    ClassGoalsForm,
    ClassLinkForm,
    CommentForm,
    DeadlineForm,
    GrowthForm,
    OwnClassGoalForm,
    PlanCreateForm,
    PlanLineForm,
    ReasonForm,
    SpendingForm,
    SurveyForm,
)
from planning.models import (
    ClassLink,
    MemberGrowth,
    Plan,
    PlanDeadline,
    PlanLine,
    PlanStatus,
    Spending,
    SurveyAnswer,
    TargetGroup,
)
from privacy.models import Source
from privacy.services import log_export
from training.selectors import classes_visible_to
from units.models import Unit
from units.selectors import version_on


def _unit_and_year(request: HttpRequest) -> tuple[Unit, int]:
    """The unit asked for (?unit=, default the user's), in scope, and the year (?year=)."""
    unit_id = request.GET.get("unit") or request.user.unit_id
    # Plans start in 2000 (planning.models); another year is named and this year shown.
    year = query_year(request, first=2000) or today().year
    if not str(unit_id).isdigit():
        raise Http404
    return get_scoped_or_404(
        Unit.objects.select_related("kind__level", "parent"), request.user, pk=int(unit_id)
    ), year


def _plan(request, pk: int) -> Plan:
    return get_scoped_or_404(Plan.objects.select_related("unit__parent"), request.user, pk=pk)


def _line(request, pk: int) -> PlanLine:
    return get_scoped_or_404(PlanLine.objects.select_related("plan__unit"), request.user, pk=pk)


def _survey(request, pk: int):
    survey = selectors.surveys_visible_to(request.user).select_related("unit").filter(pk=pk).first()
    if survey is None:
        raise Http404
    return survey


# --- the planning overview of a unit and year ---------------------------------------------


PLANS_PER_PAGE = 50


@officer_required
def index(request: HttpRequest) -> HttpResponse:
    unit, year = _unit_and_year(request)
    own = Plan.objects.filter(unit=unit, year=year).first()
    # Paged: the confederation's subtree has a plan for every unit above grassroots.
    page = Paginator(selectors.plans_below(unit, year), PLANS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    deadline = PlanDeadline.objects.filter(unit=unit, year=year).first()
    return render(
        request,
        "planning/index.html",
        {
            "unit": unit,
            "year": year,
            "own": own,
            "page": page,
            "plans": selectors.with_figures(page.object_list),
            "not_submitted": selectors.not_submitted(unit, year),
            "deadline": deadline,
            "overdue": deadline is not None and deadline.due_on < today(),
            "surveys": selectors.surveys_visible_to(request.user)
            .filter(year=year)
            .select_related("unit"),
            "deadline_form": DeadlineForm(
                initial={"year": year, "due_on": deadline and deadline.due_on}
            ),
            "create_form": PlanCreateForm(initial={"year": year}),
        },
    )


@writer_required
@require_POST
def plan_create(request: HttpRequest) -> HttpResponse:
    unit, _year = _unit_and_year(request)
    form = PlanCreateForm(request.POST)
    if form.is_valid():
        plan = run_service(
            request,
            lambda: services.plan_create(
                user=request.user, unit=unit, year=form.cleaned_data["year"]
            ),
            _("The plan was created."),
        )
        if plan is not REFUSED:
            return redirect("planning:plan_detail", plan.pk)
    else:
        form_errors_to_messages(request, form)
    return redirect(f"{reverse('planning:index')}?unit={unit.pk}")


@writer_required
@require_POST
def deadline_set(request: HttpRequest) -> HttpResponse:
    unit, _year = _unit_and_year(request)
    form = DeadlineForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: services.deadline_set(user=request.user, unit=unit, **form.cleaned_data),
            _("The deadline was set."),
        )
        year = form.cleaned_data["year"]
    else:
        form_errors_to_messages(request, form)
        year = _year
    return redirect(f"{reverse('planning:index')}?unit={unit.pk}&year={year}")


@officer_required
def consolidated(request: HttpRequest) -> HttpResponse:
    """The unit's own lines plus those its subtree sent up, by topic and target group."""
    unit, year = _unit_and_year(request)
    rows = selectors.consolidated(unit, year)
    totals = selectors.plan_vs_actual(selectors.consolidated_lines(unit, year)).get(())
    context = {
        "unit": unit,
        "year": year,
        "rows": rows,
        "totals": totals,
        "not_submitted": selectors.not_submitted(unit, year),
    }
    if wants_xlsx(request):  # every plan of the subtree
        return _consolidated_xlsx(context | {"plans": selectors.plans_under(unit, year)})
    # By unit, a page of plans: the confederation's subtree has one for every unit above
    # grassroots (its page rendered ~800 rows: 0.6 s).
    page = Paginator(selectors.plans_of_subtree(unit, year), PLANS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context |= {"page": page, "plans": selectors.with_figures(page.object_list)}
    return render(request, "planning/consolidated.html", context)


def _figure_cells(f) -> list:
    return [f.planned_classes, f.classes, f.planned_trainees, f.trainees, f.budget, f.spending]


FIGURE_HEADS = (
    "Planned classes",
    "Classes held",
    "Planned trainees",
    "Trainees",
    "Budget estimate (VND)",
    "Actual spending (VND)",
)


def _consolidated_xlsx(context) -> HttpResponse:
    unit, year = context["unit"], context["year"]
    heads = [_(h) for h in FIGURE_HEADS]
    by_topic = [
        [str(r["subject"]), r["target_group"], *_figure_cells(r["figures"])]
        for r in context["rows"]
    ]
    by_unit = [
        [p.unit.code, p.unit.name, p.get_status_display(), *_figure_cells(f)]
        for p, f in context["plans"]
    ]
    return xlsx_tables_response(
        f"ke-hoach-tong-hop-{unit.code}-{year}.xlsx",
        _("Consolidated plan"),
        [
            Table(
                [_("Topic or programme"), _("Target group"), *heads],
                by_topic,
                _("By topic and target group"),
            ),
            Table([_("Unit code"), _("Unit"), _("Status"), *heads], by_unit, _("By unit")),
        ],
        title=_("Consolidated training plan %(year)s — %(name)s")
        % {"year": year, "name": unit.name},
    )


# --- one plan -----------------------------------------------------------------------------


@officer_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    lines = selectors.lines_with_figures(plan)
    return render(
        request,
        "planning/plan_detail.html",
        {
            "plan": plan,
            "lines": lines,
            "totals": selectors.plan_vs_actual(plan.lines.all()).get(()),
            "events": plan.events.select_related("user")[:50],
            "links": ClassLink.objects.filter(line__plan=plan).select_related(
                "training_class", "line"
            ),
            "line_form": PlanLineForm(initial={"classes": 1, "budget": 0}),
            "comment_form": CommentForm(),
            "link_form": ClassLinkForm(),
            "linkable": selectors.linkable_classes(plan)[:200],
            "may_edit": request.user.can_write
            and plan.status != PlanStatus.SUBMITTED
            and acts_for(request.user, plan.unit),
            "may_decide": request.user.can_write
            and plan.status == PlanStatus.SUBMITTED
            and directly_above(request.user, plan.unit),
        },
    )


def _line_form_page(request, plan: Plan, line: PlanLine | None) -> HttpResponse:
    initial = (
        {f: getattr(line, f) for f in services.LINE_FIELDS} if line else {"classes": 1, "budget": 0}
    )
    form = PlanLineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if (
            run_service(
                request,
                lambda: services.line_save(
                    user=request.user,
                    plan=plan,
                    line=line,
                    reason=form.cleaned_data["reason"],
                    **form.line_fields(),
                ),
                _("The plan line was saved."),
                form,
            )
            is not REFUSED
        ):
            return redirect("planning:plan_detail", plan.pk)
    title = _("Edit plan line") if line else _("New plan line")
    return render(
        request,
        "planning/form.html",
        {
            "form": form,
            "title": f"{title} — {plan}",
            "back": plan,
            "revision": plan.status == PlanStatus.APPROVED,
        },
    )


@writer_required
def line_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _line_form_page(request, _plan(request, pk), None)


@writer_required
def line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    return _line_form_page(request, line.plan, line)


@writer_required
@require_POST
def line_delete(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    run_service(
        request,
        lambda: services.line_delete(
            user=request.user, line=line, reason=form.cleaned_data.get("reason", "")
        ),
        _("The plan line was removed."),
    )
    return redirect("planning:plan_detail", line.plan_id)


@writer_required
@require_POST
def plan_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Submit, return (with a comment) or approve."""
    plan = _plan(request, pk)
    form = CommentForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    calls = {
        "submit": (
            lambda: services.plan_submit(user=request.user, plan=plan),
            _("The plan was submitted to the unit above."),
        ),
        "return": (
            lambda: services.plan_return(user=request.user, plan=plan, comment=comment),
            _("The plan was returned with your comment."),
        ),
        "approve": (
            lambda: services.plan_approve(user=request.user, plan=plan, comment=comment),
            _("The plan was approved."),
        ),
    }
    run_service(request, *calls[action])
    return redirect("planning:plan_detail", plan.pk)


@writer_required
@require_POST
def class_link(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    form = ClassLinkForm(request.POST)
    if form.is_valid():
        code = form.cleaned_data["training_class"].strip()
        training_class = classes_visible_to(request.user).filter(code__iexact=code).first()
        if training_class is None:
            messages.error(
                request, _("No class with code %(code)s in your scope.") % {"code": code}
            )
        else:
            run_service(
                request,
                lambda: services.class_link(
                    user=request.user, line=line, training_class=training_class
                ),
                _("The class now counts toward the plan line."),
            )
    else:
        form_errors_to_messages(request, form)
    return redirect("planning:plan_detail", line.plan_id)


@writer_required
@require_POST
def class_unlink(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_scoped_or_404(
        ClassLink.objects.select_related("line__plan__unit"), request.user, pk=pk
    )
    run_service(
        request,
        lambda: services.class_unlink(user=request.user, link=link),
        _("The class no longer counts toward the plan line."),
    )
    return redirect("planning:plan_detail", link.line.plan_id)


# --- spending -----------------------------------------------------------------------------


@officer_required
def spending(request: HttpRequest) -> HttpResponse:
    """The unit's spending for the year and its share, and the units below with theirs."""
    unit, year = _unit_and_year(request)
    own = Spending.objects.filter(unit=unit, year=year).first()
    form = SpendingForm(
        request.POST or None,
        initial={
            "operating_total": own.operating_total,
            "other_training": own.other_training,
            "note": own.note,
        }
        if own
        else {"other_training": 0},
    )
    if request.method == "POST":
        if not request.user.can_write:
            raise Http404
        if (
            form.is_valid()
            and run_service(
                request,
                lambda: services.spending_save(
                    user=request.user, unit=unit, year=year, **form.cleaned_data
                ),
                _("The spending was saved."),
                form,
            )
            is not REFUSED
        ):
            return redirect(f"{reverse('planning:spending')}?unit={unit.pk}&year={year}")
    # The units below as the tree stood on the day the year's figures are placed by: the same
    # rows the spending-share target counts (planning.selectors.spending_figures). The unit
    # asked is in the user's scope; its rows are those of its subtree of that day, a unit since
    # moved elsewhere included, as in the figures the unit reported then.
    day = selectors.figures_day(year)
    node = version_on(unit, day)
    rows = (
        selectors.spending_rows(node, year, day).select_related("unit").order_by("unit__path")
        if node
        else Spending.objects.none()
    )
    for row in rows:
        row.share = selectors.share(row.training, row.operating_total)
    return render(
        request,
        "planning/spending.html",
        {
            "unit": unit,
            "year": year,
            "form": form,
            "rows": rows,
            "own": selectors.spending_share(own) if own else None,
        },
    )


# --- member growth ------------------------------------------------------------------------


@officer_required
def growth(request: HttpRequest) -> HttpResponse:
    """Member growth of the unit's subtree for the year, and the form to enter figures."""
    unit, year = _unit_and_year(request)
    form = GrowthForm(request.POST or None, user=request.user, initial={"unit": unit.code})
    if request.method == "POST":
        if not request.user.can_write:
            raise Http404
        if (
            form.is_valid()
            and run_service(
                request,
                lambda: services.growth_save(
                    user=request.user,
                    unit=form.cleaned_data["unit"],
                    period_start=form.cleaned_data["period_start"],
                    period_end=form.cleaned_data["period_end"],
                    **form.figures(),
                ),
                _("The member-growth figures were saved."),
                form,
            )
            is not REFUSED
        ):
            return redirect(f"{reverse('planning:growth')}?unit={unit.pk}&year={year}")
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    node = version_on(unit, selectors.figures_day(year)) or version_on(unit, end)
    # The rows the totals sum (selectors.growth_totals), so that the list adds up to its total
    # (placed as the tree stood then, as for spending above).
    rows = (
        selectors.with_grassroots_in_system(selectors.growth_rows(node, start, end), end)
        .select_related("unit")
        .order_by("unit__path", "period_start")
        if node
        else MemberGrowth.objects.none()
    )
    return render(
        request,
        "planning/growth.html",
        {
            "unit": unit,
            "year": year,
            "form": form,
            "rows": rows,
            "totals": selectors.growth_totals(node, start, end) if node else None,
            "left_out": (
                selectors.growth_rows_left_out(node, start, end)
                .select_related("unit")
                .order_by("unit__path", "period_start")
                if node
                else MemberGrowth.objects.none()
            ),
        },
    )


# --- needs surveys ------------------------------------------------------------------------


@officer_required
def survey_list(request: HttpRequest) -> HttpResponse:
    surveys = selectors.surveys_visible_to(request.user).select_related("unit")
    return render(request, "planning/survey_list.html", {"surveys": surveys, "today": today()})


@writer_required
def survey_create(request: HttpRequest) -> HttpResponse:
    form = SurveyForm(request.POST or None, initial={"year": today().year + 1})
    if request.method == "POST" and form.is_valid():
        survey = run_service(
            request,
            lambda: services.survey_open(
                user=request.user, unit=request.user.unit, **form.cleaned_data
            ),
            _("The survey is open to the units below."),
            form,
        )
        if survey is not REFUSED:
            return redirect("planning:survey_detail", survey.pk)
    return render(
        request, "planning/form.html", {"form": form, "title": _("Open a training-needs survey")}
    )


@officer_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Results for the user's subtree; the answer form for a unit under the survey's."""
    survey = _survey(request, pk)
    unit = request.user.unit
    answer = SurveyAnswer.objects.filter(survey=survey, unit=unit).prefetch_related("needs").first()
    topics = survey.topics.all()
    answering = unit.pk != survey.unit_id
    form = AnswerForm(request.POST or None, topics=topics, answer=answer)
    if request.method == "POST":
        if not (request.user.can_write and answering):
            raise Http404
        if (
            form.is_valid()
            and run_service(
                request,
                lambda: services.answer_save(
                    user=request.user,
                    survey=survey,
                    unit=unit,
                    needs=form.needs(),
                    comment=form.cleaned_data["comment"],
                ),
                _("Your answer was saved."),
                form,
            )
            is not REFUSED
        ):
            return redirect("planning:survey_detail", survey.pk)
    return render(
        request,
        "planning/survey_detail.html",
        {
            "survey": survey,
            "form": form,
            "answer": answer,
            "answering": answering,
            "groups": TargetGroup.choices,
            "is_open": survey.is_open_on(today()),
            "unit": unit,
            "results": selectors.survey_results(survey, unit),
            "progress": selectors.survey_progress(survey, unit),
            "own_plan": Plan.objects.filter(unit=unit, year=survey.year).first(),
        },
    )


@writer_required
@require_POST
def survey_close(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_scoped_or_404(selectors.surveys_visible_to(request.user), request.user, pk=pk)
    run_service(
        request,
        lambda: services.survey_close(user=request.user, survey=survey),
        _("The survey is closed."),
    )
    return redirect("planning:survey_detail", survey.pk)


@writer_required
@require_POST
def plan_from_survey(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft the user's unit's plan for the survey's year from its results and the needs."""
    survey = _survey(request, pk)
    plan = run_service(
        request,
        lambda: services.plan_draft_from_needs(
            user=request.user, unit=request.user.unit, year=survey.year, survey=survey
        ),
        _("A draft plan was made from the survey and the training needs: check and complete it."),
    )
    if plan is not REFUSED:
        return redirect("planning:plan_detail", plan.pk)
    return redirect("planning:survey_detail", survey.pk)


# --- the enterprise register ---------------------------------------------------------------


@officer_required
def employers(request: HttpRequest) -> HttpResponse:
    """Coverage from the enterprise register — employers with 30 workers or more that have a
    grassroots union, in the subtree and per area union — and the organiser's working list of
    those still without one (the largest first); the list as XLSX."""
    unit, year = _unit_and_year(request)
    day = today()
    node = version_on(unit, day)
    if node is None:
        raise Http404
    without = selectors.employers_without_union(node, day)
    if wants_xlsx(request):
        return _employers_xlsx(unit, without)
    return render(
        request,
        "planning/employers.html",
        {
            "unit": unit,
            "year": year,
            "coverage": selectors.register_coverage(node, day),
            "without": without[:500],
            "without_count": without.count(),
            "registered": selectors.employers_under(node, day).count(),
            "min_workers": selectors.MIN_WORKERS,
        },
    )


def _employers_xlsx(unit: Unit, without) -> HttpResponse:
    headers = [
        _("Tax code"),
        _("Name"),
        _("Address"),
        _("Ward or commune"),
        _("Province"),
        _("Sector"),
        _("Workers"),
        _("Area union"),
    ]
    rows = (
        [e.tax_code, e.name, e.address, e.commune, e.province, e.sector, e.workers, e.area.name]
        for e in without.iterator(chunk_size=2000)
    )
    return xlsx_response(
        f"doanh-nghiep-chua-co-cdcs-{unit.code}.xlsx",
        _("Without a union"),
        headers,
        rows,
        title=_("Employers with 30 workers or more without a grassroots union — %(unit)s")
        % {"unit": unit.name},
    )


# --- new cadres not yet trained, by category ----------------------------------------------

NEW_CADRES_PAGE = 50


@officer_required
def new_cadres(request: HttpRequest) -> HttpResponse:
    """After a congress: the new cadres not yet trained in basic union work, by category and
    per unit below (004), to report up; the people themselves, and as XLSX (logged)."""
    unit, year = _unit_and_year(request)
    day = as_of(request)
    node = version_on(unit, day)
    if node is None:
        raise Http404
    since = query_date(request, "since") or selectors.congress_day(node, day)
    found = new_cadres_store.found(node, min(since, day), day)  # stored, else live
    labels = selectors.new_cadre_labels()
    if wants_xlsx(request):
        return _new_cadres_xlsx(request, unit, found, labels)
    # The people a page at a time (the export lists them all): only the page's are read.
    page = Paginator(found["people"], NEW_CADRES_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "planning/new_cadres.html",
        {
            "unit": unit,
            "year": year,
            "node": node,
            "found": found,
            "categories": [(c, labels[c]) for c in selectors.NEW_CADRE_CATEGORIES],
            "page": page,
            "people": page.object_list,
            "query": query.urlencode(),
        },
    )


def _new_cadres_xlsx(request: HttpRequest, unit: Unit, found: dict, labels: dict):
    people = found["people"]
    log_export(request, Source.NEEDS_LIST, unit=unit, count=len(people))
    return xlsx_response(
        f"can-bo-moi-chua-dao-tao-{unit.code}.xlsx",
        _("New cadres"),
        [_("Full name"), _("Unit"), _("Post"), _("Since"), _("Category")],
        (
            [c.name, c.unit_name, c.role, c.started_on, labels[c.category]]
            for c in people.iter_all()
        ),
        title=_("New cadres not yet trained in basic union work — %(unit)s") % {"unit": unit.name},
        subtitle=_("Posts taken from %(since)s; as of %(day)s")
        % {"since": f"{found['since']:%d/%m/%Y}", "day": f"{found['day']:%d/%m/%Y}"},
    )


@officer_required
def class_goals(request: HttpRequest) -> HttpResponse:
    """Classes and trainees of a year given to the units directly below (004: "chỉ tiêu mở
    lớp cũng như đối tượng được đào tạo"), by hand or in proportion to members or workers,
    each judged on what its subtree held that year; and the unit's own higher goals."""
    unit, year = _unit_and_year(request)
    day = today()
    node = version_on(unit, day)
    if node is None:
        raise Http404
    table = selectors.class_goals(node, year, day)
    form = ClassGoalsForm(None, rows=table.rows)
    own_form = OwnClassGoalForm()
    if request.method == "POST":
        if not request.user.can_write:
            raise Http404
        back = redirect(f"{request.path}?unit={unit.pk}&year={year}")
        divide = request.POST.get("divide")
        if divide:  # refused or done, the page shows the message and the table as it is
            run_service(
                request,
                lambda: services.class_goals_in_proportion(
                    user=request.user, unit=unit, year=year, by=divide
                ),
                _("The goal was divided among the units below."),
            )
            return back
        if "own" in request.POST:
            own_form = OwnClassGoalForm(request.POST)
            done = own_form.is_valid() and run_service(
                request,
                lambda: services.class_goal_set_own(
                    user=request.user, unit=unit, year=year, **own_form.cleaned_data
                ),
                _("Your unit's own goal was saved."),
                own_form,
            )
        else:
            form = ClassGoalsForm(request.POST, rows=table.rows)
            done = form.is_valid() and run_service(
                request,
                lambda: services.class_goals_give(
                    user=request.user, unit=unit, year=year, goals=form.goals()
                ),
                _("The goals given to the units below were saved."),
                form,
            )
        if done and done is not REFUSED:
            return back
    return render(
        request,
        "planning/class_goals.html",
        {
            "unit": unit,
            "year": year,
            "node": node,
            "table": table,
            "form": form,
            "own_form": own_form,
        },
    )
