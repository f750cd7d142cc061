import re

from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.decorators import officer_required, writer_required
from accounts.scope import get_scoped_or_404, scoped
from lib.dates import as_of
from lib.forms import REFUSED, run_service
from lib.periods import in_force_q
from lib.vntext import fold
from lib.xlsx import wants_xlsx, xlsx_response
from units import forms, services
from units.models import Reorganisation, Unit, UnitVersion
from units.selectors import ancestors_on, children_with_counts, subtree_counts, version_on


def _unit_or_404(request: HttpRequest, pk: int) -> Unit:
    return get_scoped_or_404(
        Unit.objects.select_related("kind__level", "parent"), request.user, pk=pk
    )


@officer_required
def tree(request: HttpRequest) -> HttpResponse:
    """The structure under a unit as of a date, with counts per child subtree."""
    day = as_of(request)
    unit_id = request.GET.get("unit") or request.user.unit_id
    if not str(unit_id).isdigit():
        raise Http404
    unit = _unit_or_404(request, int(unit_id))
    node = version_on(unit, day)
    context = {"unit": unit, "node": node, "day": day}
    if node is not None:
        scope_depth = request.user.unit.depth
        children = children_with_counts(node, day, request.user)
        # The links of a unit without sub-units, here rather than in the template: a
        # `{% url %}` per row was a third of an upper union's page (a row per grassroots).
        for child in children:
            child["detail_url"] = reverse("units:detail", args=[child["unit"].pk])
        context.update(
            children=children,
            totals=subtree_counts(node, day, request.user),
            ancestors=[a for a in ancestors_on(node, day) if a.depth >= scope_depth],
        )
        if wants_xlsx(request):
            return _tree_xlsx(node, day, context["children"], context["totals"])
    template = (
        "units/_children.html" if request.htmx and request.GET.get("partial") else "units/tree.html"
    )
    return render(request, template, context)


def _tree_xlsx(node: UnitVersion, day, children: list[dict], totals: dict) -> HttpResponse:
    """The children of the tree page with their counts, as a workbook."""
    headers = [_("Unit code"), _("Unit"), _("Kind"), _("Sub-units"), _("Cadres"), _("Full-time")]
    rows = (
        [
            c["unit"].code,
            c["version"].name,
            str(c["version"].kind),
            c["sub_units"],
            c["cadres"],
            c["full_time"],
        ]
        for c in children
    )
    subtitle = _(
        "As of %(day)s · %(units)s units below it in all, %(direct)s of them directly · "
        "%(cadres)s cadres in the whole subtree, of whom %(ft)s full-time"
    ) % {
        "day": f"{day:%d/%m/%Y}",
        "units": intcomma(totals["sub_units"]),
        "direct": len(children),
        "cadres": intcomma(totals["cadres"]),
        "ft": intcomma(totals["full_time"]),
    }
    return xlsx_response(
        f"co-cau-{node.unit.code}-{day:%Y%m%d}.xlsx",
        _("Units"),
        headers,
        rows,
        title=_("Structure of %(name)s") % {"name": node.name},
        subtitle=subtitle,
    )


@officer_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    day = as_of(request)
    unit = _unit_or_404(request, pk)
    node = version_on(unit, day)
    # Positions are reached through the reverse relation: units does not import people.
    positions = (
        unit.positions.filter(in_force_q(day))
        .select_related("person", "role")
        .order_by("role__rank", "person__sort_key")
    )
    return render(
        request,
        "units/detail.html",
        {
            "unit": unit,
            "day": day,
            "node": node,
            "positions": positions,
            "terms": unit.terms.all(),
            "figures": unit.figures.all()[:10],
            "history": UnitVersion.objects.filter(unit=unit)
            .select_related("parent", "kind")
            .order_by("-valid_from"),
            "reorganisations": Reorganisation.objects.filter(
                Q(unit=unit) | Q(other_unit=unit)
            ).select_related("unit", "other_unit")[:50],
            "counts": subtree_counts(node, day, request.user) if node else None,
        },
    )


@officer_required
def suggest(request: HttpRequest) -> HttpResponse:
    """<option>s for the unit-code datalist: whatever the box is named, its value is the query."""
    text = fold(next(iter(request.GET.values()), ""))
    units = scoped(Unit.objects.all(), request.user).filter(dissolved_on__isnull=True)
    units = units.filter(search_name__contains=text).order_by("code")[:15] if text else []
    return render(request, "units/_suggestions.html", {"units": units})


FIELD_NAME = re.compile(r"^[a-z_]{1,40}$")


@writer_required
def pick(request: HttpRequest) -> HttpResponse:
    """Units to tick for a units picker (units.fields.UnitsPickWidget): any unit alive, by
    name or code — invitations and co-organisers cross the user's scope."""
    field = request.GET.get("field", "")
    if not FIELD_NAME.match(field):
        raise Http404
    text = fold(request.GET.get(f"pick-{field}", ""))
    units = (
        Unit.objects.filter(dissolved_on__isnull=True)
        .filter(Q(search_name__contains=text) | Q(code__iexact=text.strip()))
        .select_related("parent")
        .order_by("depth", "code")[:15]
        if text.strip()
        else []
    )
    return render(
        request,
        "units/_pick_choices.html",
        {"units": units, "field": field, "searched": bool(text.strip())},
    )


def _form_page(request, form, title, unit=None):
    return render(request, "units/form.html", {"form": form, "title": title, "unit": unit})


@writer_required
def create(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.GET.get("parent", "").isdigit():
        parent = _unit_or_404(request, int(request.GET["parent"]))
        initial["parent"] = parent.code
    form = forms.UnitCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        unit = run_service(
            request, lambda: services.unit_create(user=request.user, **form.cleaned_data), form=form
        )
        if unit is not REFUSED:
            messages.success(request, _("Unit %(name)s created.") % {"name": unit.name})
            return redirect("units:detail", pk=unit.pk)
    return _form_page(request, form, _("New unit"))


@writer_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_or_404(request, pk)
    form = forms.UnitEditForm(
        request.POST or None,
        initial={"code": unit.code, "sector": unit.sector, "founded_on": unit.founded_on},
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            request,
            lambda: services.unit_update(user=request.user, unit=unit, **form.cleaned_data),
            _("Changes saved."),
            form,
        )
        if saved is not REFUSED:
            return redirect("units:detail", pk=unit.pk)
    return _form_page(request, form, _("Correct unit details"), unit)


def _reorganise(request, pk, form_class, service, title, **form_kwargs):
    """The shared flow of rename / move / dissolve / merge: form, service, message, redirect."""
    unit = _unit_or_404(request, pk)
    form = form_class(request.POST or None, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request, lambda: service(unit, form.cleaned_data), _("The change was recorded."), form
        )
        if done is not REFUSED:
            return redirect("units:detail", pk=unit.pk)
    return _form_page(request, form, title, unit)


@writer_required
def rename(request: HttpRequest, pk: int) -> HttpResponse:
    return _reorganise(
        request,
        pk,
        forms.RenameForm,
        lambda unit, d: services.unit_rename(user=request.user, unit=unit, **d),
        _("Rename unit"),
    )


@writer_required
def move(request: HttpRequest, pk: int) -> HttpResponse:
    def run(unit, d):
        services.unit_move(
            user=request.user,
            unit=unit,
            new_parent=d["parent"],
            effective_on=d["effective_on"],
            note=d["note"],
        )

    return _reorganise(request, pk, forms.MoveForm, run, _("Move unit"), user=request.user)


@writer_required
def dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    return _reorganise(
        request,
        pk,
        forms.DissolveForm,
        lambda unit, d: services.unit_dissolve(user=request.user, unit=unit, **d),
        _("Dissolve unit"),
    )


@writer_required
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    def run(target, d):
        codes = [c.strip() for c in d["sources"].replace(";", ",").split(",") if c.strip()]
        sources = list(
            scoped(Unit.objects.select_related("kind__level"), request.user).filter(code__in=codes)
        )
        missing = set(codes) - {u.code for u in sources}
        if missing:
            raise ValidationError(
                {
                    "sources": _("No unit with code %(code)s in your scope.")
                    % {"code": ", ".join(sorted(missing))}
                }
            )
        services.unit_merge(
            user=request.user,
            sources=sources,
            target=target,
            effective_on=d["effective_on"],
            note=d["note"],
        )

    return _reorganise(request, pk, forms.MergeForm, run, _("Merge units into this one"))


@writer_required
def term_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _reorganise(
        request,
        pk,
        forms.TermForm,
        lambda unit, d: services.term_create(user=request.user, unit=unit, **d),
        _("New term"),
    )


@writer_required
def figures(request: HttpRequest, pk: int) -> HttpResponse:
    return _reorganise(
        request,
        pk,
        forms.FiguresForm,
        lambda unit, d: services.unit_set_figures(user=request.user, unit=unit, **d),
        _("Members and workers"),
    )
