"""A figure that explains itself (issue 20): the seed's sentence, the system's reading of it,
the people behind the figure — each with the record that met it or the day it falls due — and
what changed since an earlier day.

The people are `selectors.population`: exactly those the subtree figure counts, on the same
tree of the day. The page, the API (`…/targets/{code}/explain`) and the resolution report's
sheet all read them here.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lib.numbers import grouped
from targets.engine import STATUS_LABELS, Status, due_on, shown_record_id, status_of, with_records
from targets.models import Target, TargetKind, WindowKind
from targets.selectors import population
from training.models import TrainingRecord
from units.models import UnitVersion


def _day(day: dt.date) -> str:
    return date_format(day, "d/m/Y")


def _names(related) -> str:
    return ", ".join(str(obj) for obj in related.all())


def reading(target: Target) -> list[tuple[str, str]]:
    """The system's reading of the target, in words: who is concerned, what counts, by when
    (docs/chi-tieu.md says the same for each built-in target, with the seed's sentence)."""
    who = []
    if roles := _names(target.roles):
        who.append(_("posts: %(roles)s") % {"roles": roles})
    elif target.key_leaders_only:
        who.append(_("key leaders"))
    if target.full_time is True:
        who.append(_("full-time cadres (any of their posts that day is full-time)"))
    elif target.full_time is False:
        who.append(_("part-time cadres (none of their posts that day is full-time)"))
    if levels := _names(target.levels):
        who.append(_("at the levels: %(levels)s") % {"levels": levels})
    if kinds := _names(target.unit_kinds):
        who.append(_("in units of the kinds: %(kinds)s") % {"kinds": kinds})
    if target.sector:
        who.append(_("employer sector: %(sector)s") % {"sector": target.get_sector_display()})
    if target.min_members is not None:
        who.append(
            _("unions of at least %(n)s members on the day asked")
            % {"n": grouped(target.min_members)}
        )
    if target.max_members is not None:
        who.append(
            _("unions of fewer than %(n)s members on the day asked")
            % {"n": grouped(target.max_members)}
        )
    if target.newly_elected:
        who.append(
            _(
                "newly elected: taking a key-leader post in that union, elected or designated, "
                "without having held one there in the previous term nor earlier in this one"
            )
        )
    if target.new_to_full_time:
        who.append(_("newly added full-time staff: their first full-time post"))
    if target.first_time_on_committee:
        who.append(_("on the executive committee for the first time"))
    if target.position_started_from or target.position_started_to:
        who.append(
            _("post taken from %(first)s to %(last)s")
            % {
                "first": _day(target.position_started_from)
                if target.position_started_from
                else "…",
                "last": _day(target.position_started_to) if target.position_started_to else "…",
            }
        )
    scope = target.scope_unit.name if target.scope_unit_id else _("the whole union system")
    who.append(_("within %(scope)s") % {"scope": scope})

    if target.kind == TargetKind.QUALIFICATION:
        counts = []
        if target.min_education is not None:
            counts.append(
                _("education at least: %(level)s") % {"level": target.get_min_education_display()}
            )
        if target.min_political_theory is not None:
            counts.append(
                _("political theory at least: %(level)s")
                % {"level": target.get_min_political_theory_display()}
            )
        what = "; ".join(counts)
    elif target.kind == TargetKind.TITLE_STANDARD:
        parts = []
        if target.standard_education:
            parts.append(_("the education it asks"))
        if target.standard_political_theory:
            parts.append(_("the political theory it asks"))
        if target.standard_topics:
            topics = _names(target.topics)
            parts.append(
                _("each training it requires among: %(t)s") % {"t": topics}
                if topics
                else _("each training it requires (done at any time)")
            )
        what = _(
            "meeting the standard of the title held (role and level, /standards/): %(parts)s; a "
            "title with no standard in force is not counted"
        ) % {"parts": "; ".join(parts)}
    else:
        topics = _names(target.topics)
        programmes = _names(target.programmes)
        if topics and target.all_topics:
            what = _("training in every one of these topics (one course or several): %(t)s") % {
                "t": topics
            }
        elif topics or programmes:
            what = _("one course in any of: %(t)s") % {
                "t": ", ".join(x for x in (topics, programmes) if x)
            }
        else:
            what = _("any course")
        if target.min_hours:
            what += "; " + _("at least %(n)s hours") % {"n": target.min_hours}
        if target.records_before_post_months:
            what += "; " + ngettext(
                "a course in the %(n)s month before taking the post counts",
                "a course in the %(n)s months before taking the post counts",
                target.records_before_post_months,
            ) % {"n": target.records_before_post_months}

    window = target.window
    if window == WindowKind.TERM:
        when = _("within the term of the post (by its last day)")
    elif window == WindowKind.YEARS_FROM_TERM_START:
        when = ngettext(
            "by the end of the %(n)st year of the term, or %(n)s year after taking the post "
            "for someone who takes it later",
            "by the end of the %(n)sth year of the term, or %(n)s years after taking the post "
            "for someone who takes it later",
            target.window_count,
        ) % {"n": target.window_count}
    elif window == WindowKind.MONTHS_FROM_POSITION_START:
        when = _("within %(n)s months of taking the post") % {"n": target.window_count}
    elif window == WindowKind.YEARLY:
        when = _("every calendar year, by 31 December; a new year starts afresh")
    else:
        when = _("by %(day)s: those in post that day, with the training done by then") % {
            "day": _day(target.deadline)
        }
    if target.obligations_due_from:
        when += "; " + _("only obligations falling due from %(day)s") % {
            "day": _day(target.obligations_due_from)
        }
    late = _(
        "Overdue: not met once the deadline has passed. Trained late: trained after the "
        "deadline — not met, shown apart."
    )
    return [
        (_("Who is concerned"), "; ".join(who)),
        (_("What counts as met"), what),
        (_("By when"), when),
        (_("Not met"), late),
    ]


@dataclass
class Line:
    """One person behind the figure."""

    position: object  # a Position of the population, with person, unit, role, term
    status: str
    record: TrainingRecord | None
    due_on: dt.date | None


def lines(target: Target, node: UnitVersion, day: dt.date, queryset=None) -> Iterator[Line]:
    """Everyone the node's figure counts, by unit then name, each with their status, the
    record that met the target (or came late) and the day it falls due."""
    qs = queryset if queryset is not None else people(target, node, day)
    rows = list(qs)
    ids = {r.record_id for r in rows if r.record_id} | {
        r.late_record_id for r in rows if r.late_record_id
    }
    records = TrainingRecord.objects.in_bulk(ids) if ids else {}
    for position in rows:
        status = status_of(position.met, position.late, position.overdue)
        yield Line(
            position,
            status,
            records.get(shown_record_id(position, status)),
            None if status == Status.MET else due_on(target, position, day),
        )


def people(target: Target, node: UnitVersion, day: dt.date):
    """The population queryset, ordered and annotated with the records to show."""
    qs = population(target, node, day).select_related("person", "unit", "role", "term")
    qs = with_records(qs, target, day)
    return qs.order_by("unit__code", "person__sort_key", "pk")


@dataclass
class Changes:
    """What changed between `since` and the day asked, person by person."""

    since: dt.date
    newly_met: list = field(default_factory=list)  # met now, not then
    no_longer_met: list = field(default_factory=list)  # met then, not now (a new window)
    joined: list = field(default_factory=list)  # concerned now, not then
    left: list = field(default_factory=list)  # concerned then, not now (moved, left the post)

    def summary(self) -> str:
        parts = []
        if self.newly_met:
            parts.append(_("+%(n)s met") % {"n": grouped(len(self.newly_met))})
        if self.no_longer_met:
            parts.append(_("−%(n)s no longer met") % {"n": grouped(len(self.no_longer_met))})
        if self.joined:
            parts.append(_("+%(n)s joined") % {"n": grouped(len(self.joined))})
        if self.left:
            parts.append(_("−%(n)s left") % {"n": grouped(len(self.left))})
        return ", ".join(parts) or _("no change")


def changes(target: Target, node: UnitVersion, day: dt.date, since: dt.date) -> Changes:
    """Who entered, left, or changed standing in the node's figure between the two days (each
    day's population under the tree of that day, as each day's figure is)."""
    from people.models import Person

    out = Changes(since)
    then_node = UnitVersion.objects.on(since).filter(unit_id=node.unit_id).first()
    before = (
        dict(population(target, then_node, since).values_list("person_id", "met"))
        if then_node
        else {}
    )
    after = dict(population(target, node, day).values_list("person_id", "met"))
    names = Person.objects.in_bulk(set(before) | set(after))
    for pid, met in after.items():
        if pid not in before:
            out.joined.append(names[pid])
        if met and not before.get(pid):
            out.newly_met.append(names[pid])
        if not met and before.get(pid):
            out.no_longer_met.append(names[pid])
    out.left = [names[pid] for pid in before if pid not in after]
    for group in (out.newly_met, out.no_longer_met, out.joined, out.left):
        group.sort(key=lambda p: p.sort_key)
    return out


def sheet_headers() -> list[str]:
    return [
        _("Target"),
        _("Full name"),
        _("Unit code"),
        _("Unit"),
        _("Role"),
        _("Status"),
        _("Record"),
        _("Completed on"),
        _("Due by"),
    ]


def sheet_rows(node: UnitVersion, day: dt.date, targets) -> Iterator[list]:
    """Every person behind every figure, for the report's sheet (dates as dates)."""
    for target in targets:
        for line in lines(target, node, day):
            p = line.position
            yield [
                target.code,
                p.person.full_name,
                p.unit.code,
                p.unit.name,
                p.role.name,
                str(STATUS_LABELS[line.status]),
                line.record.title if line.record else "",
                line.record.completed_on if line.record else None,
                line.due_on,
            ]


__all__ = ["Changes", "Line", "changes", "lines", "people", "reading", "sheet_rows"]
