"""Retention after training (`000`): the figures of a unit's subtree for a period, and the
list of people behind each figure. Thin: cadrework.retention defines and counts."""

from django.core.paginator import Paginator
from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.decorators import officer_required
from accounts.scope import get_scoped_or_404, scope_path
from cadrework import retention, retention_store
from cadrework.forms_retention import RetentionFilterForm
from lib.xlsx import Table, wants_xlsx, xlsx_response, xlsx_tables_response
from privacy.models import Source
from privacy.services import Counted, log_export, query_params
from units.models import Unit
from units.places import is_within

PAGE_SIZE = 50


def _unit(request: HttpRequest) -> Unit:
    """The unit asked for (?unit=, default the user's), in the user's subtree."""
    unit_id = retention.as_id(request.GET.get("unit") or str(request.user.unit_id))
    if unit_id is None:
        raise Http404
    return get_scoped_or_404(Unit.objects.select_related("kind__level"), request.user, pk=unit_id)


def _base_params(c: retention.Cohort) -> dict[str, str]:
    """The query string that asks the same question again."""
    params = {
        "unit": str(c.unit.pk),
        "from": f"{c.start:%d/%m/%Y}",
        "to": f"{c.end:%d/%m/%Y}",
        "on": f"{c.as_of:%d/%m/%Y}",
    }
    for name in ("programme", "organiser"):
        value = getattr(c, name)
        if value is not None:
            params[name] = value if isinstance(value, str) else str(value.pk)
    if c.topic is not None:
        params["topic"] = c.topic.code
    if c.direct:
        params["direct"] = "1"
    return params


def _lines(rows: list[retention.Row], base: dict) -> list[dict]:
    """Each row with the links to the lists behind its figures: the row's question, then the
    window (`months`) and `moved=1` (the row's query encoded once: a national page has
    hundreds of links)."""
    people_url = reverse("cadrework:retention_people")
    lines = []
    for r in rows:
        url = f"{people_url}?{urlencode({**base, **r.params})}"
        lines.append(
            {
                "row": r,
                "trained_url": url,
                "windows": [
                    (w, f"{url}&months={w.months}", f"{url}&months={w.months}&moved=1")
                    for w in r.figures.windows
                ],
            }
        )
    return lines


def _narrowing(c: retention.Cohort) -> list[str]:
    """What the cohort is narrowed to, in words."""
    out = []
    if c.programme is not None:
        out.append(
            _("Programme: %(name)s")
            % {"name": _("No programme") if isinstance(c.programme, str) else c.programme.name}
        )
    if c.topic is not None:
        out.append(_("Topic: %(name)s") % {"name": c.topic})
    if c.organiser is not None:
        out.append(
            _("Organiser: %(name)s")
            % {
                "name": _("No organiser (training elsewhere)")
                if isinstance(c.organiser, str)
                else c.organiser.name
            }
        )
    if c.direct:
        out.append(_("Posts in the unit itself only"))
    return out


def _day_asked(request: HttpRequest) -> bool:
    return any(request.GET.get(name) for name in ("from", "to", "on"))


@officer_required
def index(request: HttpRequest) -> HttpResponse:
    unit = _unit(request)
    form = RetentionFilterForm(request.GET, user=request.user)
    cohort, store = retention_store.answer(form.cohort(unit), _day_asked(request))
    by = form.cleaned_data.get("by") or "programme"
    base = _base_params(cohort)
    if store is not None:
        found = retention_store.read(store, cohort, by)
    else:
        found = {
            "totals": retention.totals(cohort),
            "groups": retention.by_group(cohort, by),
            "units": retention.by_unit(cohort),
            "trend": retention.trend(cohort),
        }
    units = _lines(found["units"], base)
    for line in units:  # a unit below opens its own figures
        if "direct" not in line["row"].params:
            line["drill"] = (
                f"{reverse('cadrework:retention')}?"
                f"{urlencode({**base, 'by': by, 'unit': line['row'].key})}"
            )
    context = {
        "unit": unit,
        "cohort": cohort,
        "form": form,
        "errors": form.error_lines(),
        "by": by,
        "by_label": dict(RetentionFilterForm.base_fields["by"].choices)[by],
        "windows": retention.WINDOWS,
        "narrowing": _narrowing(cohort),
        "totals": _lines([retention.Row(None, _("Total"), found["totals"], {})], base)[0],
        "groups": _lines(found["groups"], base),
        "units": units,
        "trend": _lines(found["trend"], base),
        "store": store,
        "query": urlencode({**base, "by": by}),
    }
    if wants_xlsx(request):
        return _figures_xlsx(context)
    return render(request, "cadrework/retention.html", context)


def _figure_cells(f: retention.Figures) -> list:
    cells = [f.trained]
    for w in f.windows:
        cells += [w.known, w.left, w.percent, w.moved] if w.is_known else [None] * 4
    return cells


def _figure_heads() -> list[str]:
    heads = [_("Trained")]
    for n in retention.WINDOWS:
        heads += [
            _("Window known (%(n)s months)") % {"n": n},
            _("Left within %(n)s months") % {"n": n},
            _("Left within %(n)s months (%%)") % {"n": n},
            _("Moved within the union within %(n)s months") % {"n": n},
        ]
    return heads


def _figures_xlsx(context: dict) -> HttpResponse:
    c: retention.Cohort = context["cohort"]
    heads = _figure_heads()

    def rows(lines):
        return [[line["row"].label, *_figure_cells(line["row"].figures)] for line in lines]

    tables = [
        Table(["", *heads], rows([context["totals"]]), _("Total")),
        Table([_("Group"), *heads], rows(context["groups"]), str(context["by_label"])),
        Table([_("Unit"), *heads], rows(context["units"]), _("By unit")),
        Table([_("Year of training"), *heads], rows(context["trend"]), _("Trend per year")),
    ]
    return xlsx_tables_response(
        f"giu-chan-sau-dao-tao-{c.unit.code}-{c.start:%Y%m%d}-{c.end:%Y%m%d}.xlsx",
        _("Retention"),
        tables,
        title=_("Retention after training — %(name)s") % {"name": c.unit.name},
        subtitle=_subtitle(c),
    )


def _subtitle(c: retention.Cohort) -> str:
    text = _("Trained from %(start)s to %(end)s, as of %(day)s") % {
        "start": f"{c.start:%d/%m/%Y}",
        "end": f"{c.end:%d/%m/%Y}",
        "day": f"{c.as_of:%d/%m/%Y}",
    }
    return " · ".join([text, *_narrowing(c)])


@officer_required
def people(request: HttpRequest) -> HttpResponse:
    """The people behind a figure: trained, or left within 6, 12 or 24 months."""
    unit = _unit(request)
    form = RetentionFilterForm(request.GET, user=request.user)
    cohort = form.cohort(unit)
    months = form.cleaned_data.get("months")
    moved = bool(months and form.cleaned_data.get("moved"))
    title = (
        _("Moved to another union post within %(n)s months of training") % {"n": months}
        if moved
        else _("Left union work within %(n)s months of training") % {"n": months}
        if months
        else _("Trained people")
    )
    if wants_xlsx(request):
        return _people_xlsx(request, cohort, retention.people(cohort, months, moved), title)
    # The stored figures, when they hold this cohort, count the list and give its window.
    figures = retention_store.counted(cohort)
    count = None if figures is None else retention_store.listed_in(figures, months, moved)
    rows = retention.PeopleList(cohort, months, moved, count=count)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    language, path = get_language(), scope_path(request.user) or "\0"
    for row in page.object_list:
        row.shown = retention.describe(row, language)
        row.linkable = is_within(row.person.unit, path)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    base = _base_params(cohort)
    return render(
        request,
        "cadrework/retention_people.html",
        {
            "unit": unit,
            "cohort": cohort,
            "months": months,
            "moved": moved,
            "title": title,
            "page": page,
            "errors": form.error_lines(),
            "narrowing": _narrowing(cohort),
            "window": None
            if months is None
            else (figures or retention.totals(cohort)).window(months),
            "query": query.urlencode(),
            "back": f"{reverse('cadrework:retention')}?{urlencode(base)}",
        },
    )


def _people_xlsx(request, c: retention.Cohort, rows, title: str) -> HttpResponse:
    """The people behind a figure, by name (logged: personal data)."""
    language = get_language()
    headers = [
        _("Full name"),
        _("Unit code"),
        _("Unit"),
        _("Course"),
        _("Completed on"),
        _("Post"),
        _("End date"),
        _("Reason"),
        _("Months after training"),
    ]

    def values():
        for row in rows.iterator(chunk_size=2000):
            shown = retention.describe(row, language)
            yield [
                row.person.full_name,
                row.post_unit_code,
                row.post_unit_name,
                row.title,
                row.completed_on,
                shown["role"],
                row.post_end,
                shown["reason"],
                shown["months"],
            ]

    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The rows stream from a server-side cursor, which PostgreSQL plans for its first
            # tenth (10x slower here): the whole list is wanted.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        listed = Counted(values())
        response = xlsx_response(
            f"giu-chan-sau-dao-tao-ds-{c.unit.code}-{c.start:%Y%m%d}-{c.end:%Y%m%d}.xlsx",
            _("People"),
            headers,
            listed,
            title=f"{title} — {c.unit.name}",
            subtitle=_subtitle(c),
        )
    log_export(
        request,
        Source.RETENTION_PEOPLE,
        unit=c.unit,
        params=query_params(request),
        count=listed.count,
    )
    return response


urlpatterns = [
    path("retention/", index, name="retention"),
    path("retention/people/", people, name="retention_people"),
]
